// The objects and functions the wasm module exposes (registered by bindings.cc): each is a core
// call between conversions (convert.h). They throw like the core; bindings.cc registers every one
// through checked<> (guard.h), so errors reach JS as values.
#pragma once

#include <emscripten/val.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/bpe.h"
#include "core/embeddings.h"
#include "core/formats.h"
#include "core/neighbors.h"
#include "core/language_model_command.h"
#include "core/trainer.h"
#include "core/corpus.h"
#include "wasm/convert.h"

namespace embedlab::wasm {

using emscripten::val;

// A corpus being built from text chunks, then finished.
class CorpusHandle {
 public:
  explicit CorpusHandle(std::unique_ptr<CorpusBuilder> builder) : builder_(std::move(builder)) {}
  // `options`: the training options (the corpus ones and the name are used).
  static CorpusHandle* create(val options);
  void add_text(std::string text);
  void add_bytes(val bytes);
  void finish();
  val stats() const;
  const Corpus& corpus() const;

 private:
  CorpusBuilder& builder();
  std::unique_ptr<CorpusBuilder> builder_;
  std::unique_ptr<Corpus> corpus_;
};

class IndexBuildHandle;

// Word vectors and their queries.
class ModelHandle {
 public:
  explicit ModelHandle(Embeddings embeddings) : e_(std::move(embeddings)) {}
  static ModelHandle* load(val bytes, val options);
  static ModelHandle* from_vectors(val words, std::size_t dim, val data);

  std::size_t size() const { return e_.size(); }
  std::size_t dim() const { return e_.dim(); }
  val words() const;
  val vector(std::string word) const;
  val vectors() const;
  std::int32_t find(std::string word) const { return e_.find(word); }
  float similarity(std::string a, std::string b) const { return e_.similarity(a, b); }
  val most_similar(val positive, val negative, val options) const;
  val analogy(std::string a, std::string b, std::string c, val options) const;
  std::string doesnt_match(val words) const;
  val save(val format, val options) const;
  // PCA of the `count` most frequent words plus any known `extra` words (appended).
  val project_2d(std::size_t count, val options) const;
  val evaluate_analogies(std::string questions, val options) const;
  val evaluate_similarity(std::string pairs, val options) const;
  bool indexed() const { return e_.indexed(); }
  // A build of this model's approximate-neighbour index (see IndexBuildHandle).
  IndexBuildHandle* index_build(val options);
  // Whether the set is big enough to be searched through an index (compact: see Embeddings).
  bool wants_index() const { return e_.compact(); }
  // The vectors themselves, for the other binding files (map_bindings.cc, projection_bindings.cc).
  const Embeddings& embeddings() const { return e_; }
  void attach_index(std::shared_ptr<const NeighborIndex> index) { e_.attach_index(std::move(index)); }

 private:
  Embeddings e_;
};

// Builds a model's approximate-neighbour index (NeighborIndex::Builder) in steps polled from JS:
// inline for about `budget_ms` per run_for() call in the single-threaded build; on a thread of its
// own in the pthreads build (run_for() then only polls: the page's thread never blocks). The model
// must outlive it (the JS Model deletes it first).
class IndexBuildHandle {
 public:
  // `options`: { threads, seed } (whole numbers; defaults 1 and 1).
  static IndexBuildHandle* create(ModelHandle* model, val options);
  IndexBuildHandle(ModelHandle* model, const NeighborIndexOptions& options);
  ~IndexBuildHandle();
  // True once the index is built and attached to the model.
  bool run_for(double budget_ms);
  double fraction() const { return fraction_.load(); }
  std::string stage() const;
  // Stops after the current unit of work (the build cannot be resumed).
  void cancel();
  // Whether it works on a thread of its own (the pthreads build).
  bool background() const { return threaded_; }

 private:
  void step();  // one unit; records progress
  void attach();
  ModelHandle* model_;
  std::unique_ptr<NeighborIndex::Builder> builder_;
  std::atomic<double> fraction_{0.0};
  std::atomic<bool> done_{false}, stop_{false}, attached_{false};
  std::atomic<const char*> stage_{"starting"};
  bool threaded_ = false;
  std::string error_;  // from the background thread, read once it has ended
  std::thread thread_;
};

// A vectors file read in chunks (VectorStreamReader): whole (finish() gives the model) or, with
// `batches`, handing its rows on (takeBatch()) to a VectorsBuilderHandle elsewhere (the page's
// instance, while a worker parses).
class VectorStreamHandle {
 public:
  explicit VectorStreamHandle(std::unique_ptr<VectorStreamReader> reader) : reader_(std::move(reader)) {}
  // `options`: the load options (name, format); `total_bytes`: the file's size, 0 when unknown.
  static VectorStreamHandle* create(val options, double total_bytes, bool batches);
  void feed(val bytes) { reader_->feed(bytes_to_string(bytes)); }
  // The model (nullptr in batch mode: the last rows wait in takeBatch()).
  ModelHandle* finish();
  // { words, vectors } parsed since the last call.
  val take_batch();
  double bytes_read() const { return static_cast<double>(reader_->bytes_read()); }
  std::size_t rows() const { return reader_->rows(); }
  std::size_t dim() const { return reader_->dim(); }
  double expected_rows() const { return static_cast<double>(reader_->expected_rows()); }

