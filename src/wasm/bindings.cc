// The Embind module: the only file that includes Emscripten headers. It registers thin wrappers
// over the core and converts types. No C++ exception leaves a call: its message is kept for
// takeLastError(), which src/js turns into a JS Error, so a bad call never aborts the instance
// or leaks. The friendly API lives in src/js.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/evaluation.h"
#include "core/formats.h"
#include "core/kernels.h"
#include "core/projection.h"
#include "core/trainer.h"
#include "core/corpus.h"

namespace embedlab::wasm {
namespace {

using emscripten::val;

// The message of the last failed call. A failed call returns a neutral value and JS (src/js)
// turns this message into an Error: throwing a JS exception through wasm frames would skip C++
// destructors and Embind's frees of the call's arguments (a leak per failed call).
std::string& last_error() {
  static std::string message;
  return message;
}

std::string take_last_error() {
  std::string message;
  message.swap(last_error());
  return message;
}

template <class R>
R neutral() {
  if constexpr (std::is_same_v<R, val>) {
    return val::undefined();
  } else {
    return R{};
  }
}

// Runs `f`, recording any C++ exception's message for take_last_error().
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    last_error() = "out of memory (the WebAssembly heap is limited to 4 GB)";
  } catch (const std::length_error&) {
    last_error() = "out of memory (the WebAssembly heap is limited to 4 GB)";
  } catch (const std::exception& e) {
    last_error() = e.what();
  }
  return neutral<decltype(f())>();
}

// Option helpers: JS objects with optional fields.
template <class T>
T get(const val& options, const char* name, T fallback) {
  if (options.isUndefined() || options.isNull()) return fallback;
  const val v = options[name];
  return v.isUndefined() || v.isNull() ? fallback : v.as<T>();
}

std::string bytes_to_string(const val& bytes) {
  const auto length = bytes["length"].as<std::size_t>();
  std::string out(length, '\0');
  if (length > 0) {
    val(emscripten::typed_memory_view(length, reinterpret_cast<unsigned char*>(out.data()))).call<void>("set", bytes);
  }
  return out;
}

val string_to_bytes(const std::string& s) {
  // A view into the heap, sliced at once: the copy survives later memory growth.
  return val(emscripten::typed_memory_view(s.size(), reinterpret_cast<const unsigned char*>(s.data()))).call<val>("slice");
}

val floats_to_array(const float* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

std::vector<std::string> string_array(const val& array, const char* what) {
  if (!array.isArray()) throw Error(std::string(what) + " must be an array of words");
  const auto n = array["length"].as<std::size_t>();
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const val item = array[i];
    if (!item.isString()) throw Error(std::string(what) + " must contain only strings (item " + std::to_string(i) + " is not)");
    out.push_back(item.as<std::string>());
  }
  return out;
}

val neighbours_to_js(const std::vector<Neighbour>& neighbours) {
  val out = val::array();
  for (const auto& n : neighbours) {
    val item = val::object();
    item.set("word", n.word);
    item.set("similarity", n.similarity);
    item.set("id", n.id);
    out.call<void>("push", item);
  }
  return out;
}

AnalogyMethod analogy_method(const std::string& method) {
  if (method == "3cosadd" || method == "add") return AnalogyMethod::kAdd;
  if (method == "3cosmul" || method == "mul") return AnalogyMethod::kMul;
  throw Error("analogy method must be '3cosadd' or '3cosmul', got '" + method + "'");
}

VectorFormat vector_format(const std::string& format) {
  if (format.empty() || format == "auto") return VectorFormat::kAuto;
  if (format == "word2vec-text") return VectorFormat::kWord2VecText;
  if (format == "word2vec-binary") return VectorFormat::kWord2VecBinary;
  if (format == "glove") return VectorFormat::kGloveText;
  throw Error("unknown vectors format '" + format + "' (expected auto, word2vec-text, word2vec-binary or glove)");
}

// ---- corpus ---------------------------------------------------------------------------------

class WasmCorpus {
 public:
  explicit WasmCorpus(std::unique_ptr<CorpusBuilder> builder) : builder_(std::move(builder)) {}

