// Every vectors reader on arbitrary bytes: word2vec text, word2vec binary, GloVe, and detection.
// The first byte picks the reader. Beyond "no crash, no sanitizer report, only embedlab::Error":
// detection agrees with the reader it picked, and whatever loads re-saves and loads back identical.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/formats.h"
#include "fuzz_support.h"

using namespace embedlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr VectorFormat kFormats[] = {VectorFormat::kAuto, VectorFormat::kWord2VecText,
                                              VectorFormat::kWord2VecBinary, VectorFormat::kGloveText};
  const VectorFormat format = kFormats[data[0] % 4];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  Embeddings loaded;
  try {
    loaded = parse_vectors(bytes, "fuzz.vec", format);
  } catch (const Error&) {
    return 0;  // a clear refusal is the expected outcome for most inputs
  }
  fuzz::check(loaded.size() > 0 && loaded.dim() > 0, "a loaded file has at least one vector");
  if (format == VectorFormat::kAuto) {
    // Detection names the reader that produced this result.
    const VectorFormat detected = detect_format(bytes, "fuzz.vec");
    fuzz::check(fuzz::identical(loaded, parse_vectors(bytes, "fuzz.vec", detected)),
                "auto-detected load equals the load with the detected format");
  }
  // What loaded, written again in each format, loads back identical.
  std::ostringstream binary;
  write_word2vec_binary(loaded, binary);
  fuzz::check(fuzz::identical(loaded, parse_vectors(binary.str(), "resaved.bin", VectorFormat::kWord2VecBinary)),
              "re-saved word2vec binary loads back identical");
  std::ostringstream text;
  write_word2vec_text(loaded, text, 9);
  fuzz::check(fuzz::identical(loaded, parse_vectors(text.str(), "resaved.txt", VectorFormat::kWord2VecText)),
              "re-saved word2vec text (9 digits) loads back identical");
  return 0;
}
