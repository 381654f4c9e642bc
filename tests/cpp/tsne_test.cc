// t-SNE: the gradient is the derivative of the KL divergence, Barnes-Hut and the FFT-interpolated
// repulsion approximate it (the FFT itself is the DFT), and planted clusters come out separated and
// trustworthy on every path.
#include "core/tsne.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "core/fft.h"
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

// The dense P as sparse rows (every other point a neighbour).
SparseAffinities as_sparse(const std::vector<float>& dense, std::size_t n) {
  SparseAffinities sparse;
  sparse.offsets.push_back(0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i && dense[i * n + j] != 0) sparse.columns.push_back(static_cast<std::int32_t>(j)), sparse.values.push_back(dense[i * n + j]);
    }
    sparse.offsets.push_back(sparse.columns.size());
  }
  return sparse;
}

// ||a − b|| / ||b|| over all coordinates.
double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  double error = 0, norm = 0;
  for (std::size_t i = 0; i < b.size(); ++i) error += std::pow(a[i] - b[i], 2), norm += std::pow(b[i], 2);
  return std::sqrt(error / norm);
}

TEST(Tsne, BarnesHutApproximatesTheExactGradient) {
  std::vector<int> labels;
  const std::size_t n = 300;
  const std::vector<float> rows = planted_clusters(n, 8, 4, 0.7f, 5, labels);
  const std::vector<float> dense = tsne_dense_affinities(rows.data(), n, 8, 20.0);
  const SparseAffinities sparse = as_sparse(dense, n);
  const std::vector<float> y = random_layout(n, 9);
  std::vector<float> exact, approximate;
  tsne_gradient_exact(dense, y, n, 1.0f, exact);
  for (double theta : {0.1, 0.5}) {
    tsne_gradient_barnes_hut(sparse, y, n, 1.0f, theta, approximate, 2);
    EXPECT_LT(relative_error(approximate, exact), theta < 0.2 ? 0.01 : 0.1) << "theta " << theta;
  }
}

// The radix-2 FFT against the O(L²) definition X_k = Σ_j x_j e^{-2πi jk/L}, and the inverse back.
TEST(Fft, MatchesTheNaiveDftAndInvertsIt) {
  for (std::size_t length : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u}) {
    Rng rng(length);
    std::vector<float> re(length), im(length);
    for (std::size_t j = 0; j < length; ++j) re[j] = gaussian(rng), im[j] = gaussian(rng);
    const Fft fft(length);
    std::vector<float> fre = re, fim = im;
    fft.natural_forward(fre.data(), fim.data());
    const double pi = std::acos(-1.0);
    double worst = 0;
    for (std::size_t k = 0; k < length; ++k) {
      std::complex<double> sum = 0;
      for (std::size_t j = 0; j < length; ++j) {
        sum += std::complex<double>(re[j], im[j]) * std::polar(1.0, -2 * pi * static_cast<double>(j * k % length) / static_cast<double>(length));
      }
      worst = std::max(worst, std::abs(sum - std::complex<double>(fre[k], fim[k])));
    }
    EXPECT_LT(worst, 1e-5 * static_cast<double>(length)) << "length " << length;
    // forward() leaves the spectrum bit-reversed, inverse() reads it so and returns L · x.
    std::vector<float> bre = re, bim = im;
    fft.forward(bre.data(), bim.data());
    for (std::size_t k = 0; k < length; ++k) {
      EXPECT_NEAR(bre[fft.reversed(k)], fre[k], 1e-5 * static_cast<double>(length));
    }
    fft.inverse(bre.data(), bim.data());
    for (std::size_t j = 0; j < length; ++j) {
      EXPECT_NEAR(bre[j] / static_cast<float>(length), re[j], 1e-5) << "length " << length << " at " << j;
      EXPECT_NEAR(bim[j] / static_cast<float>(length), im[j], 1e-5) << "length " << length << " at " << j;
    }
  }
}

