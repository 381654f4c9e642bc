#include "wasm/language_api.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/bpe.h"
#include "core/error.h"
#include "core/formats.h"
#include "core/options.h"
#include "core/safetensors.h"
#include "wasm/convert.h"

namespace embedlab::wasm {

namespace {

// A number from JS as an int: NaN is 0, the rest clamped to the int range (a cast would be undefined).
// The JS layer checks the ranges; this keeps raw calls with any number defined.
int to_int(double value) {
  if (!(value == value)) return 0;
  return static_cast<int>(std::clamp(value, -2147483648.0, 2147483647.0));
}

// Option `name` of a plain object the JS layer has checked; anything else is an Error, not a JS
// exception thrown through C++ frames.
val option(const val& options, const char* name, bool text) {
  const val value = options.isUndefined() || options.isNull() ? val::undefined() : options[name];
  if (text ? !value.isString() : !value.isNumber()) {
    throw Error(std::string("option ") + name + " must be a " + (text ? "string" : "number") + ", got " + describe(value));
  }
  return value;
}

int whole(const val& options, const char* name) { return to_int(option(options, name, false).as<double>()); }
double number(const val& options, const char* name) { return option(options, name, false).as<double>(); }

// A count or seed from JS: NaN and negatives are 0, huge values capped.
std::uint64_t to_count(double value) { return value >= 1 ? static_cast<std::uint64_t>(std::min(value, 9007199254740991.0)) : 0; }

std::vector<std::int32_t> one(std::int32_t id) { return {id}; }

// Each token's own text: its bytes, read as UTF-8 (a token cut inside a character shows U+FFFD).
val token_texts(const Tokenizer& tokenizer, const std::vector<std::int32_t>& ids) {
  val texts = val::array();
  for (const std::int32_t id : ids) texts.call<void>("push", val(tokenizer.decode(one(id))));
  return texts;
}

val token_pieces(const Tokenizer& tokenizer, const std::vector<std::int32_t>& ids) {
  val pieces = val::array();
  for (const std::int32_t id : ids) pieces.call<void>("push", val(token_piece(tokenizer, id)));
  return pieces;
}

val encoded(const Tokenizer& tokenizer, const std::vector<std::int32_t>& ids) {
  val out = val::object();
  out.set("ids", ids_to_array(ids));
  out.set("pieces", token_pieces(tokenizer, ids));
  out.set("texts", token_texts(tokenizer, ids));
  return out;
}

}  // namespace

// ---- tokenizers ----------------------------------------------------------------------------------

TokenizerHandle* TokenizerTools::from_huggingface(std::string vocab_json, std::string merges_txt) {
  return new TokenizerHandle(bpe_from_huggingface(vocab_json, merges_txt));
}

val TokenizerTools::merges(const TokenizerHandle& tokenizer) {
  val out = val::array();
  const std::vector<TokenMerge>& merges = tokenizer.shared()->merges();
  for (std::size_t i = 0; i < merges.size(); ++i) {
    val m = val::object();
    m.set("left", merges[i].left);
    m.set("right", merges[i].right);
    m.set("id", static_cast<double>(BpeTokenizer::kByteTokens + i));
    m.set("count", static_cast<double>(merges[i].count));
    out.call<void>("push", m);
  }
  return out;
}

val TokenizerTools::encode(const TokenizerHandle& tokenizer, val text, bool allow_special, double merges) {
  BpeEncodeOptions options;
  options.allow_special = allow_special;
  if (merges >= 0) options.merges = static_cast<std::size_t>(to_count(merges));
  std::vector<std::int32_t> ids;
  encode_with(*tokenizer.shared(), text.isString() ? text.as<std::string>() : bytes_to_string(text), options, ids);
  return encoded(*tokenizer.shared(), ids);
}

val TokenizerTools::sinusoidal_positions(double rows, double width) {
  if (!(rows >= 0 && rows <= 65536 && width >= 0 && width <= 8192)) {
    throw Error("sinusoidal positions: rows (0 to 65,536) and width (2 to 8,192) out of range");
  }
  const std::vector<float> p = embedlab::sinusoidal_positions(static_cast<std::size_t>(rows), static_cast<std::size_t>(width));
  return floats_to_array(p.data(), p.size());
}

// ---- language models -------------------------------------------------------------------------------

// Training's state, freed when it ends.
struct LanguageModelHandle::Training {
  SplitSentences data;
  std::unique_ptr<LanguageModelTrainer> trainer;
  std::unique_ptr<TrainingLoop> loop;
};

LanguageModelHandle::LanguageModelHandle(std::unique_ptr<Model> model)
    : model_(std::move(model)),
      config_(TransformerConfig::from_settings(model_->options())),
      transformer_(std::make_unique<Transformer>(*model_, config_)),
      special_(SpecialTokens::of(model_->vocabulary())),
      baseline_(std::nan("")) {}

LanguageModelHandle::~LanguageModelHandle() = default;

LanguageModelHandle* LanguageModelHandle::create(const TokenizerHandle& tokenizer, val text, val options) {
  TransformerConfig config;
  config.vocab = static_cast<int>(tokenizer.shared()->vocabulary().size());
  config.width = whole(options, "width");
  config.layers = whole(options, "layers");
  config.heads = whole(options, "heads");
  config.context = whole(options, "context");
  config.positional = parse_positional(option(options, "positional", true).as<std::string>());
  config.causal = parse_language_objective(option(options, "objective", true).as<std::string>()) == LanguageObjective::kNextWord;
  config.segments = !config.causal;
  config.validate();
  LanguageModelOptions training;
  training.batch = whole(options, "batch");
  training.steps = static_cast<std::int64_t>(to_count(number(options, "steps")));
  training.learning_rate = number(options, "learningRate");
  training.warmup = static_cast<std::int64_t>(to_count(number(options, "warmup")));
  training.seed = to_count(number(options, "seed"));
  Settings settings = config.settings();
  for (auto& setting : training_settings(training)) settings.push_back(setting);
  auto model = std::make_unique<Model>(Transformer::kKind, tokenizer.shared(), settings);
  Rng rng(training.seed);
  Transformer::add_parameters(*model, config, rng);
  std::unique_ptr<LanguageModelHandle> handle(new LanguageModelHandle(std::move(model)));
  if (training.steps > 0) {
    const SpecialTokens& special = handle->special_;
    if (!config.causal) special.require_masked_word();
    auto t = std::make_unique<Training>();
    t->data = split_sentences(encode_lines(text.isString() ? text.as<std::string>() : bytes_to_string(text),
                                           *tokenizer.shared()));
    t->trainer = std::make_unique<LanguageModelTrainer>(*handle->transformer_, t->data, special, training);
    StepLoopOptions loop;
    loop.threads = whole(options, "threads");
    loop.validation_every = static_cast<std::int64_t>(std::max<std::uint64_t>(1, to_count(number(options, "validateEvery"))));
    t->loop = std::make_unique<TrainingLoop>(*t->trainer, loop);
    handle->training_ = std::move(t);
    handle->last_.steps_total = training.steps;  // what progress() says before the first slice
  } else {
    handle->last_.finished = true;
  }
  return handle.release();
}

LanguageModelHandle* LanguageModelHandle::load(val bytes, std::string name) {
  std::istringstream in(bytes_to_string(bytes));
  auto model = std::make_unique<Model>(Model::load(in, name));
  if (model->kind() != Transformer::kKind) {
    throw Error("'" + name + "' is a " + model->kind() + " model, not a language model (trainLanguageModel makes one)");
  }
  return new LanguageModelHandle(std::move(model));
}

bool LanguageModelHandle::run_for(double budget_ms) {
  if (!training_) return true;
  const bool done = training_->loop->run_for(budget_ms);
  last_ = training_->loop->progress();
  if (done) {
    if (std::isnan(baseline_)) baseline();
    training_.reset();  // joins the threads, frees the data and the optimizer state
  }
  return done;
}

void LanguageModelHandle::cancel() {
  if (training_) training_->loop->cancel();
}

val LanguageModelHandle::progress() const {
  const TrainProgress& p = last_;
  val out = val::object();
  out.set("step", static_cast<double>(p.steps_done));
  out.set("steps", static_cast<double>(p.steps_total));
  out.set("loss", p.average_loss);
  if (p.validation_loss >= 0) {
    out.set("validationLoss", p.validation_loss);
    out.set("validationAccuracy", p.validation_accuracy);
    out.set("validationStep", static_cast<double>(p.validation_step));
  }
  out.set("tokensPerSecond", p.words_per_second);
  out.set("tokensDone", static_cast<double>(p.words_done));
  out.set("tokensTotal", static_cast<double>(p.words_total));
  out.set("learningRate", p.learning_rate);
  out.set("elapsedMs", p.elapsed_ms);
  out.set("finished", p.finished);
  out.set("cancelled", p.cancelled);
  return out;
}

double LanguageModelHandle::baseline() {
  if (!std::isnan(baseline_) || !training_) return baseline_;
  const LanguageModelTrainer& trainer = *training_->trainer;
  baseline_ = config_.causal ? bigram_cross_entropy(trainer.train_stream(), trainer.validation_stream(), config_.vocab)
                             : unigram_entropy(training_->data.train.tokens, config_.vocab);
  return baseline_;
}

val LanguageModelHandle::config() const {
  val out = val::object();
  out.set("vocab", config_.vocab);
  out.set("width", config_.width);
  out.set("layers", config_.layers);
  out.set("heads", config_.heads);
  out.set("context", config_.context);
  out.set("positional", std::string(positional_name(config_.positional)));
  out.set("objective", std::string(language_objective_name(objective_of(config_))));
  out.set("segments", config_.segments);
  std::size_t parameters = 0;
  for (const auto& shape : config_.matrix_shapes()) parameters += shape.rows * shape.cols;
  out.set("parameters", static_cast<double>(parameters));
  return out;
}

TokenizerHandle* LanguageModelHandle::tokenizer() const { return new TokenizerHandle(model_->shared_tokenizer()); }

const Transformer& LanguageModelHandle::transformer() const { return *transformer_; }

ModelInput LanguageModelHandle::input(const std::string& text, const val& pair) const {
  if (pair.isUndefined() || pair.isNull()) return model_input(model_->tokenizer(), config_, special_, text, nullptr);
  if (!pair.isString()) throw Error("pair must be a string, got " + describe(pair));
  const std::string second = pair.as<std::string>();
  return model_input(model_->tokenizer(), config_, special_, text, &second);
}

val LanguageModelHandle::described(const ModelInput& input) const {
  val out = encoded(model_->tokenizer(), input.tokens);
  out.set("segments", ids_to_array(input.segments.empty() ? std::vector<std::int32_t>(input.tokens.size(), 0) : input.segments));
  out.set("width", config_.width);
  return out;
}

val LanguageModelHandle::inputs(std::string text, val pair) const {
  const ModelInput in = input(text, pair);
  const InputParts parts = transformer().inputs(in.tokens, in.segments);
  val out = described(in);
  out.set("token", floats_to_array(parts.token.data(), parts.token.size()));
  out.set("position", floats_to_array(parts.position.data(), parts.position.size()));
  out.set("segment", floats_to_array(parts.segment.data(), parts.segment.size()));
  out.set("sum", floats_to_array(parts.sum.data(), parts.sum.size()));
  return out;
}

void LanguageModelHandle::forward(const ModelInput& input, Transformer::Workspace& workspace) {
  TokenBatch row;
  row.rows = 1;
  row.length = static_cast<int>(input.tokens.size());
  row.tokens = input.tokens;
  row.segments = input.segments;
  row.targets.assign(input.tokens.size(), -1);
  transformer_->forward_backward(row, workspace, nullptr, 1.0f, nullptr);
}

val LanguageModelHandle::outputs(std::string text, val pair) {
  const ModelInput in = input(text, pair);
  auto workspace = transformer_->make_workspace(1, static_cast<int>(in.tokens.size()));
  forward(in, *workspace);
  val out = described(in);
  out.set("hidden", floats_to_array(transformer_->hidden(*workspace), in.tokens.size() * static_cast<std::size_t>(config_.width)));
  return out;
}

val LanguageModelHandle::candidates(const std::vector<std::pair<std::int32_t, double>>& ranked) const {
  val out = val::array();
  const Tokenizer& tokenizer = model_->tokenizer();
  for (const auto& [id, probability] : ranked) {
    val c = val::object();
    c.set("id", id);
    c.set("piece", token_piece(tokenizer, id));
    c.set("text", val(tokenizer.decode(one(id))));
    c.set("probability", probability);
    out.call<void>("push", c);
  }
  return out;
}

val LanguageModelHandle::next(std::string text, double top_k) {
  const std::vector<std::int32_t> ids = encode_with_specials(model_->tokenizer(), text, special_);
  return candidates(next_tokens(*transformer_, ids, to_int(top_k), special_));
}

val LanguageModelHandle::generate(std::string prompt, double tokens, double temperature, double top_k, double seed) {
  if (!(temperature >= 0)) throw Error("temperature must be 0 or more, got " + plain_number(temperature));
  const std::vector<std::int32_t> ids =
      prompt.empty() ? std::vector<std::int32_t>{} : encode_with_specials(model_->tokenizer(), prompt, special_);
  const std::vector<std::int32_t> made =
      sample_tokens(*transformer_, ids, to_int(tokens), temperature, to_int(top_k), to_count(seed), special_);
  val out = encoded(model_->tokenizer(), made);
  out.set("text", val(model_->tokenizer().decode(made)));
  return out;
}

val LanguageModelHandle::fill(std::string text, val pair, double top_k) {
  if (config_.causal) throw Error("fill needs a masked-word model; this one predicts the next word (use next or generate)");
  const ModelInput in = input(text, pair);
  val out = val::array();
  for (const FilledMask& mask : fill_masks(*transformer_, in.tokens, in.segments, to_int(top_k), special_)) {
    val m = val::object();
    m.set("position", mask.position);
    m.set("candidates", candidates(mask.candidates));
    out.call<void>("push", m);
  }
  return out;
}

ModelHandle* LanguageModelHandle::token_embeddings() const { return new ModelHandle(model_word_vectors(*model_)); }

val LanguageModelHandle::positional_embeddings() const {
  const auto width = static_cast<std::size_t>(config_.width);
  val out = val::object();
  out.set("kind", std::string(positional_name(config_.positional)));
  out.set("width", config_.width);
  std::vector<float> rows;
  if (config_.positional == Positional::kLearned) {
    const Matrix& wpe = model_->matrix("wpe.weight");
    rows.assign(wpe.data(), wpe.data() + wpe.size());
  } else if (config_.positional == Positional::kSinusoidal) {
    rows = sinusoidal_positions(static_cast<std::size_t>(config_.context), width);
  }
  out.set("rows", static_cast<double>(rows.size() / width));
  out.set("data", floats_to_array(rows.data(), rows.size()));
  return out;
}

val LanguageModelHandle::attention(std::string text, val pair, double layer) {
  if (!(layer >= 0 && layer < config_.layers) || layer != std::floor(layer)) {
    throw Error("layer " + plain_number(layer) + " does not exist (the model has " + std::to_string(config_.layers) + ": 0 to " +
                std::to_string(config_.layers - 1) + ")");
  }
  const ModelInput in = input(text, pair);
  auto workspace = transformer_->make_workspace(1, static_cast<int>(in.tokens.size()));
  forward(in, *workspace);
  const std::size_t n = in.tokens.size();
  val out = described(in);
  out.set("heads", config_.heads);
  out.set("length", static_cast<double>(n));
  out.set("data", floats_to_array(transformer_->attention(*workspace, static_cast<int>(layer)),
                                  static_cast<std::size_t>(config_.heads) * n * n));
  return out;
}

double LanguageModelHandle::attention_score(double head, double query, double query_position, double key,
                                            double key_position) const {
  // Out of range (negative, NaN, huge) stays out of range, so the core names it.
  const auto position = [](double p) { return p >= 0 && p < 1e9 ? static_cast<std::size_t>(p) : static_cast<std::size_t>(-1); };
  return transformer().attention_score(to_int(head), to_int(query), position(query_position), to_int(key), position(key_position));
}

val LanguageModelHandle::save() const {
  std::ostringstream out;
  model_->save(out);
  return string_to_bytes(out.str());
}

val LanguageModelHandle::export_safetensors() const {
  std::ostringstream out;
  write_safetensors(out, *model_);
  return string_to_bytes(out.str());
}

}  // namespace embedlab::wasm
