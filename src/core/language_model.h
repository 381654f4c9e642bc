// Training a transformer as a language model, and using it. LanguageModelTrainer is the
// StepObjective the TrainingLoop runs: next-word (GPT: causal, every position predicts the next
// token) or masked-word (BERT: sentence pairs, 15% of the tokens predicted), AdamW as
// docs/transformer.md specifies, each step's batch rows shared by the threads. Sampling continues a
// prompt (next-word models); fill ranks the candidates for each [MASK] (masked-word models).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/language_data.h"
#include "core/objective.h"
#include "core/optimizer.h"
#include "core/options.h"
#include "core/transformer.h"

namespace embedlab {

enum class LanguageObjective { kNextWord, kMaskedWord };

// "next" / "masked"; parse_language_objective throws Error naming the choices.
const char* language_objective_name(LanguageObjective objective);
LanguageObjective parse_language_objective(std::string_view name);
// Which objective a transformer configuration was made for (causal: next-word).
inline LanguageObjective objective_of(const TransformerConfig& config) {
  return config.causal ? LanguageObjective::kNextWord : LanguageObjective::kMaskedWord;
}

struct LanguageModelOptions {
  int batch = 16;              // rows per step
  std::int64_t steps = 1000;
  double learning_rate = 3e-3;
  std::int64_t warmup = 100;
  std::uint64_t seed = 1;      // batches (and masking) of step s are drawn from seed and s
  int validation_rows = 32;    // rows of the fixed validation batch
};

// The configuration and training options `lm train`'s option values ask for, over a vocabulary of
// `vocabulary_size` tokens. transformer_config validates it (Error naming the problem).
TransformerConfig transformer_config(const OptionValues& values, int vocabulary_size);
LanguageModelOptions language_model_options(const OptionValues& values);
// The training options a model file keeps beside its configuration.
Settings training_settings(const LanguageModelOptions& options);

class LanguageModelTrainer final : public StepObjective {
 public:
  // Trains `transformer` (which must outlive the trainer) on `data` with the objective its
  // configuration was made for. Throws Error when the data cannot fill a batch or a validation row,
  // or masked-word training lacks the special tokens.
  LanguageModelTrainer(Transformer& transformer, const SplitSentences& data, const SpecialTokens& special,
                       const LanguageModelOptions& options);
  ~LanguageModelTrainer() override;

  std::int64_t steps() const override { return options_.steps; }
  int batch_rows() const override { return options_.batch; }
  std::int64_t row_tokens() const override { return transformer_.config().context; }
  int validation_rows() const override { return validation_.rows; }
  std::size_t parameter_size() const override { return optimizer_->size(); }
  double learning_rate(std::int64_t step) const override { return learning_rate_at(optimizer_->options(), step); }
  void prepare(int threads) override;
  void begin_step(std::int64_t step) override;
  RowLoss train_row(int thread, int row) override;
  double gradient_squares(int threads, std::size_t begin, std::size_t end) override;
  void update(std::int64_t step, float scale, int threads, std::size_t begin, std::size_t end) override;
  RowLoss validation_row(int thread, int row) override;

  const TokenBatch& validation_batch() const { return validation_; }
  // The batch of step `step` (what begin_step draws).
  TokenBatch batch_of(std::int64_t step) const;
  // Mean loss and gradient norm (before clipping) of `batch` with the current weights, changing
  // nothing: the benchmark's step-0 parity check.
  std::pair<double, double> loss_and_gradient_norm(const TokenBatch& batch);
  // The token streams the bigram baseline compares on (next-word: what the model sees).
  const std::vector<std::int32_t>& train_stream() const { return train_stream_; }
  std::vector<std::int32_t> validation_stream() const;

 private:
  struct Thread;
  RowLoss run_row(Thread& thread, const TokenBatch& batch, int row, Gradients* grads, float grad_scale);

  Transformer& transformer_;
  const SplitSentences& data_;
  SpecialTokens special_;
  LanguageModelOptions options_;
  LanguageObjective objective_;
  std::vector<std::int32_t> train_stream_;  // next-word: the training sentences with end of text between
  std::unique_ptr<AdamW> optimizer_;
  std::vector<std::unique_ptr<Thread>> threads_;
  TokenBatch batch_;       // the current step's
  float grad_scale_ = 1.0f;  // 1 / predictions in the current batch: the loss is their mean
  TokenBatch validation_;  // fixed
};

// Tokens that continue `prompt` (ids) with a next-word model: each drawn from the softmax of the
// last position's logits divided by `temperature` (0 = always the most likely), restricted to the
// `top_k` most likely (0 = all); the same seed gives the same text. Special tokens are never drawn.
std::vector<std::int32_t> sample_tokens(Transformer& transformer, const std::vector<std::int32_t>& prompt,
                                        int count, double temperature, int top_k, std::uint64_t seed,
                                        const SpecialTokens& special);

// The `top_k` most likely next tokens after `prompt` (ids) of a next-word model, with their
// probabilities (softmax over the non-special tokens), most likely first. Throws Error for a
// masked-word model or an empty prompt.
std::vector<std::pair<std::int32_t, double>> next_tokens(Transformer& transformer, const std::vector<std::int32_t>& prompt,
                                                        int top_k, const SpecialTokens& special);

// For each [MASK] of `tokens` (with `segments`, may be empty) in a masked-word model: its position
// and the `top_k` most likely tokens with their probabilities, most likely first.
struct FilledMask {
  int position;
  std::vector<std::pair<std::int32_t, double>> candidates;
};
std::vector<FilledMask> fill_masks(Transformer& transformer, const std::vector<std::int32_t>& tokens,
                                   const std::vector<std::int32_t>& segments, int top_k, const SpecialTokens& special);

// The token ids of `text`, with the literal special tokens it holds ([MASK], [SEP], ...) as their
// ids whatever the tokenizer does with them; spaces before one belong to it ("the [MASK]": the mask
// is " cat", not " " then "cat"). Throws Error when the text has no token.
std::vector<std::int32_t> encode_with_specials(const Tokenizer& tokenizer, std::string_view text,
                                               const SpecialTokens& special);

// What a model is given for `text`: its ids (encode_with_specials) and, for a model with segments
// (masked-word), [CLS] TEXT [SEP] (PAIR [SEP]) with segment ids 0 then 1. Throws Error when `pair`
// is given to a model without segments or the input does not fit the context.
struct ModelInput {
  std::vector<std::int32_t> tokens, segments;  // segments empty without segments
};
ModelInput model_input(const Tokenizer& tokenizer, const TransformerConfig& config, const SpecialTokens& special,
                       std::string_view text, const std::string* pair);

// One line of text per sentence, through `tokenizer`; empty lines are skipped.
TokenSentences encode_lines(std::string_view text, const Tokenizer& tokenizer);

}  // namespace embedlab
