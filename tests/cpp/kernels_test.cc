// Every kernel on every instruction set this machine runs (the scalar reference, SSE2, AVX2+FMA,
// AVX-512; an instruction set the CPU or the build lacks is skipped and says so):
//  - KernelBehaviour (every ISA, the scalar reference included): what each kernel must compute,
//    against double-precision definitions, exact small-integer products, known values and, for
//    the backward passes, finite differences of the same table's forward pass;
//  - KernelMatchesScalarReference (every SIMD ISA): one test per entry of kernels_list.h, holding
//    the SIMD table to the scalar reference at awkward sizes, within rounding tolerances (FMA and
//    summation order change the last bits);
//  - KernelDispatch: the tables, the EMBEDLAB_ISA cap and the public functions' forwarding.
#include "core/kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/kernels_table.h"
#include "core/random.h"

namespace embedlab {
namespace {

using kernels::detail::available_tables;
using kernels::detail::KernelTable;

// Lengths that exercise empty input, tails only, and SIMD bodies of every width plus tails.
const std::size_t kLengths[] = {0, 1, 3, 7, 17, 31, 64, 100, 1001};
// Matrix sides for the all-combinations matmul checks.
const std::size_t kSides[] = {0, 1, 3, 7, 17, 31, 64};
// Float rounding unit (2^-24).
constexpr double kUnit = std::numeric_limits<float>::epsilon() / 2;

const char* const kAllIsas[] = {"scalar", "sse2", "avx2", "avx512"};
const char* const kSimdIsas[] = {"sse2", "avx2", "avx512"};

std::vector<float> random_vector(std::size_t n, std::uint64_t seed, float low = -1.0f, float high = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = low + (high - low) * rng.uniform();
  return v;
}

// Small integers: products and sums of a few hundred of them are exact in float, in any order.
std::vector<float> small_integers(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(static_cast<int>(rng.below(7)) - 3);
  return v;
}

// How far two float computations of a sum of n terms whose absolute values add up to `magnitude`
// may drift apart when they add in different orders or fuse multiply-adds: a few units of rounding
// per sqrt(n) (random-walk growth), with a wide margin over what happens in practice.
double sum_tolerance(std::size_t n, double magnitude) { return 8 * kUnit * std::sqrt(static_cast<double>(n) + 1) * magnitude; }

// Checks actual[i] against expected[i] within tolerance(i); names the first few mismatches.
::testing::AssertionResult AllNear(const std::vector<float>& actual, const std::vector<float>& expected,
                                   const std::function<double(std::size_t)>& tolerance) {
  if (actual.size() != expected.size()) {
    return ::testing::AssertionFailure() << "sizes differ: " << actual.size() << " vs " << expected.size();
  }
  int bad = 0;
  ::testing::AssertionResult result = ::testing::AssertionFailure();
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double diff = std::abs(static_cast<double>(actual[i]) - expected[i]);
    if (!(diff <= tolerance(i))) {  // also catches NaN
      if (bad < 5) result << "[" << i << "] " << actual[i] << " vs " << expected[i] << " (tolerance " << tolerance(i) << ") ";
      ++bad;
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return result << "- " << bad << " of " << actual.size() << " differ";
}

const KernelTable& scalar_reference() { return available_tables().front(); }

const KernelTable* find_table(const std::string& isa) {
  for (const KernelTable& table : available_tables()) {
    if (isa == table.isa) return &table;
  }
  return nullptr;
}

// A test that runs once per instruction set name, skipping those this CPU or build cannot run.
class OnEachIsa : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    table_ = find_table(GetParam());
    if (table_ == nullptr) {
#if defined(EMBEDLAB_X86_KERNELS)
      GTEST_SKIP() << "this CPU does not support " << GetParam() << ", so its kernels cannot run here";
#else
      GTEST_SKIP() << "this build has only the portable kernels (not x86, or EMBEDLAB_PORTABLE_KERNELS), so no " << GetParam();
#endif
    }
  }
  const KernelTable& isa() const { return *table_; }

