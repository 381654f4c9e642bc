// A model: named matrices plus what is needed to use and train them again (its kind, the
// tokenizer that built its vocabulary, the training options), saved and loaded whole.
//
// Model file format, version 2 (version 1 files, which lack the merges, are still read). Integers
// are little-endian, unsigned unless marked signed. A "string" is a u32 byte count followed by that
// many bytes (UTF-8 except a byte-pair tokenizer's tokens, which are any bytes; no terminator).
//
//   bytes 0-7    magic: the 8 ASCII bytes "EMBEDLAB"
//   bytes 8-11   u32 format version: 2
//   kind         string: "word2vec", "transformer", or "tokenizer" (a tokenizer file: no matrices)
//   options      u32 count, then count x (string name, string value): the training options in the
//                order they were set, e.g. "dim" -> "100"; names are non-empty and unique. A
//                transformer's include its configuration (TransformerConfig::settings: vocab,
//                width, layers, heads, context, positional, objective, segments), which must be
//                valid and whose vocab must equal the vocabulary size
//   tokenizer    string kind: "word" or "bpe"
//                u32 count, then count x (string name, string value): its settings; the word
//                tokenizer has exactly "lowercase" and "strip_punctuation" ("true" or "false")
//                and "invalid_utf8" ("replace" or "reject"); bpe has exactly "pretokenizer": "gpt2"
//                u32 vocabulary size n (1 to 2^31 - 1), then n x (string token, signed i64 count):
//                token id = position; tokens non-empty, unique, counts >= 0 (in the training text).
//                The word tokenizer's: valid UTF-8 without whitespace. bpe's (bpe.h): the 256
//                single bytes in any order, then one token per merge (its two tokens joined), then
//                the special tokens <|endoftext|> [CLS] [SEP] [MASK] [PAD]
//   merges       (version 2) u32 count m, then m x (u32 left id, u32 right id, signed i64 count):
//                a bpe tokenizer's merges in training order, merge i making token id 256 + i from
//                two ids below that, with the pair's count when merged; m = n - 261. Word: m = 0
//   matrices     u32 count, then count x:
//                  string name, u64 rows, u64 cols,
//                  rows x cols IEEE-754 float32 (little-endian), row after row; all finite
//                word2vec has exactly "input" (the word vectors) and "output" (negative sampling:
//                one row per word; hierarchical softmax: one per inner Huffman node, the last row
//                unused), each with one row per vocabulary token and the same number of columns;
//                a transformer has exactly the matrices docs/transformer.md lists for its
//                configuration, each with that shape (1-D tensors as 1 x n), "wte.weight" first
//   end          nothing follows the last matrix
//
// Loading checks all of it before trusting any size and says what is wrong and where (bad magic,
// unsupported version, truncation with the section and item, a row count that does not match the
// vocabulary, a matrix missing or shaped unlike its kind's configuration, a NaN or infinite value
// with its matrix, row and column, an absurd count).
// Saving then loading gives a bit-identical model.
#pragma once

#include <cstdint>
#include <deque>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "core/embeddings.h"
#include "core/matrix.h"
#include "core/tokenizer.h"

namespace embedlab {

struct NamedMatrix {
  std::string name;
  Matrix matrix;
};

class Model {
 public:
  static constexpr std::uint32_t kFormatVersion = 2;
  static constexpr const char* kWord2Vec = "word2vec";
  static constexpr const char* kTokenizer = "tokenizer";  // a tokenizer saved on its own

  // An empty model of `kind` over `tokenizer`'s vocabulary; add its matrices with add_matrix.
  Model(std::string kind, std::shared_ptr<const Tokenizer> tokenizer, Settings options = {});

  const std::string& kind() const { return kind_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const std::shared_ptr<const Tokenizer>& shared_tokenizer() const { return tokenizer_; }
  const Vocabulary& vocabulary() const { return tokenizer_->vocabulary(); }

  // The training options, as name -> value strings in a fixed order.
  const Settings& options() const { return options_; }
  // Throws Error on an empty or repeated name, or (transformer) options whose configuration is
  // invalid or does not fit the matrices already added.
  void set_options(Settings options);
  // The value of option `name`; throws Error when the model has no such option.
  const std::string& option(std::string_view name) const;

  // Adds a matrix; the reference stays valid for the model's life (later additions do not move
  // it). Throws Error on an empty or repeated name, or a name or shape the model's kind (for a
  // transformer, its configuration in the options) does not allow.
  Matrix& add_matrix(std::string name, Matrix matrix);
  bool has_matrix(std::string_view name) const;
  // Throws Error naming the matrix and the ones the model has when it is missing.
  Matrix& matrix(std::string_view name);
  const Matrix& matrix(std::string_view name) const;
  // In the order they were added (and are saved).
  const std::deque<NamedMatrix>& matrices() const { return matrices_; }

  // Word vectors for queries: the rows of `matrix_name`, one per vocabulary word, looked up
  // through this model's tokenizer. Throws Error when a value is not finite.
  Embeddings embeddings(std::string_view matrix_name = "input") const;

  // Writes the whole model (format above). Throws Error when the model is incomplete for its kind
  // or the stream fails.
  void save(std::ostream& out) const;
  // Reads a whole model; `source` names it in error messages. Throws Error on any malformed input.
  static Model load(std::istream& in, const std::string& source = "model");

 private:
  std::string kind_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  Settings options_;
  std::deque<NamedMatrix> matrices_;
};

}  // namespace embedlab
