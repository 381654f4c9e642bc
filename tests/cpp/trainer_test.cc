// The word2vec trainer: it learns a planted analogy with every model and loss, is reproducible
// with one thread, runs in slices, reports progress, cancels to a partial model, trains a saved
// model further, looks words up through the model's tokenizer and validates its options.
#include "core/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/corpus.h"
#include "core/error.h"
#include "core/model.h"
#include "core/random.h"
#include "test_support.h"

namespace embedlab {
namespace {


CorpusOptions keep_every_word() {
  CorpusOptions options;
  options.min_count = 1;
  return options;
}

Corpus planted(int sentences = 3000) { return build_corpus(planted_corpus(sentences, 7), keep_every_word(), "planted"); }

TrainOptions small_options(ModelKind model, LossKind loss) {
  TrainOptions o;
  o.model = model;
  o.loss = loss;
  o.dim = 30;
  o.window = 5;
  o.negative = 5;
  o.epochs = 10;
  o.sample = 0.0;  // a 40-word vocabulary: subsampling would drop nearly everything
  o.threads = 1;
  o.seed = 1;
  return o;
}

std::string describe(const std::vector<Neighbour>& neighbours) {
  std::string out;
  for (const auto& n : neighbours) out += n.word + " (" + std::to_string(n.similarity) + ") ";
  return out;
}

void expect_planted_analogies(const Embeddings& e) {
  const auto queen = e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 5);
  ASSERT_FALSE(queen.empty());
  EXPECT_EQ(queen[0].word, "queen") << "king - man + woman: " << describe(queen);
  const auto princess = e.analogy("boy", "prince", "girl", AnalogyMethod::kAdd, 5);
  EXPECT_EQ(princess[0].word, "princess") << "prince - boy + girl: " << describe(princess);
  const auto girl = e.analogy("man", "woman", "boy", AnalogyMethod::kAdd, 5);
  EXPECT_EQ(girl[0].word, "girl") << "woman - man + boy: " << describe(girl);
}

void train_and_expect_planted_analogies(ModelKind model, LossKind loss) {
  const Corpus corpus = planted();
  const Embeddings e = train(corpus, small_options(model, loss));
  ASSERT_EQ(e.size(), corpus.vocabulary.size());
  ASSERT_EQ(e.dim(), 30u);
  expect_planted_analogies(e);
}

TEST(Trainer, CbowWithNegativeSamplingLearnsAPlantedAnalogy) {
  train_and_expect_planted_analogies(ModelKind::kCbow, LossKind::kNegativeSampling);
}

TEST(Trainer, CbowWithHierarchicalSoftmaxLearnsAPlantedAnalogy) {
  train_and_expect_planted_analogies(ModelKind::kCbow, LossKind::kHierarchicalSoftmax);
}

TEST(Trainer, SkipGramWithNegativeSamplingLearnsAPlantedAnalogy) {
  train_and_expect_planted_analogies(ModelKind::kSkipGram, LossKind::kNegativeSampling);
}

TEST(Trainer, SkipGramWithHierarchicalSoftmaxLearnsAPlantedAnalogy) {
  train_and_expect_planted_analogies(ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax);
}

TEST(Trainer, UntrainedVectorsDoNotKnowTheAnalogy) {
  // The control for the tests above: the planted analogy is not an accident of initialisation.
  const Corpus corpus = planted();
  Trainer trainer(corpus, small_options(ModelKind::kCbow, LossKind::kNegativeSampling));
  const Embeddings e = trainer.embeddings();
  int right = 0;
  right += e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 1)[0].word == "queen";
  right += e.analogy("boy", "prince", "girl", AnalogyMethod::kAdd, 1)[0].word == "princess";
  right += e.analogy("man", "woman", "boy", AnalogyMethod::kAdd, 1)[0].word == "girl";
  EXPECT_LT(right, 3);
  // gensim's initialisation: small uniform values.
  for (float x : e.data()) ASSERT_LT(std::fabs(x), 1.0f / 30 + 1e-6f);
}

