#include "wasm/api.h"

#include <algorithm>
#include <sstream>

#include <emscripten/emscripten.h>

#include "core/command_line.h"
#include "core/error.h"
#include "core/evaluation.h"
#include "core/formats.h"
#include "core/kernels.h"
#include "core/model.h"
#include "core/options.h"
#include "core/projection.h"
#include "core/text.h"
#include "wasm/convert.h"

namespace embedlab::wasm {

// ---- corpus ------------------------------------------------------------------------------------

namespace {

// The name of the input in error messages: the `name` option, or `fallback`.
std::string input_name(const OptionValues& options, const char* fallback) {
  return options.has("name") ? options.text("name") : fallback;
}

}  // namespace

CorpusHandle* CorpusHandle::create(val options) {
  const OptionValues o = options_from_js("train", options);
  return new CorpusHandle(std::make_unique<CorpusBuilder>(corpus_options(o), input_name(o, "corpus")));
}

void CorpusHandle::add_text(std::string text) { builder().add_text(text); }
void CorpusHandle::add_bytes(val bytes) { builder().add_text(bytes_to_string(bytes)); }

void CorpusHandle::finish() {
  corpus_ = std::make_unique<Corpus>(builder().finish());
  builder_.reset();
}

val CorpusHandle::stats() const { return corpus_stats_to_js(corpus()); }

const Corpus& CorpusHandle::corpus() const {
  if (!corpus_) throw Error("the corpus is not finished (call finish() after adding text)");
  return *corpus_;
}

CorpusBuilder& CorpusHandle::builder() {
  if (!builder_) throw Error("the corpus is already finished; make a new one to add text");
  return *builder_;
}

// ---- model -------------------------------------------------------------------------------------

ModelHandle* ModelHandle::load(val bytes, val options) {
  const OptionValues o = options_from_js("load", options);
  return new ModelHandle(parse_vectors(bytes_to_string(bytes), input_name(o, "vectors"), vector_format(o)));
}

ModelHandle* ModelHandle::from_vectors(val words, std::size_t dim, val data) {
  return new ModelHandle(Embeddings(string_array(words, "words"), dim, array_to_floats(data)));
}

val ModelHandle::words() const { return strings_to_js(e_.words()); }
val ModelHandle::vector(std::string word) const {
  std::vector<float> row(e_.dim());
  e_.copy_vector(e_.id(word), row.data());
  return floats_to_array(row.data(), row.size());
}

val ModelHandle::vectors() const {
  // Copied a block of rows at a time: a compact set keeps no copy of its vectors to view.
  val out = val::global("Float32Array").new_(e_.size() * e_.dim());
  constexpr std::size_t kBlockRows = 4096;
  std::vector<float> block(std::min(e_.size(), kBlockRows) * e_.dim());
  for (std::size_t first = 0; first < e_.size(); first += kBlockRows) {
    const std::size_t rows = std::min(kBlockRows, e_.size() - first);
    for (std::size_t r = 0; r < rows; ++r) e_.copy_vector(static_cast<std::int32_t>(first + r), block.data() + r * e_.dim());
    out.call<void>("set", val(emscripten::typed_memory_view(rows * e_.dim(), block.data())), first * e_.dim());
  }
  return out;
}

val ModelHandle::most_similar(val positive, val negative, val options) const {
  const OptionValues o = options_from_js("mostSimilar", options);
  return neighbours_to_js(e_.most_similar(string_array(positive, "positive"), string_array(negative, "negative"),
                                          static_cast<std::size_t>(o.integer("topn")),
                                          static_cast<std::size_t>(o.integer("restrict"))));
}

val ModelHandle::analogy(std::string a, std::string b, std::string c, val options) const {
  const OptionValues o = options_from_js("analogy", options);
  return neighbours_to_js(e_.analogy(a, b, c, analogy_method(o), static_cast<std::size_t>(o.integer("topn")),
                                     static_cast<std::size_t>(o.integer("restrict"))));
}

std::string ModelHandle::doesnt_match(val words) const { return e_.doesnt_match(string_array(words, "words")); }

val ModelHandle::save(val format, val options) const {
  OptionSpec format_spec = verb_option("convert", "to");  // the CLI's convert --to, called format here
  format_spec.js = "format";
  const std::string to = choice_from_js(format_spec, format).cli;
  const int precision = static_cast<int>(options_from_js("save", options).integer("precision"));
  std::ostringstream out;
  if (to == "projector") {
    std::ostringstream metadata;
    write_projector_tsv(e_, out, metadata, precision);
    val pair = val::object();
    pair.set("vectors", string_to_bytes(out.str()));
    pair.set("metadata", string_to_bytes(metadata.str()));
    return pair;
  }
  if (to == "binary") {
    write_word2vec_binary(e_, out);
  } else {
    write_word2vec_text(e_, out, precision);
  }
  return string_to_bytes(out.str());
}

val ModelHandle::project_2d(std::size_t count, val options) const {
  const std::vector<std::string> include = options_from_js("project2d", options).words("include");
  const Projection p = pca_2d(e_, count);
  std::vector<float> coordinates = p.coordinates;
  std::vector<std::string> placed;
  for (const auto& word : include) {
    const std::int32_t id = e_.find(word);
    if (id < 0) continue;
    float xy[2];
    project_row(p, e_, id, xy);
    coordinates.push_back(xy[0]);
    coordinates.push_back(xy[1]);
    placed.push_back(e_.word(id));
  }
  return projection_to_js(p, std::move(coordinates), placed);
}

val ModelHandle::evaluate_analogies(std::string questions, val options) const {
  const OptionValues o = options_from_js("evaluateAnalogies", options);
  std::istringstream in(questions);
  return analogy_report_to_js(embedlab::evaluate_analogies(e_, in, input_name(o, "questions"),
                                                           static_cast<std::size_t>(o.integer("restrict")), analogy_method(o)));
}

val ModelHandle::evaluate_similarity(std::string pairs, val options) const {
  const OptionValues o = options_from_js("evaluateSimilarity", options);
  std::istringstream in(pairs);
  return similarity_report_to_js(embedlab::evaluate_similarity(e_, in, input_name(o, "pairs")));
}

// ---- streaming ---------------------------------------------------------------------------------

VectorStreamHandle* VectorStreamHandle::create(val options, double total_bytes, bool batches) {
  const OptionValues o = options_from_js("load", options);
  return new VectorStreamHandle(std::make_unique<VectorStreamReader>(
      input_name(o, "vectors"), vector_format(o), static_cast<std::uint64_t>(std::max(0.0, total_bytes)), batches));
}

ModelHandle* VectorStreamHandle::finish() {
  Embeddings embeddings = reader_->finish();
  if (embeddings.size() == 0) return nullptr;
  return new ModelHandle(std::move(embeddings));
}

val VectorStreamHandle::take_batch() {
  std::vector<std::string> words;
  std::vector<float> values;
  reader_->take_batch(words, values);
  val out = val::object();
  out.set("words", strings_to_js(words));
  out.set("vectors", floats_to_array(values.data(), values.size()));
  return out;
}

VectorsBuilderHandle* VectorsBuilderHandle::create(std::size_t dim, double expected_rows) {
  if (dim < 1 || dim > 10000) throw Error("dim must be 1 to 10,000, got " + std::to_string(dim));
  // A reservation, not a limit: capped at 2^28 numbers (1 GB); more rows still fit as they come.
  const double rows = std::min(std::max(0.0, expected_rows), static_cast<double>((std::size_t{1} << 28) / dim));
  return new VectorsBuilderHandle(std::make_unique<VectorsBuilder>(dim, static_cast<std::size_t>(rows)));
}

void VectorsBuilderHandle::add(val words, val vectors) {
  std::vector<std::string> w = string_array(words, "words");
  builder_->add(w, array_to_floats(vectors));
}

ModelHandle* VectorsBuilderHandle::finish() {
  if (builder_->rows() == 0) throw Error("no vectors were added");
  return new ModelHandle(builder_->finish());
}

// ---- approximate-neighbour index ---------------------------------------------------------------

IndexBuildHandle* ModelHandle::index_build(val options) { return IndexBuildHandle::create(this, options); }

IndexBuildHandle* IndexBuildHandle::create(ModelHandle* model, val options) {
  NeighborIndexOptions o;
  const auto whole = [&](const char* name, int fallback, int low, int high) {
    const val v = options.isUndefined() || options.isNull() ? val::undefined() : options[name];
    if (v.isUndefined()) return fallback;
    const double d = v.isNumber() ? v.as<double>() : -1e300;
    if (!(d >= low && d <= high) || d != static_cast<double>(static_cast<int>(d))) {
      throw Error(std::string("buildIndex: ") + name + " must be a whole number from " + std::to_string(low) + " to " +
                  std::to_string(high) + ", got " + describe(v));
    }
    return static_cast<int>(d);
  };
  o.threads = whole("threads", 1, 1, 64);
  o.seed = static_cast<std::uint64_t>(whole("seed", 1, 0, 2147483647));
  // Any set of 2 rows or more can be indexed; Model.buildIndex() in JS indexes only big ones.
  const std::size_t rows = model->embeddings().size();
  if (rows < 2) throw Error("an index needs at least 2 vectors, got " + std::to_string(rows));
  o.k = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(o.k), rows - 1));
  return new IndexBuildHandle(model, o);
}

