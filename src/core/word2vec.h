// word2vec (Mikolov et al. 2013): a model of two matrices, `input` (the word vectors users query)
// and `output`, trained by CBOW or skip-gram with negative sampling or hierarchical softmax.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/loss.h"
#include "core/model.h"
#include "core/objective.h"

namespace embedlab {

struct Word2VecSettings {
  LossKind loss = LossKind::kNegativeSampling;
  int window = 5;        // maximum context radius; each position draws 1..window
  int negative = 5;      // negative samples per example (negative sampling only)
  double sample = 1e-3;  // subsampling threshold; 0 disables it
};

// A new word2vec model over `tokenizer`'s vocabulary, initialised as gensim and fastText do:
// `input` uniform in [-1, 1) / dim from `seed`, `output` zero. Throws Error when the two matrices
// would not fit in memory.
Model make_word2vec_model(std::shared_ptr<const Tokenizer> tokenizer, std::size_t dim, std::uint64_t seed,
                          Settings options = {});

// What CBOW and skip-gram share: subsampling of frequent words, the dynamic window, the loss.
class Word2VecObjective : public Objective {
 public:
  // Trains `model`'s `input` and `output` matrices (kept by reference: the model must outlive it).
  Word2VecObjective(Model& model, const Word2VecSettings& settings);

  std::unique_ptr<ObjectiveState> make_state(std::uint64_t seed) const override;
  // Drops frequent words at random (word2vec's subsampling), drawing from the state's generator.
  void begin_sequence(ObjectiveState& state, const std::int32_t* tokens, std::size_t length) override;
  // Walks the kept words; at each position draws a radius in 1..window and trains on the window.
  bool train(ObjectiveState& state, float learning_rate, std::int64_t work_limit) override;

 protected:
  struct State;
  // Trains the current position's window from state.next on; false when the work limit stopped it
  // first (state.next then says where to resume).
  virtual bool train_position(State& state, float learning_rate, std::int64_t work_limit) = 0;

  Matrix& input_;
  std::size_t dim_;
  std::unique_ptr<Loss> loss_;

 private:
  int window_;
  std::vector<float> keep_probability_;  // subsampling, per word
};

// Continuous bag of words: predicts each word from the mean of its context words' vectors; every
// context word receives the full gradient of the mean, as in word2vec.
class CbowObjective final : public Word2VecObjective {
 public:
  using Word2VecObjective::Word2VecObjective;

 private:
  bool train_position(State& state, float learning_rate, std::int64_t work_limit) override;
};

// Skip-gram: predicts each word from each of its context words' vectors in turn.
class SkipGramObjective final : public Word2VecObjective {
 public:
  using Word2VecObjective::Word2VecObjective;

 private:
  bool train_position(State& state, float learning_rate, std::int64_t work_limit) override;
};

}  // namespace embedlab
