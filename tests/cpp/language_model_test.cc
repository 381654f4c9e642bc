// Language models learn: next-word loss on a synthetic language falls far below what counting
// tokens or pairs achieves, masked-word accuracy beats always guessing the most frequent token, the
// default configuration beats a bigram model on real text within a fixed number of steps. Training
// is reproducible (one thread, a seed; sliced or not), threads share each step's rows, and
// sampling and filling use what was learned.
#include "core/language_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/bpe.h"
#include "core/training_loop.h"
#include "test_support.h"
#include "transformer_support.h"

namespace embedlab {
namespace {

// 12 words "w0".."w11", the marker "=" and the five special tokens (ids 13 to 17).
constexpr int kWords = 12;
constexpr std::int32_t kMarker = 12;

std::shared_ptr<const Tokenizer> synthetic_tokenizer() {
  std::vector<std::string> words;
  for (int i = 0; i < kWords; ++i) words.push_back("w" + std::to_string(i));
  words.push_back("=");
  for (const char* s : {SpecialTokens::kEndOfText, SpecialTokens::kCls, SpecialTokens::kSep, SpecialTokens::kMask,
                        SpecialTokens::kPad}) {
    words.emplace_back(s);
  }
  return std::make_shared<WordTokenizer>(TokenizerOptions{}, Vocabulary(words, std::vector<std::int64_t>(words.size(), 1)));
}

// The copy language: four random words, "=", the same four words again. Half of each sentence is
// unpredictable; the other half is predictable only by attending four or five tokens back.
SplitSentences copy_language(int sentences, std::uint64_t seed) {
  Rng rng(seed);
  TokenSentences all;
  for (int s = 0; s < sentences; ++s) {
    std::vector<std::int32_t> sentence;
    for (int i = 0; i < 4; ++i) sentence.push_back(static_cast<std::int32_t>(rng.below(kWords)));
    sentence.push_back(kMarker);
    for (int i = 0; i < 4; ++i) sentence.push_back(sentence[static_cast<std::size_t>(i)]);
    all.add(sentence);
  }
  return split_sentences(all);
}

// The counting language: a random start, then each word one more than the previous (mod 12).
SplitSentences counting_language(int sentences, std::uint64_t seed) {
  Rng rng(seed);
  TokenSentences all;
  for (int s = 0; s < sentences; ++s) {
    std::vector<std::int32_t> sentence{static_cast<std::int32_t>(rng.below(kWords))};
    const auto length = 6 + rng.below(6);
    while (sentence.size() < length) sentence.push_back((sentence.back() + 1) % kWords);
    all.add(sentence);
  }
  return split_sentences(all);
}

TransformerConfig small_config(bool causal, Positional positional = Positional::kRope) {
  TransformerConfig config = tiny_config(positional, causal, !causal);
  config.vocab = 18;
  config.width = 32;
  config.heads = 4;
  config.context = 32;
  return config;
}

struct TrainedModel {
  std::unique_ptr<Model> model;
  std::unique_ptr<Transformer> transformer;
  TrainProgress progress;
  std::vector<float> weights() const {
    std::vector<float> all;
    for (const NamedMatrix& m : model->matrices()) all.insert(all.end(), m.matrix.values().begin(), m.matrix.values().end());
    return all;
  }
};

TrainedModel train_model(const TransformerConfig& config, const SplitSentences& data, const LanguageModelOptions& options,
                         int threads = 1, double slice_ms = 1e9, std::shared_ptr<const Tokenizer> tokenizer = nullptr) {
  if (!tokenizer) tokenizer = synthetic_tokenizer();
  TrainedModel out;
  out.model = std::make_unique<Model>(Transformer::kKind, tokenizer, config.settings());
  Rng rng(options.seed);
  Transformer::add_parameters(*out.model, config, rng);
  out.transformer = std::make_unique<Transformer>(*out.model, config);
  LanguageModelTrainer trainer(*out.transformer, data, SpecialTokens::of(tokenizer->vocabulary()), options);
  StepLoopOptions loop_options;
  loop_options.threads = threads;
  loop_options.validation_every = options.steps;
  TrainingLoop loop(trainer, loop_options);
  while (!loop.run_for(slice_ms)) {
  }
  out.progress = loop.progress();
  return out;
}

LanguageModelOptions quick_options(std::int64_t steps) {
  LanguageModelOptions o;
  o.steps = steps;
  o.batch = 16;
  o.learning_rate = 3e-3;
  o.warmup = 30;
  o.seed = 3;
  return o;
}

TEST(LanguageModel, NextWordLearnsToCopyFarBelowTheUnigramAndBigramLosses) {
  const SplitSentences data = copy_language(2000, 1);
  const SpecialTokens special = SpecialTokens::of(synthetic_tokenizer()->vocabulary());
  const std::vector<std::int32_t> train = token_stream(data.train, special.end_of_text);
  const std::vector<std::int32_t> validation = token_stream(data.validation, special.end_of_text);
  const double unigram = unigram_entropy(validation, 18);
  const double bigram = bigram_cross_entropy(train, validation, 18);
  const TrainedModel trained = train_model(small_config(true), data, quick_options(600), 2);
  // Perfect copying leaves the four random words of ten tokens: 0.4 x log 12 = 0.99 nats.
  EXPECT_LT(trained.progress.validation_loss, 1.3);
  EXPECT_LT(trained.progress.validation_loss, 0.6 * unigram);
  EXPECT_LT(trained.progress.validation_loss, bigram - 0.5);
}

TEST(LanguageModel, MaskedWordBeatsGuessingTheMostFrequentWord) {
  const SplitSentences data = counting_language(2000, 2);
  const SpecialTokens special = SpecialTokens::of(synthetic_tokenizer()->vocabulary());
  const TrainedModel trained = train_model(small_config(false), data, quick_options(600), 2);
  // The trainer's fixed validation rows, scored by always guessing the most frequent training word.
  Model untrained(Transformer::kKind, synthetic_tokenizer(), small_config(false).settings());
  Rng rng(1);
  Transformer::add_parameters(untrained, small_config(false), rng);
  Transformer transformer(untrained, small_config(false));
  const LanguageModelTrainer trainer(transformer, data, special, quick_options(1));
  const double guessing = accuracy_of_guessing(trainer.validation_batch(), most_frequent_token(data.train.tokens, 18, special));
  EXPECT_LT(guessing, 0.2);
  EXPECT_GT(trained.progress.validation_accuracy, guessing + 0.5);
}

TEST(LanguageModel, OneThreadAndASeedAreBitReproducibleSlicedOrNot) {
  const SplitSentences data = counting_language(300, 4);
  for (bool causal : {true, false}) {
    const TrainedModel one_go = train_model(small_config(causal), data, quick_options(12));
    EXPECT_EQ(train_model(small_config(causal), data, quick_options(12)).weights(), one_go.weights());
    EXPECT_EQ(train_model(small_config(causal), data, quick_options(12), 1, 0.0).weights(), one_go.weights())
        << "a zero budget trains one row per slice";
    EXPECT_EQ(train_model(small_config(causal), data, quick_options(12), 1, 0.5).weights(), one_go.weights());
    LanguageModelOptions other = quick_options(12);
    other.seed = 4;
    EXPECT_NE(train_model(small_config(causal), data, other).weights(), one_go.weights());
    // Two threads draw the same batches; their sums differ from one thread's in the last bits only.
    const TrainedModel two = train_model(small_config(causal), data, quick_options(12), 2);
    EXPECT_EQ(train_model(small_config(causal), data, quick_options(12), 2, 0.5).weights(), two.weights());
    const std::vector<float> a = one_go.weights(), b = two.weights();
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-3) << i;
  }
}

TEST(LanguageModel, TheFirstStepsLossIsTheParityBatchsLossAndStartsNearLogV) {
  const SplitSentences data = counting_language(300, 4);
  auto tokenizer = synthetic_tokenizer();
  const TransformerConfig config = small_config(true, Positional::kLearned);
  Model model(Transformer::kKind, tokenizer, config.settings());
  Rng rng(1);
  Transformer::add_parameters(model, config, rng);
  Transformer transformer(model, config);
  const SpecialTokens special = SpecialTokens::of(tokenizer->vocabulary());
  LanguageModelTrainer trainer(transformer, data, special, quick_options(1));
  const auto [loss, norm] = trainer.loss_and_gradient_norm(parity_batch(trainer.train_stream(), 4, 32));
  EXPECT_NEAR(loss, std::log(18.0), 0.1) << "GPT-2's initialisation predicts nearly uniformly";
  EXPECT_GT(norm, 0.0);
  // The training loop's first reported loss is the mean over its first batch.
  const auto [first_loss, first_norm] = trainer.loss_and_gradient_norm(trainer.batch_of(0));
  StepLoopOptions options;
  TrainingLoop loop(trainer, options);
  loop.run_for(1e9);
  EXPECT_NEAR(loop.progress().average_loss, first_loss, 1e-5);
  (void)first_norm;
}

TEST(LanguageModel, SamplingContinuesWhatWasLearned) {
  const SplitSentences data = counting_language(2000, 2);
  const TrainedModel trained = train_model(small_config(true), data, quick_options(300));
  const SpecialTokens special = SpecialTokens::of(synthetic_tokenizer()->vocabulary());
  // Greedy: 3 4 5 -> 6 7 8 9.
  EXPECT_EQ(sample_tokens(*trained.transformer, {3, 4, 5}, 4, 0.0, 0, 1, special),
            (std::vector<std::int32_t>{6, 7, 8, 9}));
  EXPECT_EQ(sample_tokens(*trained.transformer, {3, 4, 5}, 4, 1.0, 1, 9, special),
            (std::vector<std::int32_t>{6, 7, 8, 9}))
      << "top-k 1 is greedy";
  const auto a = sample_tokens(*trained.transformer, {7}, 30, 2.0, 0, 5, special);
  EXPECT_EQ(sample_tokens(*trained.transformer, {7}, 30, 2.0, 0, 5, special), a) << "same seed, same text";
  EXPECT_NE(sample_tokens(*trained.transformer, {7}, 30, 2.0, 0, 6, special), a);
  for (std::int32_t id : a) EXPECT_FALSE(special.is_special(id)) << "special tokens are never drawn";
  // Longer than the context: the window slides.
  EXPECT_EQ(sample_tokens(*trained.transformer, {0}, 40, 0.0, 0, 1, special).size(), 40u);
  EXPECT_TRUE(Contains(error_of([&] { sample_tokens(*trained.transformer, {}, 3, 1.0, 0, 1, SpecialTokens{}); }),
                       "no tokens"));
}

TEST(LanguageModel, NextTokensAreTheGreedyChoiceWithProbabilities) {
  const SplitSentences data = counting_language(2000, 2);
  const TrainedModel trained = train_model(small_config(true), data, quick_options(300));
  const SpecialTokens special = SpecialTokens::of(synthetic_tokenizer()->vocabulary());
  const auto next = next_tokens(*trained.transformer, {3, 4, 5}, 3, special);
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[0].first, sample_tokens(*trained.transformer, {3, 4, 5}, 1, 0.0, 0, 1, special)[0]);
  EXPECT_GE(next[0].second, next[1].second);
  EXPECT_GE(next[1].second, next[2].second);
  double total = 0.0;
  for (const auto& [id, p] : next_tokens(*trained.transformer, {3, 4, 5}, 0, special)) total += p;
  EXPECT_NEAR(total, 1.0, 1e-9) << "top-k 0 lists them all";
  EXPECT_TRUE(Contains(error_of([&] { next_tokens(*trained.transformer, {}, 3, special); }), "no tokens"));
}

