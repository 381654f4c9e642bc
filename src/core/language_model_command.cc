#include "core/language_model_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/bpe.h"
#include "core/error.h"
#include "core/kernels.h"
#include "core/language_model.h"
#include "core/model.h"
#include "core/safetensors.h"
#include "core/training_loop.h"
#include "core/transformer.h"

namespace embedlab {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

// printf into a std::string.
template <class... Args>
std::string format(const char* pattern, Args... args) {
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), pattern, args...);
  return buffer;
}

std::string count_text(long long n) { return with_commas(n); }

Model load_model(const std::string& bytes, const std::string& path) {
  std::istringstream in(bytes);
  return Model::load(in, path);
}

std::string safetensors_bytes(const Model& model) {
  std::ostringstream out;
  write_safetensors(out, model);
  return out.str();
}

std::string model_bytes(const Model& model) {
  std::ostringstream out;
  model.save(out);
  return out.str();
}

// A language model file and the transformer over its weights.
struct LanguageModelFile {
  Model model;
  TransformerConfig config;
  Transformer transformer;
  SpecialTokens special;

  LanguageModelFile(const std::string& bytes, const std::string& path)
      : model(load_model(bytes, path)), config(checked_config(model, path)), transformer(model, config),
        special(SpecialTokens::of(model.vocabulary())) {}

  static TransformerConfig checked_config(const Model& model, const std::string& path) {
    if (model.kind() != Transformer::kKind) {
      throw Error("'" + path + "' is a " + model.kind() + " model, not a language model (embedlab lm train makes one)");
    }
    return TransformerConfig::from_settings(model.options());
  }
  std::string text(const std::vector<std::int32_t>& ids) const { return model.tokenizer().decode(ids); }

  // TEXT, or with segments (masked-word) [CLS] TEXT [SEP] (PAIR [SEP]).
  std::pair<std::vector<std::int32_t>, std::vector<std::int32_t>> input(const std::string& text,
                                                                        const std::string* pair) const {
    ModelInput in = model_input(model.tokenizer(), config, special, text, pair);
    return {std::move(in.tokens), std::move(in.segments)};
  }
};

// Token ids 0..vocabulary-1 separated by whitespace (the benchmark's shared data, --ids), as one
// sentence; `source` names the file in errors.
TokenSentences parse_ids(const std::string& text, int vocabulary, const std::string& source) {
  std::vector<std::int32_t> ids;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    std::size_t end = i;
    long long id = 0;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9' && id < vocabulary) id = id * 10 + (text[end++] - '0');
    const bool separated = end == text.size() || std::string(" \t\r\n").find(text[end]) != std::string::npos;
    if (end == i || !separated || id >= vocabulary) {
      const std::size_t word_end = std::min(text.find_first_of(" \t\r\n", i), text.size());
      throw Error(at_line(source, line) + "expected a token id from 0 to " + std::to_string(vocabulary - 1) + ", got " +
                  quote(std::string_view(text).substr(i, word_end - i)));
    }
    ids.push_back(static_cast<std::int32_t>(id));
    i = end;
  }
  TokenSentences sentences;
  sentences.add(ids);
  return sentences;
}

// The tokenizer of an --ids model: the ids are its words ("0", "1", ...).
std::shared_ptr<const Tokenizer> ids_tokenizer(int vocabulary) {
  std::vector<std::string> words;
  for (int id = 0; id < vocabulary; ++id) words.push_back(std::to_string(id));
  TokenizerOptions options;
  options.strip_punctuation = false;
  return std::make_shared<WordTokenizer>(options, Vocabulary(std::move(words), std::vector<std::int64_t>(vocabulary, 0)));
}

// A token as the lm verbs print it: its text in quotes, control and invalid bytes escaped.
std::string token_text(const LanguageModelFile& lm, std::int32_t id) { return quote(lm.text({id})); }

}  // namespace

// lm train: the tokenizer (trained in slices when not given), then the training loop's slices.
struct LanguageModelCommand::Training {
  OptionValues o;
  std::string input, output, text, validation_text;
  bool quiet = false;
  std::unique_ptr<BpeTrainer> bpe;
  Clock::time_point bpe_start;
  std::shared_ptr<const Tokenizer> tokenizer;
  TransformerConfig config;
  LanguageModelOptions options;
  SplitSentences data;
  SpecialTokens special;
  std::unique_ptr<Model> model;
  std::unique_ptr<Transformer> transformer;
  std::unique_ptr<LanguageModelTrainer> trainer;
  std::unique_ptr<TrainingLoop> loop;
  std::size_t parameters = 0;
  int threads = 1;
  TrainProgress progress;
  std::atomic<bool> cancel{false};
};

