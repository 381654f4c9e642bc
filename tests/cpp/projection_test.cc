// PCA maps: the first axis follows the direction of largest spread, results are deterministic.
#include "core/projection.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/random.h"

namespace embedlab {
namespace {

// Unit vectors spread mostly along (1, 1, 0, 0), less along (0, 0, 1, 0), noise elsewhere.
Embeddings spread_model(std::size_t n) {
  Rng rng(7);
  std::vector<std::string> words;
  std::vector<float> data;
  for (std::size_t i = 0; i < n; ++i) {
    const float t = rng.uniform() * 2.0f - 1.0f;
    const float u = rng.uniform() * 2.0f - 1.0f;
    words.push_back("w" + std::to_string(i));
    data.insert(data.end(), {1.0f + 2.0f * t, 1.0f + 2.0f * t + 0.01f * u, 0.6f * u + 1.0f, 0.02f * (rng.uniform() - 0.5f) + 1.0f});
  }
  return Embeddings(words, 4, data);
}

TEST(Projection, FirstAxisFollowsTheLargestSpread) {
  const Embeddings e = spread_model(500);
  const Projection p = pca_2d(e, 500);
  ASSERT_EQ(p.coordinates.size(), 1000u);
  // Unit-normalised rows still vary most along x = y; the axis must be close to it.
  const float* axis = p.components.row(0);
  const float along = std::abs(axis[0] - axis[1]);
  EXPECT_LT(along, 0.35f) << axis[0] << " " << axis[1];
  EXPECT_GT(p.explained_variance[0], p.explained_variance[1]);
  EXPECT_GT(p.explained_variance[0], 0.5);
  EXPECT_LE(p.explained_variance[0] + p.explained_variance[1], 1.0 + 1e-6);
  // The two axes are orthonormal.
  double dot = 0, n0 = 0, n1 = 0;
  for (int i = 0; i < 4; ++i) {
    dot += axis[i] * axis[4 + i];
    n0 += axis[i] * axis[i];
    n1 += axis[4 + i] * axis[4 + i];
  }
  EXPECT_NEAR(dot, 0.0, 1e-4);
  EXPECT_NEAR(n0, 1.0, 1e-4);
  EXPECT_NEAR(n1, 1.0, 1e-4);
}

TEST(Projection, CoordinatesAreCentredAndDeterministic) {
  const Embeddings e = spread_model(300);
  const Projection a = pca_2d(e, 300), b = pca_2d(e, 300);
  EXPECT_EQ(a.coordinates, b.coordinates);
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < 300; ++i) mx += a.coordinates[2 * i], my += a.coordinates[2 * i + 1];
  EXPECT_NEAR(mx / 300, 0.0, 1e-4);
  EXPECT_NEAR(my / 300, 0.0, 1e-4);
}

TEST(Projection, ProjectsOnlyTheMostFrequentRowsAndCanPlaceOthers) {
  const Embeddings e = spread_model(100);
  const Projection p = pca_2d(e, 10);
  EXPECT_EQ(p.count, 10u);
  EXPECT_EQ(p.coordinates.size(), 20u);
  float xy[2];
  project_row(p, e, 3, xy);
  EXPECT_FLOAT_EQ(xy[0], p.coordinates[6]);
  EXPECT_FLOAT_EQ(xy[1], p.coordinates[7]);
  project_row(p, e, 50, xy);  // outside the projected set, still placed
  EXPECT_TRUE(std::isfinite(xy[0]) && std::isfinite(xy[1]));
  EXPECT_EQ(pca_2d(e, 1000).count, 100u);  // clamped to the model size
}

TEST(Projection, RejectsZeroCount) {
  const Embeddings e = spread_model(10);
  EXPECT_THROW(pca_2d(e, 0), Error);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(ProjectionHighDim, FindsTheTwoLargestDirectionsWithoutACovarianceMatrix) {
  // 300-d (above the covariance path's limit): spread along e1, less along e2, noise elsewhere.
  const std::size_t dim = 300, n = 800;
  Rng rng(5);
  std::vector<std::string> words;
  std::vector<float> data;
  for (std::size_t r = 0; r < n; ++r) {
    words.push_back("w" + std::to_string(r));
    std::vector<float> row(dim);
    for (auto& x : row) x = 0.01f * (rng.uniform() - 0.5f);
    row[2] += 3.0f;                                  // a common offset
    row[0] += 2.0f * (rng.uniform() * 2.0f - 1.0f);  // the largest spread
    row[1] += 0.8f * (rng.uniform() * 2.0f - 1.0f);  // the second
    data.insert(data.end(), row.begin(), row.end());
  }
  const Embeddings e(words, dim, data);
  const Projection p = pca_2d(e, n);
  EXPECT_GT(std::abs(p.components(0, 0)), 0.9f);
  EXPECT_GT(std::abs(p.components(1, 1)), 0.8f);
  EXPECT_GT(p.explained_variance[0], p.explained_variance[1]);
  double dot = 0;
  for (std::size_t i = 0; i < dim; ++i) dot += p.components(0, i) * p.components(1, i);
  EXPECT_NEAR(dot, 0.0, 1e-3);
  EXPECT_EQ(p.coordinates.size(), 2 * n);
}

}  // namespace
}  // namespace embedlab
