// Procrustes alignment: a rotated, reflected, scaled and shifted copy of a layout is brought back
// onto the original exactly, so a map redrawn while training only moves where the words moved.
#include "core/align.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/random.h"

namespace embedlab {
namespace {

std::vector<float> random_layout(std::size_t n, std::size_t dims, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> points(n * dims);
  for (float& x : points) x = rng.uniform() * 10.0f - 5.0f;
  return points;
}

// target = scale * source * q + shift, q orthogonal (row-major dims x dims).
std::vector<float> transform(const std::vector<float>& source, std::size_t dims, const std::vector<double>& q, double scale,
                             const std::vector<double>& shift) {
  std::vector<float> out(source.size());
  for (std::size_t i = 0; i < source.size() / dims; ++i) {
    for (std::size_t b = 0; b < dims; ++b) {
      double sum = 0.0;
      for (std::size_t a = 0; a < dims; ++a) sum += source[i * dims + a] * q[a * dims + b];
      out[i * dims + b] = static_cast<float>(scale * sum + shift[b]);
    }
  }
  return out;
}

void expect_same_layout(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], tolerance) << "coordinate " << i;
}

TEST(Align, UndoesARotationReflectionScaleAndShiftIn2D) {
  const std::vector<float> original = random_layout(200, 2, 3);
  const double t = 0.7;
  // A rotation by 0.7 rad followed by a mirror in the x axis: determinant -1.
  const std::vector<double> q = {std::cos(t), -std::sin(t), -std::sin(t), -std::cos(t)};
  std::vector<float> moved = transform(original, 2, q, 3.5, {12.0, -4.0});
  const Alignment alignment = procrustes(moved.data(), original.data(), 200, 2);
  EXPECT_NEAR(alignment.scale, 1.0 / 3.5, 1e-6);
  EXPECT_LT(alignment.rms_error, 1e-4);
  apply_alignment(alignment, moved.data(), 200);
  expect_same_layout(moved, original, 1e-4f);
}

TEST(Align, UndoesARotationIn3D) {
  const std::vector<float> original = random_layout(100, 3, 5);
  // Rotation about z by 1.1 rad, then about x by -0.4 rad.
  const double a = 1.1, b = -0.4;
  const std::vector<double> rz = {std::cos(a), std::sin(a), 0, -std::sin(a), std::cos(a), 0, 0, 0, 1};
  const std::vector<double> rx = {1, 0, 0, 0, std::cos(b), std::sin(b), 0, -std::sin(b), std::cos(b)};
  std::vector<double> q(9, 0.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) q[i * 3 + j] += rz[i * 3 + k] * rx[k * 3 + j];
  std::vector<float> moved = transform(original, 3, q, 0.25, {1.0, 2.0, 3.0});
  apply_alignment(procrustes(moved.data(), original.data(), 100, 3), moved.data(), 100);
  expect_same_layout(moved, original, 1e-4f);
}

TEST(Align, NoisyCopyMovesOnlyByItsNoise) {
  // Points that really moved are not forced onto the target: the residual is the noise, no more.
  Rng rng(11);
  const std::vector<float> original = random_layout(500, 2, 9);
  std::vector<float> moved = transform(original, 2, {0.0, 1.0, -1.0, 0.0}, 2.0, {0.0, 0.0});
  for (float& x : moved) x += (rng.uniform() - 0.5f) * 0.2f;
  const Alignment alignment = procrustes(moved.data(), original.data(), 500, 2);
  EXPECT_NEAR(alignment.scale, 0.5, 0.01);
  EXPECT_GT(alignment.rms_error, 0.0);
  EXPECT_LT(alignment.rms_error, 0.1);
}

TEST(Align, CollinearAndSinglePointLayoutsStayFinite) {
  const std::vector<float> line = {0, 0, 1, 0, 2, 0, 3, 0};
  const std::vector<float> column = {0, 0, 0, 2, 0, 4, 0, 6};
  std::vector<float> moved = line;
  apply_alignment(procrustes(line.data(), column.data(), 4, 2), moved.data(), 4);
  expect_same_layout(moved, column, 1e-5f);
  const float one[2] = {3, 4}, other[2] = {-1, 7};
  const Alignment single = procrustes(one, other, 1, 2);
  EXPECT_EQ(single.scale, 1.0);
  float p[2] = {3, 4};
  apply_alignment(single, p, 1);
  EXPECT_NEAR(p[0], -1.0f, 1e-6f);
  EXPECT_NEAR(p[1], 7.0f, 1e-6f);
}

TEST(Align, RefusesEmptyAndNonFiniteLayouts) {
  const float a[2] = {0, 0};
  EXPECT_THROW(procrustes(a, a, 0, 2), Error);
  EXPECT_THROW(procrustes(a, a, 1, 0), Error);
  const float bad[4] = {0, 0, NAN, 1};
  const float good[4] = {0, 0, 1, 1};
  try {
    procrustes(bad, good, 2, 2);
    FAIL() << "a NaN was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("point 1 is not finite"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace embedlab
