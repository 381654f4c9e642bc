// The training loop runs any Objective: every token of every epoch on one thread or several,
// seeds each thread's generator, decays the learning rate, carries errors out of threads, and
// stops (run_for slices, cancel, destruction) after a bounded amount of work whatever the settings.
#include "core/training_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/optimizer.h"
#include "core/word2vec.h"
#include "test_support.h"

namespace embedlab {
namespace {

// A toy objective: visits each token once, one step per token costing `work_per_token`, with a
// loss of 1 per step; remembers what it saw. It can throw on one token id.
class CountingObjective final : public Objective {
 public:
  explicit CountingObjective(std::size_t vocabulary_size, std::int64_t work_per_token = 1, std::int32_t fail_on = -1)
      : visits_(vocabulary_size), work_per_token_(work_per_token), fail_on_(fail_on) {}

  struct State : ObjectiveState {
    using ObjectiveState::ObjectiveState;
    const std::int32_t* tokens = nullptr;
    std::size_t length = 0;
    std::size_t next = 0;
  };

  std::unique_ptr<ObjectiveState> make_state(std::uint64_t seed) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    seeds_.push_back(seed);
    return std::make_unique<State>(seed);
  }
  void begin_sequence(ObjectiveState& base, const std::int32_t* tokens, std::size_t length) override {
    State& state = static_cast<State&>(base);
    state.tokens = tokens;
    state.length = length;
    state.next = 0;
  }
  bool train(ObjectiveState& base, float learning_rate, std::int64_t work_limit) override {
    State& state = static_cast<State&>(base);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      rates_.push_back(learning_rate);
    }
    while (state.next < state.length) {
      if (state.work >= work_limit) return false;
      const std::int32_t token = state.tokens[state.next++];
      if (token == fail_on_) throw Error("cannot learn token " + std::to_string(token));
      visits_[static_cast<std::size_t>(token)].fetch_add(1, std::memory_order_relaxed);
      state.loss_sum += 1.0;
      ++state.examples;
      state.work += work_per_token_;
    }
    return true;
  }

  std::int64_t visits(std::size_t id) const { return visits_[id].load(); }
  std::int64_t total_visits() const {
    std::int64_t sum = 0;
    for (const auto& v : visits_) sum += v.load();
    return sum;
  }
  std::vector<std::uint64_t> seeds() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seeds_;
  }
  std::vector<float> rates() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rates_;
  }

 private:
  std::vector<std::atomic<std::int64_t>> visits_;
  std::int64_t work_per_token_;
  std::int32_t fail_on_;
  mutable std::mutex mutex_;
  mutable std::vector<std::uint64_t> seeds_;
  std::vector<float> rates_;
};

Corpus planted_words(int sentences) {
  CorpusOptions options;
  options.min_count = 1;
  return build_corpus(planted_corpus(sentences, 5), options, "planted");
}

// One line of 10,000 planted words: a single sequence, as long as a corpus sentence can be.
const Corpus& one_long_line() {
  static const Corpus corpus = [] {
    std::string text = planted_corpus(1000, 9);  // 10,000 words
    std::replace(text.begin(), text.end(), '\n', ' ');
    CorpusOptions options;
    options.min_count = 1;
    return build_corpus(text, options, "one line");
  }();
  return corpus;
}

LoopOptions loop_options(int threads, int epochs = 3, double learning_rate = 0.1) {
  LoopOptions o;
  o.threads = threads;
  o.epochs = epochs;
  o.learning_rate = learning_rate;
  o.seed = 40;
  return o;
}