  static WasmCorpus* create(val options) {
    return guarded([&]() -> WasmCorpus* {
      CorpusOptions o;
      o.min_count = static_cast<std::int64_t>(get<double>(options, "minCount", 5));
      const double max_vocab = get<double>(options, "maxVocabulary", 0);
      if (max_vocab < 0) throw Error("maxVocabulary must be 0 (no limit) or positive");
      o.max_vocabulary_size = static_cast<std::size_t>(max_vocab);
      o.tokenizer.lowercase = get<bool>(options, "lowercase", true);
      o.tokenizer.strip_punctuation = get<bool>(options, "stripPunctuation", true);
      const std::string policy = get<std::string>(options, "invalidUtf8", "replace");
      if (policy == "reject") {
        o.tokenizer.invalid_utf8 = InvalidUtf8::kReject;
      } else if (policy != "replace") {
        throw Error("invalidUtf8 must be 'replace' or 'reject', got '" + policy + "'");
      }
      return new WasmCorpus(std::make_unique<CorpusBuilder>(o, get<std::string>(options, "source", "corpus")));
    });
  }

  void add_text(const std::string& text) {
    guarded([&] { return builder().add_text(text), 0; });
  }
  void add_bytes(val bytes) {
    guarded([&] { return builder().add_text(bytes_to_string(bytes)), 0; });
  }
  void finish() {
    guarded([&] {
      corpus_ = std::make_unique<Corpus>(builder().finish());
      builder_.reset();
      return 0;
    });
  }
  val stats() const {
    return guarded([&] {
      const Corpus& c = corpus();
      val out = val::object();
      out.set("vocabularySize", static_cast<double>(c.vocabulary.size()));
      out.set("tokens", static_cast<double>(c.tokens.size()));
      out.set("rawTokens", static_cast<double>(c.raw_token_count));
      out.set("lines", static_cast<double>(c.line_count));
      out.set("sentences", static_cast<double>(c.sentence_count()));
      return out;
    });
  }
  const Corpus& corpus() const {
    if (!corpus_) throw Error("the corpus is not finished (call finish() after adding text)");
    return *corpus_;
  }

 private:
  CorpusBuilder& builder() {
    if (!builder_) throw Error("the corpus is already finished; make a new one to add text");
    return *builder_;
  }
  std::unique_ptr<CorpusBuilder> builder_;
  std::unique_ptr<Corpus> corpus_;
};

// ---- model ----------------------------------------------------------------------------------

class WasmModel {
 public:
  explicit WasmModel(Embeddings embeddings) : e_(std::move(embeddings)) {}

  static WasmModel* load(val bytes, const std::string& format, const std::string& source) {
    return guarded([&] { return new WasmModel(parse_vectors(bytes_to_string(bytes), source, vector_format(format))); });
  }
  static WasmModel* from_vectors(val words, std::size_t dim, val data) {
    return guarded([&] {
      std::vector<std::string> w = string_array(words, "words");
      const auto n = data["length"].as<std::size_t>();
      std::vector<float> values(n);
      if (n > 0) val(emscripten::typed_memory_view(n, values.data())).call<void>("set", data);
      return new WasmModel(Embeddings(std::move(w), dim, std::move(values)));
    });
  }