// ---- determinism --------------------------------------------------------------------------------

bool bit_identical(const Embeddings& a, const Embeddings& b) {
  return a.words() == b.words() && a.data().size() == b.data().size() &&
         std::memcmp(a.data().data(), b.data().data(), a.data().size() * sizeof(float)) == 0;
}

TEST(Trainer, OneThreadWithTheSameSeedIsBitIdentical) {
  const Corpus corpus = planted(1000);
  for (auto [model, loss] : {std::pair{ModelKind::kCbow, LossKind::kNegativeSampling},
                             std::pair{ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax}}) {
    TrainOptions o = small_options(model, loss);
    o.epochs = 3;
    o.sample = 1e-2;  // subsampling draws from the generator too
    const Embeddings a = train(corpus, o);
    const Embeddings b = train(corpus, o);
    EXPECT_TRUE(bit_identical(a, b));
    o.seed = 2;
    const Embeddings c = train(corpus, o);
    EXPECT_FALSE(bit_identical(a, c)) << "a different seed must give different vectors";
  }
}

TEST(Trainer, RunningInSlicesGivesTheSameVectorsAsTrainingInOneGo) {
  const Corpus corpus = planted(1000);
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kNegativeSampling);
  o.epochs = 3;
  o.sample = 1e-2;
  const Embeddings whole = train(corpus, o);
  for (double budget : {0.0, 0.5, 1e6}) {
    Trainer trainer(corpus, o);
    int slices = 1;
    while (!trainer.run_for(budget)) ++slices;
    if (budget == 0.0) {
      EXPECT_GT(slices, 5) << "a zero budget should stop after every ~2,000 words";
    }
    if (budget == 1e6) {
      EXPECT_EQ(slices, 1);
    }
    EXPECT_TRUE(trainer.finished());
    EXPECT_TRUE(trainer.run_for(budget)) << "a finished trainer stays finished";
    EXPECT_TRUE(bit_identical(trainer.embeddings(), whole)) << "budget " << budget << " ms, " << slices << " slices";
  }
}

// ---- progress -----------------------------------------------------------------------------------

TEST(Trainer, ReportsProgressUntilFinished) {
  const Corpus corpus = planted(3000);
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.epochs = 20;
  const std::int64_t total = static_cast<std::int64_t>(corpus.tokens.size()) * o.epochs;
  std::vector<TrainProgress> calls;
  train(corpus, o, [&](const TrainProgress& p) { calls.push_back(p); }, nullptr, 1.0);

  ASSERT_GE(calls.size(), 3u);
  const TrainProgress& last = calls.back();
  EXPECT_TRUE(last.finished);
  EXPECT_FALSE(last.cancelled);
  EXPECT_EQ(last.words_total, total);
  EXPECT_EQ(last.words_done, total);
  EXPECT_EQ(last.epoch, o.epochs);
  EXPECT_GT(last.words_per_second, 0.0);
  EXPECT_GT(last.elapsed_ms, 0.0);
  EXPECT_LT(last.learning_rate, 0.01 * starting_learning_rate(o));

  int distinct = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const TrainProgress& p = calls[i];
    SCOPED_TRACE("call " + std::to_string(i) + " of " + std::to_string(calls.size()));
    EXPECT_EQ(p.words_total, total);
    EXPECT_GE(p.words_done, 0);
    EXPECT_LE(p.words_done, total);
    EXPECT_GE(p.epoch, 1);
    EXPECT_LE(p.epoch, o.epochs);
    EXPECT_LE(p.learning_rate, starting_learning_rate(o));
    EXPECT_GT(p.learning_rate, 0.0);
    EXPECT_TRUE(std::isfinite(p.average_loss));
    EXPECT_GE(p.average_loss, 0.0);
    if (p.words_done > 0) {
      EXPECT_GT(p.words_per_second, 0.0);
    }
    EXPECT_EQ(p.finished, i + 1 == calls.size()) << "only the last call reports the end";
    if (i == 0) continue;
    const TrainProgress& before = calls[i - 1];
    EXPECT_GE(p.words_done, before.words_done);
    EXPECT_GE(p.epoch, before.epoch);
    EXPECT_LE(p.learning_rate, before.learning_rate);
    EXPECT_GE(p.elapsed_ms, before.elapsed_ms);
    if (p.words_done > before.words_done) {
      ++distinct;
      // Words were processed since the previous call, so there is a loss to report; a loss
      // near log(2) * (1 + negative) means nothing is learned, word2vec's stays well below.
      EXPECT_GT(p.average_loss, 0.0);
      EXPECT_LT(p.average_loss, 6 * std::log(2.0) + 0.5);
    }
  }
  EXPECT_GE(distinct, 3) << "words_done should grow over several calls";
  EXPECT_LT(last.learning_rate, calls.front().learning_rate);
}

