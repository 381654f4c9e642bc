#include "core/map.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "core/kernels.h"
#include "core/options.h"
#include "core/tsne.h"
#include "core/umap.h"

namespace embedlab {

MapOptions map_options(const OptionValues& values) {
  MapOptions o;
  const std::string& method = values.text("method");
  o.method = method == "pca" ? MapMethod::kPca : method == "tsne" ? MapMethod::kTsne : method == "axes" ? MapMethod::kAxes : MapMethod::kUmap;
  o.perplexity = values.number("perplexity");
  const std::string& repulsion = values.text("repulsion");
  o.repulsion = repulsion == "barnes-hut"     ? TsneRepulsion::kBarnesHut
                : repulsion == "interpolated" ? TsneRepulsion::kInterpolated
                                              : TsneRepulsion::kAuto;
  o.neighbors = static_cast<int>(values.integer("neighbors"));
  o.min_dist = values.number("minDist");
  o.iterations = static_cast<int>(values.integer("iterations"));
  o.x_axis = values.words("xAxis");
  o.y_axis = values.words("yAxis");
  o.limit = static_cast<std::size_t>(values.integer("limit"));
  o.words = values.words("words");
  o.threads = static_cast<int>(values.integer("threads"));
  o.seed = static_cast<std::uint64_t>(values.integer("seed"));
  return o;
}

namespace {

// unit(a) − unit(b), normalised: the direction of one semantic axis.
std::vector<float> axis_direction(const Embeddings& e, const std::vector<std::string>& pair, const char* name) {
  if (pair.size() != 2) {
    throw Error(std::string("the ") + name + " axis needs two words (a, b for a − b), got " + std::to_string(pair.size()));
  }
  const std::int32_t a = e.direction_id(pair[0]), b = e.direction_id(pair[1]);
  if (a == b) throw Error(std::string("the ") + name + " axis needs two different words, got " + quote(pair[0]) + " twice");
  std::vector<float> direction(e.unit_vector(a), e.unit_vector(a) + e.dim());
  kernels::axpy(-1.0f, e.unit_vector(b), direction.data(), e.dim());
  kernels::normalise(direction.data(), e.dim());
  return direction;
}

}  // namespace

std::vector<float> semantic_axes(const Embeddings& e, const std::vector<std::int32_t>& rows, const std::vector<std::string>& x_axis,
                                 const std::vector<std::string>& y_axis) {
  const std::vector<float> x = axis_direction(e, x_axis, "x"), y = axis_direction(e, y_axis, "y");
  std::vector<float> out(2 * rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const float* unit = e.unit_vector(rows[i]);
    out[2 * i] = kernels::dot(unit, x.data(), e.dim());
    out[2 * i + 1] = kernels::dot(unit, y.data(), e.dim());
  }
  return out;
}

std::string map_tsv(const std::vector<std::string>& words, const std::vector<float>& coordinates) {
  std::string out;
  char numbers[64];
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::snprintf(numbers, sizeof(numbers), "\t%.4f\t%.4f\n", static_cast<double>(coordinates[2 * i]), static_cast<double>(coordinates[2 * i + 1]));
    out += words[i];
    out += numbers;
  }
  return out;
}

struct MapRun::State {
  MapOptions options;
  std::vector<float> rows;  // the mapped words' vectors, n×dim
  std::size_t n = 0, dim = 0;
  std::unique_ptr<NeighborIndex::Builder> builder;
  std::unique_ptr<TsneLayout> tsne;
  std::unique_ptr<UmapLayout> umap;
  std::vector<float> fixed;  // PCA and axes: the one layout
  std::atomic<bool> cancel{false};
  bool done = false;

  // Makes the layout once the neighbours (if any) are known.
  void start_layout(const KnnGraph* graph) {
    if (options.method == MapMethod::kTsne) {
      TsneOptions t;
      t.perplexity = options.perplexity;
      t.repulsion = options.repulsion;
      if (options.iterations > 0) {
        t.iterations = options.iterations;
      } else if (n > TsneLayout::kExactMaxRows && tsne_repulsion(t.repulsion, n) == TsneRepulsion::kInterpolated) {
        t.iterations = TsneLayout::kInterpolatedIterations;
      }
      t.exaggeration_iterations = std::min(t.exaggeration_iterations, t.iterations / 4 + 1);
      t.threads = options.threads;
      t.seed = options.seed;
      tsne = std::make_unique<TsneLayout>(rows.data(), n, dim, t, graph);
    } else {
      UmapOptions u;
      u.neighbors = options.neighbors;
      u.min_dist = options.min_dist;
      u.spread = std::max(1.0, options.min_dist);
      u.epochs = options.iterations;
      u.threads = options.threads;
      u.seed = options.seed;
      umap = std::make_unique<UmapLayout>(rows.data(), n, dim, u, graph);
    }
  }