LanguageModelCommand::LanguageModelCommand(const CommandLine& command, const ReadFile& read) {
  if (command.verb != "lm train") {
    run_short_verb(command, read);
    finished_ = true;
    return;
  }
  training_ = std::make_unique<Training>();
  Training& t = *training_;
  t.o = command.options;
  t.input = t.o.text("input");
  t.output = t.o.text("output");
  t.quiet = t.o.flag("quiet");
  t.options = language_model_options(t.o);
  t.threads = static_cast<int>(t.o.integer("threads"));
  t.text = read(t.input);
  if (t.o.given("validation")) t.validation_text = read(t.o.text("validation"));
  if (t.o.flag("ids")) {
    if (t.o.given("tokenizer")) throw Error("--ids and --tokenizer exclude each other: token ids need no tokenizer");
    t.tokenizer = ids_tokenizer(static_cast<int>(t.o.integer("vocabularySize")));
  } else if (t.o.given("tokenizer")) {
    const std::string& path = t.o.text("tokenizer");
    t.tokenizer = load_model(read(path), path).shared_tokenizer();
  } else {
    BpeTrainOptions bpe;
    bpe.vocabulary_size = static_cast<std::size_t>(t.o.integer("vocabularySize"));
    t.bpe = std::make_unique<BpeTrainer>(t.text, bpe);
    t.bpe_start = Clock::now();
  }
}

LanguageModelCommand::~LanguageModelCommand() = default;

void LanguageModelCommand::add(Event::Kind kind, std::string text) { events_.push_back(Event{kind, std::move(text)}); }

std::vector<LanguageModelCommand::Event> LanguageModelCommand::take_events() {
  std::vector<Event> events;
  events.swap(events_);
  return events;
}

const std::vector<std::pair<std::string, std::string>>& LanguageModelCommand::outputs() const { return outputs_; }

void LanguageModelCommand::cancel() {
  if (training_) training_->cancel = true;
}

bool LanguageModelCommand::cancelled() const { return training_ && training_->cancel; }

