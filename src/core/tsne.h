// t-SNE (van der Maaten & Hinton 2008) in 2-D: perplexity-calibrated Gaussian affinities over each
// row's nearest neighbours, Student-t similarities in the map, KL divergence minimised by gradient
// descent with momentum and gains (as sklearn), early exaggeration, PCA initialisation. The
// repulsive forces use a Barnes-Hut quadtree (van der Maaten 2014) or, for big sets, FFT-accelerated
// interpolation onto a grid (FIt-SNE, Linderman et al. 2019); sets of at most kExactMaxRows rows use
// dense affinities and the exact O(n²) gradient.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/fft.h"
#include "core/neighbors.h"

namespace embedlab {

// How the repulsive forces of a sparse (non-exact) layout are computed.
enum class TsneRepulsion {
  kAuto,          // interpolated from TsneLayout::kInterpolatedMinRows points on, Barnes-Hut below
  kBarnesHut,     // quadtree, opening angle `theta`
  kInterpolated,  // FIt-SNE: charges on a grid, convolved by FFT
};

struct TsneOptions {
  double perplexity = 30.0;      // effective number of neighbours; must be below the number of rows
  int iterations = 1000;         // gradient steps in all (sklearn's n_iter)
  int exaggeration_iterations = 250;
  double exaggeration = 12.0;
  double learning_rate = 0.0;    // 0 = max(n / exaggeration / 4, 50) (sklearn's "auto")
  double theta = 0.5;            // Barnes-Hut opening angle; 0 would be exact but slow
  int threads = 1;
  std::uint64_t seed = 1;
  bool exact = false;            // dense exact t-SNE whatever the size (small sets only)
  TsneRepulsion repulsion = TsneRepulsion::kAuto;
};

// Symmetric affinities P (sum 1) in compressed rows: row i's entries are columns[offsets[i]..offsets[i+1]).
struct SparseAffinities {
  std::vector<std::size_t> offsets;
  std::vector<std::int32_t> columns;
  std::vector<float> values;
};

// The grids and FFT tables of tsne_gradient_interpolated, kept between iterations so a layout
// allocates them once (the grid grows with the layout's extent).
struct TsneInterpolationWorkspace {
  std::unique_ptr<Fft> fft;
  std::vector<float> re[2], im[2];  // two complex length×length grids: charges (1, x) and (y, x² + y²)
  std::vector<float> kernel;        // the kernel's spectrum, length×length, real
  std::vector<std::uint32_t> order;  // the points sorted by box row
  std::vector<std::uint32_t> first;  // order[first[b], first[b + 1]) are box row b's points
};

class TsneLayout {
 public:
  static constexpr std::size_t kExactMaxRows = 2000;
  // TsneRepulsion::kAuto interpolates from this many points on (see tsne.cc for the measurements).
  static constexpr std::size_t kInterpolatedMinRows = 10000;
  // The steps maps (MapRun) take by default on the interpolated path, as openTSNE (250 exaggerated
  // + 500): on 50,000 words trustworthiness is 0.002 below 1,000 steps' (see the README).
  static constexpr int kInterpolatedIterations = 750;

  // `rows` (n×dim) are compared by Euclidean distance of their unit vectors (cosine order).
  // `graph` (at least min(n - 1, 3 * perplexity) neighbours per row) is used on the Barnes-Hut
  // path; nullptr there builds one. `init` (n×2), when given, replaces the PCA start.
  TsneLayout(const float* rows, std::size_t n, std::size_t dim, const TsneOptions& options,
             const KnnGraph* graph = nullptr, const std::vector<float>* init = nullptr);

  // One gradient step; true once all iterations are done.
  bool step();
  bool done() const { return iteration_ >= options_.iterations; }
  int iteration() const { return iteration_; }
  int iterations() const { return options_.iterations; }
  // x0, y0, x1, y1, ... (n×2).
  const std::vector<float>& coordinates() const { return y_; }
  // KL(P || Q) of the current layout (exact: O(n²); for tests and reports on small sets).
  double kl_divergence() const;
  bool exact() const { return exact_; }
  // The repulsion the sparse path uses (kBarnesHut or kInterpolated; meaningless when exact()).
  TsneRepulsion repulsion() const { return repulsion_; }

