// AdamW with linear warm-up, cosine decay and global-norm gradient clipping, exactly as
// docs/transformer.md specifies (the PyTorch and TensorFlow.js references do the same). The
// parameters are seen as one flat index space so threads can each update a disjoint range.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace embedlab {

struct AdamWOptions {
  double learning_rate = 3e-3;  // peak rate, reached after the warm-up
  std::int64_t warmup = 0;      // steps of linear warm-up
  std::int64_t steps = 1;       // total steps; the rate reaches 0.1 x peak at the last one
  double beta1 = 0.9;
  double beta2 = 0.95;
  double epsilon = 1e-8;
  double weight_decay = 0.1;    // decoupled, on parameters marked `decay` only
  double clip_norm = 1.0;       // global L2 norm the gradient is scaled down to
};

// The rate of 0-based step `step`: lr·(step+1)/warmup during the warm-up, then cosine from lr to
// 0.1·lr at step steps-1.
double learning_rate_at(const AdamWOptions& options, std::int64_t step);

// PyTorch's clip_grad_norm_ factor: min(1, clip_norm / (norm + 1e-6)).
double clip_scale(double gradient_norm, double clip_norm);

// One trainable tensor as the optimizer sees it.
struct ParameterView {
  float* values;
  std::size_t size;
  bool decay;  // weight decay applies (2-D weights), or not (biases, LayerNorm)
};

// Gradients in the shape of the parameters: one vector per ParameterView, same sizes.
using Gradients = std::vector<std::vector<float>>;

class AdamW {
 public:
  AdamW(const AdamWOptions& options, std::vector<ParameterView> parameters);

  const AdamWOptions& options() const { return options_; }
  // All parameters' values together.
  std::size_t size() const { return offsets_.back(); }
  // Calls fn(parameter index, first element, element count) for the parts of the flat range
  // [begin, end) in each parameter, in order.
  template <class Fn>
  void for_each_part(std::size_t begin, std::size_t end, Fn fn) const {
    for (std::size_t p = 0; p < parameters_.size() && begin < end; ++p) {
      if (offsets_[p + 1] <= begin) continue;
      const std::size_t first = begin - offsets_[p];
      const std::size_t count = std::min(end, offsets_[p + 1]) - begin;
      fn(p, first, count);
      begin += count;
    }
  }
  // Updates the flat range [begin, end) of the parameters with `gradients` (already scaled by
  // `scale`, the clipping factor) at 0-based step `step`. Ranges of one step may run on
  // different threads at once.
  void update(const Gradients& gradients, float scale, std::int64_t step, std::size_t begin, std::size_t end);
  // Every range at once (the one-thread path and tests).
  void update(const Gradients& gradients, float scale, std::int64_t step) { update(gradients, scale, step, 0, size()); }

 private:
  AdamWOptions options_;
  std::vector<ParameterView> parameters_;
  std::vector<std::size_t> offsets_;  // parameter p's first flat index; the last entry is size()
  std::vector<float> m_;              // first moments, flat
  std::vector<float> v_;              // second moments, flat
};

// Sum of squares of `gradients` over the flat range [begin, end) (parameters laid out as `optimizer`).
double squared_norm(const AdamW& optimizer, const Gradients& gradients, std::size_t begin, std::size_t end);

}  // namespace embedlab