// Waits (without asserting on time) until the loop has published some work.
void wait_for_work(const TrainingLoop& loop) {
  for (int i = 0; i < 100000 && loop.work_done() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Runs a long run_for on another thread and cancels it once work is under way; returns the work
// done when cancel() had been called. What the loop does after that must stay bounded.
std::int64_t cancel_while_running(TrainingLoop& loop) {
  bool result = false;
  std::thread worker([&] { result = loop.run_for(600000.0); });  // ten minutes: only cancel() ends it early
  wait_for_work(loop);
  loop.cancel();
  const std::int64_t at_cancel = loop.work_done();
  worker.join();
  EXPECT_TRUE(result);
  EXPECT_TRUE(loop.finished());
  EXPECT_GT(at_cancel, 0) << "training never started";
  const TrainProgress p = loop.progress();
  EXPECT_TRUE(p.cancelled);
  EXPECT_LT(p.words_done, p.words_total);
  return at_cancel;
}

TEST(TrainingLoop, RunsAnyObjectiveOverEveryTokenOfEveryEpoch) {
  const Corpus corpus = planted_words(500);
  for (int threads : {1, 3}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    CountingObjective objective(corpus.vocabulary.size());
    TrainingLoop loop(corpus, objective, loop_options(threads));
    while (!loop.run_for(1.0)) {
    }
    for (std::size_t w = 0; w < corpus.vocabulary.size(); ++w) {
      ASSERT_EQ(objective.visits(w), corpus.vocabulary.count(static_cast<std::int32_t>(w)) * 3) << "word " << w;
    }
    const TrainProgress p = loop.progress();
    EXPECT_TRUE(p.finished);
    EXPECT_FALSE(p.cancelled);
    EXPECT_TRUE(loop.finished());
    EXPECT_EQ(p.words_total, static_cast<std::int64_t>(corpus.tokens.size()) * 3);
    EXPECT_EQ(p.words_done, p.words_total);
    EXPECT_EQ(p.epoch, 3);
    EXPECT_DOUBLE_EQ(p.average_loss, 1.0);
    EXPECT_EQ(loop.work_done(), p.words_total) << "one unit of work per token";
    EXPECT_TRUE(loop.run_for(1.0)) << "a finished loop stays finished";
  }
}

TEST(TrainingLoop, SeedsEachThreadWithTheSeedPlusItsId) {
  const Corpus corpus = planted_words(100);
  for (int threads : {1, 3}) {
    CountingObjective objective(corpus.vocabulary.size());
    TrainingLoop loop(corpus, objective, loop_options(threads));
    while (!loop.run_for(100.0)) {
    }
    std::vector<std::uint64_t> seeds = objective.seeds();
    std::sort(seeds.begin(), seeds.end());
    std::vector<std::uint64_t> expected;
    for (int t = 0; t < threads; ++t) expected.push_back(40 + static_cast<std::uint64_t>(t));
    EXPECT_EQ(seeds, expected);
  }
}

TEST(TrainingLoop, DecaysTheLearningRateLinearly) {
  const Corpus corpus = planted_words(3000);  // 30,000 tokens; the rate is updated every ~10,000
  CountingObjective objective(corpus.vocabulary.size(), 100);
  TrainingLoop loop(corpus, objective, loop_options(1, 5, 0.1));
  std::vector<double> reported;
  while (!loop.run_for(0.0)) reported.push_back(loop.progress().learning_rate);
  const std::vector<float> rates = objective.rates();
  ASSERT_GT(rates.size(), 10u);
  EXPECT_EQ(rates.front(), 0.1f);
  for (std::size_t i = 1; i < rates.size(); ++i) ASSERT_LE(rates[i], rates[i - 1]) << "call " << i;
  EXPECT_LT(rates.back(), 0.1f * 0.1f);
  const TrainProgress p = loop.progress();
  EXPECT_NEAR(p.learning_rate, 0.1 * 1e-4, 1e-12) << "the rate ends at 1e-4 of its start";
  ASSERT_FALSE(reported.empty());
  // Halfway through, the rate is about half the starting rate.
  const double middle = reported[reported.size() / 2];
  EXPECT_GT(middle, 0.1 * 0.3);
  EXPECT_LT(middle, 0.1 * 0.7);
}

TEST(TrainingLoop, RunForReturnsAfterABoundedAmountOfWork) {
  const Corpus& corpus = one_long_line();
  ASSERT_EQ(corpus.sentence_count(), 1u);
  const std::int64_t per_token = 1000;
  CountingObjective objective(corpus.vocabulary.size(), per_token);
  TrainingLoop loop(corpus, objective, loop_options(1, 100));
  EXPECT_FALSE(loop.run_for(0.0));
  const std::int64_t first = loop.work_done();
  EXPECT_GT(first, 0);
  EXPECT_LE(first, TrainingLoop::kWorkPerCheck + per_token) << "one look at the clock, after one quantum of work";
  EXPECT_EQ(loop.progress().words_done, 0) << "it returned inside the first (10,000-word) sequence";
  EXPECT_FALSE(loop.run_for(0.0));
  EXPECT_LE(loop.work_done() - first, TrainingLoop::kWorkPerCheck + per_token);

  loop.cancel();
  const std::int64_t at_cancel = loop.work_done();
  EXPECT_TRUE(loop.run_for(1e9)) << "a cancelled loop returns at once";
  EXPECT_EQ(loop.work_done(), at_cancel) << "no work after cancel() on the inline path";
  const TrainProgress p = loop.progress();
  EXPECT_TRUE(p.finished);
  EXPECT_TRUE(p.cancelled);
  EXPECT_LT(p.words_done, p.words_total);
}

void expect_cancel_from_another_thread_stops_after_bounded_work(int threads) {
  const Corpus& corpus = one_long_line();
  const std::int64_t per_token = 1000;
  CountingObjective objective(corpus.vocabulary.size(), per_token);
  TrainingLoop loop(corpus, objective, loop_options(threads, 10000));  // 10^11 units of work: hours
  const std::int64_t at_cancel = cancel_while_running(loop);
  // Each thread finishes the step it is in: at most one quantum and one token more.
  EXPECT_LE(loop.work_done() - at_cancel, threads * (TrainingLoop::kWorkPerCheck + per_token));
  EXPECT_LT(loop.progress().words_done, static_cast<std::int64_t>(corpus.tokens.size()) * 100);
}

TEST(TrainingLoop, CancelFromAnotherThreadStopsAfterABoundedAmountOfWork) {
  expect_cancel_from_another_thread_stops_after_bounded_work(1);
}

TEST(TrainingLoop, CancelStopsEveryThreadAfterABoundedAmountOfWork) {
  expect_cancel_from_another_thread_stops_after_bounded_work(2);
}

TEST(TrainingLoop, DestroyingARunningLoopStopsItsThreads) {
  const Corpus& corpus = one_long_line();
  CountingObjective objective(corpus.vocabulary.size(), 1000);
  std::int64_t visits = 0;
  {
    TrainingLoop loop(corpus, objective, loop_options(2, 10000));
    EXPECT_FALSE(loop.run_for(5.0));
    wait_for_work(loop);
  }  // cancels and joins: no thread outlives the loop
  visits = objective.total_visits();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(objective.total_visits(), visits) << "a thread kept training after the loop was destroyed";
  EXPECT_LT(visits, static_cast<std::int64_t>(corpus.tokens.size()) * 10000);
}

TEST(TrainingLoop, AnErrorInAnObjectiveReachesTheCaller) {
  const Corpus corpus = planted_words(200);
  const std::int32_t queen = corpus.vocabulary.find("queen");
  ASSERT_GE(queen, 0);
  for (int threads : {1, 2}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    CountingObjective objective(corpus.vocabulary.size(), 1, queen);
    TrainingLoop loop(corpus, objective, loop_options(threads));
    const std::string expected = "cannot learn token " + std::to_string(queen);
    EXPECT_TRUE(Contains(error_of([&] {
                           while (!loop.run_for(1000.0)) {
                           }
                         }),
                         expected));
    EXPECT_TRUE(loop.finished());
    EXPECT_TRUE(Contains(error_of([&] { loop.run_for(0.0); }), expected)) << "the error stays";
  }
}

TEST(TrainingLoop, RefusesAnEmptyCorpusAndUnusableOptions) {
  const Corpus corpus = planted_words(10);
  CountingObjective objective(corpus.vocabulary.size());
  const Corpus empty;
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop(empty, objective, loop_options(1)); }), "empty corpus"));
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop(corpus, objective, loop_options(1, 0)); }), "epochs"));
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop(corpus, objective, loop_options(0)); }), "threads"));
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop(corpus, objective, loop_options(1, 1, 0.0)); }), "learning rate"));
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop(corpus, objective, loop_options(1, 1, std::nan(""))); }), "learning rate"));
}