 private:
  std::unique_ptr<VectorStreamReader> reader_;
};

// Rows handed on by a VectorStreamHandle in batch mode, collected into one buffer sized once.
class VectorsBuilderHandle {
 public:
  explicit VectorsBuilderHandle(std::unique_ptr<VectorsBuilder> builder) : builder_(std::move(builder)) {}
  static VectorsBuilderHandle* create(std::size_t dim, double expected_rows);
  void add(val words, val vectors);
  ModelHandle* finish();

 private:
  std::unique_ptr<VectorsBuilder> builder_;
};

// A training run over a finished corpus, driven in slices from JS.
class TrainerHandle {
 public:
  explicit TrainerHandle(std::unique_ptr<Trainer> trainer) : trainer_(std::move(trainer)) {}
  static TrainerHandle* create(const CorpusHandle& corpus, val options);
  bool run_for(double budget_ms) { return trainer_->run_for(budget_ms); }
  void cancel() { trainer_->cancel(); }
  val progress();
  ModelHandle* model() const;
  // The run itself, for the other binding files (map_bindings.cc).
  const Trainer& trainer() const { return *trainer_; }

 private:
  std::unique_ptr<Trainer> trainer_;
};

// A tokenizer (any kind; byte-pair ones trained by BpeTrainerHandle or loaded from GPT-2's ranks).
class TokenizerHandle {
 public:
  explicit TokenizerHandle(std::shared_ptr<const Tokenizer> tokenizer) : tokenizer_(std::move(tokenizer)) {}
  // The tokenizer of a model file (Uint8Array); `name` names it in errors.
  static TokenizerHandle* load(val bytes, std::string name);
  // GPT-2's ranks as js-tiktoken ships them (`bpe_ranks` of js-tiktoken/ranks/gpt2).
  static TokenizerHandle* from_tiktoken(std::string ranks, std::string name);
  std::string kind() const { return tokenizer_->kind(); }
  std::size_t size() const { return tokenizer_->vocabulary().size(); }
  // The ids (Int32Array) of `text` (a string or a Uint8Array); `merges` < 0 applies them all.
  val encode(val text, bool allow_special, double merges) const;
  // The bytes (Uint8Array) of token ids (an array or Int32Array).
  val decode(val ids) const;
  // How the tokens of `ids` read (an array of strings).
  val pieces(val ids) const;
  // A tokenizer model file (Uint8Array).
  val save() const;
  const std::shared_ptr<const Tokenizer>& shared() const { return tokenizer_; }

 private:
  std::shared_ptr<const Tokenizer> tokenizer_;
};

// Byte-pair training over a text, driven in steps from JS.
class BpeTrainerHandle {
 public:
  explicit BpeTrainerHandle(std::unique_ptr<BpeTrainer> trainer) : trainer_(std::move(trainer)) {}
  static BpeTrainerHandle* create(val text, double vocabulary_size);
  bool run(double max_merges);
  // { mergesDone, mergesTotal, pieces, distinctPieces, elapsedMs, finished }
  val progress() const;
  TokenizerHandle* tokenizer() const { return new TokenizerHandle(trainer_->tokenizer()); }

 private:
  std::unique_ptr<BpeTrainer> trainer_;
};

// One `lm` verb of the Node CLI, run by the core exactly as the native CLI runs it
// (core/language_model_command.h), driven in slices from JS.
class LanguageModelCommandHandle {
 public:
  explicit LanguageModelCommandHandle(std::unique_ptr<LanguageModelCommand> command) : command_(std::move(command)) {}
  // `args`: the command line (after the program name) of an lm verb; `read(path)` returns a
  // file's bytes (Uint8Array), or a string: the message of why it cannot.
  static LanguageModelCommandHandle* create(val args, val read);
  bool run_for(double budget_ms) { return command_->run_for(budget_ms); }
  void cancel() { command_->cancel(); }
  bool cancelled() const { return command_->cancelled(); }
  // [{kind: 'stdout' | 'stderr' | 'status', bytes: Uint8Array, fraction, finished}], since the last call.
  val take_events();
  // [{path, bytes: Uint8Array}]: the files to write once finished.
  val outputs() const;

 private:
  std::unique_ptr<LanguageModelCommand> command_;
};

// Functions of the module as a whole (static members, so they are checked like every method).
struct Library {
  static std::string active_isa();
  static bool has_threads();
  // The option schema, for src/js and its tests.
  static val option_schema();
  // `options` of the JS method `method` checked and completed with defaults.
  static val normalise_options(std::string method, val options);
  // The command line of the Node CLI, parsed exactly as the native CLI parses its own.
  static val parse_command_line(val args);
  static std::string describe(val value);
  // `text` (a string or bytes) as training tokenizes it, one line per input line.
  static std::string tokenize(val text, val options);
};

}  // namespace embedlab::wasm
