#include "core/language_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace embedlab {

const char* language_objective_name(LanguageObjective objective) {
  return objective == LanguageObjective::kNextWord ? "next" : "masked";
}

LanguageObjective parse_language_objective(std::string_view name) {
  if (name == "next") return LanguageObjective::kNextWord;
  if (name == "masked") return LanguageObjective::kMaskedWord;
  throw Error("the objective must be 'next' or 'masked', got " + quote(name));
}

TransformerConfig transformer_config(const OptionValues& v, int vocabulary_size) {
  TransformerConfig c;
  c.vocab = vocabulary_size;
  c.width = static_cast<int>(v.integer("width"));
  c.layers = static_cast<int>(v.integer("layers"));
  c.heads = static_cast<int>(v.integer("heads"));
  c.context = static_cast<int>(v.integer("context"));
  c.positional = parse_positional(v.text("positional"));
  c.causal = parse_language_objective(v.text("objective")) == LanguageObjective::kNextWord;
  c.segments = !c.causal;
  c.validate();
  return c;
}

LanguageModelOptions language_model_options(const OptionValues& v) {
  LanguageModelOptions o;
  o.batch = static_cast<int>(v.integer("batch"));
  o.steps = v.integer("steps");
  o.learning_rate = v.number("learningRate");
  o.warmup = v.integer("warmup");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  return o;
}

Settings training_settings(const LanguageModelOptions& o) {
  return {{"batch", std::to_string(o.batch)},
          {"steps", std::to_string(o.steps)},
          {"learning_rate", plain_number(o.learning_rate)},
          {"warmup", std::to_string(o.warmup)},
          {"seed", std::to_string(o.seed)}};
}

// One thread's buffers: a one-row workspace, the row being run and the gradients it sums.
struct LanguageModelTrainer::Thread {
  std::unique_ptr<Transformer::Workspace> workspace;
  TokenBatch row;
  Gradients grads;
};

namespace {

// Seeds step `step`'s generator: every step draws its own batch, whatever ran before it.
std::uint64_t step_seed(std::uint64_t seed, std::int64_t step) {
  return seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(step) * 0xD1B54A32D192ED03ull + 1;
}

// Validation batches of masked-word models use their own fixed generator, so every run (any seed)
// is measured on the same rows.
constexpr std::uint64_t kValidationSeed = 0x76616c6964ull;

std::int64_t predictions(const TokenBatch& batch) {
  return std::count_if(batch.targets.begin(), batch.targets.end(), [](std::int32_t t) { return t >= 0; });
}

// Row `row` of `batch` as a batch of its own.
void copy_row(const TokenBatch& batch, int row, TokenBatch& out) {
  const auto length = static_cast<std::size_t>(batch.length);
  const auto from = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(row) * length);
  const auto to = static_cast<std::ptrdiff_t>(length);
  out.rows = 1;
  out.length = batch.length;
  out.tokens.assign(batch.tokens.begin() + from, batch.tokens.begin() + from + to);
  out.targets.assign(batch.targets.begin() + from, batch.targets.begin() + from + to);
  if (batch.segments.empty()) {
    out.segments.clear();
  } else {
    out.segments.assign(batch.segments.begin() + from, batch.segments.begin() + from + to);
  }
}

Gradients zero_gradients(Transformer& transformer) {
  Gradients grads;
  for (const Transformer::Parameter& p : transformer.parameters()) grads.emplace_back(p.size, 0.0f);
  return grads;
}

// The index of the largest of `values`, skipping special tokens.
std::int32_t most_likely(const float* values, int count, const SpecialTokens& special) {
  std::int32_t best = -1;
  for (std::int32_t i = 0; i < count; ++i) {
    if (!special.is_special(i) && (best < 0 || values[i] > values[best])) best = i;
  }
  return best;
}

// Softmax probabilities of `logits` / temperature over the non-special tokens (specials get 0).
std::vector<double> probabilities(const float* logits, int count, double temperature, const SpecialTokens& special) {
  std::vector<double> p(static_cast<std::size_t>(count), 0.0);
  double top = -INFINITY;
  for (int i = 0; i < count; ++i) {
    if (!special.is_special(i)) top = std::max(top, static_cast<double>(logits[i]));
  }
  double sum = 0.0;
  for (int i = 0; i < count; ++i) {
    if (special.is_special(i)) continue;
    p[i] = std::exp((logits[i] - top) / temperature);
    sum += p[i];
  }
  for (double& v : p) v /= sum;
  return p;
}

