// Trustworthiness and neighbour preservation: sklearn's numbers, and the sampled estimate.
#include "core/layout_quality.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_support.h"

namespace embedlab {
namespace {

// The data of the sklearn reference values below (float32, as numpy makes it).
void reference_data(std::size_t n, std::vector<float>& x, std::vector<float>& y) {
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < 5; ++j) x.push_back(static_cast<float>(std::sin(static_cast<double>(i) * 0.7 + j)));
    y.push_back(static_cast<float>(std::cos(static_cast<double>(i) * 1.3)));
    y.push_back(static_cast<float>(std::sin(static_cast<double>(i) * 0.4)));
  }
}

TEST(LayoutQuality, TrustworthinessMatchesSklearn) {
  std::vector<float> x, y;
  reference_data(40, x, y);
  // sklearn.manifold.trustworthiness(X, Y, n_neighbors=5) and 3 (scikit-learn 1.2.1).
  EXPECT_NEAR(trustworthiness(x.data(), 5, y.data(), 2, 40, 5), 0.51359375, 1e-9);
  EXPECT_NEAR(trustworthiness(x.data(), 5, y.data(), 2, 40, 3), 0.47523809523809524, 1e-9);
}

TEST(LayoutQuality, AFaithfulMapScoresOneAndASampleEstimatesTheWhole) {
  std::vector<float> x, y;
  reference_data(600, x, y);
  // The first two columns of a 2-D set are a perfect map of it.
  std::vector<float> plane;
  for (std::size_t i = 0; i < 600; ++i) plane.insert(plane.end(), {x[5 * i], x[5 * i + 1] * 3.0f + static_cast<float>(i) * 0.01f});
  EXPECT_DOUBLE_EQ(trustworthiness(plane.data(), 2, plane.data(), 2, 600, 10), 1.0);
  EXPECT_DOUBLE_EQ(neighbour_preservation(plane.data(), 2, plane.data(), 2, 600, 10), 1.0);
  const double exact = trustworthiness(x.data(), 5, y.data(), 2, 600, 10);
  QualityOptions sampled;
  sampled.sample = 300;
  sampled.threads = 2;
  EXPECT_NEAR(trustworthiness(x.data(), 5, y.data(), 2, 600, 10, sampled), exact, 0.02);
  const double kept = neighbour_preservation(x.data(), 5, y.data(), 2, 600, 10);
  EXPECT_GE(kept, 0.0);
  EXPECT_LT(kept, 0.5);  // this map is poor
  EXPECT_TRUE(Contains(error_of([&] { trustworthiness(x.data(), 5, y.data(), 2, 600, 300); }), "k < n / 2"));
}

}  // namespace
}  // namespace embedlab
