#include "core/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/word2vec.h"

namespace embedlab {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string exact_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

// A fresh word2vec model for `corpus`, after checking what it would be trained with.
Model new_model(const Corpus& corpus, const TrainOptions& options) {
  validate(options);
  if (corpus.tokens.empty()) throw Error("cannot train on an empty corpus");
  return make_word2vec_model(std::make_shared<WordTokenizer>(corpus.tokenizer_options, corpus.vocabulary),
                             static_cast<std::size_t>(options.dim), options.seed, describe_options(options));
}

std::unique_ptr<Objective> make_objective(Model& model, const TrainOptions& options) {
  Word2VecSettings settings;
  settings.loss = options.loss;
  settings.window = options.window;
  settings.negative = options.negative;
  settings.sample = options.sample;
  if (options.model == ModelKind::kCbow) return std::make_unique<CbowObjective>(model, settings);
  return std::make_unique<SkipGramObjective>(model, settings);
}

}  // namespace

Settings describe_options(const TrainOptions& o) {
  return {{"model", o.model == ModelKind::kCbow ? "cbow" : "skipgram"},
          {"loss", o.loss == LossKind::kNegativeSampling ? "ns" : "hs"},
          {"dim", std::to_string(o.dim)},
          {"window", std::to_string(o.window)},
          {"negative", std::to_string(o.negative)},
          {"epochs", std::to_string(o.epochs)},
          {"sample", exact_number(o.sample)},
          {"learning_rate", exact_number(o.learning_rate)},
          {"threads", std::to_string(o.threads)},
          {"seed", std::to_string(o.seed)}};
}

TrainOptions train_options_from(const Model& model) {
  const auto bad = [](const std::string& name, const std::string& value, const char* expected) {
    return Error("the model's option " + quote(name) + " is " + quote(value) + "; expected " + expected);
  };
  const auto whole = [&](const char* name) {
    const std::string& value = model.option(name);
    char* end = nullptr;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || n < 0 || n > 1000000000LL) throw bad(name, value, "a whole number");
    return n;
  };
  const auto real = [&](const char* name) {
    const std::string& value = model.option(name);
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') throw bad(name, value, "a number");
    return x;
  };
  TrainOptions o;
  const std::string& kind = model.option("model");
  if (kind != "cbow" && kind != "skipgram") throw bad("model", kind, "'cbow' or 'skipgram'");
  o.model = kind == "cbow" ? ModelKind::kCbow : ModelKind::kSkipGram;
  const std::string& loss = model.option("loss");
  if (loss != "ns" && loss != "hs") throw bad("loss", loss, "'ns' or 'hs'");
  o.loss = loss == "ns" ? LossKind::kNegativeSampling : LossKind::kHierarchicalSoftmax;
  o.dim = static_cast<int>(whole("dim"));
  o.window = static_cast<int>(whole("window"));
  o.negative = static_cast<int>(whole("negative"));
  o.epochs = static_cast<int>(whole("epochs"));
  o.sample = real("sample");
  o.learning_rate = real("learning_rate");
  o.threads = static_cast<int>(whole("threads"));
  const std::string& seed = model.option("seed");
  char* end = nullptr;
  o.seed = std::strtoull(seed.c_str(), &end, 10);
  if (seed.empty() || seed[0] == '-' || *end != '\0') throw bad("seed", seed, "a whole number");
  validate(o);
  return o;
}

Trainer::Trainer(const Corpus& corpus, const TrainOptions& options)
    : corpus_(corpus), options_(options), model_(new_model(corpus, options)) {
  start();
}

Trainer::Trainer(const Corpus& corpus, Model model, const TrainOptions& options)
    : mapped_corpus_(map_corpus(corpus, model.tokenizer())), corpus_(*mapped_corpus_), options_(options),
      model_(std::move(model)) {
  validate(options_);
  if (model_.kind() != Model::kWord2Vec) {
    throw Error("only a word2vec model can be trained further here, not a " + model_.kind() + " model");
  }
  const std::size_t dim = model_.matrix("input").cols();
  if (static_cast<std::size_t>(options_.dim) != dim) {
    throw Error("the model's vectors have " + std::to_string(dim) + " dimensions; dim must be the same to train it further (got " +
                std::to_string(options_.dim) + ")");
  }
  const LossKind loss = train_options_from(model_).loss;
  if (options_.loss != loss) {
    throw Error(std::string("the model was trained with ") +
                (loss == LossKind::kNegativeSampling ? "negative sampling" : "hierarchical softmax") +
                "; its output matrix only fits that loss");
  }
  if (corpus_.tokens.empty()) {
    throw Error("none of the corpus's words is in the model's vocabulary (" +
                with_commas(static_cast<long long>(model_.vocabulary().size())) + " words)");
  }
  model_.set_options(describe_options(options_));
  start();
}

void Trainer::start() {
  objective_ = make_objective(model_, options_);
  LoopOptions loop;
  loop.epochs = options_.epochs;
  loop.threads = options_.threads;
  loop.seed = options_.seed;
  loop.learning_rate = starting_learning_rate(options_);
  loop_ = std::make_unique<TrainingLoop>(corpus_, *objective_, loop);
}

Trainer::~Trainer() = default;

bool Trainer::run_for(double budget_ms) { return loop_->run_for(budget_ms); }

void Trainer::cancel() { loop_->cancel(); }

bool Trainer::finished() const { return loop_->finished(); }

TrainProgress Trainer::progress() { return loop_->progress(); }

Embeddings Trainer::embeddings() const {
  for (const float x : model_.matrix("input").values()) {
    if (!std::isfinite(x)) {
      throw Error("training diverged (the vectors contain NaN or infinite values); lower the learning rate (it started at " +
                  std::to_string(starting_learning_rate(options_)) + ")");
    }
  }
  return model_.embeddings();
}

Embeddings train(const Corpus& corpus, const TrainOptions& options,
                 const std::function<void(const TrainProgress&)>& on_progress, const std::atomic<bool>* cancel,
                 double progress_interval_ms) {
  Trainer trainer(corpus, options);
  // Slices of at most 50 ms keep cancellation well within 100 ms.
  const double slice_ms = std::clamp(progress_interval_ms, 1.0, 50.0);
  auto last_report = Clock::now();
  while (!trainer.run_for(slice_ms)) {
    if (cancel != nullptr && cancel->load()) trainer.cancel();
    if (on_progress && ms_since(last_report) >= progress_interval_ms) {
      last_report = Clock::now();
      on_progress(trainer.progress());
    }
  }
  if (on_progress) on_progress(trainer.progress());
  return trainer.embeddings();
}

}  // namespace embedlab