TEST(Trainer, LossFallsAsTrainingProceeds) {
  const Corpus corpus = planted(3000);
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  Trainer trainer(corpus, o);
  // Single-thread counters are published every ~10,000 words; slices of ~2,000 words.
  std::vector<double> losses;
  while (!trainer.run_for(0.0)) {
    const TrainProgress p = trainer.progress();
    if (p.average_loss > 0) losses.push_back(p.average_loss);
  }
  ASSERT_GE(losses.size(), 10u);
  EXPECT_LT(losses.back(), 0.8 * losses.front()) << "first " << losses.front() << ", last " << losses.back();
}

// ---- cancellation ----------------------------------------------------------------------------------

// About ten seconds of training on one core (900,000 tokens, 10 epochs of skip-gram): every
// cancellation below must cut it short, leaving a usable partial model.
const Corpus& big_corpus() {
  static const Corpus corpus = planted(100000);
  return corpus;
}

TrainOptions long_options(int threads) {
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kNegativeSampling);
  o.dim = 100;
  o.epochs = 10;
  o.threads = threads;
  return o;
}

void expect_usable(const Embeddings& e, const Corpus& corpus) {
  ASSERT_EQ(e.size(), corpus.vocabulary.size());
  ASSERT_GT(e.size(), 0u);
  for (float x : e.data()) ASSERT_TRUE(std::isfinite(x));
  const float s = e.similarity("king", "queen");
  EXPECT_TRUE(std::isfinite(s));
  EXPECT_LE(std::fabs(s), 1.0001f);
  EXPECT_EQ(e.most_similar({"king"}, {}, 5).size(), 5u);
}

