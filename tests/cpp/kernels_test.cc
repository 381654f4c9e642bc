// Every kernel against a plain scalar reference, at lengths that exercise SIMD bodies and tails.
#include "core/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/random.h"

namespace embedlab {
namespace {

const std::size_t kLengths[] = {0, 1, 3, 7, 17, 100, 1001};

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform() * 2.0f - 1.0f;
  return v;
}

double reference_dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

TEST(Kernels, DotMatchesScalarReference) {
  for (std::size_t n : kLengths) {
    const auto a = random_vector(n, 1 + n), b = random_vector(n, 100 + n);
    EXPECT_NEAR(kernels::dot(a.data(), b.data(), n), reference_dot(a, b), 1e-5 * (1.0 + std::sqrt(static_cast<double>(n))))
        << "n=" << n;
  }
}

TEST(Kernels, AxpyMatchesScalarReference) {
  for (std::size_t n : kLengths) {
    const auto x = random_vector(n, 2 + n);
    auto y = random_vector(n, 200 + n);
    auto expected = y;
    for (std::size_t i = 0; i < n; ++i) expected[i] += -0.75f * x[i];
    kernels::axpy(-0.75f, x.data(), y.data(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], expected[i], 1e-6) << "n=" << n << " i=" << i;
  }
}

TEST(Kernels, DualAxpyMatchesTwoScalarAxpys) {
  for (std::size_t n : kLengths) {
    const auto hidden = random_vector(n, 6 + n);
    auto row = random_vector(n, 600 + n), grad = random_vector(n, 700 + n);
    auto expected_row = row, expected_grad = grad;
    for (std::size_t i = 0; i < n; ++i) {
      expected_grad[i] += 0.3f * row[i];  // uses the row before its update
      expected_row[i] += 0.3f * hidden[i];
    }
    kernels::dual_axpy(0.3f, hidden.data(), row.data(), grad.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(grad[i], expected_grad[i], 1e-6) << "n=" << n << " i=" << i;
      EXPECT_NEAR(row[i], expected_row[i], 1e-6) << "n=" << n << " i=" << i;
    }
  }
}

TEST(Kernels, AxpyDoesNotWritePastTheEnd) {
  std::vector<float> x(20, 1.0f), y(20, 0.0f);
  kernels::axpy(1.0f, x.data(), y.data(), 17);
  for (std::size_t i = 17; i < 20; ++i) EXPECT_EQ(y[i], 0.0f);
}

TEST(Kernels, ScaleMatchesScalarReference) {
  for (std::size_t n : kLengths) {
    auto x = random_vector(n, 3 + n);
    auto expected = x;
    for (auto& v : expected) v *= 3.5f;
    kernels::scale(3.5f, x.data(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_FLOAT_EQ(x[i], expected[i]) << "n=" << n;
  }
}

TEST(Kernels, NormaliseGivesUnitLengthAndReturnsNorm) {
  for (std::size_t n : kLengths) {
    if (n == 0) continue;
    auto x = random_vector(n, 4 + n);
    const double norm = std::sqrt(reference_dot(x, x));
    EXPECT_NEAR(kernels::normalise(x.data(), n), norm, 1e-5 * (1.0 + norm)) << "n=" << n;
    EXPECT_NEAR(reference_dot(x, x), 1.0, 1e-5) << "n=" << n;
  }
}

TEST(Kernels, NormaliseLeavesZeroVectorAlone) {
  std::vector<float> zero(7, 0.0f);
  EXPECT_EQ(kernels::normalise(zero.data(), zero.size()), 0.0f);
  for (float v : zero) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(kernels::normalise(nullptr, 0), 0.0f);
}

TEST(Kernels, DotRowsMatchesOneDotPerRow) {
  for (std::size_t n : kLengths) {
    for (std::size_t rows : {0u, 1u, 3u, 4u, 5u, 9u}) {
      const auto matrix = random_vector(rows * n, 5 + n + rows), x = random_vector(n, 500 + n);
      std::vector<float> out(rows + 1, 42.0f);
      kernels::dot_rows(matrix.data(), rows, n, x.data(), out.data());
      for (std::size_t r = 0; r < rows; ++r) {
        const std::vector<float> row(matrix.begin() + static_cast<long>(r * n), matrix.begin() + static_cast<long>((r + 1) * n));
        EXPECT_NEAR(out[r], reference_dot(row, x), 1e-5 * (1.0 + std::sqrt(static_cast<double>(n)))) << "n=" << n << " r=" << r;
      }
      EXPECT_EQ(out[rows], 42.0f) << "wrote past the last row";
    }
  }
}

TEST(Kernels, ReportsTheInstructionSetInUse) {
  const std::string isa = kernels::active_isa();
  EXPECT_TRUE(isa == "sse2" || isa == "avx2" || isa == "avx512" || isa == "wasm-simd128") << isa;
}

}  // namespace
}  // namespace embedlab
