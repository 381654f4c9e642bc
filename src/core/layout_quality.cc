#include "core/layout_quality.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"

namespace embedlab {

namespace {

// Squared Euclidean distances from row i to every row.
void distances_from(const float* rows, std::size_t dim, std::size_t n, std::size_t i, std::vector<double>& out) {
  out.resize(n);
  const float* a = rows + i * dim;
  for (std::size_t j = 0; j < n; ++j) {
    const float* b = rows + j * dim;
    double s = 0.0;
    for (std::size_t d = 0; d < dim; ++d) {
      const double diff = static_cast<double>(a[d]) - b[d];
      s += diff * diff;
    }
    out[j] = s;
  }
}

// Rows other than i in order of distance (ties by index, as a stable argsort).
std::vector<std::uint32_t> ranked(const std::vector<double>& distances, std::size_t i, std::size_t keep) {
  std::vector<std::uint32_t> order(distances.size());
  std::iota(order.begin(), order.end(), 0u);
  order.erase(order.begin() + static_cast<std::ptrdiff_t>(i));
  const auto closer = [&](std::uint32_t a, std::uint32_t b) { return distances[a] < distances[b] || (distances[a] == distances[b] && a < b); };
  if (keep >= order.size()) {
    std::sort(order.begin(), order.end(), closer);
  } else {
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), closer);
    order.resize(keep);
  }
  return order;
}

std::vector<std::size_t> query_points(std::size_t n, const QualityOptions& options) {
  std::vector<std::size_t> points(n);
  std::iota(points.begin(), points.end(), std::size_t{0});
  if (options.sample == 0 || options.sample >= n) return points;
  Rng rng(options.seed);
  for (std::size_t i = 0; i < options.sample; ++i) std::swap(points[i], points[i + rng.below(static_cast<std::uint32_t>(n - i))]);
  points.resize(options.sample);
  std::sort(points.begin(), points.end());
  return points;
}

// Calls fn(i, high-space order of all others, low-space k nearest) for every query point, in parallel;
// fn returns the point's contribution, summed.
template <class Fn>
double over_queries(const float* high, std::size_t dim_high, const float* low, std::size_t dim_low, std::size_t n, std::size_t k,
                    bool full_high_ranks, const QualityOptions& options, Fn fn) {
  if (n < 3 || k < 1 || k >= n / 2) {
    throw Error("neighbourhood quality needs 1 <= k < n / 2, got k " + std::to_string(k) + " for " + std::to_string(n) + " points");
  }
  const std::vector<std::size_t> points = query_points(n, options);
  std::vector<double> parts(static_cast<std::size_t>(std::max(1, options.threads)), 0.0);
  parallel_for(points.size(), options.threads, [&](std::size_t begin, std::size_t end, int t) {
    std::vector<double> dh, dl;
    double sum = 0.0;
    for (std::size_t q = begin; q < end; ++q) {
      const std::size_t i = points[q];
      distances_from(high, dim_high, n, i, dh);
      distances_from(low, dim_low, n, i, dl);
      sum += fn(ranked(dh, i, full_high_ranks ? n : k), ranked(dl, i, k));
    }
    parts[static_cast<std::size_t>(t)] = sum;
  });
  return std::accumulate(parts.begin(), parts.end(), 0.0) / static_cast<double>(points.size());
}

}  // namespace

double trustworthiness(const float* high, std::size_t dim_high, const float* low, std::size_t dim_low, std::size_t n, std::size_t k,
                       const QualityOptions& options) {
  const double mean_penalty = over_queries(high, dim_high, low, dim_low, n, k, true, options,
                                           [&](const std::vector<std::uint32_t>& high_order, const std::vector<std::uint32_t>& low_k) {
    std::vector<std::uint32_t> rank(n, 0);
    for (std::size_t r = 0; r < high_order.size(); ++r) rank[high_order[r]] = static_cast<std::uint32_t>(r + 1);
    double penalty = 0.0;
    for (const std::uint32_t j : low_k) {
      if (rank[j] > k) penalty += static_cast<double>(rank[j]) - static_cast<double>(k);
    }
    return penalty;
  });
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * (mean_penalty * nd);
}

double neighbour_preservation(const float* high, std::size_t dim_high, const float* low, std::size_t dim_low, std::size_t n,
                              std::size_t k, const QualityOptions& options) {
  return over_queries(high, dim_high, low, dim_low, n, k, false, options,
                      [&](const std::vector<std::uint32_t>& high_k, const std::vector<std::uint32_t>& low_k) {
    std::size_t kept = 0;
    for (const std::uint32_t j : low_k) kept += std::find(high_k.begin(), high_k.end(), j) != high_k.end();
    return static_cast<double>(kept) / static_cast<double>(k);
  });
}

}  // namespace embedlab