// The `k` (0 = all) indices of the largest probabilities, largest first.
std::vector<std::int32_t> top_indices(const std::vector<double>& p, int k) {
  std::vector<std::int32_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  const std::size_t keep = k > 0 ? std::min(order.size(), static_cast<std::size_t>(k)) : order.size();
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    [&](std::int32_t a, std::int32_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  order.resize(keep);
  return order;
}

}  // namespace

LanguageModelTrainer::LanguageModelTrainer(Transformer& transformer, const SplitSentences& data,
                                           const SpecialTokens& special, const LanguageModelOptions& options)
    : transformer_(transformer), data_(data), special_(special), options_(options),
      objective_(objective_of(transformer.config())) {
  const TransformerConfig& config = transformer_.config();
  if (options_.batch < 1) throw Error("the batch must have at least one row, got " + std::to_string(options_.batch));
  if (options_.steps < 0) throw Error("steps must be at least 0, got " + std::to_string(options_.steps));
  if (objective_ == LanguageObjective::kMaskedWord) {
    special_.require_masked_word();
    if (data_.validation.count() < 2) {
      throw Error("masked-word validation needs two held-out sentences; the text has too few lines (" +
                  std::to_string(data_.train.count() + data_.validation.count()) + ")");
    }
    Rng rng(kValidationSeed);
    validation_ = masked_word_batch(data_.validation, options_.validation_rows, config.context, config.vocab, special_, rng);
  } else {
    train_stream_ = token_stream(data_.train, special_.end_of_text);
    Rng probe(1);
    next_word_batch(train_stream_, 1, config.context, probe);  // throws when the text is too short
    validation_ = next_word_windows(validation_stream(), options_.validation_rows, config.context);
  }
  std::vector<ParameterView> views;
  for (const Transformer::Parameter& p : transformer_.parameters()) views.push_back({p.values, p.size, p.decay});
  AdamWOptions adam;
  adam.learning_rate = options_.learning_rate;
  adam.warmup = options_.warmup;
  adam.steps = options_.steps;
  optimizer_ = std::make_unique<AdamW>(adam, std::move(views));
}

LanguageModelTrainer::~LanguageModelTrainer() = default;

std::vector<std::int32_t> LanguageModelTrainer::validation_stream() const {
  return token_stream(data_.validation, special_.end_of_text);
}

void LanguageModelTrainer::prepare(int threads) {
  threads_.clear();
  for (int t = 0; t < threads; ++t) {
    auto thread = std::make_unique<Thread>();
    thread->workspace = transformer_.make_workspace(1, transformer_.config().context);
    thread->grads = zero_gradients(transformer_);
    threads_.push_back(std::move(thread));
  }
}

TokenBatch LanguageModelTrainer::batch_of(std::int64_t step) const {
  Rng rng(step_seed(options_.seed, step));
  const TransformerConfig& config = transformer_.config();
  if (objective_ == LanguageObjective::kNextWord) return next_word_batch(train_stream_, options_.batch, config.context, rng);
  return masked_word_batch(data_.train, options_.batch, config.context, config.vocab, special_, rng);
}

void LanguageModelTrainer::begin_step(std::int64_t step) {
  batch_ = batch_of(step);
  grad_scale_ = 1.0f / static_cast<float>(std::max<std::int64_t>(1, predictions(batch_)));
}

RowLoss LanguageModelTrainer::run_row(Thread& thread, const TokenBatch& batch, int row, Gradients* grads, float grad_scale) {
  copy_row(batch, row, thread.row);
  RowLoss loss;
  loss.loss_sum = transformer_.forward_backward(thread.row, *thread.workspace, grads, grad_scale, &loss.predicted);
  return loss;
}

RowLoss LanguageModelTrainer::train_row(int thread, int row) {
  Thread& t = *threads_[static_cast<std::size_t>(thread)];
  return run_row(t, batch_, row, &t.grads, grad_scale_);
}

RowLoss LanguageModelTrainer::validation_row(int thread, int row) {
  Thread& t = *threads_[static_cast<std::size_t>(thread)];
  RowLoss loss = run_row(t, validation_, row, nullptr, 1.0f);
  const float* logits = transformer_.logits(*t.workspace);
  const int vocab = transformer_.config().vocab;
  for (int i = 0; i < t.row.length; ++i) {
    const std::int32_t target = t.row.targets[static_cast<std::size_t>(i)];
    if (target >= 0 && most_likely(logits + static_cast<std::size_t>(i) * vocab, vocab, special_) == target) ++loss.correct;
  }
  return loss;
}

double LanguageModelTrainer::gradient_squares(int threads, std::size_t begin, std::size_t end) {
  Gradients& sum = threads_[0]->grads;
  optimizer_->for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
    for (int t = 1; t < threads; ++t) {
      const float* g = threads_[static_cast<std::size_t>(t)]->grads[p].data() + first;
      float* s = sum[p].data() + first;
      for (std::size_t i = 0; i < count; ++i) s[i] += g[i];
    }
  });
  return squared_norm(*optimizer_, sum, begin, end);
}

