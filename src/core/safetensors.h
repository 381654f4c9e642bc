// A transformer's weights as a safetensors file (https://github.com/huggingface/safetensors), so
// that PyTorch loads them with `safetensors.torch.load_file` (or by reading the JSON header and
// the raw bytes). Names, shapes and metadata are docs/transformer.md's.
//
// Layout: u64 little-endian header size N; N bytes of JSON (padded with spaces to a multiple of 8
// bytes from the file start): {"__metadata__": {the configuration as strings: vocab, width,
// layers, heads, context, positional, objective, segments; "format": "embedlab"}, "<name>":
// {"dtype": "F32", "shape": [rows, cols] or [n] for 1-D tensors, "data_offsets": [begin, end]},
// ...}; then the tensors' bytes (float32 little-endian, row-major), in the model's order, back to
// back from offset 0 (offsets count from the end of the header).
#pragma once

#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/tokenizer.h"
#include "core/transformer.h"

namespace embedlab {

// Writes `model` (of kind "transformer") as safetensors. Throws Error for another kind of model,
// an incomplete one, or a failing stream.
void write_safetensors(std::ostream& out, const Model& model);

// What a safetensors file holds: the configuration from its metadata and the tensors, in
// docs/transformer.md's order, 1-D tensors as 1×n matrices (as in the model file).
struct SafetensorsWeights {
  TransformerConfig config;
  Settings metadata;  // the whole __metadata__, in file order
  std::vector<NamedMatrix> tensors;

  // A transformer model with these weights over `tokenizer`, whose vocabulary must have
  // config.vocab tokens (throws Error otherwise).
  Model to_model(std::shared_ptr<const Tokenizer> tokenizer) const;
};

// Reads and checks a whole safetensors file; `source` names it in messages. Throws Error naming
// the problem: a truncated file, an absurd header size, malformed JSON (with its byte offset), no
// configuration in the metadata, a dtype other than F32, an unknown or missing tensor, a shape
// unlike the configuration's, offsets out of range, overlapping, with gaps or trailing bytes, a
// NaN or infinite value.
SafetensorsWeights read_safetensors(std::istream& in, const std::string& source = "safetensors file");

}  // namespace embedlab