  std::size_t size() const { return e_.size(); }
  std::size_t dim() const { return e_.dim(); }
  val words() const {
    val out = val::array();
    for (const auto& w : e_.words()) out.call<void>("push", val(w));
    return out;
  }
  val vector(const std::string& word) const {
    return guarded([&] { return floats_to_array(e_.vector(e_.id(word)), e_.dim()); });
  }
  val vectors() const { return floats_to_array(e_.data().data(), e_.data().size()); }
  std::int32_t find(const std::string& word) const { return e_.find(word); }
  float similarity(const std::string& a, const std::string& b) const {
    return guarded([&] { return e_.similarity(a, b); });
  }
  val most_similar(val positive, val negative, std::size_t topn, std::size_t restrict_to) const {
    return guarded([&] {
      return neighbours_to_js(e_.most_similar(string_array(positive, "positive"), string_array(negative, "negative"),
                                              topn, restrict_to));
    });
  }
  val analogy(const std::string& a, const std::string& b, const std::string& c, const std::string& method,
              std::size_t topn, std::size_t restrict_to) const {
    return guarded([&] { return neighbours_to_js(e_.analogy(a, b, c, analogy_method(method), topn, restrict_to)); });
  }
  std::string doesnt_match(val words) const {
    return guarded([&] { return e_.doesnt_match(string_array(words, "words")); });
  }
  val save(const std::string& format, int precision) const {
    return guarded([&] {
      std::ostringstream out;
      if (format == "word2vec-binary") {
        write_word2vec_binary(e_, out);
      } else if (format == "word2vec-text") {
        write_word2vec_text(e_, out, precision);
      } else if (format == "projector-tsv") {
        std::ostringstream metadata;
        write_projector_tsv(e_, out, metadata, precision);
        val pair = val::object();
        pair.set("vectors", string_to_bytes(out.str()));
        pair.set("metadata", string_to_bytes(metadata.str()));
        return pair;
      } else {
        throw Error("unknown save format '" + format + "' (expected word2vec-text, word2vec-binary or projector-tsv)");
      }
      return string_to_bytes(out.str());
    });
  }
  // PCA of the `count` most frequent words plus any `extra` words (appended, if known).
  val project_2d(std::size_t count, val extra) const {
    return guarded([&] {
      const Projection p = pca_2d(e_, count);
      std::vector<float> coordinates = p.coordinates;
      val placed = val::array();
      for (const auto& word : string_array(extra, "extra words")) {
        const std::int32_t id = e_.find(word);
        if (id < 0) continue;
        float xy[2];
        project_row(p, e_, id, xy);
        coordinates.push_back(xy[0]);
        coordinates.push_back(xy[1]);
        placed.call<void>("push", val(e_.word(id)));
      }
      val out = val::object();
      out.set("count", static_cast<double>(p.count));
      out.set("coordinates", floats_to_array(coordinates.data(), coordinates.size()));
      out.set("extraWords", placed);
      val variance = val::array();
      variance.call<void>("push", p.explained_variance[0]);
      variance.call<void>("push", p.explained_variance[1]);
      out.set("explainedVariance", variance);
      return out;
    });
  }
  val evaluate_analogies(const std::string& text, std::size_t restrict_to, const std::string& method) const {
    return guarded([&] {
      std::istringstream in(text);
      const AnalogyReport report = embedlab::evaluate_analogies(e_, in, "questions", restrict_to, analogy_method(method));
      const auto section = [](const AnalogySection& s) {
        val o = val::object();
        o.set("name", s.name);
        o.set("questions", static_cast<double>(s.questions));
        o.set("answered", static_cast<double>(s.answered));
        o.set("correct", static_cast<double>(s.correct));
        o.set("accuracy", s.accuracy());
        o.set("coverage", s.coverage());
        return o;
      };
      val sections = val::array();
      for (const auto& s : report.sections) sections.call<void>("push", section(s));
      val out = val::object();
      out.set("sections", sections);
      out.set("semantic", section(report.semantic));
      out.set("syntactic", section(report.syntactic));
      out.set("total", section(report.total));
      return out;
    });
  }
  val evaluate_similarity(const std::string& text) const {
    return guarded([&] {
      std::istringstream in(text);
      const SimilarityReport report = embedlab::evaluate_similarity(e_, in, "pairs");
      val out = val::object();
      out.set("spearman", report.spearman);
      out.set("pairs", static_cast<double>(report.pairs));
      out.set("oovPairs", static_cast<double>(report.oov_pairs));
      return out;
    });
  }

 private:
  Embeddings e_;
};

// ---- trainer --------------------------------------------------------------------------------

class WasmTrainer {
 public:
  explicit WasmTrainer(std::unique_ptr<Trainer> trainer) : trainer_(std::move(trainer)) {}