// The column passes equal the row transform of each column; the pruned passes (upper half taken
// as zero, whatever it holds; lower half out) equal the full ones where they promise to.
TEST(Fft, ColumnAndPrunedPassesAgreeWithTheFullTransform) {
  for (const std::size_t length : {2u, 4u, 8u, 64u}) {
    const std::size_t width = 37, stride = 40;
    const Fft fft(length);
    Rng rng(7);
    std::vector<float> re(length * stride), im(length * stride);
    for (std::size_t r = 0; r < length / 2; ++r) {
      for (std::size_t c = 0; c < width; ++c) re[r * stride + c] = gaussian(rng), im[r * stride + c] = gaussian(rng);
    }
    std::vector<float> cre = re, cim = im;
    for (std::size_t r = length / 2; r < length; ++r) {
      std::fill_n(cre.begin() + static_cast<std::ptrdiff_t>(r * stride), width, 999.0f);
      std::fill_n(cim.begin() + static_cast<std::ptrdiff_t>(r * stride), width, -999.0f);
    }
    fft.forward_columns(cre.data(), cim.data(), stride, 0, width, true);
    for (std::size_t c = 0; c < width; ++c) {
      std::vector<float> xre(length), xim(length);
      for (std::size_t r = 0; r < length; ++r) xre[r] = re[r * stride + c], xim[r] = im[r * stride + c];
      std::vector<float> pre = xre, pim = xim;
      for (std::size_t r = length / 2; r < length; ++r) pre[r] = pim[r] = 999.0f;
      fft.forward(xre.data(), xim.data());
      fft.forward(pre.data(), pim.data(), true);
      for (std::size_t r = 0; r < length; ++r) {
        ASSERT_NEAR(cre[r * stride + c], xre[r], 1e-4) << "length " << length << " column " << c << " row " << r;
        ASSERT_NEAR(cim[r * stride + c], xim[r], 1e-4) << "length " << length << " column " << c << " row " << r;
        ASSERT_NEAR(pre[r], xre[r], 1e-4) << "length " << length << " at " << r;
        ASSERT_NEAR(pim[r], xim[r], 1e-4) << "length " << length << " at " << r;
      }
      fft.inverse(xre.data(), xim.data());
      fft.inverse(pre.data(), pim.data(), true);
      for (std::size_t r = 0; r < length / 2; ++r) {
        ASSERT_NEAR(pre[r], xre[r], 1e-3) << "length " << length << " at " << r;
        ASSERT_NEAR(pim[r], xim[r], 1e-3) << "length " << length << " at " << r;
      }
    }
    fft.inverse_columns(cre.data(), cim.data(), stride, 0, width, true);
    for (std::size_t r = 0; r < length / 2; ++r) {
      for (std::size_t c = 0; c < width; ++c) {
        ASSERT_NEAR(cre[r * stride + c] / length, re[r * stride + c], 1e-5) << "length " << length << " column " << c << " row " << r;
        ASSERT_NEAR(cim[r * stride + c] / length, im[r * stride + c], 1e-5) << "length " << length << " column " << c << " row " << r;
      }
    }
  }
  EXPECT_TRUE(Contains(error_of([] { Fft(48); }), "power of two, got 48"));
}

// Layouts as t-SNE makes them: a tight start, a medium one, and clusters spread over 150 units
// (the grid then grows to 1,024 nodes of padding per side).
std::vector<float> spread_layout(std::size_t n, float scale, std::size_t clusters, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> centres(2 * clusters), y(2 * n);
  for (float& c : centres) c = clusters > 1 ? 75.0f * (2.0f * rng.uniform() - 1.0f) : 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    y[2 * i] = centres[2 * (i % clusters)] + scale * gaussian(rng);
    y[2 * i + 1] = centres[2 * (i % clusters) + 1] + scale * gaussian(rng);
  }
  return y;
}