 private:
  const KernelTable* table_ = nullptr;
};

std::string isa_name(const ::testing::TestParamInfo<const char*>& info) { return info.param; }

// ---- the matrix-multiply layouts ----

using MatmulFn = decltype(KernelTable::matmul);

// One of the three products, with how it reads its operands.
struct MatmulLayout {
  const char* name;
  MatmulFn KernelTable::*fn;
  bool a_transposed;  // A stored k×m (Aᵀ·B)
  bool b_transposed;  // B stored n×k (A·Bᵀ)
  float a_at(const std::vector<float>& a, std::size_t i, std::size_t p, std::size_t m, std::size_t k) const {
    return a_transposed ? a[p * m + i] : a[i * k + p];
  }
  float b_at(const std::vector<float>& b, std::size_t p, std::size_t j, std::size_t n, std::size_t k) const {
    return b_transposed ? b[j * k + p] : b[p * n + j];
  }
};

const MatmulLayout kMatmulLayouts[] = {
    {"A·B", &KernelTable::matmul, false, false},
    {"A·Bt", &KernelTable::matmul_bt, false, true},
    {"At·B", &KernelTable::matmul_at, true, false},
};

struct Shape {
  std::size_t m, n, k;
};

// Every combination of kSides, plus shapes that cross the blocking of kernels_impl.h (several
// passes over k, several blocks of rows, n far from a multiple of any SIMD width).
std::vector<Shape> matmul_shapes() {
  std::vector<Shape> shapes;
  for (std::size_t m : kSides) {
    for (std::size_t n : kSides) {
      for (std::size_t k : kSides) shapes.push_back({m, n, k});
    }
  }
  shapes.push_back({5, 1001, 17});
  shapes.push_back({97, 33, 513});
  shapes.push_back({200, 41, 300});
  shapes.push_back({1, 1, 1001});
  return shapes;
}

// C guarded by a sentinel after its m×n floats.
constexpr float kSentinel = 12345.0f;

// The tolerance check of one product against the scalar reference, for both accumulate modes.
void check_matmul_layout(const KernelTable& isa, const MatmulLayout& layout) {
  const auto fn = layout.fn;
  std::uint64_t seed = 1;
  for (const Shape& s : matmul_shapes()) {
    const auto a = random_vector(s.m * s.k, ++seed), b = random_vector(s.k * s.n, ++seed);
    const auto c0 = random_vector(s.m * s.n, ++seed);
    std::vector<double> magnitude(s.m * s.n, 0.0);
    for (std::size_t i = 0; i < s.m; ++i) {
      for (std::size_t j = 0; j < s.n; ++j) {
        for (std::size_t p = 0; p < s.k; ++p) {
          magnitude[i * s.n + j] += std::abs(layout.a_at(a, i, p, s.m, s.k) * layout.b_at(b, p, j, s.n, s.k));
        }
      }
    }
    for (bool accumulate : {false, true}) {
      auto actual = c0, expected = c0;
      actual.push_back(kSentinel);
      (isa.*fn)(a.data(), b.data(), actual.data(), s.m, s.n, s.k, accumulate);
      (scalar_reference().*fn)(a.data(), b.data(), expected.data(), s.m, s.n, s.k, accumulate);
      EXPECT_EQ(actual.back(), kSentinel) << layout.name << " wrote past C";
      actual.pop_back();
      EXPECT_TRUE(AllNear(actual, expected, [&](std::size_t i) {
        return sum_tolerance(s.k, magnitude[i] + (accumulate ? std::abs(c0[i]) : 0.0));
      })) << layout.name << " m=" << s.m << " n=" << s.n << " k=" << s.k << " accumulate=" << accumulate;
    }
  }
}

// ---- one reference check per kernel, named check_<kernel> (kernels_list.h generates the tests) ----

void check_dot(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    const auto a = random_vector(n, 1 + n), b = random_vector(n, 100 + n);
    double magnitude = 0;
    for (std::size_t i = 0; i < n; ++i) magnitude += std::abs(a[i] * b[i]);
    EXPECT_NEAR(isa.dot(a.data(), b.data(), n), scalar_reference().dot(a.data(), b.data(), n), sum_tolerance(n, magnitude))
        << "n=" << n;
  }
}

void check_axpy(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    const auto x = random_vector(n, 2 + n), y = random_vector(n, 200 + n);
    auto actual = y, expected = y;
    actual.push_back(kSentinel);
    isa.axpy(-0.75f, x.data(), actual.data(), n);
    scalar_reference().axpy(-0.75f, x.data(), expected.data(), n);
    EXPECT_EQ(actual.back(), kSentinel) << "wrote past the end, n=" << n;
    actual.pop_back();
    EXPECT_TRUE(AllNear(actual, expected, [&](std::size_t i) { return sum_tolerance(1, std::abs(y[i]) + 0.75 * std::abs(x[i])); }))
        << "n=" << n;
  }
}

void check_dual_axpy(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    const auto hidden = random_vector(n, 6 + n), row = random_vector(n, 600 + n), grad = random_vector(n, 700 + n);
    auto row_actual = row, grad_actual = grad, row_expected = row, grad_expected = grad;
    isa.dual_axpy(0.3f, hidden.data(), row_actual.data(), grad_actual.data(), n);
    scalar_reference().dual_axpy(0.3f, hidden.data(), row_expected.data(), grad_expected.data(), n);
    EXPECT_TRUE(AllNear(row_actual, row_expected, [&](std::size_t i) { return sum_tolerance(1, std::abs(row[i]) + 0.3 * std::abs(hidden[i])); }))
        << "n=" << n;
    EXPECT_TRUE(AllNear(grad_actual, grad_expected, [&](std::size_t i) { return sum_tolerance(1, std::abs(grad[i]) + 0.3 * std::abs(row[i])); }))
        << "n=" << n;
  }
}

