// Reading and writing word vectors: word2vec text and binary, GloVe text (detected by its lack of
// a header; fastText's .vec is word2vec text) and the TensorFlow Embedding Projector TSV pair.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

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

// `precision` significant digits per number (6 by default, as fastText).
void write_word2vec_text(const Embeddings& embeddings, std::ostream& out, int precision = 6);
// Little-endian float32 rows, as word2vec's -binary 1.
void write_word2vec_binary(const Embeddings& embeddings, std::ostream& out);
// vectors.tsv (tab-separated numbers, one row per word) and metadata.tsv (one word per line).
void write_projector_tsv(const Embeddings& embeddings, std::ostream& vectors, std::ostream& metadata, int precision = 6);

const char* format_name(VectorFormat format);

}  // namespace embedlab
