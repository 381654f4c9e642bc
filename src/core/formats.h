// Reading and writing word vectors: word2vec text and binary, GloVe text (detected by its lack of
// a header; fastText's .vec is word2vec text) and the TensorFlow Embedding Projector TSV pair.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/embeddings.h"

namespace embedlab {

class Model;

enum class VectorFormat { kAuto, kWord2VecText, kWord2VecBinary, kGloveText };

// Parses vectors from the bytes of a file; `source` names it in error messages.
// With kAuto the format is detected; an embedlab model file gives its word vectors (a language
// model's: its token embeddings, wte.weight). Throws Error with the line (or vector) number and what
// was expected on any malformed input.
Embeddings parse_vectors(std::string_view bytes, const std::string& source, VectorFormat format = VectorFormat::kAuto);
// The word vectors of a model: word2vec's input vectors, a language model's token embeddings
// (wte.weight) with byte-pair tokens spelt as GPT-2 prints them (a space is \u0120).
Embeddings model_word_vectors(const Model& model);
// Reads a file from disk (throws Error when it cannot be opened).
Embeddings load_vectors(const std::string& path, VectorFormat format = VectorFormat::kAuto);
// Detects the format of a vectors file from its first bytes.
VectorFormat detect_format(std::string_view bytes, const std::string& source);

// Rows of vectors collected into one buffer sized once (from a header's count, or an estimate from
// the file's size), so building a big set never holds a second copy of its matrix: the page keeps
// one of these while its worker parses the file.
class VectorsBuilder {
 public:
  VectorsBuilder(std::size_t dim, std::size_t expected_rows);
  // `words.size()` rows of dim() floats each from `values`.
  void add(std::vector<std::string>& words, const std::vector<float>& values);
  void add(std::string word, const float* row);
  std::size_t rows() const { return words_.size(); }
  std::size_t dim() const { return dim_; }
  // The set (compact when big, see Embeddings); the builder is empty afterwards.
  Embeddings finish();

 private:
  void make_room(std::size_t more);
  std::size_t dim_;
  std::vector<std::string> words_;
  std::vector<float> values_;
};

// Parses a vectors file fed in chunks of any size (word2vec text or binary, GloVe, fastText .vec;
// an embedlab model file is collected whole). Parsed rows go to an internal VectorsBuilder
// (finish() returns the set) or, with `batches`, wait for take_batch() (a worker hands them on).
class VectorStreamReader {
 public:
  // `total_bytes`: the file's size when known (0 otherwise), to size the matrix once.
  VectorStreamReader(std::string source, VectorFormat format = VectorFormat::kAuto, std::uint64_t total_bytes = 0,
                     bool batches = false);
  ~VectorStreamReader();
  void feed(std::string_view chunk);
  // Checks the end (a header's count) and returns the set; in batch mode it returns an empty set
  // (take_batch() has the last rows).
  Embeddings finish();
  // Rows parsed since the last call (batch mode): words, and their floats row after row.
  void take_batch(std::vector<std::string>& words, std::vector<float>& values);
  std::uint64_t bytes_read() const { return bytes_read_; }
  std::size_t rows() const { return rows_; }
  std::size_t dim() const { return dim_; }  // 0 until known
  // How many rows the file holds: a header's count, or an estimate from the size and the rows so far.
  std::size_t expected_rows() const;
  VectorFormat format() const { return format_; }

 private:
  struct Seen;  // the words so far (a duplicate names the line of the first)
  void consume(std::string_view chunk, bool at_end);
  std::size_t parse_text(std::string_view data, bool at_end);
  std::size_t parse_binary(std::string_view data, bool at_end);
  void hand_on();  // moves the parsed rows to the builder (not in batch mode)

  std::string source_;
  VectorFormat format_;
  std::uint64_t total_bytes_;
  bool batches_;
  bool started_ = false;
  bool whole_ = false;       // an embedlab model file: parsed at the end
  bool has_header_ = false;
  long long header_count_ = -1;
  std::size_t dim_ = 0;
  std::size_t rows_ = 0;
  std::size_t line_number_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t consumed_ = 0;  // bytes parsed so far
  std::string pending_;         // unparsed bytes (a partial line or record)
  std::vector<float> row_;
  std::vector<std::string> batch_words_;
  std::vector<float> batch_values_;
  std::unique_ptr<VectorsBuilder> builder_;
  std::unique_ptr<Seen> seen_;
};

// `precision` significant digits per number (6 by default, as fastText).
void write_word2vec_text(const Embeddings& embeddings, std::ostream& out, int precision = 6);
// Little-endian float32 rows, as word2vec's -binary 1.
void write_word2vec_binary(const Embeddings& embeddings, std::ostream& out);
// vectors.tsv (tab-separated numbers, one row per word) and metadata.tsv (one word per line).
void write_projector_tsv(const Embeddings& embeddings, std::ostream& vectors, std::ostream& metadata, int precision = 6);

const char* format_name(VectorFormat format);

}  // namespace embedlab
