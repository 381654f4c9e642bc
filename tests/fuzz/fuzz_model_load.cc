// Model::load on arbitrary bytes (the embedlab model file). A file of the current version that loads
// is canonical: saving the loaded model writes exactly the input bytes. An older version (1) is
// saved in the current one, which loads back and saves to the same bytes again. Its word vectors
// are usable.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/model.h"
#include "fuzz_support.h"

using namespace embedlab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream in(bytes);
  try {
    const Model model = Model::load(in, "fuzz.model");
    std::ostringstream out;
    model.save(out);
    const std::uint32_t version = Model::kFormatVersion;
    const std::string current_version(reinterpret_cast<const char*>(&version), 4);  // little-endian hosts
    if (bytes.compare(8, 4, current_version) == 0) {
      fuzz::check(out.str() == bytes, "saving a loaded model writes the bytes it was loaded from");
    } else {
      std::istringstream again(out.str());
      std::ostringstream resaved;
      Model::load(again, "resaved.model").save(resaved);
      fuzz::check(resaved.str() == out.str(), "an older file saved in the current version loads back and saves the same");
    }
    const Embeddings vectors = model.embeddings();
    fuzz::check(vectors.size() == model.vocabulary().size(), "one vector per vocabulary token");
  } catch (const Error&) {
  }
  return 0;
}