TEST(LanguageModel, ModelInputWrapsSentencePairsForMaskedWordModels) {
  auto tokenizer = synthetic_tokenizer();
  const SpecialTokens special = SpecialTokens::of(tokenizer->vocabulary());
  const std::string second = "w4";
  const ModelInput pair = model_input(*tokenizer, small_config(false), special, "w2 w3", &second);
  EXPECT_EQ(pair.tokens, (std::vector<std::int32_t>{special.cls, 2, 3, special.sep, 4, special.sep}));
  EXPECT_EQ(pair.segments, (std::vector<std::int32_t>{0, 0, 0, 0, 1, 1}));
  const ModelInput single = model_input(*tokenizer, small_config(true), special, "w2 w3", nullptr);
  EXPECT_EQ(single.tokens, (std::vector<std::int32_t>{2, 3}));
  EXPECT_TRUE(single.segments.empty());
  EXPECT_TRUE(Contains(error_of([&] { model_input(*tokenizer, small_config(true), special, "w2", &second); }),
                       "needs a masked-word model"));
}

TEST(LanguageModel, FillRanksTheCandidatesOfEachMask) {
  const SplitSentences data = counting_language(2000, 2);
  const TrainedModel trained = train_model(small_config(false), data, quick_options(600));
  const SpecialTokens special = SpecialTokens::of(synthetic_tokenizer()->vocabulary());
  // [CLS] 2 3 [MASK] 5 [SEP] 8 [MASK] 10 [SEP]
  const std::vector<std::int32_t> tokens = {special.cls, 2, 3, special.mask, 5, special.sep, 8, special.mask, 10, special.sep};
  const std::vector<std::int32_t> segments = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<FilledMask> filled = fill_masks(*trained.transformer, tokens, segments, 3, special);
  ASSERT_EQ(filled.size(), 2u);
  EXPECT_EQ(filled[0].position, 3);
  EXPECT_EQ(filled[1].position, 7);
  EXPECT_EQ(filled[0].candidates[0].first, 4);
  EXPECT_EQ(filled[1].candidates[0].first, 9);
  for (const FilledMask& f : filled) {
    ASSERT_EQ(f.candidates.size(), 3u);
    EXPECT_GT(f.candidates[0].second, 0.5);
    EXPECT_GE(f.candidates[0].second, f.candidates[1].second);
    EXPECT_GE(f.candidates[1].second, f.candidates[2].second);
  }
  EXPECT_TRUE(Contains(error_of([&] { fill_masks(*trained.transformer, {2, 3}, {}, 3, special); }), "no [MASK]"));
  EXPECT_TRUE(Contains(error_of([&] { sample_tokens(*trained.transformer, {2}, 1, 1.0, 0, 1, special); }),
                       "needs a next-word model"));
}

