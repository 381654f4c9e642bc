// word2vec's model and objectives: the starting matrices, subsampling, and the property the
// training loop relies on: an objective stopped by a work limit anywhere (even inside one
// skip-gram window) resumes exactly, giving bit-identical matrices.
#include "core/word2vec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "test_support.h"

namespace embedlab {
namespace {

Corpus planted_words() {
  CorpusOptions options;
  options.min_count = 1;
  return build_corpus(planted_corpus(400, 11), options, "planted");
}

std::shared_ptr<const Tokenizer> tokenizer_of(const Corpus& corpus) {
  return std::make_shared<WordTokenizer>(corpus.tokenizer_options, corpus.vocabulary);
}

// All the corpus's tokens as one long sequence.
const std::vector<std::int32_t>& tokens() {
  static const std::vector<std::int32_t> all = planted_words().tokens;
  return all;
}

bool bit_identical(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::unique_ptr<Objective> make(bool cbow, Model& model, const Word2VecSettings& settings) {
  if (cbow) return std::make_unique<CbowObjective>(model, settings);
  return std::make_unique<SkipGramObjective>(model, settings);
}

TEST(Word2VecModel, StartsAsGensimDoes) {
  const Corpus corpus = planted_words();
  const Model model = make_word2vec_model(tokenizer_of(corpus), 16, 7, {{"dim", "16"}});
  EXPECT_EQ(model.kind(), "word2vec");
  EXPECT_EQ(model.option("dim"), "16");
  ASSERT_EQ(model.matrices().size(), 2u);
  const Matrix& input = model.matrix("input");
  const Matrix& output = model.matrix("output");
  EXPECT_EQ(input.rows(), corpus.vocabulary.size());
  EXPECT_EQ(input.cols(), 16u);
  EXPECT_EQ(output.rows(), corpus.vocabulary.size());
  EXPECT_EQ(output.cols(), 16u);
  float lowest = 1, highest = -1;
  for (float x : input.values()) lowest = std::min(lowest, x), highest = std::max(highest, x);
  EXPECT_GE(lowest, -1.0f / 16);  // gensim's and fastText's range, [-1, 1) / dim
  EXPECT_LT(highest, 1.0f / 16);
  EXPECT_LT(lowest, -0.9f / 16) << "values spread over the whole range";
  EXPECT_GT(highest, 0.9f / 16);
  for (float x : output.values()) ASSERT_EQ(x, 0.0f);
  EXPECT_TRUE(bit_identical(make_word2vec_model(tokenizer_of(corpus), 16, 7).matrix("input"), input)) << "same seed";
  EXPECT_FALSE(bit_identical(make_word2vec_model(tokenizer_of(corpus), 16, 8).matrix("input"), input)) << "other seed";
}

TEST(Word2VecModel, RefusesAModelThatCannotFitInMemory) {
  const Corpus corpus = planted_words();
  EXPECT_TRUE(ContainsAll(error_of([&] { make_word2vec_model(tokenizer_of(corpus), std::size_t{1} << 40, 1); }),
                          {"the model would need", "lower dim"}));
}

// Trains one long sequence with `settings`, in one call or in calls of `work_step` units of work;
// returns the model and, through `calls`, how many calls it took.
Model train_sequence(bool cbow, const Word2VecSettings& settings, std::int64_t work_step, int& calls, std::size_t dim = 12) {
  const Corpus corpus = planted_words();
  Model model = make_word2vec_model(tokenizer_of(corpus), dim, 3);
  auto objective = make(cbow, model, settings);
  auto state = objective->make_state(5);
  objective->begin_sequence(*state, tokens().data(), tokens().size());
  calls = 1;
  while (!objective->train(*state, 0.05f, state->work + work_step)) ++calls;
  EXPECT_GT(state->examples, 0);
  EXPECT_GT(state->loss_sum, 0.0);
  return model;
}

TEST(Word2VecObjective, ResumesExactlyWhereAWorkLimitStoppedIt) {
  for (bool cbow : {true, false}) {
    for (LossKind loss : {LossKind::kNegativeSampling, LossKind::kHierarchicalSoftmax}) {
      SCOPED_TRACE(std::string(cbow ? "CBOW" : "skip-gram") + (loss == LossKind::kNegativeSampling ? " NS" : " HS"));
      Word2VecSettings settings;
      settings.loss = loss;
      settings.window = 8;
      settings.sample = 1e-2;  // subsampling draws random numbers too
      int one_go_calls = 0, step_calls = 0;
      const Model whole = train_sequence(cbow, settings, std::numeric_limits<std::int64_t>::max() / 2, one_go_calls);
      const Model stepped = train_sequence(cbow, settings, 1, step_calls);
      EXPECT_EQ(one_go_calls, 1);
      // A limit of one unit stops after every step: every position (CBOW) or example (skip-gram).
      EXPECT_GT(step_calls, static_cast<int>(tokens().size()) / 4);
      EXPECT_TRUE(bit_identical(whole.matrix("input"), stepped.matrix("input")));
      EXPECT_TRUE(bit_identical(whole.matrix("output"), stepped.matrix("output")));
      EXPECT_FALSE(bit_identical(whole.matrix("input"), make_word2vec_model(whole.shared_tokenizer(), 12, 3).matrix("input")))
          << "training changed the vectors";
    }
  }
}

TEST(Word2VecObjective, SkipGramStopsInsideOneWindow) {
  // One window of up to 2 * 50 context words: a work limit must cut it, not wait for its end.
  Word2VecSettings settings;
  settings.window = 50;
  settings.sample = 0.0;
  const Corpus corpus = planted_words();
  Model model = make_word2vec_model(tokenizer_of(corpus), 12, 3);
  SkipGramObjective objective(model, settings);
  auto state = objective.make_state(1);
  const std::vector<std::int32_t> sequence(tokens().begin(), tokens().begin() + 101);
  objective.begin_sequence(*state, sequence.data(), sequence.size());
  int calls = 1;
  while (!objective.train(*state, 0.025f, state->work + 1)) ++calls;
  EXPECT_EQ(calls, state->examples) << "one example per call";
  EXPECT_GT(state->examples, 101 * 20) << "far more examples than positions";
}

TEST(Word2VecObjective, WorkCountsTheFloatsTouched) {
  Word2VecSettings settings;
  settings.sample = 0.0;
  for (bool cbow : {true, false}) {
    std::int64_t work[2];
    std::int64_t examples[2];
    for (std::size_t dim : {8u, 16u}) {
      const Corpus corpus = planted_words();
      Model model = make_word2vec_model(tokenizer_of(corpus), dim, 3);
      auto objective = make(cbow, model, settings);
      auto state = objective->make_state(5);
      objective->begin_sequence(*state, tokens().data(), tokens().size());
      while (!objective->train(*state, 0.05f, state->work + 1000)) {
      }
      work[dim / 16] = state->work - static_cast<std::int64_t>(tokens().size());
      examples[dim / 16] = state->examples;
    }
    EXPECT_EQ(examples[0], examples[1]) << "the same random draws whatever the dimension";
    EXPECT_EQ(work[1], 2 * work[0]) << "twice the dimension, twice the work";
  }
}

TEST(Word2VecObjective, SubsamplingDropsFrequentWords) {
  const Corpus corpus = planted_words();
  const auto examples_with = [&](double sample) {
    Word2VecSettings settings;
    settings.sample = sample;
    Model model = make_word2vec_model(tokenizer_of(corpus), 8, 3);
    CbowObjective objective(model, settings);
    auto state = objective.make_state(2);
    objective.begin_sequence(*state, tokens().data(), tokens().size());
    while (!objective.train(*state, 0.05f, std::numeric_limits<std::int64_t>::max() / 2)) {
    }
    return state->examples;
  };
  EXPECT_EQ(examples_with(0.0), static_cast<std::int64_t>(tokens().size())) << "CBOW: one example per position";
  EXPECT_LT(examples_with(1e-3), static_cast<std::int64_t>(tokens().size()) / 2) << "a 40-word vocabulary is all frequent";
}

TEST(Word2VecObjective, NeedsTheModelsMatrices) {
  Model model(Model::kWord2Vec, tokenizer_of(planted_words()));
  EXPECT_TRUE(Contains(error_of([&] { CbowObjective objective(model, Word2VecSettings{}); }), "no matrix 'input'"));
}

}  // namespace
}  // namespace embedlab