 private:
  TsneOptions options_;
  std::size_t n_ = 0;
  bool exact_ = false;
  TsneRepulsion repulsion_ = TsneRepulsion::kBarnesHut;
  TsneInterpolationWorkspace workspace_;
  std::vector<float> dense_p_;       // exact path: n×n
  SparseAffinities sparse_p_;        // Barnes-Hut path
  std::vector<float> y_, update_, gains_, gradient_;
  double learning_rate_ = 0.0;
  int iteration_ = 0;
};

// The repulsion a sparse layout of n points uses for `choice` (kAuto resolved).
TsneRepulsion tsne_repulsion(TsneRepulsion choice, std::size_t n);

// Neighbourhood neighbours needed for a perplexity: min(n - 1, floor(3 * perplexity)).
std::size_t tsne_neighbours(double perplexity, std::size_t n);

// ---- the maths, exposed for tests ----

// Conditional affinities of one row: p_j = exp(-beta * d2_j) / sum, beta chosen by bisection so
// the entropy is log(perplexity). `d2` are squared distances to the row's neighbours.
void tsne_conditional_row(const float* d2, std::size_t count, double perplexity, float* p);
// Dense symmetric P (n×n, sum 1) from rows (Euclidean distances of unit rows).
std::vector<float> tsne_dense_affinities(const float* rows, std::size_t n, std::size_t dim, double perplexity, int threads = 1);
// Sparse symmetric P from a kNN graph of cosine distances (squared Euclidean of unit rows = 2 · cosine distance).
SparseAffinities tsne_sparse_affinities(const KnnGraph& graph, std::size_t neighbours, double perplexity, int threads = 1);
// KL(P || Q) for layout y (n×2) and dense P.
double tsne_kl_exact(const std::vector<float>& p, const std::vector<float>& y, std::size_t n);
// Exact gradient of KL(P || Q) with respect to y (n×2) into `gradient` (n×2); P scaled by `exaggeration`.
void tsne_gradient_exact(const std::vector<float>& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                         std::vector<float>& gradient, int threads = 1);
// Barnes-Hut approximation of the same gradient, with sparse P.
void tsne_gradient_barnes_hut(const SparseAffinities& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                              double theta, std::vector<float>& gradient, int threads = 1);

// FFT-interpolated approximation of the same gradient (FIt-SNE), with sparse P. The repulsion
// Σ_j w_ij² (y_i − y_j) and Z = Σ_{i≠j} w_ij come from potentials φ_c(i) = Σ_j K(y_i − y_j) q_c(j)
// of the kernel K = w² = 1 / (1 + d²)² and the charges q = (1, x, y, x² + y²), computed on an
// equispaced grid: charges spread by Lagrange interpolation (3 nodes per box), convolved by a
// zero-padded 2-D FFT, interpolated back. Boxes per dimension grow with the layout's extent (at
// least 50, at most 1 unit wide up to an extent of 341; see tsne_interpolation_length). `workspace`
// keeps the grids between calls (nullptr: a temporary).
void tsne_gradient_interpolated(const SparseAffinities& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                                std::vector<float>& gradient, int threads = 1, TsneInterpolationWorkspace* workspace = nullptr);
// The FFT length (a power of two) the interpolated gradient uses for a layout `extent` wide (the
// larger side of its bounding box): the smallest ≥ 512 whose length / 6 boxes are at most 1 wide,
// at most 2,048 (wider boxes beyond an extent of 341).
std::size_t tsne_interpolation_length(double extent);

// The first two principal components of the rows' unit vectors (n×2, centred), deterministic.
std::vector<float> pca_coordinates(const float* rows, std::size_t n, std::size_t dim);

}  // namespace embedlab