TEST(LanguageModel, SpecialTokensInTextBecomeTheirIds) {
  auto tokenizer = synthetic_tokenizer();
  const SpecialTokens special = SpecialTokens::of(tokenizer->vocabulary());
  EXPECT_EQ(encode_with_specials(*tokenizer, "w2 [MASK] w4[SEP]w5", special),
            (std::vector<std::int32_t>{2, special.mask, 4, special.sep, 5}));
  EXPECT_TRUE(Contains(error_of([&] { encode_with_specials(*tokenizer, "unknown words", special); }), "no token"));
  const TokenSentences lines = encode_lines("w1 w2\n\nw3\r\nnothing known\n", *tokenizer);
  EXPECT_EQ(lines.count(), 2u);
  EXPECT_EQ(lines.tokens, (std::vector<std::int32_t>{1, 2, 3}));
}

TEST(LanguageModel, RefusesTextTooShortAndMaskedTrainingWithoutSpecialTokens) {
  auto tokenizer = synthetic_tokenizer();
  const TransformerConfig config = small_config(true);
  Model model(Transformer::kKind, tokenizer, config.settings());
  Rng rng(1);
  Transformer::add_parameters(model, config, rng);
  Transformer transformer(model, config);
  const SpecialTokens special = SpecialTokens::of(tokenizer->vocabulary());
  const SplitSentences tiny = counting_language(3, 1);  // ~25 tokens for a context of 32
  EXPECT_TRUE(ContainsAll(error_of([&] { LanguageModelTrainer(transformer, tiny, special, quick_options(1)); }),
                          {"training text has", "context of 32"}));
  const TransformerConfig masked = small_config(false);
  Model masked_model(Transformer::kKind, numbered_tokenizer(18), masked.settings());
  Transformer::add_parameters(masked_model, masked, rng);
  Transformer masked_transformer(masked_model, masked);
  EXPECT_TRUE(Contains(error_of([&] {
                         LanguageModelTrainer(masked_transformer, counting_language(100, 1), SpecialTokens{}, quick_options(1));
                       }),
                       "needs the special tokens [CLS] [SEP] [MASK] [PAD]"));
}