void LanguageModelTrainer::update(std::int64_t step, float scale, int threads, std::size_t begin, std::size_t end) {
  optimizer_->update(threads_[0]->grads, scale, step, begin, end);
  optimizer_->for_each_part(begin, end, [&](std::size_t p, std::size_t first, std::size_t count) {
    for (int t = 0; t < threads; ++t) {
      std::vector<float>& g = threads_[static_cast<std::size_t>(t)]->grads[p];
      std::fill_n(g.begin() + static_cast<std::ptrdiff_t>(first), count, 0.0f);
    }
  });
}

std::pair<double, double> LanguageModelTrainer::loss_and_gradient_norm(const TokenBatch& batch) {
  auto workspace = transformer_.make_workspace(batch.rows, batch.length);
  Gradients grads = zero_gradients(transformer_);
  const auto count = std::max<std::int64_t>(1, predictions(batch));
  std::int64_t predicted = 0;
  const double sum = transformer_.forward_backward(batch, *workspace, &grads, 1.0f / static_cast<float>(count), &predicted);
  double squares = 0.0;
  for (const std::vector<float>& g : grads) {
    for (float v : g) squares += static_cast<double>(v) * v;
  }
  return {sum / static_cast<double>(count), std::sqrt(squares)};
}

std::vector<std::int32_t> sample_tokens(Transformer& transformer, const std::vector<std::int32_t>& prompt, int count,
                                        double temperature, int top_k, std::uint64_t seed, const SpecialTokens& special) {
  const TransformerConfig& config = transformer.config();
  if (!config.causal) throw Error("sampling needs a next-word model; this one was trained on masked words (use fill)");
  std::vector<std::int32_t> text = prompt;
  if (text.empty()) {
    if (special.end_of_text < 0) throw Error("the prompt has no tokens");
    text.push_back(special.end_of_text);
  }
  auto workspace = transformer.make_workspace(1, config.context);
  Rng rng(seed);
  std::vector<std::int32_t> out;
  TokenBatch row;
  row.rows = 1;
  for (int n = 0; n < count; ++n) {
    const std::size_t length = std::min(text.size(), static_cast<std::size_t>(config.context));
    row.length = static_cast<int>(length);
    row.tokens.assign(text.end() - static_cast<std::ptrdiff_t>(length), text.end());
    row.targets.assign(length, -1);
    transformer.forward_backward(row, *workspace, nullptr, 1.0f, nullptr);
    const float* last = transformer.logits(*workspace) + (length - 1) * static_cast<std::size_t>(config.vocab);
    std::int32_t next;
    if (temperature <= 0.0) {
      next = most_likely(last, config.vocab, special);
    } else {
      const std::vector<double> p = probabilities(last, config.vocab, temperature, special);
      const std::vector<std::int32_t> top = top_indices(p, top_k);
      double total = 0.0;
      for (std::int32_t i : top) total += p[i];
      double u = static_cast<double>(rng.uniform()) * total;
      next = top.back();
      for (std::int32_t i : top) {
        if ((u -= p[i]) < 0.0) {
          next = i;
          break;
        }
      }
    }
    text.push_back(next);
    out.push_back(next);
  }
  return out;
}

std::vector<std::pair<std::int32_t, double>> next_tokens(Transformer& transformer, const std::vector<std::int32_t>& prompt,
                                                        int top_k, const SpecialTokens& special) {
  const TransformerConfig& config = transformer.config();
  if (!config.causal) throw Error("next-token probabilities need a next-word model; this one was trained on masked words (use fill)");
  if (prompt.empty()) throw Error("the prompt has no tokens");
  const std::size_t length = std::min(prompt.size(), static_cast<std::size_t>(config.context));
  TokenBatch row;
  row.rows = 1;
  row.length = static_cast<int>(length);
  row.tokens.assign(prompt.end() - static_cast<std::ptrdiff_t>(length), prompt.end());
  row.targets.assign(length, -1);
  auto workspace = transformer.make_workspace(1, row.length);
  transformer.forward_backward(row, *workspace, nullptr, 1.0f, nullptr);
  const float* last = transformer.logits(*workspace) + (length - 1) * static_cast<std::size_t>(config.vocab);
  const std::vector<double> p = probabilities(last, config.vocab, 1.0, special);
  std::vector<std::pair<std::int32_t, double>> out;
  for (std::int32_t id : top_indices(p, top_k)) out.emplace_back(id, p[id]);
  return out;
}

