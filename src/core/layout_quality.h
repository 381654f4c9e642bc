// How faithfully a 2-D map keeps the neighbourhoods of the original vectors: trustworthiness (the
// definition of sklearn.manifold.trustworthiness, Euclidean in both spaces) and k-nearest-neighbour
// preservation. Exact over all points is O(n²); a fixed random sample of query points estimates
// both for large n (every point is still a candidate neighbour).
#pragma once

#include <cstddef>
#include <cstdint>

namespace embedlab {

struct QualityOptions {
  std::size_t sample = 0;  // query points; 0 = all of them (exact)
  std::uint64_t seed = 1;  // which points are sampled
  int threads = 1;
};

// T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), U_k(i) the k nearest of i
// in the map that are not among its k nearest in `high`, r(i, j) the rank of j by distance from i
// in `high` (1 = nearest). With a sample of m query points the sum is scaled by n / m. Requires
// k < n / 2. Throws Error otherwise.
double trustworthiness(const float* high, std::size_t dim_high, const float* low, std::size_t dim_low, std::size_t n,
                       std::size_t k, const QualityOptions& options = {});

// Mean share of each query point's k nearest neighbours in `high` that are also among its k
// nearest in `low` (1 = every neighbourhood kept).
double neighbour_preservation(const float* high, std::size_t dim_high, const float* low, std::size_t dim_low, std::size_t n,
                              std::size_t k, const QualityOptions& options = {});

}  // namespace embedlab