void check_scale(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    auto actual = random_vector(n, 3 + n), expected = actual;
    isa.scale(3.5f, actual.data(), n);
    scalar_reference().scale(3.5f, expected.data(), n);
    EXPECT_EQ(actual, expected) << "one rounded multiply per value, n=" << n;
  }
}

void check_normalise(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    auto actual = random_vector(n, 4 + n), expected = actual;
    const float norm = isa.normalise(actual.data(), n), expected_norm = scalar_reference().normalise(expected.data(), n);
    EXPECT_NEAR(norm, expected_norm, sum_tolerance(n, expected_norm)) << "n=" << n;
    EXPECT_TRUE(AllNear(actual, expected, [&](std::size_t i) { return 2 * sum_tolerance(n, std::abs(expected[i])); })) << "n=" << n;
  }
}

void check_dot_rows(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    for (std::size_t rows : {0u, 1u, 3u, 4u, 5u, 9u}) {
      const auto matrix = random_vector(rows * n, 5 + n + rows), x = random_vector(n, 500 + n);
      std::vector<float> actual(rows + 1, kSentinel), expected(rows);
      isa.dot_rows(matrix.data(), rows, n, x.data(), actual.data());
      scalar_reference().dot_rows(matrix.data(), rows, n, x.data(), expected.data());
      EXPECT_EQ(actual.back(), kSentinel) << "wrote past the last row";
      actual.pop_back();
      EXPECT_TRUE(AllNear(actual, expected, [&](std::size_t r) {
        double magnitude = 0;
        for (std::size_t i = 0; i < n; ++i) magnitude += std::abs(matrix[r * n + i] * x[i]);
        return sum_tolerance(n, magnitude);
      })) << "n=" << n << " rows=" << rows;
    }
  }
}

void check_matmul(const KernelTable& isa) { check_matmul_layout(isa, kMatmulLayouts[0]); }
void check_matmul_bt(const KernelTable& isa) { check_matmul_layout(isa, kMatmulLayouts[1]); }
void check_matmul_at(const KernelTable& isa) { check_matmul_layout(isa, kMatmulLayouts[2]); }

void check_softmax_rows(const KernelTable& isa) {
  for (std::size_t cols : kLengths) {
    for (std::size_t rows : {0u, 1u, 3u}) {
      // Spread ±8 around an offset of 90: exp(98) overflows float, so this needs the max shift.
      auto actual = random_vector(rows * cols, 7 + cols + rows, 82.0f, 98.0f), expected = actual;
      isa.softmax_rows(actual.data(), rows, cols);
      scalar_reference().softmax_rows(expected.data(), rows, cols);
      // exp differs by an ulp or two between implementations; the sum's rounding grows with cols.
      EXPECT_TRUE(AllNear(actual, expected, [&](std::size_t i) { return (8 * kUnit + sum_tolerance(cols, 1.0)) * expected[i]; }))
          << "rows=" << rows << " cols=" << cols;
    }
  }
}