std::vector<FilledMask> fill_masks(Transformer& transformer, const std::vector<std::int32_t>& tokens,
                                   const std::vector<std::int32_t>& segments, int top_k, const SpecialTokens& special) {
  const TransformerConfig& config = transformer.config();
  if (config.causal) throw Error("fill needs a masked-word model; this one predicts the next word (use sample)");
  if (special.mask < 0 || std::find(tokens.begin(), tokens.end(), special.mask) == tokens.end()) {
    throw Error("the text has no [MASK] to fill");
  }
  if (tokens.size() > static_cast<std::size_t>(config.context)) {
    throw Error("the text has " + std::to_string(tokens.size()) + " tokens; the model's context is " +
                std::to_string(config.context));
  }
  TokenBatch row;
  row.rows = 1;
  row.length = static_cast<int>(tokens.size());
  row.tokens = tokens;
  row.targets.assign(tokens.size(), -1);
  if (config.segments) row.segments = segments.empty() ? std::vector<std::int32_t>(tokens.size(), 0) : segments;
  auto workspace = transformer.make_workspace(1, row.length);
  transformer.forward_backward(row, *workspace, nullptr, 1.0f, nullptr);
  std::vector<FilledMask> filled;
  for (int i = 0; i < row.length; ++i) {
    if (tokens[static_cast<std::size_t>(i)] != special.mask) continue;
    const float* logits = transformer.logits(*workspace) + static_cast<std::size_t>(i) * config.vocab;
    const std::vector<double> p = probabilities(logits, config.vocab, 1.0, special);
    FilledMask mask{i, {}};
    for (std::int32_t id : top_indices(p, top_k)) mask.candidates.emplace_back(id, p[id]);
    filled.push_back(std::move(mask));
  }
  return filled;
}

std::vector<std::int32_t> encode_with_specials(const Tokenizer& tokenizer, std::string_view text,
                                               const SpecialTokens& special) {
  const std::pair<const char*, std::int32_t> specials[] = {{SpecialTokens::kCls, special.cls},
                                                           {SpecialTokens::kSep, special.sep},
                                                           {SpecialTokens::kMask, special.mask},
                                                           {SpecialTokens::kPad, special.pad},
                                                           {SpecialTokens::kEndOfText, special.end_of_text}};
  std::vector<std::int32_t> ids, piece;
  while (!text.empty()) {
    std::size_t at = text.size(), length = 0;
    std::int32_t id = -1;
    for (const auto& [name, special_id] : specials) {
      const std::size_t found = special_id >= 0 ? text.find(name) : std::string_view::npos;
      if (found < at) at = found, length = std::string_view(name).size(), id = special_id;
    }
    std::string_view before = text.substr(0, at);
    // "the [MASK] of": the mask stands for a word with its leading space (" cat"), as the text had it.
    if (id >= 0) {
      while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
    }
    tokenizer.encode(before, piece);
    ids.insert(ids.end(), piece.begin(), piece.end());
    if (id >= 0) ids.push_back(id);
    text.remove_prefix(std::min(text.size(), at + length));
  }
  if (ids.empty()) throw Error("the text has no token the model knows");
  return ids;
}

ModelInput model_input(const Tokenizer& tokenizer, const TransformerConfig& config, const SpecialTokens& special,
                       std::string_view text, const std::string* pair) {
  ModelInput input;
  input.tokens = encode_with_specials(tokenizer, text, special);
  if (!config.segments) {
    if (pair != nullptr) throw Error("a second sentence (pair) needs a masked-word model (one with segments)");
  } else {
    special.require_masked_word();
    input.tokens.insert(input.tokens.begin(), special.cls);
    input.tokens.push_back(special.sep);
    input.segments.assign(input.tokens.size(), 0);
    if (pair != nullptr) {
      const std::vector<std::int32_t> second = encode_with_specials(tokenizer, *pair, special);
      input.tokens.insert(input.tokens.end(), second.begin(), second.end());
      input.tokens.push_back(special.sep);
      input.segments.resize(input.tokens.size(), 1);
    }
  }
  if (input.tokens.size() > static_cast<std::size_t>(config.context)) {
    throw Error("the input has " + std::to_string(input.tokens.size()) + " tokens; the model's context is " +
                std::to_string(config.context));
  }
  return input;
}

TokenSentences encode_lines(std::string_view text, const Tokenizer& tokenizer) {
  TokenSentences sentences;
  std::vector<std::int32_t> ids;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    tokenizer.encode(line, ids);
    sentences.add(ids);
    text.remove_prefix(std::min(text.size(), end + 1));
  }
  return sentences;
}

}  // namespace embedlab