bool LanguageModelCommand::run_for(double budget_ms) {
  if (finished_) return true;
  Training& t = *training_;
  const auto start = Clock::now();
  if (t.cancel) {
    if (t.loop) t.loop->cancel();
    return finished_ = true;
  }
  // 1. The tokenizer: a few merges at a time, so Ctrl-C stays prompt on a large vocabulary.
  if (t.bpe) {
    while (!t.bpe->run(16)) {
      if (t.cancel || ms_since(start) >= budget_ms) return false;
    }
    t.tokenizer = t.bpe->tokenizer();
    t.bpe.reset();
    if (!t.quiet) {
      add(Event::Kind::kStderr, format("trained a byte-level BPE of %s tokens in %.1f s\n",
                                       count_text(static_cast<long long>(t.tokenizer->vocabulary().size())).c_str(),
                                       ms_since(t.bpe_start) / 1000.0));
    }
    if (ms_since(start) >= budget_ms) return false;
  }
  // 2. The data, the model and its trainer.
  if (!t.loop) {
    const int vocabulary = static_cast<int>(t.tokenizer->vocabulary().size());
    t.config = transformer_config(t.o, vocabulary);
    const auto sentences = [&](const std::string& text, const std::string& source) {
      return t.o.flag("ids") ? parse_ids(text, vocabulary, source) : encode_lines(text, *t.tokenizer);
    };
    if (t.o.given("validation")) {
      t.data.train = sentences(t.text, t.input);
      t.data.validation = sentences(t.validation_text, t.o.text("validation"));
      t.validation_text.clear();
    } else if (t.o.flag("ids")) {
      throw Error("--ids needs --validation: a stream of ids has no lines to hold out");
    } else {
      t.data = split_sentences(sentences(t.text, t.input));
    }
    t.text.clear();
    t.special = SpecialTokens::of(t.tokenizer->vocabulary());
    Settings settings = t.config.settings();
    for (auto& setting : training_settings(t.options)) settings.push_back(setting);
    t.model = std::make_unique<Model>(Transformer::kKind, t.tokenizer, settings);
    Rng rng(t.options.seed);
    Transformer::add_parameters(*t.model, t.config, rng);
    t.transformer = std::make_unique<Transformer>(*t.model, t.config);
    t.trainer = std::make_unique<LanguageModelTrainer>(*t.transformer, t.data, t.special, t.options);
    for (const auto& p : t.transformer->parameters()) t.parameters += p.size;
    if (!t.quiet) {
      add(Event::Kind::kStderr,
          format("read %s: %s lines, %s training and %s validation tokens; %s tokens, %s parameters; kernels: %s\n",
                 t.input.c_str(), count_text(static_cast<long long>(t.data.train.count() + t.data.validation.count())).c_str(),
                 count_text(static_cast<long long>(t.data.train.tokens.size())).c_str(),
                 count_text(static_cast<long long>(t.data.validation.tokens.size())).c_str(),
                 count_text(vocabulary).c_str(), count_text(static_cast<long long>(t.parameters)).c_str(),
                 kernels::active_isa()));
    }
    if (t.o.given("exportInit")) outputs_.emplace_back(t.o.text("exportInit"), safetensors_bytes(*t.model));
    if (t.o.flag("reportInitial")) {
      if (!t.config.causal) throw Error("--report-initial measures the next-word parity batch; use --objective next");
      const auto [loss, norm] =
          t.trainer->loss_and_gradient_norm(parity_batch(t.trainer->train_stream(), t.options.batch, t.config.context));
      add(Event::Kind::kStdout, format("initial loss %.6f grad-norm %.6f\n", loss, norm));
    }
    StepLoopOptions loop;
    loop.threads = t.threads;
    loop.validation_every = t.o.integer("validateEvery");
    t.loop = std::make_unique<TrainingLoop>(*t.trainer, loop);
  }
  // 3. Training.
  const bool done = t.loop->run_for(std::max(0.0, budget_ms - ms_since(start)));
  if (t.cancel) {
    t.loop->cancel();
    return finished_ = true;
  }
  const TrainProgress& p = t.progress = t.loop->progress();
  if (!t.quiet && p.steps_total > 0) {
    const double fraction = static_cast<double>(p.steps_done) / static_cast<double>(p.steps_total);
    const double eta = p.words_per_second > 0 ? static_cast<double>(p.words_total - p.words_done) / p.words_per_second
                                              : std::nan("");
    const std::string validation = p.validation_loss >= 0 ? format("%.4f", p.validation_loss) : "-";
    Event status{Event::Kind::kStatus,
                 format("[%s] %5.1f%%  step %lld/%lld  %s tokens/s  loss %.4f  val %s  lr %.5f  ETA %s",
                        progress_bar(fraction).c_str(), 100.0 * fraction, static_cast<long long>(p.steps_done),
                        static_cast<long long>(p.steps_total), human_rate(p.words_per_second).c_str(), p.average_loss,
                        validation.c_str(), p.learning_rate, clock_time(eta).c_str()),
                 fraction, done};
    events_.push_back(std::move(status));
  }
  if (!done) return false;
  finish_training();
  return finished_ = true;
}