void check_layernorm_forward(const KernelTable& isa) {
  for (std::size_t cols : kLengths) {
    const std::size_t rows = 3;
    const auto x = random_vector(rows * cols, 8 + cols, -2.0f, 3.0f);
    const auto gamma = random_vector(cols, 800 + cols, 0.5f, 1.5f), beta = random_vector(cols, 900 + cols);
    std::vector<float> out(rows * cols), mean(rows), rstd(rows), out_ref(rows * cols), mean_ref(rows), rstd_ref(rows);
    isa.layernorm_forward(x.data(), gamma.data(), beta.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
    scalar_reference().layernorm_forward(x.data(), gamma.data(), beta.data(), out_ref.data(), mean_ref.data(),
                                         rstd_ref.data(), rows, cols, 1e-5f);
    // Mean and variance are sums over cols; each output inherits their rounding times its size.
    EXPECT_TRUE(AllNear(mean, mean_ref, [&](std::size_t) { return sum_tolerance(cols, 3.0); })) << "cols=" << cols;
    EXPECT_TRUE(AllNear(rstd, rstd_ref, [&](std::size_t r) { return 2 * sum_tolerance(cols, rstd_ref[r]); })) << "cols=" << cols;
    EXPECT_TRUE(AllNear(out, out_ref, [&](std::size_t i) {
      const std::size_t r = i / cols, c = i % cols;
      return 4 * sum_tolerance(cols, rstd_ref[r] * gamma[c] * (std::abs(x[i]) + std::abs(mean_ref[r])) + std::abs(beta[c]));
    })) << "cols=" << cols;
  }
}

void check_layernorm_backward(const KernelTable& isa) {
  for (std::size_t cols : kLengths) {
    const std::size_t rows = 3;
    const auto x = random_vector(rows * cols, 9 + cols, -2.0f, 3.0f), dout = random_vector(rows * cols, 90 + cols);
    const auto gamma = random_vector(cols, 901 + cols, 0.5f, 1.5f), beta = random_vector(cols, 902 + cols);
    std::vector<float> out(rows * cols), mean(rows), rstd(rows);
    scalar_reference().layernorm_forward(x.data(), gamma.data(), beta.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
    // Start from non-zero gradients: the kernel adds to them.
    const auto dx0 = random_vector(rows * cols, 903 + cols), dgamma0 = random_vector(cols, 904 + cols), dbeta0 = random_vector(cols, 905 + cols);
    auto dx = dx0, dgamma = dgamma0, dbeta = dbeta0, dx_ref = dx0, dgamma_ref = dgamma0, dbeta_ref = dbeta0;
    isa.layernorm_backward(dout.data(), x.data(), mean.data(), rstd.data(), gamma.data(), dx.data(), dgamma.data(), dbeta.data(), rows, cols);
    scalar_reference().layernorm_backward(dout.data(), x.data(), mean.data(), rstd.data(), gamma.data(), dx_ref.data(),
                                          dgamma_ref.data(), dbeta_ref.data(), rows, cols);
    EXPECT_TRUE(AllNear(dbeta, dbeta_ref, [&](std::size_t c) { return sum_tolerance(rows, std::abs(dbeta0[c]) + rows); })) << "cols=" << cols;
    EXPECT_TRUE(AllNear(dgamma, dgamma_ref, [&](std::size_t c) { return sum_tolerance(cols, std::abs(dgamma0[c]) + 3.0 * rows); }))
        << "cols=" << cols;
    // dx mixes per-row sums over cols (each term about gamma·dout·norm, below 3 in size) scaled by rstd.
    EXPECT_TRUE(AllNear(dx, dx_ref, [&](std::size_t i) { return sum_tolerance(cols, std::abs(dx0[i]) + 6.0 * rstd[i / cols]); }))
        << "cols=" << cols;
  }
}

void check_gelu_forward(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    const auto x = random_vector(n, 10 + n, -6.0f, 6.0f);
    std::vector<float> out(n + 1, kSentinel), expected(n);
    isa.gelu_forward(x.data(), out.data(), n);
    scalar_reference().gelu_forward(x.data(), expected.data(), n);
    EXPECT_EQ(out.back(), kSentinel) << "wrote past the end, n=" << n;
    out.pop_back();
    // tanh differs by a few ulps between implementations; 1 + tanh cancels for negative x, so
    // the error scales with |x|, not with the (small) result.
    EXPECT_TRUE(AllNear(out, expected, [&](std::size_t i) { return 16 * kUnit * (std::abs(x[i]) + std::abs(expected[i])); })) << "n=" << n;
  }
}

void check_gelu_backward(const KernelTable& isa) {
  for (std::size_t n : kLengths) {
    const auto x = random_vector(n, 11 + n, -6.0f, 6.0f), dout = random_vector(n, 110 + n), dx0 = random_vector(n, 111 + n);
    auto dx = dx0, expected = dx0;
    isa.gelu_backward(x.data(), dout.data(), dx.data(), n);
    scalar_reference().gelu_backward(x.data(), dout.data(), expected.data(), n);
    EXPECT_TRUE(AllNear(dx, expected, [&](std::size_t i) {
      const double v = std::abs(x[i]);
      const double terms = 0.5 + 0.5 * v * kernels::detail::kGeluScale * (1 + 3 * kernels::detail::kGeluCubic * v * v);
      return 16 * kUnit * (terms * std::abs(dout[i]) + std::abs(expected[i]));
    })) << "n=" << n;
  }
}

// ---- KernelMatchesScalarReference: one test per kernel in the list ----

class KernelMatchesScalarReference : public OnEachIsa {};
INSTANTIATE_TEST_SUITE_P(SimdIsas, KernelMatchesScalarReference, ::testing::ValuesIn(kSimdIsas), isa_name);

#define EMBEDLAB_KERNEL(name, ret, params, args) \
  TEST_P(KernelMatchesScalarReference, name) { check_##name(isa()); }
#include "core/kernels_list.h"

// ---- KernelBehaviour: what each kernel computes, on every instruction set ----

class KernelBehaviour : public OnEachIsa {};
INSTANTIATE_TEST_SUITE_P(EveryIsa, KernelBehaviour, ::testing::ValuesIn(kAllIsas), isa_name);

double double_dot(const float* a, const float* b, std::size_t n) {
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

TEST_P(KernelBehaviour, DotMatchesADoublePrecisionSum) {
  for (std::size_t n : kLengths) {
    const auto a = random_vector(n, 1 + n), b = random_vector(n, 100 + n);
    double magnitude = 0;
    for (std::size_t i = 0; i < n; ++i) magnitude += std::abs(a[i] * b[i]);
    EXPECT_NEAR(isa().dot(a.data(), b.data(), n), double_dot(a.data(), b.data(), n), sum_tolerance(n, magnitude)) << "n=" << n;
  }
}

TEST_P(KernelBehaviour, AxpyAddsAScaledVectorAndStopsAtN) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  std::vector<float> y(20, 0.5f);
  isa().axpy(-2.0f, x.data(), y.data(), 17);
  for (std::size_t i = 0; i < 17; ++i) EXPECT_EQ(y[i], 0.5f - 2.0f * x[i]) << i;
  for (std::size_t i = 17; i < 20; ++i) EXPECT_EQ(y[i], 0.5f) << "wrote past the end at " << i;
}

TEST_P(KernelBehaviour, DualAxpyUpdatesGradWithTheRowBeforeItChanges) {
  const std::size_t n = 19;
  const auto hidden = small_integers(n, 1), row0 = small_integers(n, 2), grad0 = small_integers(n, 3);
  auto row = row0, grad = grad0;
  isa().dual_axpy(0.5f, hidden.data(), row.data(), grad.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(grad[i], grad0[i] + 0.5f * row0[i]) << i;
    EXPECT_EQ(row[i], row0[i] + 0.5f * hidden[i]) << i;
  }
}

TEST_P(KernelBehaviour, ScaleMultipliesEveryValue) {
  for (std::size_t n : kLengths) {
    auto x = random_vector(n, 3 + n);
    const auto before = x;
    isa().scale(3.5f, x.data(), n);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(x[i], before[i] * 3.5f) << "n=" << n << " i=" << i;
  }
}

TEST_P(KernelBehaviour, NormaliseGivesUnitLengthAndReturnsTheNorm) {
  for (std::size_t n : kLengths) {
    if (n == 0) continue;
    auto x = random_vector(n, 4 + n);
    const double norm = std::sqrt(double_dot(x.data(), x.data(), n));
    EXPECT_NEAR(isa().normalise(x.data(), n), norm, sum_tolerance(n, norm)) << "n=" << n;
    EXPECT_NEAR(double_dot(x.data(), x.data(), n), 1.0, sum_tolerance(n, 2.0)) << "n=" << n;
  }
}

TEST_P(KernelBehaviour, NormaliseLeavesAZeroVectorAlone) {
  std::vector<float> zero(7, 0.0f);
  EXPECT_EQ(isa().normalise(zero.data(), zero.size()), 0.0f);
  for (float v : zero) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(isa().normalise(nullptr, 0), 0.0f);
}

TEST_P(KernelBehaviour, DotRowsGivesOneDotPerRow) {
  for (std::size_t n : kLengths) {
    for (std::size_t rows : {0u, 1u, 3u, 4u, 5u, 9u}) {
      const auto matrix = random_vector(rows * n, 5 + n + rows), x = random_vector(n, 500 + n);
      std::vector<float> out(rows + 1, kSentinel);
      isa().dot_rows(matrix.data(), rows, n, x.data(), out.data());
      for (std::size_t r = 0; r < rows; ++r) {
        EXPECT_NEAR(out[r], double_dot(matrix.data() + r * n, x.data(), n), sum_tolerance(n, static_cast<double>(n))) << "n=" << n << " r=" << r;
      }
      EXPECT_EQ(out[rows], kSentinel) << "wrote past the last row";
    }
  }
}

TEST_P(KernelBehaviour, MatmulIsExactOnSmallIntegers) {
  // Integer products and sums below 2^24 are exact in any order, with or without FMA, so every
  // instruction set must give exactly the textbook triple loop: any indexing slip shows.
  std::vector<Shape> shapes = {{1, 1, 1}, {2, 3, 4}, {7, 17, 5}, {13, 1, 31}, {31, 64, 3}, {6, 35, 300}, {100, 19, 257}};
  for (const MatmulLayout& layout : kMatmulLayouts) {
    for (const Shape& s : shapes) {
      const auto a = small_integers(s.m * s.k, s.m + s.k), b = small_integers(s.k * s.n, s.n * s.k), c0 = small_integers(s.m * s.n, s.m);
      for (bool accumulate : {false, true}) {
        auto c = c0;
        c.push_back(kSentinel);
        (isa().*layout.fn)(a.data(), b.data(), c.data(), s.m, s.n, s.k, accumulate);
        for (std::size_t i = 0; i < s.m; ++i) {
          for (std::size_t j = 0; j < s.n; ++j) {
            float expected = accumulate ? c0[i * s.n + j] : 0.0f;
            for (std::size_t p = 0; p < s.k; ++p) expected += layout.a_at(a, i, p, s.m, s.k) * layout.b_at(b, p, j, s.n, s.k);
            ASSERT_EQ(c[i * s.n + j], expected) << layout.name << " m=" << s.m << " n=" << s.n << " k=" << s.k
                                                << " accumulate=" << accumulate << " at (" << i << ", " << j << ")";
          }
        }
        EXPECT_EQ(c.back(), kSentinel) << layout.name << " wrote past C";
      }
    }
  }
}

TEST_P(KernelBehaviour, MatmulWithNoDepthClearsOrKeepsC) {
  for (const MatmulLayout& layout : kMatmulLayouts) {
    std::vector<float> c(6, 2.5f);
    (isa().*layout.fn)(nullptr, nullptr, c.data(), 2, 3, 0, true);
    EXPECT_EQ(c, std::vector<float>(6, 2.5f)) << layout.name << ": C += (nothing)";
    (isa().*layout.fn)(nullptr, nullptr, c.data(), 2, 3, 0, false);
    EXPECT_EQ(c, std::vector<float>(6, 0.0f)) << layout.name << ": C = (empty sum)";
  }
}

TEST_P(KernelBehaviour, SoftmaxRowsSumToOneWithRatiosOfExponentials) {
  for (std::size_t cols : kLengths) {
    if (cols == 0) continue;
    const std::size_t rows = 2;
    // Large values: exp(500) overflows float, so only a max-shifted softmax survives.
    const auto x = random_vector(rows * cols, 12 + cols, 490.0f, 510.0f);
    auto p = x;
    isa().softmax_rows(p.data(), rows, cols);
    for (std::size_t r = 0; r < rows; ++r) {
      const float* row = p.data() + r * cols;
      const float* in = x.data() + r * cols;
      double sum = 0;
      for (std::size_t i = 0; i < cols; ++i) sum += row[i];
      EXPECT_NEAR(sum, 1.0, sum_tolerance(cols, 4.0)) << "cols=" << cols << " row " << r;
      const std::size_t top = static_cast<std::size_t>(std::max_element(in, in + cols) - in);
      for (std::size_t i = 0; i < cols; ++i) {
        const double expected = std::exp(static_cast<double>(in[i]) - in[top]) * row[top];
        ASSERT_NEAR(row[i], expected, 1e-5 * expected + 1e-30) << "cols=" << cols << " row " << r << " i=" << i;
      }
    }
  }
}

TEST_P(KernelBehaviour, SoftmaxGivesMaskedEntriesZeroAndASingleEntryOne) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {1.0f, -inf, 1.0f, -inf, 3.0f, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf};
  isa().softmax_rows(x.data(), 1, x.size());
  const double e = std::exp(-2.0), total = 2 * e + 1;
  EXPECT_NEAR(x[0], e / total, 1e-6);
  EXPECT_NEAR(x[2], e / total, 1e-6);
  EXPECT_NEAR(x[4], 1 / total, 1e-6);
  for (std::size_t i : {1u, 3u, 5u, 9u, 16u}) EXPECT_EQ(x[i], 0.0f) << i;
  std::vector<float> single = {-7.0f, 42.0f};
  isa().softmax_rows(single.data(), 2, 1);
  EXPECT_EQ(single, (std::vector<float>{1.0f, 1.0f}));
}

// A row-by-row double-precision layer norm: (out, mean, rstd).
std::tuple<std::vector<double>, std::vector<double>, std::vector<double>> double_layernorm(
    const std::vector<float>& x, const std::vector<float>& gamma, const std::vector<float>& beta, std::size_t rows,
    std::size_t cols, double eps) {
  std::vector<double> out(rows * cols), mean(rows), rstd(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double sum = 0, squares = 0;
    for (std::size_t i = 0; i < cols; ++i) sum += x[r * cols + i];
    mean[r] = sum / static_cast<double>(cols);
    for (std::size_t i = 0; i < cols; ++i) squares += (x[r * cols + i] - mean[r]) * (x[r * cols + i] - mean[r]);
    rstd[r] = 1 / std::sqrt(squares / static_cast<double>(cols) + eps);
    for (std::size_t i = 0; i < cols; ++i) out[r * cols + i] = (x[r * cols + i] - mean[r]) * rstd[r] * gamma[i] + beta[i];
  }
  return {out, mean, rstd};
}

TEST_P(KernelBehaviour, LayerNormForwardMatchesADoublePrecisionDefinition) {
  for (std::size_t cols : kLengths) {
    if (cols == 0) continue;
    const std::size_t rows = 3;
    const auto x = random_vector(rows * cols, 13 + cols, -2.0f, 3.0f);
    const auto gamma = random_vector(cols, 130 + cols, 0.5f, 1.5f), beta = random_vector(cols, 131 + cols);
    std::vector<float> out(rows * cols + 1, kSentinel), mean(rows), rstd(rows);
    isa().layernorm_forward(x.data(), gamma.data(), beta.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
    const auto [want_out, want_mean, want_rstd] = double_layernorm(x, gamma, beta, rows, cols, 1e-5);
    EXPECT_EQ(out.back(), kSentinel) << "wrote past the last row";
    for (std::size_t r = 0; r < rows; ++r) {
      EXPECT_NEAR(mean[r], want_mean[r], sum_tolerance(cols, 3.0)) << "cols=" << cols;
      EXPECT_NEAR(rstd[r], want_rstd[r], 2 * sum_tolerance(cols, want_rstd[r])) << "cols=" << cols;
    }
    for (std::size_t i = 0; i < rows * cols; ++i) {
      ASSERT_NEAR(out[i], want_out[i], 4 * sum_tolerance(cols, 10 * want_rstd[i / cols] + 1)) << "cols=" << cols << " i=" << i;
    }
  }
}

TEST_P(KernelBehaviour, LayerNormForwardWorksInPlaceAndMapsAConstantRowToBeta) {
  const std::size_t cols = 19;
  const std::vector<float> gamma(cols, 2.0f), beta = random_vector(cols, 14);
  std::vector<float> x = random_vector(2 * cols, 15);
  std::fill(x.begin() + cols, x.end(), 4.25f);
  const auto [want_out, want_mean, want_rstd] = double_layernorm(x, gamma, beta, 2, cols, 1e-5);
  std::vector<float> mean(2), rstd(2);
  isa().layernorm_forward(x.data(), gamma.data(), beta.data(), x.data(), mean.data(), rstd.data(), 2, cols, 1e-5f);
  for (std::size_t i = 0; i < cols; ++i) EXPECT_NEAR(x[i], want_out[i], 1e-5) << i;
  // A constant row has no deviation to scale: beta, give or take the rounding of its mean (times
  // rstd = 1 / sqrt(eps) ≈ 316).
  for (std::size_t i = 0; i < cols; ++i) EXPECT_NEAR(x[cols + i], beta[i], 1e-3) << i;
  EXPECT_FLOAT_EQ(mean[1], 4.25f);
  EXPECT_FLOAT_EQ(rstd[1], 1 / std::sqrt(1e-5f));
}

TEST_P(KernelBehaviour, LayerNormBackwardMatchesFiniteDifferences) {
  // L = sum(w ⊙ layernorm(x)); dL/dx, dL/dgamma, dL/dbeta by central differences of this table's
  // own forward pass, against what its backward pass adds to non-zero starting gradients.
  for (std::size_t cols : {1u, 2u, 5u, 17u, 33u}) {
    const std::size_t rows = 2;
    auto x = random_vector(rows * cols, 16 + cols, -2.0f, 2.0f), gamma = random_vector(cols, 160 + cols, 0.5f, 1.5f),
         beta = random_vector(cols, 161 + cols);
    const auto w = random_vector(rows * cols, 162 + cols);
    const auto loss = [&] {
      std::vector<float> out(rows * cols), mean(rows), rstd(rows);
      isa().layernorm_forward(x.data(), gamma.data(), beta.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
      return double_dot(out.data(), w.data(), out.size());
    };
    const auto numeric = [&](float& v) {
      const float saved = v;
      v = saved + 1e-2f;
      const float up = v;
      const double loss_up = loss();
      v = saved - 1e-2f;
      const double loss_down = loss();
      const double step = static_cast<double>(up) - v;
      v = saved;
      return (loss_up - loss_down) / step;
    };
    std::vector<float> out(rows * cols), mean(rows), rstd(rows);
    isa().layernorm_forward(x.data(), gamma.data(), beta.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
    const auto dx0 = random_vector(rows * cols, 163 + cols), dgamma0 = random_vector(cols, 164 + cols), dbeta0 = random_vector(cols, 165 + cols);
    auto dx = dx0, dgamma = dgamma0, dbeta = dbeta0;
    isa().layernorm_backward(w.data(), x.data(), mean.data(), rstd.data(), gamma.data(), dx.data(), dgamma.data(), dbeta.data(), rows, cols);
    for (std::size_t i = 0; i < rows * cols; ++i) {
      EXPECT_NEAR(dx[i] - dx0[i], numeric(x[i]), 2e-3) << "dx cols=" << cols << " i=" << i;
    }
    for (std::size_t c = 0; c < cols; ++c) {
      EXPECT_NEAR(dgamma[c] - dgamma0[c], numeric(gamma[c]), 2e-3) << "dgamma cols=" << cols << " c=" << c;
      EXPECT_NEAR(dbeta[c] - dbeta0[c], numeric(beta[c]), 2e-3) << "dbeta cols=" << cols << " c=" << c;
    }
  }
}

TEST_P(KernelBehaviour, GeluForwardGivesGpt2TanhApproximation) {
  // Values of 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))) computed in double precision.
  const std::vector<std::pair<float, double>> known = {{0.0f, 0.0},
                                                       {1.0f, 0.8411919906082768},
                                                       {-1.0f, -0.15880800939172324},
                                                       {0.5f, 0.34571400982514394},
                                                       {3.0f, 2.996362607918227},
                                                       {-3.0f, -0.0036373920817729943},
                                                       {10.0f, 10.0},
                                                       {-10.0f, 0.0}};
  // Repeat the points to fill SIMD bodies as well as tails.
  std::vector<float> x;
  for (int copy = 0; copy < 5; ++copy) {
    for (const auto& point : known) x.push_back(point.first);
  }
  std::vector<float> out(x.size());
  isa().gelu_forward(x.data(), out.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_NEAR(out[i], known[i % known.size()].second, 2e-6) << "gelu(" << x[i] << ")";
  }
  isa().gelu_forward(x.data(), x.data(), x.size());  // in place
  EXPECT_EQ(x, out);
}

TEST_P(KernelBehaviour, GeluBackwardMatchesFiniteDifferences) {
  auto x = random_vector(37, 17, -6.0f, 6.0f);
  x[0] = 0.0f;
  x[1] = 1e-3f;
  x[2] = -1e-3f;
  const auto dout = random_vector(x.size(), 170), dx0 = random_vector(x.size(), 171);
  auto dx = dx0;
  isa().gelu_backward(x.data(), dout.data(), dx.data(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float up = x[i] + 1e-2f, down = x[i] - 1e-2f;
    float gelu_up = 0, gelu_down = 0;
    isa().gelu_forward(&up, &gelu_up, 1);
    isa().gelu_forward(&down, &gelu_down, 1);
    const double slope = (static_cast<double>(gelu_up) - gelu_down) / (static_cast<double>(up) - down);
    EXPECT_NEAR(dx[i] - dx0[i], slope * dout[i], 1e-3) << "x=" << x[i];
  }
}

// ---- KernelDispatch ----

TEST(KernelDispatch, EveryTableFillsEveryKernelAndTheScalarReferenceComesFirst) {
  const auto& tables = available_tables();
  ASSERT_FALSE(tables.empty());
  EXPECT_STREQ(tables.front().isa, "scalar");
  for (const KernelTable& table : tables) {
    ASSERT_NE(table.isa, nullptr);
#define EMBEDLAB_KERNEL(name, ret, params, args) EXPECT_NE(table.name, nullptr) << table.isa << " lacks " #name;
#include "core/kernels_list.h"
  }
#if defined(EMBEDLAB_X86_KERNELS)
  ASSERT_GE(tables.size(), 2u);
  EXPECT_STREQ(tables[1].isa, "sse2") << "every x86-64 CPU has SSE2";
#else
  EXPECT_EQ(tables.size(), 1u) << "a portable build has only the scalar reference";
#endif
}

TEST(KernelDispatch, EmbedlabIsaCapsTheInstructionSet) {
  using kernels::detail::select_table;
  const auto& tables = available_tables();
  EXPECT_STREQ(select_table(nullptr).isa, tables.back().isa) << "no cap: the widest";
  EXPECT_STREQ(select_table("scalar").isa, "scalar");
  EXPECT_STREQ(select_table("avx512").isa, tables.back().isa);
  const char* baseline = tables.size() > 1 ? tables[1].isa : "scalar";
  EXPECT_STREQ(select_table("sse2").isa, baseline);
  EXPECT_STREQ(select_table("bogus").isa, baseline) << "an unknown cap falls back to the baseline";
  EXPECT_STREQ(select_table("avx2").isa, find_table("avx2") != nullptr ? "avx2" : baseline);
  // The process chose once, from $EMBEDLAB_ISA.
  EXPECT_STREQ(kernels::active_isa(), select_table(std::getenv("EMBEDLAB_ISA")).isa);
}

// Arguments for expect_forwards: a distinct buffer for each pointer, a distinct size for each
// size, `true` for a flag, a distinct small value for each float.
template <class Param>
Param make_argument(std::vector<float>& buffer, std::size_t index) {
  if constexpr (std::is_pointer_v<Param>) {
    return buffer.data();
  } else if constexpr (std::is_same_v<Param, bool>) {
    return true;
  } else if constexpr (std::is_integral_v<Param>) {
    return static_cast<Param>(3 + 2 * index);
  } else {
    return static_cast<Param>(0.25 + 0.125 * static_cast<double>(index));
  }
}

template <class Ret, class... Params, std::size_t... I>
Ret call_with_made_arguments(Ret (*fn)(Params...), std::vector<std::vector<float>>& buffers, std::index_sequence<I...>) {
  return fn(make_argument<Params>(buffers[I], I)...);
}

// Calls a public kernel and the same kernel of a table with the same made-up arguments, so that
// any slip in how kernels.cc forwards its arguments changes a result.
template <class Ret, class... Params>
void expect_forwards(const char* name, Ret (*public_fn)(Params...), Ret (*table_fn)(Params...)) {
  std::vector<std::vector<float>> for_public(sizeof...(Params)), for_table(sizeof...(Params));
  for (std::size_t i = 0; i < for_public.size(); ++i) for_public[i] = for_table[i] = random_vector(1024, 300 + i, 0.1f, 2.0f);
  const auto order = std::index_sequence_for<Params...>{};
  if constexpr (std::is_void_v<Ret>) {
    call_with_made_arguments(public_fn, for_public, order);
    call_with_made_arguments(table_fn, for_table, order);
  } else {
    EXPECT_EQ(call_with_made_arguments(public_fn, for_public, order), call_with_made_arguments(table_fn, for_table, order)) << name;
  }
  EXPECT_EQ(for_public, for_table) << name;
}

TEST(KernelDispatch, PublicFunctionsForwardToTheActiveTable) {
  const KernelTable& active = kernels::detail::select_table(std::getenv("EMBEDLAB_ISA"));
#define EMBEDLAB_KERNEL(name, ret, params, args) expect_forwards(#name, &kernels::name, active.name);
#include "core/kernels_list.h"
}

}  // namespace
}  // namespace embedlab
