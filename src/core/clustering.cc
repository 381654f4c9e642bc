#include "core/clustering.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/kernels.h"
#include "core/random.h"

namespace embedlab {

namespace {

// Squared distance of every row to every centroid would be n x k; only the nearest is kept.
// |x - c|^2 = |x|^2 + |c|^2 - 2 x.c, with the dots of one row against all centroids in one kernel call.
struct Nearest {
  std::int32_t label;
  float distance;
};

Nearest nearest_centroid(const float* row, float row_norm, const Matrix& centroids, const std::vector<float>& centroid_norms,
                         std::vector<float>& dots) {
  kernels::dot_rows(centroids.data(), centroids.rows(), centroids.cols(), row, dots.data());
  Nearest best{0, std::numeric_limits<float>::max()};
  for (std::size_t c = 0; c < centroids.rows(); ++c) {
    const float d = std::max(0.0f, row_norm + centroid_norms[c] - 2.0f * dots[c]);
    if (d < best.distance) best = {static_cast<std::int32_t>(c), d};
  }
  return best;
}

}  // namespace

Clustering kmeans(const float* rows, std::size_t n, std::size_t dim, std::size_t k, std::uint64_t seed,
                  std::size_t max_iterations) {
  if (k == 0) throw Error("clusters must be at least 1, got 0");
  if (k > n) throw Error("cannot make " + with_commas(static_cast<long long>(k)) + " clusters of " +
                         with_commas(static_cast<long long>(n)) + " words");
  if (dim == 0) throw Error("cannot cluster vectors of dimension 0");
  std::vector<float> norms(n);
  for (std::size_t i = 0; i < n; ++i) norms[i] = kernels::dot(rows + i * dim, rows + i * dim, dim);

  // k-means++: each next centre is drawn with probability proportional to the squared distance
  // to the nearest centre so far, which spreads the starting centres over the data.
  Rng rng(seed);
  Clustering result;
  result.centroids = Matrix(k, dim);
  std::vector<float> closest(n, std::numeric_limits<float>::max());
  std::size_t chosen = rng.below(static_cast<std::uint32_t>(n));
  for (std::size_t c = 0; c < k; ++c) {
    std::copy(rows + chosen * dim, rows + (chosen + 1) * dim, result.centroids.row(c));
    const float* centre = result.centroids.row(c);
    const float centre_norm = kernels::dot(centre, centre, dim);
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const float d = std::max(0.0f, norms[i] + centre_norm - 2.0f * kernels::dot(rows + i * dim, centre, dim));
      closest[i] = std::min(closest[i], d);
      total += closest[i];
    }
    if (c + 1 == k) break;
    double pick = static_cast<double>(rng.uniform()) * total;
    chosen = n - 1;
    for (std::size_t i = 0; i < n; ++i) {
      pick -= closest[i];
      if (pick < 0.0) {
        chosen = i;
        break;
      }
    }
  }

  result.labels.assign(n, -1);
  std::vector<float> centroid_norms(k), dots(k);
  std::vector<double> sums(k * dim);
  std::vector<std::size_t> sizes(k);
  for (std::size_t iteration = 0; iteration < std::max<std::size_t>(1, max_iterations); ++iteration) {
    for (std::size_t c = 0; c < k; ++c) centroid_norms[c] = kernels::dot(result.centroids.row(c), result.centroids.row(c), dim);
    bool changed = false;
    result.inertia = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const Nearest nearest = nearest_centroid(rows + i * dim, norms[i], result.centroids, centroid_norms, dots);
      if (nearest.label != result.labels[i]) changed = true;
      result.labels[i] = nearest.label;
      result.inertia += nearest.distance;
    }
    result.iterations = iteration + 1;
    if (!changed) break;
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(sizes.begin(), sizes.end(), 0);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t c = static_cast<std::size_t>(result.labels[i]);
      ++sizes[c];
      for (std::size_t j = 0; j < dim; ++j) sums[c * dim + j] += rows[i * dim + j];
    }
    for (std::size_t c = 0; c < k; ++c) {
      if (sizes[c] == 0) continue;  // an empty cluster keeps its centre (it may win rows back)
      for (std::size_t j = 0; j < dim; ++j) result.centroids(c, j) = static_cast<float>(sums[c * dim + j] / static_cast<double>(sizes[c]));
    }
  }
  return result;
}

Clustering cluster_words(const Embeddings& embeddings, std::size_t count, std::size_t k, std::uint64_t seed,
                         std::size_t max_iterations) {
  count = std::min(count, embeddings.size());
  if (count == 0) throw Error("cannot cluster the words of an empty model");
  const std::size_t dim = embeddings.dim();
  std::vector<float> rows(count * dim);
  for (std::size_t r = 0; r < count; ++r) {
    const float* unit = embeddings.unit_vector(static_cast<std::int32_t>(r));
    std::copy(unit, unit + dim, rows.begin() + static_cast<std::ptrdiff_t>(r * dim));
  }
  return kmeans(rows.data(), count, dim, k, seed, max_iterations);
}

}  // namespace embedlab