void expect_train_stops_when_flag_set(int threads) {
  const Corpus& corpus = big_corpus();
  const TrainOptions o = long_options(threads);
  std::atomic<bool> cancel{false};
  std::atomic<bool> started{false};
  TrainProgress last;
  Embeddings result;
  std::thread worker([&] {
    result = train(corpus, o, [&](const TrainProgress& p) {
      last = p;
      if (p.words_done > 0) started = true;
    }, &cancel, 10.0);
  });
  // Set the flag (as the CLI's Ctrl-C handler does) once training is under way.
  for (int i = 0; i < 100000 && !started; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  cancel = true;
  worker.join();
  EXPECT_TRUE(last.finished);
  EXPECT_TRUE(last.cancelled);
  EXPECT_GT(last.words_done, 0);
  EXPECT_LT(last.words_done, last.words_total / 2) << "the run went on long after the flag was set";
  expect_usable(result, corpus);
}

TEST(Trainer, TrainStopsWhenTheCancelFlagIsSet) { expect_train_stops_when_flag_set(1); }

TEST(Trainer, TrainStopsWhenTheCancelFlagIsSetWithTwoThreads) { expect_train_stops_when_flag_set(2); }

void expect_cancel_method_stops_run_for(int threads) {
  const Corpus& corpus = big_corpus();
  Trainer trainer(corpus, long_options(threads));
  std::atomic<bool> returned{false};
  bool result = false;
  std::thread worker([&] {
    result = trainer.run_for(600000.0);  // ten minutes: only cancel() can end it early
    returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const bool finished_early = returned.load();
  trainer.cancel();
  worker.join();
  ASSERT_FALSE(finished_early) << "run_for returned before cancel()";
  EXPECT_TRUE(result);
  EXPECT_TRUE(trainer.finished());
  const TrainProgress p = trainer.progress();
  EXPECT_TRUE(p.finished);
  EXPECT_TRUE(p.cancelled);
  EXPECT_GT(p.words_done, 0);
  EXPECT_LT(p.words_done, p.words_total);
  EXPECT_TRUE(trainer.run_for(1000.0)) << "a cancelled trainer stays finished";
  expect_usable(trainer.embeddings(), corpus);
}

TEST(Trainer, CancelFromAnotherThreadEndsRunFor) { expect_cancel_method_stops_run_for(1); }

TEST(Trainer, CancelFromAnotherThreadEndsRunForWithTwoThreads) { expect_cancel_method_stops_run_for(2); }

TEST(Trainer, CancelKeepsThePartialModelAndCountsOnlyWordsUnderWay) {
  const Corpus& corpus = big_corpus();
  for (int threads : {1, 2}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    Trainer trainer(corpus, long_options(threads));
    const Embeddings initial = trainer.embeddings();
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(trainer.run_for(0.0));
    trainer.cancel();
    const std::int64_t at_cancel = trainer.progress().words_done;
    EXPECT_TRUE(trainer.run_for(600000.0));
    const TrainProgress p = trainer.progress();
    EXPECT_TRUE(p.cancelled);
    // Each thread finishes the sentence it is in and publishes the (< 10,000) words it held back.
    EXPECT_LE(p.words_done - at_cancel, threads * (10000 + 10));
    EXPECT_LT(p.words_done, p.words_total / 10);
    const Embeddings partial = trainer.embeddings();
    expect_usable(partial, corpus);
    EXPECT_EQ(partial.data(), trainer.model().matrix("input").values()) << "the vectors are the model's input rows";
    EXPECT_NE(partial.data(), initial.data()) << "what was learned before the cancel is kept";
  }
}

// One 10,000-word line with heavy settings: a position holds up to 400 examples of 201 rows of
// 2,000 floats. run_for and cancel must still work inside it.
TEST(Trainer, HeavySettingsStillReturnFromRunForAndCancelToAPartialModel) {
  std::string text = planted_corpus(1000, 3);
  std::replace(text.begin(), text.end(), '\n', ' ');
  const Corpus corpus = build_corpus(text, keep_every_word(), "one line");
  ASSERT_EQ(corpus.sentence_count(), 1u);
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kNegativeSampling);
  o.dim = 2000;
  o.window = 200;
  o.negative = 200;
  o.epochs = 1;
  o.sample = 0.0;
  for (int threads : {1, 2}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    o.threads = threads;
    Trainer trainer(corpus, o);
    EXPECT_FALSE(trainer.run_for(0.0));
    EXPECT_FALSE(trainer.run_for(1.0));
    if (threads == 1) {
      EXPECT_EQ(trainer.progress().words_done, 0) << "both slices ended inside the one sentence";
    }
    trainer.cancel();
    EXPECT_TRUE(trainer.run_for(600000.0));
    const TrainProgress p = trainer.progress();
    EXPECT_TRUE(p.cancelled);
    EXPECT_LT(p.words_done, p.words_total) << "the one sentence was not finished";
    expect_usable(trainer.embeddings(), corpus);
  }
}

TEST(Trainer, DestroyingARunningTrainerJoinsItsThreadsBeforeFreeingTheModel) {
  const Corpus& corpus = big_corpus();
  for (int i = 0; i < 3; ++i) {
    Trainer trainer(corpus, long_options(2));
    EXPECT_FALSE(trainer.run_for(20.0));
  }
}

// ---- several threads ----------------------------------------------------------------------------

TEST(Trainer, TwoThreadsProcessEveryWordAndStillLearnTheAnalogy) {
  const Corpus corpus = planted();
  for (auto [model, loss] : {std::pair{ModelKind::kCbow, LossKind::kNegativeSampling},
                             std::pair{ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax}}) {
    TrainOptions o = small_options(model, loss);
    o.threads = 2;
    TrainProgress last;
    int calls = 0;
    const Embeddings e = train(corpus, o, [&](const TrainProgress& p) { last = p, ++calls; }, nullptr, 10.0);
    ASSERT_GE(calls, 1);
    EXPECT_TRUE(last.finished);
    EXPECT_FALSE(last.cancelled);
    EXPECT_EQ(last.words_total, static_cast<std::int64_t>(corpus.tokens.size()) * o.epochs);
    EXPECT_EQ(last.words_done, last.words_total);
    EXPECT_GT(last.words_per_second, 0.0);
    expect_planted_analogies(e);
  }
}

TEST(Trainer, MoreThreadsThanSentencesStillTrains) {
  const Corpus corpus = build_corpus(std::string("a b c d e f\nb c d e f a\n"), keep_every_word(), "tiny");
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.threads = 4;
  TrainProgress last;
  const Embeddings e = train(corpus, o, [&](const TrainProgress& p) { last = p; });
  EXPECT_EQ(e.size(), 6u);
  EXPECT_EQ(last.words_done, 12 * o.epochs);
}

TEST(Trainer, SingleWordCorpusTrainsWithBothLosses) {
  const Corpus corpus = build_corpus(std::string("hello hello hello\nhello\n"), keep_every_word(), "one word");
  for (LossKind loss : {LossKind::kNegativeSampling, LossKind::kHierarchicalSoftmax}) {
    TrainOptions o = small_options(ModelKind::kSkipGram, loss);
    const Embeddings e = train(corpus, o);
    ASSERT_EQ(e.size(), 1u);
    for (float x : e.data()) EXPECT_TRUE(std::isfinite(x));
  }
}

// ---- the model: inspecting, saving, training further --------------------------------------------------

void train_to_the_end(Trainer& trainer) {
  while (!trainer.run_for(1000.0)) {
  }
}

// A model trained to the end on `corpus`.
Model trained_model(const Corpus& corpus, const TrainOptions& options) {
  Trainer trainer(corpus, options);
  train_to_the_end(trainer);
  return trainer.model();
}

TEST(Trainer, ItsModelHoldsTheInputAndOutputMatricesAndTheOptions) {
  const Corpus corpus = planted(200);
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax);
  o.epochs = 1;
  const Model model = trained_model(corpus, o);
  EXPECT_EQ(model.kind(), "word2vec");
  ASSERT_EQ(model.matrices().size(), 2u);
  for (const NamedMatrix& m : model.matrices()) {
    EXPECT_EQ(m.matrix.rows(), corpus.vocabulary.size()) << m.name;
    EXPECT_EQ(m.matrix.cols(), 30u) << m.name;
  }
  EXPECT_EQ(model.matrices()[0].name, "input");
  EXPECT_EQ(model.matrices()[1].name, "output");
  EXPECT_NE(model.matrix("output"), Matrix(corpus.vocabulary.size(), 30)) << "the output layer was trained and kept";
  EXPECT_EQ(model.option("model"), "skipgram");
  EXPECT_EQ(model.option("loss"), "hs");
  EXPECT_EQ(model.vocabulary().words(), corpus.vocabulary.words());
  EXPECT_EQ(model.tokenizer().kind(), "word");
}

TEST(Trainer, OptionsSurviveTheTripThroughAModelsStrings) {
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax);
  o.negative = 0;
  o.sample = 1.0 / 3.0;
  o.learning_rate = 0.1 + 1e-17;
  o.seed = 4294967295u;  // the largest seed the schema allows
  o.threads = 3;
  Model model(Model::kWord2Vec, std::make_shared<WordTokenizer>(TokenizerOptions{}, Vocabulary({"a"}, {1})),
              describe_options(o));
  const TrainOptions back = train_options_from(model);
  EXPECT_EQ(describe_options(back), describe_options(o));
  EXPECT_EQ(back.sample, o.sample);
  EXPECT_EQ(back.learning_rate, o.learning_rate);
  EXPECT_EQ(back.seed, o.seed);
  model.set_options({{"model", "cbow"}});
  EXPECT_TRUE(Contains(error_of([&] { train_options_from(model); }), "no option 'loss'"));
  Settings bad = describe_options(o);
  bad[2].second = "many";
  model.set_options(bad);
  EXPECT_TRUE(ContainsAll(error_of([&] { train_options_from(model); }), {"'dim'", "'many'", "whole number"}));
}