  // One unit of work; true when finished.
  bool step() {
    if (builder) {
      if (builder->step()) {
        const NeighborIndex index = builder->finish();
        builder.reset();
        start_layout(&index.knn_graph());
      }
      return false;
    }
    if (tsne) return done = tsne->step();
    if (umap) return done = umap->step();
    return done = true;
  }
};

MapRun::MapRun(const Embeddings& embeddings, const MapOptions& options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.options = options;
  if (embeddings.size() < 2) throw Error("a map needs a model of at least 2 words, got " + std::to_string(embeddings.size()));
  if (options.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options.threads));
  if (options.words.empty()) {
    if (options.limit < 2) throw Error("a map needs at least 2 words, got a limit of " + std::to_string(options.limit));
    const std::size_t n = std::min(options.limit, embeddings.size());
    for (std::size_t i = 0; i < n; ++i) rows_.push_back(static_cast<std::int32_t>(i));
  } else {
    for (const std::string& word : options.words) {
      const std::int32_t id = embeddings.id(word);
      if (std::find(rows_.begin(), rows_.end(), id) == rows_.end()) rows_.push_back(id);
    }
    if (rows_.size() < 2) throw Error("a map needs at least 2 different words, got " + std::to_string(rows_.size()));
  }
  s.n = rows_.size();
  s.dim = embeddings.dim();
  for (const std::int32_t row : rows_) words_.push_back(embeddings.word(row));
  if (options.method == MapMethod::kAxes) {
    s.fixed = semantic_axes(embeddings, rows_, options.x_axis, options.y_axis);
    return;
  }
  s.rows.resize(s.n * s.dim);
  for (std::size_t i = 0; i < s.n; ++i) std::copy_n(embeddings.vector(rows_[i]), s.dim, s.rows.data() + i * s.dim);
  if (options.method == MapMethod::kPca) {
    s.fixed = pca_coordinates(s.rows.data(), s.n, s.dim);
    return;
  }
  if (options.method == MapMethod::kTsne) {
    if (!(options.perplexity >= 1.0) || options.perplexity >= static_cast<double>(s.n)) {
      throw Error("perplexity must be at least 1 and less than the number of words mapped (" +
                  with_commas(static_cast<long long>(s.n)) + "), got " + plain_number(options.perplexity));
    }
    if (s.n <= TsneLayout::kExactMaxRows) {
      s.start_layout(nullptr);
      return;
    }
  } else if (options.neighbors < 2 || static_cast<std::size_t>(options.neighbors) > s.n) {
    throw Error("neighbors must be between 2 and the number of words mapped (" + with_commas(static_cast<long long>(s.n)) +
                "), got " + std::to_string(options.neighbors));
  }
  NeighborIndexOptions index;
  index.k = options.method == MapMethod::kTsne ? static_cast<int>(tsne_neighbours(options.perplexity, s.n)) : options.neighbors - 1;
  index.threads = options.threads;
  index.seed = options.seed;
  s.builder = std::make_unique<NeighborIndex::Builder>(s.rows.data(), s.n, s.dim, index);
}

MapRun::~MapRun() = default;

bool MapRun::run_for(double budget_ms) {
  State& s = *state_;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    if (s.cancel.load()) throw CancelledError();
    if (s.done || s.step()) return true;
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed.count() >= budget_ms) return false;
  }
}

void MapRun::cancel() { state_->cancel = true; }
bool MapRun::finished() const { return state_->done; }

const std::vector<float>& MapRun::coordinates() const {
  static const std::vector<float> none;
  const State& s = *state_;
  if (s.tsne) return s.tsne->coordinates();
  if (s.umap) return s.umap->coordinates();
  return s.builder ? none : s.fixed;
}

int MapRun::iteration() const {
  const State& s = *state_;
  return s.tsne ? s.tsne->iteration() : s.umap ? s.umap->iteration() : (s.done ? 1 : 0);
}

int MapRun::iterations() const {
  const State& s = *state_;
  return s.tsne ? s.tsne->iterations() : s.umap ? s.umap->iterations() : 1;
}

double MapRun::fraction() const {
  const State& s = *state_;
  if (s.done) return 1.0;
  if (s.builder) return 0.2 * s.builder->fraction();
  const bool searched = s.options.method == MapMethod::kUmap || (s.options.method == MapMethod::kTsne && s.n > TsneLayout::kExactMaxRows);
  const double start = searched ? 0.2 : 0.0;
  return start + (1.0 - start) * iteration() / std::max(1, iterations());
}

const char* MapRun::stage() const {
  const State& s = *state_;
  return s.done ? "done" : s.builder ? "neighbours" : "layout";
}

}  // namespace embedlab
