// UMAP: umap-learn's curve parameters and smooth-kNN, the SGD terms are the derivatives of the
// cross-entropy, and planted clusters come out separated and trustworthy.
#include "core/umap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/layout_quality.h"
#include "layout_test_support.h"
#include "test_support.h"

namespace embedlab {
namespace {

TEST(Umap, CurveParametersMatchUmapLearn) {
  double a = 0, b = 0;
  umap_fit_ab(1.0, 0.1, a, b);  // umap.umap_.find_ab_params(1.0, 0.1) = (1.5769, 0.8951)
  EXPECT_NEAR(a, 1.5769, 0.01);
  EXPECT_NEAR(b, 0.8951, 0.01);
  umap_fit_ab(1.0, 0.5, a, b);  // (0.5830, 1.3343)
  EXPECT_NEAR(a, 0.5830, 0.01);
  EXPECT_NEAR(b, 1.3343, 0.01);
}

TEST(Umap, SmoothKnnHitsTheTargetSum) {
  const float d[] = {0.1f, 0.15f, 0.2f, 0.3f, 0.31f, 0.5f, 0.7f};
  float sigma = 0, rho = 0;
  umap_smooth_knn(d, 7, sigma, rho);
  EXPECT_FLOAT_EQ(rho, 0.1f);
  double sum = 0;
  for (float x : d) sum += std::exp(-std::max(0.0f, x - rho) / sigma);
  EXPECT_NEAR(sum, std::log2(8.0), 1e-4);
}

// −∂loss/∂y_i = coefficient · (y_i − y_j), checked by central differences in each coordinate.
TEST(Umap, SgdTermsAreTheCrossEntropyGradients) {
  double a = 0, b = 0;
  umap_fit_ab(1.0, 0.1, a, b);
  const double yj[2] = {0.3, -0.2};
  const double points[][2] = {{1.1, 0.4}, {-1.5, 2.0}, {0.5, 0.1}};
  for (const auto& p : points) {
    const auto d2 = [&](double x, double y) { return (x - yj[0]) * (x - yj[0]) + (y - yj[1]) * (y - yj[1]); };
    const double h = 1e-5;
    for (int axis = 0; axis < 2; ++axis) {
      double up[2] = {p[0], p[1]}, down[2] = {p[0], p[1]};
      up[axis] += h, down[axis] -= h;
      const double attractive = -(umap_attractive_loss(d2(up[0], up[1]), a, b) - umap_attractive_loss(d2(down[0], down[1]), a, b)) / (2 * h);
      const double repulsive = -(umap_repulsive_loss(d2(up[0], up[1]), a, b) - umap_repulsive_loss(d2(down[0], down[1]), a, b)) / (2 * h);
      const double at = d2(p[0], p[1]);
      EXPECT_NEAR(umap_attractive_coefficient(at, a, b) * (p[axis] - yj[axis]), attractive, 1e-6);
      // umap-learn adds 0.001 to d² in the repulsive denominator: a relative 0.001 / d² difference.
      EXPECT_NEAR(umap_repulsive_coefficient(at, a, b, 1.0) * (p[axis] - yj[axis]), repulsive, 2e-3 * std::abs(repulsive) + 1e-9);
    }
  }
}

TEST(Umap, PlantedClustersStaySeparatedAndTrustworthy) {
  const std::size_t n = 5000;
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(n, 16, 5, 0.35f, 13, labels);
  UmapOptions options;
  options.threads = 2;
  options.epochs = 200;
  UmapLayout layout(rows.data(), n, 16, options);
  ASSERT_FALSE(layout.edges().empty());
  int steps = 0;
  while (!layout.step()) ++steps;
  EXPECT_EQ(steps + 1, 200);
  const std::vector<float>& y = layout.coordinates();
  for (float v : y) ASSERT_TRUE(std::isfinite(v));
  EXPECT_GE(nearest_label_agreement(y, labels), 0.99);
  EXPECT_TRUE(clusters_separated(y, labels, 5, 2.0));
  const std::vector<float> unit = unit_rows(rows.data(), n, 16);
  QualityOptions quality;
  quality.sample = 500;
  EXPECT_GE(trustworthiness(unit.data(), 16, y.data(), 2, n, 10, quality), 0.85);
}

TEST(Umap, RejectsUnusableOptions) {
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(20, 4, 2, 0.5f, 1, labels);
  UmapOptions options;
  options.neighbors = 30;
  EXPECT_TRUE(Contains(error_of([&] { UmapLayout(rows.data(), 20, 4, options); }), "between 2 and the number of points (20)"));
}

}  // namespace
}  // namespace embedlab
