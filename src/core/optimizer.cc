#include "core/optimizer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace embedlab {

double learning_rate_at(const AdamWOptions& o, std::int64_t step) {
  if (step < o.warmup) return o.learning_rate * static_cast<double>(step + 1) / static_cast<double>(o.warmup);
  const double minimum = 0.1 * o.learning_rate;
  const std::int64_t decay_steps = o.steps - 1 - o.warmup;
  const double progress = decay_steps > 0 ? static_cast<double>(step - o.warmup) / static_cast<double>(decay_steps) : 1.0;
  const double pi = 3.14159265358979323846;
  return minimum + 0.5 * (1.0 + std::cos(pi * std::min(1.0, progress))) * (o.learning_rate - minimum);
}

double clip_scale(double gradient_norm, double clip_norm) { return std::min(1.0, clip_norm / (gradient_norm + 1e-6)); }

AdamW::AdamW(const AdamWOptions& options, std::vector<ParameterView> parameters)
    : options_(options), parameters_(std::move(parameters)), offsets_{0} {
  for (const ParameterView& p : parameters_) offsets_.push_back(offsets_.back() + p.size);
  m_.assign(size(), 0.0f);
  v_.assign(size(), 0.0f);
}

void AdamW::update(const Gradients& gradients, float scale, std::int64_t step, std::size_t begin, std::size_t end) {
  if (gradients.size() != parameters_.size()) {
    throw Error("AdamW: " + std::to_string(gradients.size()) + " gradients for " + std::to_string(parameters_.size()) +
                " parameters");
  }
  const double rate = learning_rate_at(options_, step);
  const double t = static_cast<double>(step + 1);
  // Bias corrections folded into the step size and epsilon, in double as PyTorch computes them.
  const double correction1 = 1.0 - std::pow(options_.beta1, t);
  const double correction2 = 1.0 - std::pow(options_.beta2, t);
  const auto b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const auto step_size = static_cast<float>(rate / correction1);
  const auto sqrt_correction2 = static_cast<float>(std::sqrt(correction2));
  const auto eps = static_cast<float>(options_.epsilon);
  const auto decay = static_cast<float>(1.0 - rate * options_.weight_decay);
  for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
    float* values = parameters_[p].values + first;
    const float* g = gradients[p].data() + first;
    float* m = m_.data() + offsets_[p] + first;
    float* v = v_.data() + offsets_[p] + first;
    const bool decays = parameters_[p].decay && options_.weight_decay != 0.0;
    for (std::size_t i = 0; i < count; ++i) {
      const float grad = g[i] * scale;
      if (decays) values[i] *= decay;  // decoupled: p -= lr·wd·p
      m[i] = b1 * m[i] + (1.0f - b1) * grad;
      v[i] = b2 * v[i] + (1.0f - b2) * grad * grad;
      values[i] -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_correction2 + eps);
    }
  });
}

double squared_norm(const AdamW& optimizer, const Gradients& gradients, std::size_t begin, std::size_t end) {
  double sum = 0.0;
  optimizer.for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
    const float* g = gradients[p].data() + first;
    for (std::size_t i = 0; i < count; ++i) sum += static_cast<double>(g[i]) * g[i];
  });
  return sum;
}

}  // namespace embedlab