// Trains to the end, collecting the average loss after every slice that has one.
std::vector<double> train_collecting_losses(Trainer& trainer) {
  std::vector<double> losses;
  while (!trainer.run_for(0.0)) {
    const TrainProgress p = trainer.progress();
    if (p.average_loss > 0) losses.push_back(p.average_loss);
  }
  losses.push_back(trainer.progress().average_loss);
  return losses;
}

Model reloaded(const Model& model) {
  std::stringstream file;
  model.save(file);
  return Model::load(file, "planted.model");
}

TEST(Trainer, ASavedModelTrainsFurtherKeepingItsVocabularyWhileTheLossKeepsFalling) {
  const Corpus corpus = planted(1000);
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.epochs = 4;
  Trainer first(corpus, o);
  const std::vector<double> first_losses = train_collecting_losses(first);

  Model saved = reloaded(first.model());
  const Matrix before = saved.matrix("input");
  TrainOptions more = train_options_from(saved);
  EXPECT_EQ(describe_options(more), describe_options(o));
  more.seed = 2;
  // New text about the same people, plus words the model has never seen.
  const Corpus new_text = build_corpus(planted_corpus(1000, 99) + "dragon knight dragon\n", keep_every_word(), "more");
  Trainer second(new_text, std::move(saved), more);
  const std::vector<double> second_losses = train_collecting_losses(second);

  EXPECT_EQ(second.model().vocabulary().words(), first.model().vocabulary().words());
  EXPECT_EQ(second.model().vocabulary().counts(), first.model().vocabulary().counts());
  EXPECT_EQ(second.model().option("seed"), "2") << "the model records the options of its latest training";
  EXPECT_NE(second.model().matrix("input"), before) << "training further changed the vectors";
  EXPECT_EQ(second.progress().words_total, static_cast<std::int64_t>(new_text.tokens.size() - 3) * more.epochs)
      << "the unknown words are skipped";
  ASSERT_GE(first_losses.size(), 3u);
  ASSERT_GE(second_losses.size(), 3u);
  std::string trace = "first run: " + std::to_string(first_losses.front()) + " -> " + std::to_string(first_losses.back()) +
                      ", second run: " + std::to_string(second_losses.front()) + " -> " + std::to_string(second_losses.back());
  EXPECT_LT(second_losses.front(), first_losses.front()) << "it starts from the trained model; " << trace;
  EXPECT_LT(second_losses.front(), 1.1 * first_losses.back()) << "it starts where the first run ended; " << trace;
  EXPECT_LT(second_losses.back(), second_losses.front()) << "the loss keeps falling; " << trace;
  EXPECT_LT(second_losses.back(), first_losses.back()) << trace;
  expect_planted_analogies(second.embeddings());
}