void LanguageModelCommand::finish_training() {
  Training& t = *training_;
  const TrainProgress& p = t.progress;
  outputs_.emplace_back(t.output, model_bytes(*t.model));
  // The summary: the validation loss beside a baseline that ignores the network.
  const int vocabulary = t.config.vocab;
  const double ms_per_step = p.steps_done > 0 ? p.elapsed_ms / static_cast<double>(p.steps_done) : 0.0;
  double baseline = 0.0;
  std::string quality;
  if (t.config.causal) {
    baseline = bigram_cross_entropy(t.trainer->train_stream(), t.trainer->validation_stream(), vocabulary);
    quality = format("validation loss %.4f (perplexity %.2f); bigram baseline %.4f (perplexity %.2f)", p.validation_loss,
                     std::exp(p.validation_loss), baseline, std::exp(baseline));
  } else {
    baseline = accuracy_of_guessing(t.trainer->validation_batch(),
                                    most_frequent_token(t.data.train.tokens, vocabulary, t.special));
    quality = format("validation loss %.4f, masked-token accuracy %.1f%%; always the most frequent token %.1f%%",
                     p.validation_loss, 100.0 * p.validation_accuracy, 100.0 * baseline);
  }
  if (p.validation_loss < 0) quality = "no validation loss (no step trained)";
  if (!t.quiet) {
    add(Event::Kind::kStderr,
        format("trained %s steps in %.2f s (%s tokens/s, %.1f ms/step, %d thread%s); %s; wrote %s\n",
               count_text(p.steps_done).c_str(), p.elapsed_ms / 1000.0, human_rate(p.words_per_second).c_str(), ms_per_step,
               t.threads, t.threads == 1 ? "" : "s", quality.c_str(), t.output.c_str()));
  }
  if (t.o.flag("json")) {
    add(Event::Kind::kStdout,
        format("{\"steps\":%lld,\"threads\":%d,\"parameters\":%zu,\"tokens_per_second\":%.1f,\"ms_per_step\":%.3f,"
               "\"train_loss\":%.6f,\"validation_loss\":%.6f,\"validation_accuracy\":%.6f,\"%s\":%.6f,\"seconds\":%.3f}\n",
               static_cast<long long>(p.steps_done), t.threads, t.parameters, p.words_per_second, ms_per_step,
               p.average_loss, p.validation_loss, p.validation_accuracy,
               t.config.causal ? "bigram_loss" : "most_frequent_accuracy", baseline, p.elapsed_ms / 1000.0));
  }
}

void LanguageModelCommand::run_short_verb(const CommandLine& c, const ReadFile& read) {
  const OptionValues& o = c.options;
  const std::string& path = o.text("model");
  LanguageModelFile lm(read(path), path);
  if (c.verb == "lm sample") {
    const std::string& prompt = o.text("prompt");
    const std::vector<std::int32_t> ids =
        prompt.empty() ? std::vector<std::int32_t>{} : encode_with_specials(lm.model.tokenizer(), prompt, lm.special);
    const std::vector<std::int32_t> out =
        sample_tokens(lm.transformer, ids, static_cast<int>(o.integer("tokens")), o.number("temperature"),
                      static_cast<int>(o.integer("topK")), static_cast<std::uint64_t>(o.integer("seed")), lm.special);
    add(Event::Kind::kStdout, prompt + lm.text(out) + "\n");
  } else if (c.verb == "lm fill") {
    const auto [tokens, segments] = lm.input(c.arguments[0], nullptr);
    for (const FilledMask& mask : fill_masks(lm.transformer, tokens, segments, static_cast<int>(o.integer("topK")), lm.special)) {
      add(Event::Kind::kStdout, format("[MASK] at token %d:\n", mask.position));
      for (std::size_t i = 0; i < mask.candidates.size(); ++i) {
        std::string name = token_text(lm, mask.candidates[i].first);
        if (name.size() < 24) name.resize(24, ' ');
        add(Event::Kind::kStdout, format("%3zu  %s %.4f\n", i + 1, name.c_str(), mask.candidates[i].second));
      }
    }
  } else if (c.verb == "lm inputs") {
    const auto [tokens, segments] = lm.input(c.arguments[0], o.given("pair") ? &o.text("pair") : nullptr);
    const InputParts parts = lm.transformer.inputs(tokens, segments);
    std::string text = format("%zu tokens x width %d; positional %s%s\n", tokens.size(), parts.width,
                              positional_name(lm.config.positional), lm.config.segments ? "; segments" : "");
    const auto row = [&](const char* name, const std::vector<float>& values, std::size_t i) {
      std::string line = format("  %-9s", name);
      for (int d = 0; d < parts.width; ++d) line += format(" %8.4f", static_cast<double>(values[i * parts.width + d]));
      text += line + "\n";
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      text += format("%zu %s (id %d)%s\n", i, token_text(lm, tokens[i]).c_str(), tokens[i],
                     segments.empty() ? "" : (segments[i] == 0 ? " segment A" : " segment B"));
      row("token", parts.token, i);
      row("position", parts.position, i);
      row("segment", parts.segment, i);
      row("sum", parts.sum, i);
    }
    add(Event::Kind::kStdout, text);
  } else if (c.verb == "lm export") {
    outputs_.emplace_back(o.text("output"), safetensors_bytes(lm.model));
    add(Event::Kind::kStderr, format("wrote %s (%zu tensors)\n", o.text("output").c_str(), lm.model.matrices().size()));
  } else {
    throw Error("'" + c.verb + "' is not a language-model verb");
  }
}

}  // namespace embedlab
