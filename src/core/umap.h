// UMAP (McInnes, Healy & Melville 2018) in 2-D, following the reference implementation: the fuzzy
// simplicial set of each row's k nearest neighbours (smooth-kNN sigma/rho search, fuzzy union),
// a PCA start spread to [-10, 10], then SGD on the cross-entropy with negative sampling, edges
// sampled in proportion to their weight, a and b fitted to min_dist and spread. Hogwild threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/neighbors.h"

namespace embedlab {

struct UmapOptions {
  int neighbors = 15;          // the k of the kNN graph, counting the row itself (as umap-learn)
  double min_dist = 0.1;
  double spread = 1.0;
  int epochs = 0;              // 0 = 500 for up to 10,000 rows, else 200
  double learning_rate = 1.0;
  int negative_sample_rate = 5;
  double repulsion_strength = 1.0;  // gamma
  int threads = 1;
  std::uint64_t seed = 1;
};

// One edge of the fuzzy graph (both directions are stored).
struct FuzzyEdge {
  std::int32_t head, tail;
  float weight;
};

class UmapLayout {
 public:
  // `graph` must hold at least neighbors - 1 neighbours per row; nullptr builds one.
  // `init` (n×2) replaces the PCA start.
  UmapLayout(const float* rows, std::size_t n, std::size_t dim, const UmapOptions& options,
             const KnnGraph* graph = nullptr, const std::vector<float>* init = nullptr);

  // One epoch; true once all epochs are done.
  bool step();
  bool done() const { return epoch_ >= epochs_; }
  int iteration() const { return epoch_; }
  int iterations() const { return epochs_; }
  const std::vector<float>& coordinates() const { return y_; }
  double a() const { return a_; }
  double b() const { return b_; }
  const std::vector<FuzzyEdge>& edges() const { return edges_; }

 private:
  UmapOptions options_;
  std::size_t n_ = 0;
  int epochs_ = 0, epoch_ = 0;
  double a_ = 0, b_ = 0;
  std::vector<FuzzyEdge> edges_;
  std::vector<float> epochs_per_sample_, next_sample_, next_negative_;
  std::vector<float> y_;
};

// ---- the maths, exposed for tests ----

// a, b of the low-dimensional similarity 1 / (1 + a d^2b) fitted (least squares on 300 points of
// [0, 3 spread]) to 1 below min_dist and exp(-(d - min_dist) / spread) above.
void umap_fit_ab(double spread, double min_dist, double& a, double& b);
// Per row: rho (distance to the nearest neighbour) and sigma with Σ_j exp(-max(0, d_j - rho) / sigma)
// = log2(k + 1) over its k neighbours (umap-learn's smooth_knn_dist).
void umap_smooth_knn(const float* distances, std::size_t k, float& sigma, float& rho);
// The symmetric fuzzy graph (fuzzy union w_ij + w_ji − w_ij·w_ji) from `neighbours` per row.
std::vector<FuzzyEdge> umap_fuzzy_graph(const KnnGraph& graph, std::size_t neighbours, int threads = 1);
// Attractive loss of one edge at squared distance d2: −log φ(d), φ = 1 / (1 + a d^2b), and the
// coefficient c with −∂loss/∂y_i = c·(y_i − y_j) (what the SGD step adds).
double umap_attractive_loss(double d2, double a, double b);
double umap_attractive_coefficient(double d2, double a, double b);
// Repulsive loss of a negative sample: −log(1 − φ(d)) and its coefficient (with umap-learn's
// 0.001 in the denominator; gamma scales it).
double umap_repulsive_loss(double d2, double a, double b);
double umap_repulsive_coefficient(double d2, double a, double b, double gamma);

}  // namespace embedlab