// The text of the first `lines` lines of the WordNet glosses.
}  // namespace
std::string gloss_lines(int lines) {
  std::ifstream in(EMBEDLAB_CORPUS_PATH);
  std::string text, line;
  for (int i = 0; i < lines && std::getline(in, line); ++i) text += line + "\n";
  return text;
}
namespace {

TEST(LanguageModel, TheDefaultConfigurationBeatsTheBigramBaselineOnRealText) {
  const std::string text = gloss_lines(4000);
  ASSERT_GT(text.size(), 100000u) << "run scripts/prepare-corpus.mjs for data/wordnet-glosses.txt";
  BpeTrainOptions bpe;
  bpe.vocabulary_size = 300;  // nearly bytes: a bigram model is strong there
  const std::shared_ptr<const Tokenizer> tokenizer = train_bpe(text, bpe);
  const SplitSentences data = split_sentences(encode_lines(text, *tokenizer));
  const SpecialTokens special = SpecialTokens::of(tokenizer->vocabulary());
  TransformerConfig config;  // the lm train defaults: width 64, 2 layers, 4 heads, context 64, learned positions
  config.vocab = static_cast<int>(tokenizer->vocabulary().size());
  LanguageModelOptions options;  // batch 16, lr 3e-3, warm-up 100
  options.steps = 600;
  const TrainedModel trained = train_model(config, data, options, 2, 1e9, tokenizer);
  const double bigram = bigram_cross_entropy(token_stream(data.train, special.end_of_text),
                                             token_stream(data.validation, special.end_of_text), config.vocab);
  EXPECT_LT(trained.progress.validation_loss, bigram - 0.05);
}

}  // namespace
}  // namespace embedlab
