// Output layers of word2vec-style training, each behind one interface: negative sampling and
// hierarchical softmax. They own the output matrix, which threads update lock-free (Hogwild).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/random.h"
#include "core/corpus.h"

namespace embedlab {

enum class LossKind { kNegativeSampling, kHierarchicalSoftmax };

class Loss {
 public:
  virtual ~Loss() = default;
  // One training example: scores `hidden` against word `target`, adds learning_rate times the
  // gradient with respect to `hidden` to `grad`, updates the output rows it touched, and returns
  // the example's loss (negative log-likelihood of the target, natural log).
  virtual float update(const float* hidden, std::int32_t target, float learning_rate, float* grad, Rng& rng) = 0;
};

// Builds the loss chosen by `kind` for `vocabulary` and vectors of `dim` floats.
std::unique_ptr<Loss> make_loss(LossKind kind, const Vocabulary& vocabulary, std::size_t dim, int negative);

// Draws word ids with probability proportional to count^0.75 in O(1) (Vose's alias method).
class NegativeSampler {
 public:
  explicit NegativeSampler(const std::vector<std::int64_t>& counts, double power = 0.75);
  std::int32_t sample(Rng& rng) const {
    const std::uint32_t slot = rng.below(static_cast<std::uint32_t>(probability_.size()));
    return rng.uniform() < probability_[slot] ? static_cast<std::int32_t>(slot) : alias_[slot];
  }
  // Probability of drawing `id` (for tests).
  double probability(std::int32_t id) const;

 private:
  std::vector<float> probability_;
  std::vector<std::int32_t> alias_;
  std::vector<double> exact_;
};

// word2vec's Huffman coding of the vocabulary: frequent words get short paths.
struct HuffmanTree {
  explicit HuffmanTree(const std::vector<std::int64_t>& counts);
  // Word w's path is nodes[offsets[w] .. offsets[w+1]) with branch bits codes[...] (root first).
  std::vector<std::int32_t> nodes;
  std::vector<std::uint8_t> codes;
  std::vector<std::int64_t> offsets;
};

}  // namespace embedlab
