// Model::load on arbitrary bytes (the embedlab model file). A file that loads is canonical: saving
// the loaded model writes exactly the input bytes, and its word vectors are usable.
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
    fuzz::check(out.str() == bytes, "saving a loaded model writes the bytes it was loaded from");
    const Embeddings vectors = model.embeddings();
    fuzz::check(vectors.size() == model.vocabulary().size(), "one vector per vocabulary token");
  } catch (const Error&) {
  }
  return 0;
}
