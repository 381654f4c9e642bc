// Conversions between JS values and core types for the bindings: bytes, strings, vectors (copied
// into typed arrays), results as plain JS objects, and options read from JS objects through the
// option schema (so the JS API checks names, types and ranges exactly as the CLIs do).
#pragma once

#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/command_line.h"
#include "core/embeddings.h"
#include "core/evaluation.h"
#include "core/options.h"
#include "core/projection.h"
#include "core/trainer.h"
#include "core/corpus.h"

namespace embedlab::wasm {

using emscripten::val;

// A JS value as messages show it: "null", "an array", "a Uint8Array", "42", or quoted text.
std::string describe(const val& value);

// The bytes of a Uint8Array, and a Uint8Array copy of bytes.
std::string bytes_to_string(const val& bytes);
val string_to_bytes(const std::string& bytes);
// A Float32Array copy (a view into the heap would go stale when memory grows), and back.
val floats_to_array(const float* data, std::size_t n);
std::vector<float> array_to_floats(const val& array);
// An Int32Array copy of token ids; token ids from an array (or Int32Array) of whole numbers, or of
// strings of digits (as a command line gives them).
val ids_to_array(const std::vector<std::int32_t>& ids);
std::vector<std::int32_t> ids_from_js(const val& ids);
// An array of strings; `what` names it in errors.
std::vector<std::string> string_array(const val& array, const std::string& what);
val strings_to_js(const std::vector<std::string>& strings);

val neighbours_to_js(const std::vector<Neighbour>& neighbours);
val analogy_report_to_js(const AnalogyReport& report);
val similarity_report_to_js(const SimilarityReport& report);
val progress_to_js(const TrainProgress& progress);
val corpus_stats_to_js(const Corpus& corpus);
// `count` and `extra` rows projected on the same axes: { count, coordinates, extraWords, explainedVariance }.
val projection_to_js(const Projection& projection, std::vector<float> coordinates, const std::vector<std::string>& extra);

// The options of the JS method `method` from `object` (undefined or a plain object): unknown names,
// wrong types and values out of range throw Error with the JS names; defaults are filled in.
OptionValues options_from_js(std::string_view method, const val& object);
// The choice of `spec` that the JS value `value` names (its JS spelling).
const OptionChoice& choice_from_js(const OptionSpec& spec, const val& value);
// Option values as a JS object keyed by JS name (enums in their JS spelling; callbacks left out).
val options_to_js(const OptionValues& values, const std::vector<const OptionSpec*>& specs);
// The whole schema: { options: [...], verbs: [...] }.
val schema_to_js();
// A parsed command line: { action: 'run' | 'print', verb, arguments, options, text, stream, exitCode }.
val command_to_js(const CommandLine& command);

}  // namespace embedlab::wasm