TEST(Tsne, InterpolationApproximatesTheExactGradient) {
  const std::size_t n = 3000;
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(n, 8, 6, 0.7f, 5, labels);
  const std::vector<float> dense = tsne_dense_affinities(rows.data(), n, 8, 30.0, 2);
  const SparseAffinities sparse = as_sparse(dense, n);
  const std::vector<float> none(n * n, 0.0f);
  const SparseAffinities empty = as_sparse(none, n);
  struct Case {
    const char* name;
    std::vector<float> y;
    double tolerance;
  };
  // Boxes narrower than the kernel's width (small layouts) interpolate it almost exactly; one unit
  // wide (FIt-SNE's choice, layouts over 85 units) the repulsion is within 2 % (Barnes-Hut at
  // θ = 0.5 is 1.7 % off on the same clusters).
  const Case cases[] = {{"tight start (sd 1e-3)", spread_layout(n, 1e-3f, 1, 1), 1e-3},
                        {"one blob (sd 3)", spread_layout(n, 3.0f, 1, 2), 1e-3},
                        {"clusters across 150 units", spread_layout(n, 4.0f, 6, 3), 2e-2}};
  TsneInterpolationWorkspace workspace;
  for (const Case& c : cases) {
    std::vector<float> exact, approximate;
    // The repulsion alone (P = 0), then the whole gradient with early exaggeration.
    tsne_gradient_exact(none, c.y, n, 1.0f, exact, 2);
    tsne_gradient_interpolated(empty, c.y, n, 1.0f, approximate, 2, &workspace);
    EXPECT_LT(relative_error(approximate, exact), c.tolerance) << c.name << ": repulsion";
    tsne_gradient_exact(dense, c.y, n, 12.0f, exact, 2);
    tsne_gradient_interpolated(sparse, c.y, n, 12.0f, approximate, 1);
    EXPECT_LT(relative_error(approximate, exact), c.tolerance) << c.name << ": gradient";
  }
  EXPECT_EQ(tsne_interpolation_length(1.0), 512u);
  EXPECT_EQ(tsne_interpolation_length(150.0), 1024u);
  EXPECT_EQ(tsne_interpolation_length(300.0), 2048u);
  EXPECT_EQ(tsne_interpolation_length(5000.0), 2048u);  // capped: memory, not boxes, decides
}

// Well-separated Gaussian clusters stay separated, on every path (exact up to 2,000 points, then
// Barnes-Hut or the FFT-interpolated repulsion).
class TsneClusters : public ::testing::TestWithParam<std::tuple<std::size_t, TsneRepulsion>> {};

TEST_P(TsneClusters, StaySeparatedAndTrustworthy) {
  const auto [n, repulsion] = GetParam();
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(n, 16, 5, 0.35f, 11, labels);
  TsneOptions options;
  options.perplexity = 30;
  options.iterations = 500;
  options.threads = 2;
  options.repulsion = repulsion;
  TsneLayout layout(rows.data(), n, 16, options);
  EXPECT_EQ(layout.exact(), n <= TsneLayout::kExactMaxRows);
  EXPECT_EQ(layout.repulsion(), repulsion == TsneRepulsion::kAuto ? TsneRepulsion::kBarnesHut : repulsion);
  while (!layout.step()) {
  }
  expect_clusters_kept(rows, 16, labels, 5, layout.coordinates());
}

INSTANTIATE_TEST_SUITE_P(Sizes, TsneClusters,
                         ::testing::Values(std::make_tuple(std::size_t{600}, TsneRepulsion::kAuto),
                                           std::make_tuple(std::size_t{3000}, TsneRepulsion::kAuto),
                                           std::make_tuple(std::size_t{3000}, TsneRepulsion::kInterpolated)));

TEST(Tsne, AutoRepulsionInterpolatesBigSets) {
  EXPECT_EQ(tsne_repulsion(TsneRepulsion::kAuto, TsneLayout::kInterpolatedMinRows), TsneRepulsion::kInterpolated);
  EXPECT_EQ(tsne_repulsion(TsneRepulsion::kAuto, TsneLayout::kInterpolatedMinRows - 1), TsneRepulsion::kBarnesHut);
  EXPECT_EQ(tsne_repulsion(TsneRepulsion::kBarnesHut, 100000), TsneRepulsion::kBarnesHut);
  EXPECT_EQ(tsne_repulsion(TsneRepulsion::kInterpolated, 3000), TsneRepulsion::kInterpolated);
}

TEST(Tsne, RejectsAnAbsurdPerplexity) {
  std::vector<int> labels;
  const std::vector<float> rows = planted_clusters(50, 4, 2, 0.5f, 1, labels);
  TsneOptions options;
  options.perplexity = 50;
  EXPECT_TRUE(Contains(error_of([&] { TsneLayout(rows.data(), 50, 4, options); }), "less than the number of points (50)"));
}

}  // namespace
}  // namespace embedlab