TEST(Trainer, TrainingFurtherFromASavedFileEqualsTrainingFurtherInMemory) {
  const Corpus corpus = planted(300);
  TrainOptions o = small_options(ModelKind::kSkipGram, LossKind::kHierarchicalSoftmax);
  o.epochs = 2;
  const Model first = trained_model(corpus, o);
  const Corpus new_text = build_corpus(planted_corpus(300, 42), keep_every_word(), "more");
  Trainer in_memory(new_text, first, o);
  Trainer from_file(new_text, reloaded(first), o);
  train_to_the_end(in_memory);
  train_to_the_end(from_file);
  EXPECT_TRUE(bit_identical(in_memory.embeddings(), from_file.embeddings()));
  EXPECT_EQ(in_memory.model().matrix("output"), from_file.model().matrix("output"));
}

TEST(Trainer, TrainingFurtherLooksTheNewWordsUpThroughTheModelsTokenizer) {
  const Corpus corpus = planted(300);
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.epochs = 1;
  CorpusOptions keep_case = keep_every_word();
  keep_case.tokenizer.lowercase = false;
  const Corpus capitalised = build_corpus(std::string("The King and the Queen\nA Jester\n"), keep_case, "capitals");
  Trainer second(capitalised, trained_model(corpus, o), o);
  // King -> king, Queen -> queen, The/the -> the, A -> a; "Jester" is unknown and its line empty.
  EXPECT_EQ(second.progress().words_total, 6);
  train_to_the_end(second);
  EXPECT_EQ(second.progress().words_done, 6);
}

