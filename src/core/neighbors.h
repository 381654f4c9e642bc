// Approximate nearest neighbours by cosine similarity: random-projection trees seed an NN-descent
// k-nearest-neighbour graph (Dong et al. 2011, as in pynndescent), and queries walk that graph by
// beam search (as in HNSW's bottom layer). UMAP and t-SNE read the graph (knn_graph()); queries on
// big models go through search(). Small sets (n <= kExactMaxRows) get the exact graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace embedlab {

// Thrown by the long-running projection code when its cancel hook says so.
class CancelledError : public Error {
 public:
  CancelledError() : Error("cancelled") {}
};

struct NeighborIndexOptions {
  int k = 15;              // neighbours per row in the graph (not counting the row itself)
  int trees = 0;           // random-projection trees; 0 = 5 + n^(1/4) / 2, at most 24
  int threads = 1;
  std::uint64_t seed = 1;
  int max_iterations = 0;  // NN-descent rounds; 0 = max(5, log2 n)
  bool exact = false;      // brute force (always used when n <= kExactMaxRows)
  // The rows are already unit length (or zero) and outlive the index: it reads them in place
  // instead of keeping a normalised copy (big models: no second copy of the floats).
  bool borrow_unit_rows = false;
  // Keep the graph's distances (UMAP and t-SNE read them); an index built only to answer queries
  // drops them (4 bytes per row and neighbour) and knn_graph().distances is then empty.
  bool keep_distances = true;
};

// Called between units of work with the fraction done (0..1) and a stage name ("trees",
// "descent", "graph"); return false to cancel (build() then throws CancelledError).
using NeighborProgress = std::function<bool(const char* stage, double fraction)>;

// Every row's k nearest other rows, closest first: ids and cosine distances (1 - cosine), n×k each.
struct KnnGraph {
  std::size_t rows = 0;
  std::size_t k = 0;
  std::vector<std::int32_t> ids;
  std::vector<float> distances;
  const std::int32_t* ids_of(std::size_t row) const { return ids.data() + row * k; }
  const float* distances_of(std::size_t row) const { return distances.data() + row * k; }
};

struct SearchHit {
  std::int32_t id;
  float similarity;  // cosine
};

class NeighborIndex {
 public:
  // At most this many rows: exact k-nearest-neighbour graph by brute force.
  static constexpr std::size_t kExactMaxRows = 4096;

  NeighborIndex();
  ~NeighborIndex();
  NeighborIndex(NeighborIndex&&) noexcept;
  NeighborIndex& operator=(NeighborIndex&&) noexcept;

  // Indexes `n` rows of `dim` floats (row-major; copied and normalised, zero rows stay zero, unless
  // options.borrow_unit_rows).
  // Throws Error on n < 2, dim 0, k outside [1, n - 1], a non-finite value; CancelledError when
  // `progress` returns false.
  static NeighborIndex build(const float* rows, std::size_t n, std::size_t dim, const NeighborIndexOptions& options,
                             const NeighborProgress& progress = {});

  // The same build one unit of work (a tree, a descent round, a block of rows) per step(), for
  // callers that must stay responsive (a Worker polling in time slices). done() once complete.
  class Builder {
   public:
    Builder(const float* rows, std::size_t n, std::size_t dim, const NeighborIndexOptions& options);
    ~Builder();
    Builder(Builder&&) noexcept;
    // Does one unit; returns true once the index is complete.
    bool step();
    bool done() const;
    double fraction() const;
    const char* stage() const;
    // The finished index (valid once done(); the builder is left empty).
    NeighborIndex finish();

   private:
    struct State;
    std::unique_ptr<State> state_;
  };

  std::size_t size() const;
  std::size_t dim() const;
  std::size_t k() const;
  // Every row's k nearest neighbours (excluding itself), closest first.
  const KnnGraph& knn_graph() const;
  // The `k` rows most similar to `query` (dim floats, any length; normalised here), best first.
  // `ef` >= k is the beam width: larger is slower and more exact. `seeds` are rows to start from
  // besides the usual entries (e.g. the words an analogy is made of: its answers lie near them,
  // often in several separate regions). Thread-safe.
  std::vector<SearchHit> search(const float* query, std::size_t k, std::size_t ef = 64,
                                const std::vector<std::int32_t>& seeds = {}) const;
  // Same, for a row of the index itself, which is left out of the answer.
  std::vector<SearchHit> search_row(std::size_t row, std::size_t k, std::size_t ef = 64) const;

 private:
  struct Data;
  explicit NeighborIndex(std::unique_ptr<Data> data);
  std::vector<SearchHit> search_unit(const float* unit, std::size_t k, std::size_t ef, std::int64_t skip,
                                     const std::vector<std::int32_t>& seeds) const;
  std::unique_ptr<Data> data_;
};

// Exact k nearest neighbours of every row by brute force (cosine), closest first: the reference
// the approximate graph is measured against, and the graph of small sets.
KnnGraph exact_knn_graph(const float* rows, std::size_t n, std::size_t dim, std::size_t k, int threads = 1);

// Rows of `rows` (n×dim) scaled to unit length (zero rows stay zero). Throws Error on a
// non-finite value, naming the row.
std::vector<float> unit_rows(const float* rows, std::size_t n, std::size_t dim);

}  // namespace embedlab
