// t-SNE: the gradient is the derivative of the KL divergence, Barnes-Hut approximates it, and
// planted clusters come out separated and trustworthy.
#include "core/tsne.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/layout_quality.h"
#include "layout_test_support.h"
#include "test_support.h"

namespace embedlab {
namespace {

std::vector<float> random_layout(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> y(2 * n);
  for (float& v : y) v = gaussian(rng);
  return y;
}

TEST(Tsne, ExactGradientIsTheDerivativeOfTheKlDivergence) {
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(30, 6, 3, 0.5f, 2, labels);
  const std::vector<float> p = tsne_dense_affinities(rows.data(), 30, 6, 5.0);
  double total = 0;
  for (float v : p) total += v;
  EXPECT_NEAR(total, 1.0, 1e-4);
  std::vector<float> y = random_layout(30, 3), gradient;
  tsne_gradient_exact(p, y, 30, 1.0f, gradient);
  for (std::size_t c : {0u, 7u, 22u, 59u}) {
    const float h = 1e-2f, keep = y[c];
    y[c] = keep + h;
    const double up = tsne_kl_exact(p, y, 30);
    y[c] = keep - h;
    const double down = tsne_kl_exact(p, y, 30);
    y[c] = keep;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(gradient[c], numeric, 2e-3 * std::max(1.0, std::abs(numeric))) << "coordinate " << c;
  }
}

TEST(Tsne, BarnesHutApproximatesTheExactGradient) {
  std::vector<int> labels;
  const std::size_t n = 300;
  const std::vector<float> rows = planted_clusters(n, 8, 4, 0.7f, 5, labels);
  const std::vector<float> dense = tsne_dense_affinities(rows.data(), n, 8, 20.0);
  SparseAffinities sparse;
  sparse.offsets.push_back(0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i) sparse.columns.push_back(static_cast<std::int32_t>(j)), sparse.values.push_back(dense[i * n + j]);
    }
    sparse.offsets.push_back(sparse.columns.size());
  }
  const std::vector<float> y = random_layout(n, 9);
  std::vector<float> exact, approximate;
  tsne_gradient_exact(dense, y, n, 1.0f, exact);
  for (double theta : {0.1, 0.5}) {
    tsne_gradient_barnes_hut(sparse, y, n, 1.0f, theta, approximate, 2);
    double error = 0, norm = 0;
    for (std::size_t i = 0; i < 2 * n; ++i) error += std::pow(exact[i] - approximate[i], 2), norm += std::pow(exact[i], 2);
    EXPECT_LT(std::sqrt(error / norm), theta < 0.2 ? 0.01 : 0.1) << "theta " << theta;
  }
}

// Well-separated Gaussian clusters stay separated, on both paths (exact up to 2,000 points).
class TsneClusters : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TsneClusters, StaySeparatedAndTrustworthy) {
  const std::size_t n = GetParam();
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(n, 16, 5, 0.35f, 11, labels);
  TsneOptions options;
  options.perplexity = 30;
  options.iterations = 500;
  options.threads = 2;
  TsneLayout layout(rows.data(), n, 16, options);
  EXPECT_EQ(layout.exact(), n <= TsneLayout::kExactMaxRows);
  while (!layout.step()) {
  }
  const std::vector<float>& y = layout.coordinates();
  for (float v : y) ASSERT_TRUE(std::isfinite(v));
  EXPECT_GE(nearest_label_agreement(y, labels), 0.99);
  EXPECT_TRUE(clusters_separated(y, labels, 5, 2.0));
  const std::vector<float> unit = unit_rows(rows.data(), n, 16);
  QualityOptions quality;
  quality.sample = 500;
  const double t = trustworthiness(unit.data(), 16, y.data(), 2, n, 10, quality);
  EXPECT_GE(t, 0.85) << "trustworthiness";
}

INSTANTIATE_TEST_SUITE_P(Sizes, TsneClusters, ::testing::Values(std::size_t{600}, std::size_t{3000}));

TEST(Tsne, RejectsAnAbsurdPerplexity) {
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(50, 4, 2, 0.5f, 1, labels);
  TsneOptions options;
  options.perplexity = 50;
  EXPECT_TRUE(Contains(error_of([&] { TsneLayout(rows.data(), 50, 4, options); }), "less than the number of points (50)"));
}

}  // namespace
}  // namespace embedlab
