// Planted data for the map tests: well-separated Gaussian clusters, and a check that a 2-D layout
// keeps them apart.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "core/random.h"

namespace embedlab {

// A normal deviate from two uniforms (Box-Muller).
inline float gaussian(Rng& rng) {
  const float u = std::max(rng.uniform(), 1e-7f), v = rng.uniform();
  return std::sqrt(-2.0f * std::log(u)) * std::cos(6.2831853f * v);
}

// n rows of `dim` numbers in `clusters` tight groups around random directions; labels[r] is row r's group.
inline std::vector<float> planted_clusters(std::size_t n, std::size_t dim, std::size_t clusters, float noise, std::uint64_t seed,
                                           std::vector<int>& labels) {
  Rng rng(seed);
  std::vector<float> centres(clusters * dim);
  for (float& c : centres) c = gaussian(rng);
  std::vector<float> rows(n * dim);
  labels.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = r % clusters;
    labels[r] = static_cast<int>(c);
    for (std::size_t i = 0; i < dim; ++i) rows[r * dim + i] = centres[c * dim + i] + noise * gaussian(rng);
  }
  return rows;
}

// Share of points whose nearest other point in the layout (n×2) has the same label.
inline double nearest_label_agreement(const std::vector<float>& y, const std::vector<int>& labels) {
  const std::size_t n = labels.size();
  std::size_t agree = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double best = 1e300;
    std::size_t nearest = i;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      if (dx * dx + dy * dy < best) best = dx * dx + dy * dy, nearest = j;
    }
    agree += labels[nearest] == labels[i];
  }
  return static_cast<double>(agree) / static_cast<double>(n);
}

// Whether every cluster's centroid in the layout is further from every other centroid than
// `factor` times the cluster's own spread (root mean square distance to its centroid).
inline bool clusters_separated(const std::vector<float>& y, const std::vector<int>& labels, int clusters, double factor) {
  std::vector<double> cx(clusters, 0), cy(clusters, 0), count(clusters, 0), spread(clusters, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) cx[labels[i]] += y[2 * i], cy[labels[i]] += y[2 * i + 1], count[labels[i]] += 1;
  for (int c = 0; c < clusters; ++c) cx[c] /= count[c], cy[c] /= count[c];
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double dx = y[2 * i] - cx[labels[i]], dy = y[2 * i + 1] - cy[labels[i]];
    spread[labels[i]] += dx * dx + dy * dy;
  }
  for (int c = 0; c < clusters; ++c) spread[c] = std::sqrt(spread[c] / count[c]);
  for (int a = 0; a < clusters; ++a) {
    for (int b = 0; b < clusters; ++b) {
      if (a == b) continue;
      if (std::hypot(cx[a] - cx[b], cy[a] - cy[b]) < factor * spread[a]) return false;
    }
  }
  return true;
}

}  // namespace embedlab