// ---- a real objective with heavy settings ---------------------------------------------------------

// Skip-gram at dim 2000, window 200, negative 200 on one 10,000-word line: one position holds up
// to 400 examples of 201 rows each, so only a check inside the window keeps run_for and cancel
// prompt.
struct HeavySkipGram {
  HeavySkipGram()
      : model(make_word2vec_model(
            std::make_shared<WordTokenizer>(one_long_line().tokenizer_options, one_long_line().vocabulary), 2000, 1)),
        objective(model, settings()) {}
  static Word2VecSettings settings() {
    Word2VecSettings s;
    s.window = 200;
    s.negative = 200;
    s.sample = 0.0;
    return s;
  }
  // The most one example costs: its context row and the target's and negatives' rows.
  static std::int64_t example_work() { return 2000 + 201 * 2000; }
  Model model;
  SkipGramObjective objective;
};

void expect_usable(const Model& model) {
  for (float x : model.matrix("input").values()) ASSERT_TRUE(std::isfinite(x));
  const Embeddings e = model.embeddings();
  EXPECT_EQ(e.most_similar({"king"}, {}, 5).size(), 5u);
}

TEST(TrainingLoop, HeavySettingsReturnFromRunForAfterBoundedWorkAndCancelToAPartialModel) {
  HeavySkipGram heavy;
  const Matrix before = heavy.model.matrix("input");
  TrainingLoop loop(one_long_line(), heavy.objective, loop_options(1, 1, 0.025));
  EXPECT_FALSE(loop.run_for(0.0));
  const std::int64_t work = loop.work_done();
  EXPECT_GT(work, 0);
  EXPECT_LE(work, TrainingLoop::kWorkPerCheck + HeavySkipGram::example_work() + 10000);
  EXPECT_EQ(loop.progress().words_done, 0);
  loop.cancel();
  EXPECT_TRUE(loop.run_for(0.0));
  const TrainProgress p = loop.progress();
  EXPECT_TRUE(p.cancelled);
  EXPECT_LT(p.words_done, p.words_total);
  EXPECT_NE(heavy.model.matrix("input"), before) << "the partial model holds what was learned";
  expect_usable(heavy.model);
}

