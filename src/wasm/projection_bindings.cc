// Maps (core/map.h) for JS: a MapRun driven in time slices, registered in its own Embind block so
// it stays apart from bindings.cc. Every function goes through checked<> (guard.h) like the rest.
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <vector>

#include "core/map.h"
#include "wasm/api.h"
#include "wasm/convert.h"
#include "wasm/guard.h"

namespace embedlab::wasm {

// A map being computed. The run keeps the mapped words and vectors, not the model, so disposing
// the model while the map runs is safe.
class MapHandle {
 public:
  // `options`: those of the JS method project (schema-checked; axes as xAxis / yAxis).
  static MapHandle* create(const ModelHandle& model, val options) {
    const MapOptions o = map_options(options_from_js("project", options));
    auto handle = std::make_unique<MapHandle>();
    handle->run_ = std::make_unique<MapRun>(model.embeddings(), o);
    return handle.release();
  }
  // Works for about `budget_ms`; true once finished.
  bool run_for(double budget_ms) { return run_->run_for(budget_ms); }
  // { iteration, iterations, fraction, stage }
  val progress() const {
    val out = val::object();
    out.set("iteration", run_->iteration());
    out.set("iterations", run_->iterations());
    out.set("fraction", run_->fraction());
    out.set("stage", std::string(run_->stage()));
    return out;
  }
  // The current layout as a Float32Array copy (n×2), or null before there is one.
  val coordinates() const {
    const std::vector<float>& xy = run_->coordinates();
    return xy.empty() ? val::null() : floats_to_array(xy.data(), xy.size());
  }
  val words() const { return strings_to_js(run_->words()); }
  // The map as the CLIs write it (word, x, y per line).
  std::string tsv() const { return map_tsv(run_->words(), run_->coordinates()); }

 private:
  std::unique_ptr<MapRun> run_;
};

}  // namespace embedlab::wasm

EMSCRIPTEN_BINDINGS(embedlab_projection) {
  using namespace emscripten;
  using namespace embedlab::wasm;
  class_<MapHandle>("MapRun")
      .class_function("create", checked<&MapHandle::create>, allow_raw_pointers())
      .function("runFor", checked<&MapHandle::run_for>)
      .function("progress", checked<&MapHandle::progress>)
      .function("coordinates", checked<&MapHandle::coordinates>)
      .function("words", checked<&MapHandle::words>)
      .function("tsv", checked<&MapHandle::tsv>);
}