IndexBuildHandle::IndexBuildHandle(ModelHandle* model, const NeighborIndexOptions& options) : model_(model) {
  NeighborIndexOptions o = options;
  o.borrow_unit_rows = true;  // the model's unit rows, read in place: no second copy of the matrix
  o.keep_distances = false;   // the index only answers queries
  const Embeddings& e = model->embeddings();
  builder_ = std::make_unique<NeighborIndex::Builder>(e.unit_vectors().data(), e.size(), e.dim(), o);
#ifdef __EMSCRIPTEN_PTHREADS__
  threaded_ = true;
  thread_ = std::thread([this] {
    try {
      while (!stop_.load() && !done_.load()) step();
    } catch (const std::exception& error) {
      error_ = error.what();
      stop_.store(true);
    }
  });
#endif
}

IndexBuildHandle::~IndexBuildHandle() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void IndexBuildHandle::step() {
  const bool finished = builder_->step();
  fraction_.store(builder_->fraction());
  stage_.store(builder_->stage());
  if (finished) done_.store(true);
}

std::string IndexBuildHandle::stage() const { return stage_.load(); }

void IndexBuildHandle::cancel() { stop_.store(true); }

void IndexBuildHandle::attach() {
  if (attached_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  model_->attach_index(std::make_shared<const NeighborIndex>(builder_->finish()));
  builder_.reset();
}

bool IndexBuildHandle::run_for(double budget_ms) {
  if (attached_.load()) return true;
  if (threaded_) {
    if (stop_.load() && !done_.load()) {
      if (thread_.joinable()) thread_.join();
      if (!error_.empty()) throw Error(error_);
      throw Error("the index build was cancelled");
    }
  } else {
    if (stop_.load()) throw Error("the index build was cancelled");
    const double start = emscripten_get_now();
    while (!done_.load() && emscripten_get_now() - start < budget_ms) step();
  }
  if (!done_.load()) return false;
  attach();
  return true;
}

// ---- trainer -----------------------------------------------------------------------------------

TrainerHandle* TrainerHandle::create(const CorpusHandle& corpus, val options) {
  return new TrainerHandle(std::make_unique<Trainer>(corpus.corpus(), train_options(options_from_js("train", options))));
}

val TrainerHandle::progress() { return progress_to_js(trainer_->progress()); }

ModelHandle* TrainerHandle::model() const { return new ModelHandle(trainer_->embeddings()); }

// ---- tokenizers ----------------------------------------------------------------------------------

namespace {

// A count from JS: NaN and negatives are 0, huge values capped (a cast would be undefined).
std::size_t count_from_js(double value) { return value >= 1 ? static_cast<std::size_t>(std::min(value, 1e12)) : 0; }

std::string text_or_bytes(const val& text) {
  return text.isString() ? text.as<std::string>() : bytes_to_string(text);
}

}  // namespace

TokenizerHandle* TokenizerHandle::load(val bytes, std::string name) {
  std::istringstream in(bytes_to_string(bytes));
  return new TokenizerHandle(Model::load(in, name).shared_tokenizer());
}

TokenizerHandle* TokenizerHandle::from_tiktoken(std::string ranks, std::string name) {
  return new TokenizerHandle(bpe_from_tiktoken(ranks, name));
}

val TokenizerHandle::encode(val text, bool allow_special, double merges) const {
  BpeEncodeOptions options;
  options.allow_special = allow_special;
  if (merges >= 0) options.merges = count_from_js(merges);
  std::vector<std::int32_t> ids;
  encode_with(*tokenizer_, text_or_bytes(text), options, ids);
  return ids_to_array(ids);
}

val TokenizerHandle::decode(val ids) const { return string_to_bytes(tokenizer_->decode(ids_from_js(ids))); }

val TokenizerHandle::pieces(val ids) const {
  std::vector<std::string> pieces;
  for (const std::int32_t id : ids_from_js(ids)) pieces.push_back(token_piece(*tokenizer_, id));
  return strings_to_js(pieces);
}

val TokenizerHandle::save() const {
  std::ostringstream out;
  Model(Model::kTokenizer, tokenizer_).save(out);
  return string_to_bytes(out.str());
}

BpeTrainerHandle* BpeTrainerHandle::create(val text, double vocabulary_size) {
  BpeTrainOptions options;
  options.vocabulary_size = count_from_js(vocabulary_size);
  return new BpeTrainerHandle(std::make_unique<BpeTrainer>(text_or_bytes(text), options));
}

bool BpeTrainerHandle::run(double max_merges) { return trainer_->run(count_from_js(max_merges)); }

val BpeTrainerHandle::progress() const {
  const BpeTrainProgress p = trainer_->progress();
  val out = val::object();
  out.set("mergesDone", static_cast<double>(p.merges_done));
  out.set("mergesTotal", static_cast<double>(p.merges_total));
  out.set("pieces", static_cast<double>(p.pieces));
  out.set("distinctPieces", static_cast<double>(p.distinct_pieces));
  out.set("elapsedMs", p.elapsed_ms);
  out.set("finished", p.finished);
  return out;
}

// ---- the module --------------------------------------------------------------------------------

std::string Library::active_isa() { return kernels::active_isa(); }

bool Library::has_threads() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return true;
#else
  return false;
#endif
}