TEST(TrainingLoop, HeavySettingsCancelPromptlyOnTwoThreads) {
  HeavySkipGram heavy;
  TrainingLoop loop(one_long_line(), heavy.objective, loop_options(2, 1, 0.025));
  const std::int64_t at_cancel = cancel_while_running(loop);
  // Each thread finishes the step it is in, and may have just started its sequence (10,000 tokens).
  EXPECT_LE(loop.work_done() - at_cancel, 2 * (TrainingLoop::kWorkPerCheck + HeavySkipGram::example_work() + 10000));
  expect_usable(heavy.model);
}

}  // namespace
}  // namespace embedlab

// ---- step mode ---------------------------------------------------------------------------------

namespace embedlab {
namespace {

// A toy model trained in steps: least squares y = w·x + b with x drawn per step from the seed and
// the step, through AdamW; row cost is one unit of work. It can throw on one step.
class RegressionObjective final : public StepObjective {
 public:
  static constexpr int kDim = 8;
  RegressionObjective(std::int64_t steps, int rows, std::int64_t fail_on_step = -1)
      : steps_(steps), rows_(rows), fail_on_step_(fail_on_step), weights_(kDim, 0.0f), bias_(1, 0.0f) {
    AdamWOptions o;
    o.learning_rate = 0.05;
    o.warmup = 2;
    o.steps = steps;
    adam_ = std::make_unique<AdamW>(o, std::vector<ParameterView>{{weights_.data(), kDim, true}, {bias_.data(), 1, false}});
  }
  std::int64_t steps() const override { return steps_; }
  int batch_rows() const override { return rows_; }
  std::int64_t row_tokens() const override { return 4; }
  int validation_rows() const override { return 16; }
  std::size_t parameter_size() const override { return adam_->size(); }
  double learning_rate(std::int64_t step) const override { return learning_rate_at(adam_->options(), step); }
  void prepare(int threads) override {
    grads_.assign(static_cast<std::size_t>(threads), Gradients{std::vector<float>(kDim), std::vector<float>(1)});
  }
  void begin_step(std::int64_t step) override {
    if (step == fail_on_step_) throw Error("step " + std::to_string(step) + " failed");
    batch_ = draw(1000 + static_cast<std::uint64_t>(step), rows_);
  }
  RowLoss train_row(int thread, int row) override { return row_loss(batch_[static_cast<std::size_t>(row)], &grads_[thread]); }
  double gradient_squares(int threads, std::size_t begin, std::size_t end) override {
    Gradients& sum = grads_[0];
    adam_->for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
      for (std::size_t i = first; i < first + count; ++i) {
        for (int t = 1; t < threads; ++t) sum[p][i] += grads_[t][p][i];
        sum[p][i] /= static_cast<float>(rows_);
      }
    });
    return squared_norm(*adam_, sum, begin, end);
  }
  void update(std::int64_t step, float scale, int threads, std::size_t begin, std::size_t end) override {
    adam_->update(grads_[0], scale, step, begin, end);
    adam_->for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
      for (int t = 0; t < threads; ++t) std::fill_n(grads_[t][p].begin() + first, count, 0.0f);
    });
  }
  RowLoss validation_row(int, int row) override {
    if (validation_.empty()) validation_ = draw(7, validation_rows());
    return row_loss(validation_[static_cast<std::size_t>(row)], nullptr);
  }
  const std::vector<float>& weights() const { return weights_; }

 private:
  using Example = std::vector<float>;  // kDim inputs, then the target
  static std::vector<Example> draw(std::uint64_t seed, int rows) {
    Rng rng(seed);
    std::vector<Example> out(static_cast<std::size_t>(rows), Example(kDim + 1));
    for (Example& e : out) {
      float y = 0.5f;
      for (int i = 0; i < kDim; ++i) y += (e[i] = rng.uniform() - 0.5f) * static_cast<float>(i % 3 - 1);
      e[kDim] = y;
    }
    return out;
  }
  RowLoss row_loss(const Example& e, Gradients* grads) const {
    float y = bias_[0];
    for (int i = 0; i < kDim; ++i) y += weights_[i] * e[i];
    const float error = y - e[kDim];
    if (grads != nullptr) {
      for (int i = 0; i < kDim; ++i) (*grads)[0][i] += error * e[i];
      (*grads)[1][0] += error;
    }
    return {0.5 * error * error, 1};
  }

  std::int64_t steps_;
  int rows_;
  std::int64_t fail_on_step_;
  std::vector<float> weights_, bias_;
  std::unique_ptr<AdamW> adam_;
  std::vector<Gradients> grads_;
  std::vector<Example> batch_, validation_;
};