TEST(Trainer, RefusesToTrainFurtherWithIncompatibleSettings) {
  const Corpus corpus = planted(100);
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.epochs = 1;
  const Model first = trained_model(corpus, o);
  TrainOptions other_dim = o;
  other_dim.dim = 31;
  EXPECT_TRUE(ContainsAll(error_of([&] { Trainer t(corpus, first, other_dim); }), {"30 dimensions", "got 31"}));
  TrainOptions other_loss = o;
  other_loss.loss = LossKind::kHierarchicalSoftmax;
  EXPECT_TRUE(ContainsAll(error_of([&] { Trainer t(corpus, first, other_loss); }), {"negative sampling", "output matrix"}));
  const Corpus unknown = build_corpus(std::string("dragon knight\n"), keep_every_word(), "unknown");
  const std::string words = "(" + std::to_string(corpus.vocabulary.size()) + " words)";
  EXPECT_TRUE(ContainsAll(error_of([&] { Trainer t(unknown, first, o); }), {"none of the corpus's words", words.c_str()}));
  TrainOptions bad = o;
  bad.epochs = 0;
  EXPECT_TRUE(Contains(error_of([&] { Trainer t(corpus, first, bad); }), "epochs"));
}

TEST(Trainer, SwitchingBetweenCbowAndSkipGramKeepsTrainingTheSameMatrices) {
  const Corpus corpus = planted(1000);
  TrainOptions cbow = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  cbow.epochs = 3;
  TrainOptions skipgram = cbow;
  skipgram.model = ModelKind::kSkipGram;
  Trainer second(corpus, trained_model(corpus, cbow), skipgram);
  train_to_the_end(second);
  EXPECT_EQ(second.model().option("model"), "skipgram");
  expect_planted_analogies(second.embeddings());
}

// ---- queries go through the tokenizer that built the model ---------------------------------------

TEST(Trainer, QueriesAreNormalisedAsTheTrainingTextWas) {
  const std::string text = planted_corpus(300, 5) + "The King met the Queen\n";
  TrainOptions o = small_options(ModelKind::kCbow, LossKind::kNegativeSampling);
  o.epochs = 1;

  const Corpus lowercased = build_corpus(text, keep_every_word(), "lowercased");
  const Embeddings lower = train(lowercased, o);
  EXPECT_GE(lower.find("king"), 0);
  EXPECT_EQ(lower.find("King"), lower.find("king"));
  EXPECT_EQ(lower.find("KING!"), lower.find("king")) << "punctuation is stripped as in training";

  CorpusOptions keep_case = keep_every_word();
  keep_case.tokenizer.lowercase = false;
  const Corpus cased = build_corpus(text, keep_case, "cased");
  const Embeddings exact = train(cased, o);
  ASSERT_GE(exact.find("King"), 0);
  ASSERT_GE(exact.find("king"), 0);
  EXPECT_NE(exact.find("King"), exact.find("king")) << "a keep-case model keeps them apart";
  EXPECT_EQ(exact.find("KING"), -1) << "a keep-case model does not lowercase a query";
  EXPECT_THROW(exact.id("PRINCESS"), Error);
  // The same words loaded from a vectors file know nothing of the tokenizer: as before, they try
  // the query lowercased.
  const Embeddings file(exact.words(), exact.dim(), exact.data());
  EXPECT_EQ(file.find("KING"), exact.find("king"));
}