  static WasmTrainer* create(const WasmCorpus& corpus, val options) {
    return guarded([&]() -> WasmTrainer* {
      TrainOptions o;
      const std::string model = get<std::string>(options, "model", "cbow");
      if (model == "cbow") {
        o.model = ModelKind::kCbow;
      } else if (model == "skipgram") {
        o.model = ModelKind::kSkipGram;
      } else {
        throw Error("model must be 'cbow' or 'skipgram', got '" + model + "'");
      }
      const std::string loss = get<std::string>(options, "loss", "ns");
      if (loss == "ns") {
        o.loss = LossKind::kNegativeSampling;
      } else if (loss == "hs") {
        o.loss = LossKind::kHierarchicalSoftmax;
      } else {
        throw Error("loss must be 'ns' or 'hs', got '" + loss + "'");
      }
      o.dim = static_cast<int>(get<double>(options, "dim", 100));
      o.window = static_cast<int>(get<double>(options, "window", 5));
      o.negative = static_cast<int>(get<double>(options, "negative", o.loss == LossKind::kHierarchicalSoftmax ? 0 : 5));
      o.epochs = static_cast<int>(get<double>(options, "epochs", 5));
      o.sample = get<double>(options, "sample", 1e-3);
      o.learning_rate = get<double>(options, "learningRate", 0.0);
      o.threads = static_cast<int>(get<double>(options, "threads", 1));
      o.seed = static_cast<std::uint64_t>(get<double>(options, "seed", 1));
      return new WasmTrainer(std::make_unique<Trainer>(corpus.corpus(), o));
    });
  }
  bool run_for(double budget_ms) {
    return guarded([&] { return trainer_->run_for(budget_ms); });
  }
  void cancel() { trainer_->cancel(); }
  val progress() {
    const TrainProgress p = trainer_->progress();
    val out = val::object();
    out.set("wordsDone", static_cast<double>(p.words_done));
    out.set("wordsTotal", static_cast<double>(p.words_total));
    out.set("epoch", p.epoch);
    out.set("learningRate", p.learning_rate);
    out.set("averageLoss", p.average_loss);
    out.set("wordsPerSecond", p.words_per_second);
    out.set("elapsedMs", p.elapsed_ms);
    out.set("finished", p.finished);
    out.set("cancelled", p.cancelled);
    return out;
  }
  WasmModel* model() const {
    return guarded([&] { return new WasmModel(trainer_->embeddings()); });
  }

 private:
  std::unique_ptr<Trainer> trainer_;
};

std::string active_isa() { return kernels::active_isa(); }
bool has_threads() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return true;
#else
  return false;
#endif
}

}  // namespace
}  // namespace embedlab::wasm

EMSCRIPTEN_BINDINGS(embedlab) {
  using namespace emscripten;
  using namespace embedlab::wasm;
  function("activeIsa", &active_isa);
  function("hasThreads", &has_threads);
  function("takeLastError", &take_last_error);
  class_<WasmCorpus>("Corpus")
      .class_function("create", &WasmCorpus::create, allow_raw_pointers())
      .function("addText", &WasmCorpus::add_text)
      .function("addBytes", &WasmCorpus::add_bytes)
      .function("finish", &WasmCorpus::finish)
      .function("stats", &WasmCorpus::stats);
  class_<WasmModel>("Model")
      .class_function("load", &WasmModel::load, allow_raw_pointers())
      .class_function("fromVectors", &WasmModel::from_vectors, allow_raw_pointers())
      .function("size", &WasmModel::size)
      .function("dim", &WasmModel::dim)
      .function("words", &WasmModel::words)
      .function("vector", &WasmModel::vector)
      .function("vectors", &WasmModel::vectors)
      .function("find", &WasmModel::find)
      .function("similarity", &WasmModel::similarity)
      .function("mostSimilar", &WasmModel::most_similar)
      .function("analogy", &WasmModel::analogy)
      .function("doesntMatch", &WasmModel::doesnt_match)
      .function("save", &WasmModel::save)
      .function("project2d", &WasmModel::project_2d)
      .function("evaluateAnalogies", &WasmModel::evaluate_analogies)
      .function("evaluateSimilarity", &WasmModel::evaluate_similarity);
  class_<WasmTrainer>("Trainer")
      .class_function("create", &WasmTrainer::create, allow_raw_pointers())
      .function("runFor", &WasmTrainer::run_for)
      .function("cancel", &WasmTrainer::cancel)
      .function("progress", &WasmTrainer::progress)
      .function("model", &WasmTrainer::model, allow_raw_pointers());
}
