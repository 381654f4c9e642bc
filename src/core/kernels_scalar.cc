// The scalar reference kernels: plain C++ loops written for clarity, not speed. Every build has
// them; the portable build (non-x86 CPUs) runs them, and the tests hold every SIMD table to them.
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/kernels_table.h"

namespace embedlab::kernels::detail {
namespace {

struct Scalar {
  static float dot(const float* a, const float* b, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) sum += a[i] * b[i];
    return sum;
  }

  static void axpy(float alpha, const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
  }

  static void dual_axpy(float alpha, const float* hidden, float* row, float* grad, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      grad[i] += alpha * row[i];
      row[i] += alpha * hidden[i];
    }
  }

  static void scale(float alpha, float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] *= alpha;
  }

  static float normalise(float* x, std::size_t n) {
    const float norm = std::sqrt(dot(x, x, n));
    if (norm > 0.0f) scale(1.0f / norm, x, n);
    return norm;
  }

  static void dot_rows(const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out) {
    for (std::size_t r = 0; r < rows; ++r) out[r] = dot(matrix + r * n, x, n);
  }

  // C (+)= op(A)·op(B) where op(A)(i, p) = a[i * a_row + p * a_col] and op(B)(p, j) = b[p * b_row + j * b_col].
  static void matmul_strided(const float* a, std::size_t a_row, std::size_t a_col, const float* b, std::size_t b_row,
                             std::size_t b_col, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        float sum = 0.0f;
        for (std::size_t p = 0; p < k; ++p) sum += a[i * a_row + p * a_col] * b[p * b_row + j * b_col];
        c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
      }
    }
  }

  // A: m×k, B: k×n.
  static void matmul(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    matmul_strided(a, k, 1, b, n, 1, c, m, n, k, accumulate);
  }
  // A: m×k, B: n×k.
  static void matmul_bt(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    matmul_strided(a, k, 1, b, 1, k, c, m, n, k, accumulate);
  }
  // A: k×m, B: k×n.
  static void matmul_at(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    matmul_strided(a, 1, m, b, n, 1, c, m, n, k, accumulate);
  }

  static void softmax_rows(float* x, std::size_t rows, std::size_t cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* row = x + r * cols;
      float max = -INFINITY;
      for (std::size_t i = 0; i < cols; ++i) max = std::max(max, row[i]);
      float sum = 0.0f;
      for (std::size_t i = 0; i < cols; ++i) {
        row[i] = std::exp(row[i] - max);
        sum += row[i];
      }
      for (std::size_t i = 0; i < cols; ++i) row[i] /= sum;
    }
  }

  static void layernorm_forward(const float* x, const float* gamma, const float* beta, float* out, float* mean,
                                float* rstd, std::size_t rows, std::size_t cols, float eps) {
    const float inv_cols = cols > 0 ? 1.0f / static_cast<float>(cols) : 0.0f;
    for (std::size_t r = 0; r < rows; ++r) {
      const float* in = x + r * cols;
      float sum = 0.0f;
      for (std::size_t i = 0; i < cols; ++i) sum += in[i];
      const float m = sum * inv_cols;
      float squares = 0.0f;
      for (std::size_t i = 0; i < cols; ++i) squares += (in[i] - m) * (in[i] - m);
      const float s = 1.0f / std::sqrt(squares * inv_cols + eps);
      for (std::size_t i = 0; i < cols; ++i) out[r * cols + i] = (in[i] - m) * s * gamma[i] + beta[i];
      mean[r] = m;
      rstd[r] = s;
    }
  }

  static void layernorm_backward(const float* dout, const float* x, const float* mean, const float* rstd,
                                 const float* gamma, float* dx, float* dgamma, float* dbeta, std::size_t rows,
                                 std::size_t cols) {
    const float inv_cols = cols > 0 ? 1.0f / static_cast<float>(cols) : 0.0f;
    for (std::size_t r = 0; r < rows; ++r) {
      const float* d = dout + r * cols;
      const float* in = x + r * cols;
      // With norm = (x - mean) * rstd and g = gamma * dout:
      // dx = rstd * (g - mean(g) - norm * mean(g * norm)).
      float g_mean = 0.0f, g_norm_mean = 0.0f;
      for (std::size_t i = 0; i < cols; ++i) {
        const float norm = (in[i] - mean[r]) * rstd[r];
        g_mean += gamma[i] * d[i];
        g_norm_mean += gamma[i] * d[i] * norm;
      }
      g_mean *= inv_cols;
      g_norm_mean *= inv_cols;
      for (std::size_t i = 0; i < cols; ++i) {
        const float norm = (in[i] - mean[r]) * rstd[r];
        dbeta[i] += d[i];
        dgamma[i] += norm * d[i];
        dx[r * cols + i] += (gamma[i] * d[i] - g_mean - norm * g_norm_mean) * rstd[r];
      }
    }
  }

  static void gelu_forward(const float* x, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = gelu(x[i]);
  }

  static void gelu_backward(const float* x, const float* dout, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] += gelu_derivative(x[i]) * dout[i];
  }
};

}  // namespace

KernelTable scalar_table() { return make_table<Scalar>("scalar"); }

}  // namespace embedlab::kernels::detail
