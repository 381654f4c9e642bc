// Map tools for the page (registered in their own block, beside bindings.cc's): a cheap map of a
// model while it trains, aligning a new layout to the previous one (so the map moves instead of
// jumping) and k-means clusters for colouring. Each call goes through checked<> (guard.h) like every other binding.
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/align.h"
#include "core/clustering.h"
#include "core/error.h"
#include "core/model.h"
#include "core/projection.h"
#include "core/trainer.h"
#include "wasm/api.h"
#include "wasm/convert.h"
#include "wasm/guard.h"

namespace embedlab::wasm {
namespace {

struct MapTools {
  // `source` moved onto `target` (Float32Arrays of points with `dims` coordinates each, same length)
  // by the best rotation or reflection, uniform scale and shift: { points: Float32Array, scale, rmsError }.
  static val align(val source, val target, std::size_t dims) {
    if (dims == 0 || dims > 3) throw Error("dims must be 1, 2 or 3, got " + std::to_string(dims));
    std::vector<float> from = array_to_floats(source);
    const std::vector<float> to = array_to_floats(target);
    if (from.size() != to.size()) {
      throw Error("cannot align " + with_commas(static_cast<long long>(from.size() / dims)) + " points to " +
                  with_commas(static_cast<long long>(to.size() / dims)));
    }
    if (from.size() % dims != 0) throw Error("the layouts' lengths are not a multiple of dims (" + std::to_string(dims) + ")");
    const std::size_t n = from.size() / dims;
    const Alignment alignment = procrustes(from.data(), to.data(), n, dims);
    apply_alignment(alignment, from.data(), n);
    val out = val::object();
    out.set("points", floats_to_array(from.data(), from.size()));
    out.set("scale", alignment.scale);
    out.set("rmsError", alignment.rms_error);
    return out;
  }

  // A map of a model being trained: PCA of the current input vectors of its `count` most frequent
  // words, copying only those rows (a whole-model snapshot for every frame would slow training
  // down). { coordinates: Float32Array, words: string[] (only when `with_words`) }.
  static val training_frame(const TrainerHandle& handle, std::size_t count, bool with_words) {
    const Model& model = handle.trainer().model();
    const Matrix& input = model.matrix("input");
    count = std::min(count, input.rows());
    const std::size_t dim = input.cols();
    std::vector<float> rows(input.data(), input.data() + count * dim);
    for (const float x : rows) {
      if (!std::isfinite(x)) throw Error("training diverged (the vectors contain NaN or infinite values); lower the learning rate");
    }
    const std::vector<std::string>& all = model.vocabulary().words();
    std::vector<std::string> words(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
    const Projection p = pca_2d(Embeddings(words, dim, std::move(rows)), count);
    val out = val::object();
    out.set("coordinates", floats_to_array(p.coordinates.data(), p.coordinates.size()));
    if (with_words) out.set("words", strings_to_js(words));
    return out;
  }

  // k-means of the unit vectors of the `count` most frequent words: an Int32Array of labels 0..k-1.
  static val cluster_words(const ModelHandle& model, std::size_t count, std::size_t k, double seed) {
    const Clustering c = embedlab::cluster_words(model.embeddings(), count, k, static_cast<std::uint64_t>(seed));
    return ids_to_array(c.labels);
  }
};

}  // namespace
}  // namespace embedlab::wasm

EMSCRIPTEN_BINDINGS(embedlab_map) {
  using namespace emscripten;
  using namespace embedlab::wasm;
  class_<MapTools>("MapTools")
      .class_function("align", checked<&MapTools::align>)
      .class_function("clusterWords", checked<&MapTools::cluster_words>)
      .class_function("trainingFrame", checked<&MapTools::training_frame>);
}