std::vector<float> train_steps(int threads, double slice_ms, std::vector<TrainProgress>* reports = nullptr) {
  RegressionObjective objective(60, 10);
  StepLoopOptions options;
  options.threads = threads;
  options.validation_every = 20;
  TrainingLoop loop(objective, options);
  while (!loop.run_for(slice_ms)) {
    if (reports != nullptr) reports->push_back(loop.progress());
  }
  if (reports != nullptr) reports->push_back(loop.progress());
  return objective.weights();
}

TEST(StepTraining, LearnsAndReportsStepsTokensLossRateAndValidationLoss) {
  std::vector<TrainProgress> reports;
  train_steps(1, 0.0, &reports);
  ASSERT_GT(reports.size(), 60u) << "a zero budget still makes progress, one row at a time";
  const TrainProgress& last = reports.back();
  EXPECT_TRUE(last.finished);
  EXPECT_FALSE(last.cancelled);
  EXPECT_EQ(last.steps_done, 60);
  EXPECT_EQ(last.steps_total, 60);
  EXPECT_EQ(last.words_done, 60 * 10 * 4);
  EXPECT_EQ(last.words_total, 60 * 10 * 4);
  EXPECT_DOUBLE_EQ(last.learning_rate, 0.005) << "the rate of the last step: a tenth of the peak";
  EXPECT_EQ(last.validation_step, 60);
  double first_validation = -1.0;
  for (const TrainProgress& p : reports) {
    if (p.validation_loss >= 0.0 && first_validation < 0.0) {
      first_validation = p.validation_loss;
      EXPECT_EQ(p.validation_step, 20) << "validated every 20 steps";
    }
  }
  ASSERT_GT(first_validation, 0.0);
  EXPECT_LT(last.validation_loss, first_validation * 0.5) << "training lowers the validation loss";
}

