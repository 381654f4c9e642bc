// The SIMD kernels as templates over an xsimd architecture. Included once per instruction set by
// kernels_<isa>.cc, each compiled with that set's flags; nothing else includes this file.
#pragma once

#include <cmath>
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "core/kernels_table.h"

namespace embedlab::kernels::detail {

template <class Arch>
struct Kernels {
  using Batch = xsimd::batch<float, Arch>;
  static constexpr std::size_t kWidth = Batch::size;

  static float dot(const float* a, const float* b, std::size_t n) {
    Batch acc0(0.0f), acc1(0.0f);
    std::size_t i = 0;
    for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
      acc0 = xsimd::fma(Batch::load_unaligned(a + i), Batch::load_unaligned(b + i), acc0);
      acc1 = xsimd::fma(Batch::load_unaligned(a + i + kWidth), Batch::load_unaligned(b + i + kWidth), acc1);
    }
    for (; i + kWidth <= n; i += kWidth) {
      acc0 = xsimd::fma(Batch::load_unaligned(a + i), Batch::load_unaligned(b + i), acc0);
    }
    float sum = xsimd::hadd(acc0 + acc1);
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
  }

  static void axpy(float alpha, const float* x, float* y, std::size_t n) {
    const Batch a(alpha);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) {
      xsimd::fma(a, Batch::load_unaligned(x + i), Batch::load_unaligned(y + i)).store_unaligned(y + i);
    }
    for (; i < n; ++i) y[i] += alpha * x[i];
  }

  static void dual_axpy(float alpha, const float* hidden, float* row, float* grad, std::size_t n) {
    const Batch a(alpha);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) {
      const Batch r = Batch::load_unaligned(row + i);
      xsimd::fma(a, r, Batch::load_unaligned(grad + i)).store_unaligned(grad + i);
      xsimd::fma(a, Batch::load_unaligned(hidden + i), r).store_unaligned(row + i);
    }
    for (; i < n; ++i) {
      const float r = row[i];
      grad[i] += alpha * r;
      row[i] = r + alpha * hidden[i];
    }
  }

  static void scale(float alpha, float* x, std::size_t n) {
    const Batch a(alpha);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) (a * Batch::load_unaligned(x + i)).store_unaligned(x + i);
    for (; i < n; ++i) x[i] *= alpha;
  }

  static float normalise(float* x, std::size_t n) {
    const float norm = std::sqrt(dot(x, x, n));
    if (norm > 0.0f) scale(1.0f / norm, x, n);
    return norm;
  }

  static void dot_rows(const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out) {
    // Four rows at a time share each load of x.
    std::size_t r = 0;
    for (; r + 4 <= rows; r += 4) {
      const float* m0 = matrix + r * n;
      const float* m1 = m0 + n;
      const float* m2 = m1 + n;
      const float* m3 = m2 + n;
      Batch s0(0.0f), s1(0.0f), s2(0.0f), s3(0.0f);
      std::size_t i = 0;
      for (; i + kWidth <= n; i += kWidth) {
        const Batch v = Batch::load_unaligned(x + i);
        s0 = xsimd::fma(Batch::load_unaligned(m0 + i), v, s0);
        s1 = xsimd::fma(Batch::load_unaligned(m1 + i), v, s1);
        s2 = xsimd::fma(Batch::load_unaligned(m2 + i), v, s2);
        s3 = xsimd::fma(Batch::load_unaligned(m3 + i), v, s3);
      }
      float t0 = xsimd::hadd(s0), t1 = xsimd::hadd(s1), t2 = xsimd::hadd(s2), t3 = xsimd::hadd(s3);
      for (; i < n; ++i) {
        t0 += m0[i] * x[i];
        t1 += m1[i] * x[i];
        t2 += m2[i] * x[i];
        t3 += m3[i] * x[i];
      }
      out[r] = t0;
      out[r + 1] = t1;
      out[r + 2] = t2;
      out[r + 3] = t3;
    }
    for (; r < rows; ++r) out[r] = dot(matrix + r * n, x, n);
  }

  static KernelTable table(const char* name) {
    return KernelTable{&dot, &axpy, &dual_axpy, &scale, &normalise, &dot_rows, name};
  }
};

}  // namespace embedlab::kernels::detail
