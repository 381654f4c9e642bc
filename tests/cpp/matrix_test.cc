// Matrix: rows are contiguous, row-major and independent; sizes are checked.
#include "core/matrix.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "test_support.h"

namespace embedlab {
namespace {

TEST(Matrix, StartsFilledAndReportsItsShape) {
  const Matrix m(3, 4, 0.5f);
  EXPECT_EQ(m.rows(), 3u);
  EXPECT_EQ(m.cols(), 4u);
  EXPECT_EQ(m.size(), 12u);
  EXPECT_FALSE(m.empty());
  for (float x : m.values()) EXPECT_EQ(x, 0.5f);
  EXPECT_TRUE(Matrix().empty());
  EXPECT_EQ(Matrix(0, 7).size(), 0u);
}

TEST(Matrix, RowsAreContiguousRowMajorAndIndependent) {
  Matrix m(3, 2);
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 2; ++c) m.row(r)[c] = static_cast<float>(10 * r + c);
  }
  EXPECT_EQ(m.values(), (std::vector<float>{0, 1, 10, 11, 20, 21}));
  EXPECT_EQ(m.row(1), m.data() + 2);
  EXPECT_EQ(m.row(2) - m.row(1), 2);
  m.row(1)[1] = -1.0f;  // writing one row leaves its neighbours alone
  EXPECT_EQ(m(0, 1), 1.0f);
  EXPECT_EQ(m(1, 1), -1.0f);
  EXPECT_EQ(m(2, 0), 20.0f);
  const Matrix& view = m;
  EXPECT_EQ(view.row(2)[1], 21.0f);
}

TEST(Matrix, TakesValuesOnlyWhenTheCountMatchesTheShape) {
  const Matrix m(2, 3, std::vector<float>{1, 2, 3, 4, 5, 6});
  EXPECT_EQ(m.row(1)[0], 4.0f);
  EXPECT_TRUE(Contains(error_of([] { Matrix(2, 3, std::vector<float>{1, 2, 3}); }), "needs 6 values, got 3"));
}

TEST(Matrix, RefusesShapesTooLargeToAddress) {
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;
  EXPECT_TRUE(Contains(error_of([&] { Matrix(huge, 3); }), "too large"));
}

TEST(Matrix, ComparesShapeAndValues) {
  Matrix a(2, 2, 1.0f), b(2, 2, 1.0f);
  EXPECT_EQ(a, b);
  b(1, 1) = 2.0f;
  EXPECT_NE(a, b);
  EXPECT_NE(Matrix(1, 4, 1.0f), Matrix(4, 1, 1.0f));
  BasicMatrix<double> d(2, 2, 0.25);
  EXPECT_EQ(d(1, 0), 0.25);
}

}  // namespace
}  // namespace embedlab
