// A dense matrix: rows x cols numbers stored row-major in one allocation. Code outside this
// header never computes where a row starts; it asks for row(i).
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace embedlab {

template <class T>
class BasicMatrix {
 public:
  BasicMatrix() = default;
  // rows x cols copies of `value`. Throws Error when rows * cols does not fit in memory's index type.
  BasicMatrix(std::size_t rows, std::size_t cols, T value = T{}) : rows_(rows), cols_(cols) {
    check_size(rows, cols);
    values_.assign(rows * cols, value);
  }
  // Takes `values` (row-major, rows * cols of them); throws Error when the count differs.
  BasicMatrix(std::size_t rows, std::size_t cols, std::vector<T> values)
      : rows_(rows), cols_(cols), values_(std::move(values)) {
    check_size(rows, cols);
    if (values_.size() != rows * cols) {
      throw Error("a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix needs " +
                  std::to_string(rows * cols) + " values, got " + std::to_string(values_.size()));
    }
  }

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  // rows * cols.
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  T* row(std::size_t r) { return values_.data() + r * cols_; }
  const T* row(std::size_t r) const { return values_.data() + r * cols_; }
  T& operator()(std::size_t r, std::size_t c) { return row(r)[c]; }
  const T& operator()(std::size_t r, std::size_t c) const { return row(r)[c]; }

  // All values, row after row (for whole-matrix passes: initialisation, checks, copies).
  T* data() { return values_.data(); }
  const T* data() const { return values_.data(); }
  const std::vector<T>& values() const { return values_; }

  bool operator==(const BasicMatrix& other) const {
    return rows_ == other.rows_ && cols_ == other.cols_ && values_ == other.values_;
  }
  bool operator!=(const BasicMatrix& other) const { return !(*this == other); }

 private:
  static void check_size(std::size_t rows, std::size_t cols) {
    if (cols != 0 && rows > std::numeric_limits<std::size_t>::max() / sizeof(T) / cols) {
      throw Error("a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix is too large to address");
    }
  }

  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<T> values_;
};

// The matrices of a model (word vectors, output weights, later attention weights) are float.
using Matrix = BasicMatrix<float>;

}  // namespace embedlab