val Library::option_schema() { return schema_to_js(); }

val Library::normalise_options(std::string method, val options) {
  const OptionValues values = options_from_js(method, options);
  if (method == "train") validate(train_options(values));  // rules across options (negative with ns)
  return options_to_js(values, method_options(method));
}

namespace {
std::string build_name() {
  return std::string("WebAssembly ") + (Library::has_threads() ? "pthreads" : "single-threaded") +
         ", kernels: " + kernels::active_isa();
}
}  // namespace

val Library::parse_command_line(val args) {
  return command_to_js(embedlab::parse_command_line(string_array(args, "arguments"), build_name()));
}

LanguageModelCommandHandle* LanguageModelCommandHandle::create(val args, val read) {
  const CommandLine command = embedlab::parse_command_line(string_array(args, "arguments"), build_name());
  const auto read_file = [read](const std::string& path) {
    const val bytes = read(path);
    if (bytes.isString()) throw Error(bytes.as<std::string>());
    return bytes_to_string(bytes);
  };
  return new LanguageModelCommandHandle(std::make_unique<LanguageModelCommand>(command, read_file));
}

val LanguageModelCommandHandle::take_events() {
  static const char* const kKinds[] = {"stdout", "stderr", "status"};
  val events = val::array();
  for (const LanguageModelCommand::Event& e : command_->take_events()) {
    val event = val::object();
    event.set("kind", std::string(kKinds[static_cast<int>(e.kind)]));
    event.set("bytes", string_to_bytes(e.text));
    event.set("fraction", e.fraction);
    event.set("finished", e.finished);
    events.call<void>("push", event);
  }
  return events;
}

val LanguageModelCommandHandle::outputs() const {
  val files = val::array();
  for (const auto& [path, bytes] : command_->outputs()) {
    val file = val::object();
    file.set("path", path);
    file.set("bytes", string_to_bytes(bytes));
    files.call<void>("push", file);
  }
  return files;
}

std::string Library::describe(val value) { return wasm::describe(value); }

std::string Library::tokenize(val text, val options) {
  std::istringstream in(text.isString() ? text.as<std::string>() : bytes_to_string(text));
  std::ostringstream out;
  const OptionValues o = options_from_js("tokenize", options);
  write_tokens(in, out, tokenizer_options(o), input_name(o, "text"));
  return out.str();
}

}  // namespace embedlab::wasm