TEST(StepTraining, SlicedTrainingEqualsOneGoBitForBit) {
  const std::vector<float> one_go = train_steps(1, 1e9);
  EXPECT_EQ(train_steps(1, 0.0), one_go);
  EXPECT_EQ(train_steps(1, 0.01), one_go);
  EXPECT_NE(one_go, std::vector<float>(RegressionObjective::kDim, 0.0f));
}

TEST(StepTraining, ThreadsShareEachBatchAndReachTheSameModel) {
  const std::vector<float> one = train_steps(1, 1e9);
  const std::vector<float> two = train_steps(2, 1.0);
  EXPECT_EQ(train_steps(2, 1e9), two) << "two threads are reproducible too: each sums its fixed rows";
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_NEAR(two[i], one[i], 1e-4) << i;
  const std::vector<float> three = train_steps(3, 1e9);  // 10 rows do not split evenly
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_NEAR(three[i], one[i], 1e-4) << i;
}

void expect_step_cancel_is_prompt(int threads) {
  RegressionObjective objective(1000000000, 64);
  StepLoopOptions options;
  options.threads = threads;
  TrainingLoop loop(objective, options);
  const std::int64_t at_cancel = cancel_while_running(loop);
  EXPECT_LE(loop.work_done() - at_cancel, threads) << "at most one more row per thread";
  EXPECT_LT(loop.progress().steps_done, 1000000000);
}

TEST(StepTraining, CancelStopsAfterAtMostOneRowPerThread) {
  expect_step_cancel_is_prompt(1);
  expect_step_cancel_is_prompt(2);
}

TEST(StepTraining, AnErrorInAStepReachesTheCaller) {
  for (int threads : {1, 2}) {
    RegressionObjective objective(10, 4, 3);
    StepLoopOptions options;
    options.threads = threads;
    TrainingLoop loop(objective, options);
    const std::string message = error_of([&] {
      while (!loop.run_for(1000.0)) {
      }
    });
    EXPECT_EQ(message, "step 3 failed") << threads;
    EXPECT_EQ(loop.progress().steps_done, 3) << threads;
  }
}

TEST(StepTraining, RefusesUnusableOptions) {
  RegressionObjective objective(10, 4);
  StepLoopOptions options;
  options.threads = 0;
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop loop(objective, options); }), "threads must be at least 1"));
  options.threads = 1;
  options.validation_every = 0;
  EXPECT_TRUE(Contains(error_of([&] { TrainingLoop loop(objective, options); }), "validation every"));
}

}  // namespace
}  // namespace embedlab