// ---- options ------------------------------------------------------------------------------------

void expect_rejected(const TrainOptions& o, const std::string& parameter) {
  try {
    validate(o);
    ADD_FAILURE() << "validate accepted a bad " << parameter;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(parameter), std::string::npos)
        << "message '" << e.what() << "' does not name " << parameter;
  }
  const Corpus corpus = planted(10);
  EXPECT_THROW({ Trainer trainer(corpus, o); }, Error) << parameter;
}

TEST(Trainer, ValidateRejectsUnusableOptionsNamingTheParameter) {
  const TrainOptions good;
  EXPECT_NO_THROW(validate(good));
  const auto with = [&](auto change) {
    TrainOptions o = good;
    change(o);
    return o;
  };
  expect_rejected(with([](TrainOptions& o) { o.dim = 0; }), "dim");
  expect_rejected(with([](TrainOptions& o) { o.dim = 10001; }), "dim");
  expect_rejected(with([](TrainOptions& o) { o.window = 0; }), "window");
  expect_rejected(with([](TrainOptions& o) { o.negative = -1; }), "negative");
  expect_rejected(with([](TrainOptions& o) { o.negative = 0; }), "negative");
  expect_rejected(with([](TrainOptions& o) { o.epochs = 0; }), "epochs");
  expect_rejected(with([](TrainOptions& o) { o.sample = -1; }), "sample");
  expect_rejected(with([](TrainOptions& o) { o.sample = std::nan(""); }), "sample");
  expect_rejected(with([](TrainOptions& o) { o.threads = 0; }), "threads");
  expect_rejected(with([](TrainOptions& o) { o.learning_rate = -0.1; }), "learning rate");
}

TEST(Trainer, ValidateAcceptsTheLimitsAndHierarchicalSoftmaxWithoutNegatives) {
  TrainOptions o;
  o.dim = 10000;
  o.window = 1;
  o.epochs = 1;
  o.sample = 0.0;
  EXPECT_NO_THROW(validate(o));
  o.loss = LossKind::kHierarchicalSoftmax;
  o.negative = 0;
  EXPECT_NO_THROW(validate(o));
}

TEST(Trainer, StartingLearningRateDependsOnTheModel) {
  TrainOptions o;
  o.model = ModelKind::kCbow;
  EXPECT_DOUBLE_EQ(starting_learning_rate(o), 0.05);
  o.model = ModelKind::kSkipGram;
  EXPECT_DOUBLE_EQ(starting_learning_rate(o), 0.025);
  o.learning_rate = 0.1;
  EXPECT_DOUBLE_EQ(starting_learning_rate(o), 0.1);
}

TEST(Trainer, RefusesAnEmptyCorpus) {
  const Corpus empty;
  EXPECT_THROW({ Trainer trainer(empty, TrainOptions{}); }, Error);
  EXPECT_THROW(train(empty, TrainOptions{}), Error);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(TrainerDivergence, AnAbsurdLearningRateEndsWithAClearErrorOrFiniteVectors) {
  CorpusOptions corpus_options;
  corpus_options.min_count = 1;
  std::string text;
  for (int i = 0; i < 300; ++i) text += "a b c d e f g h a b c d\n";
  const Corpus corpus = build_corpus(text, corpus_options);
  TrainOptions options;
  options.learning_rate = 10.0;
  options.epochs = 20;
  options.dim = 8;
  try {
    const Embeddings e = train(corpus, options);
    for (float x : e.data()) ASSERT_TRUE(std::isfinite(x));
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lower the learning rate"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace embedlab
