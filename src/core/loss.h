// Output layers of word2vec-style training, each behind one interface: negative sampling and
// hierarchical softmax. They train the model's output matrix, which threads update lock-free
// (Hogwild).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/corpus.h"
#include "core/matrix.h"
#include "core/random.h"

namespace embedlab {

enum class LossKind { kNegativeSampling, kHierarchicalSoftmax };

class Loss {
 public:
  virtual ~Loss() = default;
  // One training example: scores `hidden` against word `target`, adds learning_rate times the
  // gradient with respect to `hidden` to `grad`, updates the output rows it touched, and returns
  // the example's loss (negative log-likelihood of the target, natural log).
  virtual float update(const float* hidden, std::int32_t target, float learning_rate, float* grad, Rng& rng) = 0;
  // Floats that one update towards `target` reads and writes: the training loop's unit of work.
  virtual std::int64_t work(std::int32_t target) const = 0;
};

// Builds the loss chosen by `kind` for `vocabulary`, training `output` (kept by reference; its
// columns are the vector size). `output` has one row per word: negative sampling scores words,
// hierarchical softmax uses the first vocabulary size - 1 rows for the inner nodes of its Huffman
// tree. Throws Error when `output` has fewer rows than words.
std::unique_ptr<Loss> make_loss(LossKind kind, const Vocabulary& vocabulary, Matrix& output, int negative);

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
