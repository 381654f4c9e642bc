// The SIMD kernels as templates over an xsimd architecture. Included once per instruction set by
// kernels_<isa>.cc, each compiled with that set's flags; nothing else includes this file (except
// kernels.cc in the single-instruction-set WebAssembly build). What each kernel computes is
// documented in kernels_list.h; the plain C++ reference is kernels_scalar.cc.
#pragma once

#include <algorithm>
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

  // ---- matrix multiply ----
  // C (+)= op(A)·op(B) for C: m×n, with op(A)(i, p) = a[i * a_row + p * a_col] (A or Aᵀ) and
  // op(B)(p, j) = b[p * b_row + j * b_col] (B or Bᵀ). Blocking, as in GotoBLAS but smaller:
  //  - k runs in passes of kDepth; rows of op(A) kRowBlock at a time, packed into tiles of
  //    kTileRows rows stored step by step (contiguous whatever A's layout, so Aᵀ costs no strided
  //    loads in the inner loop), a block that stays in L2;
  //  - op(B) is packed kTileCols columns at a time into an aligned, zero-padded panel that stays in
  //    L1 (transposing B on the way);
  //  - a kTileRows × kTileCols tile of C stays in registers over the whole pass: each step of k is
  //    kTileBatches aligned panel loads, kTileRows broadcasts of A and kTileRows·kTileBatches fused
  //    multiply-adds (the inner loop is vectorised over n).
  // Both packing buffers live on the stack: (kRowBlock + kTileCols) · kDepth floats, 64 KB for AVX-512.
  static constexpr std::size_t kTileBatches = 2;
  static constexpr std::size_t kTileCols = kTileBatches * kWidth;
  // Accumulators (kTileRows · kTileBatches) + panel loads + a broadcast must fit the registers:
  // 16 for SSE2 (which also needs a temporary, having no FMA) and AVX2, 32 for AVX-512.
  static constexpr std::size_t kTileRows = kWidth == 4 ? 4 : kWidth == 8 ? 6 : 8;
  static constexpr std::size_t kDepth = 128;
  static constexpr std::size_t kRowBlock = 96;  // a multiple of every tile height

  static void matmul(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    gemm(a, k, 1, b, n, 1, c, m, n, k, accumulate);  // A: m×k, B: k×n
  }
  static void matmul_bt(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    gemm(a, k, 1, b, 1, k, c, m, n, k, accumulate);  // A: m×k, B: n×k
  }
  static void matmul_at(const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    gemm(a, 1, m, b, n, 1, c, m, n, k, accumulate);  // A: k×m, B: k×n
  }

  static void gemm(const float* a, std::size_t a_row, std::size_t a_col, const float* b, std::size_t b_row,
                   std::size_t b_col, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate) {
    if (k == 0) {
      if (!accumulate) std::fill(c, c + m * n, 0.0f);
      return;
    }
    alignas(Arch::alignment()) float a_block[kRowBlock * kDepth];
    alignas(Arch::alignment()) float panel[kDepth * kTileCols];
    for (std::size_t p0 = 0; p0 < k; p0 += kDepth) {
      const std::size_t depth = std::min(kDepth, k - p0);
      const bool add = accumulate || p0 > 0;  // later passes add to what earlier ones wrote
      for (std::size_t i0 = 0; i0 < m; i0 += kRowBlock) {
        const std::size_t rows = std::min(kRowBlock, m - i0);
        pack_rows(a + i0 * a_row + p0 * a_col, a_row, a_col, rows, depth, a_block);
        for (std::size_t j0 = 0; j0 < n; j0 += kTileCols) {
          const std::size_t width = std::min(kTileCols, n - j0);
          pack_panel(b + p0 * b_row + j0 * b_col, b_row, b_col, depth, width, panel);
          for (std::size_t i = 0; i < rows; i += kTileRows) {
            tile(a_block + i * depth, panel, depth, c + (i0 + i) * n + j0, n, std::min(kTileRows, rows - i), width, add);
          }
        }
      }
    }
  }

  // block[t][p][r] = op(A)(t·kTileRows + r, p) for the `rows` rows, tile by tile; rows past the
  // last are zero, so every tile computes kTileRows rows.
  static void pack_rows(const float* a, std::size_t a_row, std::size_t a_col, std::size_t rows, std::size_t depth,
                        float* block) {
    for (std::size_t i0 = 0; i0 < rows; i0 += kTileRows) {
      float* tile_block = block + i0 * depth;
      for (std::size_t p = 0; p < depth; ++p) {
        for (std::size_t r = 0; r < kTileRows; ++r) {
          tile_block[p * kTileRows + r] = i0 + r < rows ? a[(i0 + r) * a_row + p * a_col] : 0.0f;
        }
      }
    }
  }

  // panel[p][j] = op(B)(p, j) for p < depth, j < width; columns width..kTileCols are zero.
  static void pack_panel(const float* b, std::size_t b_row, std::size_t b_col, std::size_t depth, std::size_t width,
                         float* panel) {
    if (width < kTileCols) std::fill(panel, panel + depth * kTileCols, 0.0f);
    if (b_col == 1) {
      for (std::size_t p = 0; p < depth; ++p) std::copy(b + p * b_row, b + p * b_row + width, panel + p * kTileCols);
    } else {
      for (std::size_t j = 0; j < width; ++j) {  // B is transposed: read its rows in order
        for (std::size_t p = 0; p < depth; ++p) panel[p * kTileCols + j] = b[p * b_row + j * b_col];
      }
    }
  }

  // The first `rows` × `width` of C (leading dimension ldc) (+)= a packed tile of A · the panel.
  static void tile(const float* a_tile, const float* panel, std::size_t depth, float* c, std::size_t ldc,
                   std::size_t rows, std::size_t width, bool add) {
    Batch acc[kTileRows][kTileBatches];
    for (auto& row : acc) {
      for (auto& v : row) v = Batch(0.0f);
    }
    for (std::size_t p = 0; p < depth; ++p) {
      Batch col[kTileBatches];
      for (std::size_t t = 0; t < kTileBatches; ++t) col[t] = Batch::load_aligned(panel + p * kTileCols + t * kWidth);
      for (std::size_t r = 0; r < kTileRows; ++r) {
        const Batch ar(a_tile[p * kTileRows + r]);
        for (std::size_t t = 0; t < kTileBatches; ++t) acc[r][t] = xsimd::fma(ar, col[t], acc[r][t]);
      }
    }
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t t = 0; t < kTileBatches && t * kWidth < width; ++t) {
        store_lanes(acc[r][t], c + r * ldc + t * kWidth, std::min(kWidth, width - t * kWidth), add);
      }
    }
  }

  // Writes, or adds to, the first `count` (≤ kWidth) floats at c.
  static void store_lanes(const Batch& v, float* c, std::size_t count, bool add) {
    if (count == kWidth) {
      (add ? v + Batch::load_unaligned(c) : v).store_unaligned(c);
      return;
    }
    alignas(Arch::alignment()) float lanes[kWidth];
    v.store_aligned(lanes);
    for (std::size_t t = 0; t < count; ++t) c[t] = add ? c[t] + lanes[t] : lanes[t];
  }

  // ---- softmax ----

  static float max_of(const float* x, std::size_t n) {
    float best = -INFINITY;
    std::size_t i = 0;
    if (n >= kWidth) {
      Batch m = Batch::load_unaligned(x);
      for (i = kWidth; i + kWidth <= n; i += kWidth) m = xsimd::max(m, Batch::load_unaligned(x + i));
      alignas(Arch::alignment()) float lanes[kWidth];
      m.store_aligned(lanes);
      best = *std::max_element(lanes, lanes + kWidth);
    }
    for (; i < n; ++i) best = std::max(best, x[i]);
    return best;
  }

  static void softmax_rows(float* x, std::size_t rows, std::size_t cols) {
    for (std::size_t r = 0; r < rows; ++r) {
      float* row = x + r * cols;
      const float max = max_of(row, cols);
      const Batch shift(max);
      Batch sums(0.0f);
      std::size_t i = 0;
      for (; i + kWidth <= cols; i += kWidth) {
        const Batch e = xsimd::exp(Batch::load_unaligned(row + i) - shift);
        e.store_unaligned(row + i);
        sums += e;
      }
      float sum = xsimd::hadd(sums);
      for (; i < cols; ++i) {
        row[i] = std::exp(row[i] - max);
        sum += row[i];
      }
      scale(1.0f / sum, row, cols);
    }
  }

  // ---- layer norm ----

  static float sum_of(const float* x, std::size_t n) {
    Batch acc(0.0f);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) acc += Batch::load_unaligned(x + i);
    float sum = xsimd::hadd(acc);
    for (; i < n; ++i) sum += x[i];
    return sum;
  }

  static void layernorm_forward(const float* x, const float* gamma, const float* beta, float* out, float* mean,
                                float* rstd, std::size_t rows, std::size_t cols, float eps) {
    const float inv_cols = cols > 0 ? 1.0f / static_cast<float>(cols) : 0.0f;
    for (std::size_t r = 0; r < rows; ++r) {
      const float* in = x + r * cols;
      float* o = out + r * cols;
      const float m = sum_of(in, cols) * inv_cols;
      const Batch mb(m);
      Batch sq(0.0f);
      std::size_t i = 0;
      for (; i + kWidth <= cols; i += kWidth) {
        const Batch d = Batch::load_unaligned(in + i) - mb;
        sq = xsimd::fma(d, d, sq);
      }
      float squares = xsimd::hadd(sq);
      for (; i < cols; ++i) squares += (in[i] - m) * (in[i] - m);
      const float s = 1.0f / std::sqrt(squares * inv_cols + eps);
      const Batch sb(s);
      for (i = 0; i + kWidth <= cols; i += kWidth) {
        const Batch norm = (Batch::load_unaligned(in + i) - mb) * sb;
        xsimd::fma(norm, Batch::load_unaligned(gamma + i), Batch::load_unaligned(beta + i)).store_unaligned(o + i);
      }
      for (; i < cols; ++i) o[i] = (in[i] - m) * s * gamma[i] + beta[i];
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
      float* dxr = dx + r * cols;
      const float m = mean[r], s = rstd[r];
      const Batch mb(m), sb(s);
      // With norm = (x - mean) * rstd and g = gamma * dout: dx = rstd * (g - mean(g) - norm * mean(g * norm)).
      Batch g_acc(0.0f), g_norm_acc(0.0f);
      std::size_t i = 0;
      for (; i + kWidth <= cols; i += kWidth) {
        const Batch norm = (Batch::load_unaligned(in + i) - mb) * sb;
        const Batch g = Batch::load_unaligned(gamma + i) * Batch::load_unaligned(d + i);
        g_acc += g;
        g_norm_acc = xsimd::fma(g, norm, g_norm_acc);
      }
      float g_mean = xsimd::hadd(g_acc), g_norm_mean = xsimd::hadd(g_norm_acc);
      for (; i < cols; ++i) {
        g_mean += gamma[i] * d[i];
        g_norm_mean += gamma[i] * d[i] * (in[i] - m) * s;
      }
      g_mean *= inv_cols;
      g_norm_mean *= inv_cols;
      const Batch g_mean_b(g_mean), g_norm_mean_b(g_norm_mean);
      for (i = 0; i + kWidth <= cols; i += kWidth) {
        const Batch norm = (Batch::load_unaligned(in + i) - mb) * sb;
        const Batch dv = Batch::load_unaligned(d + i);
        (Batch::load_unaligned(dbeta + i) + dv).store_unaligned(dbeta + i);
        xsimd::fma(norm, dv, Batch::load_unaligned(dgamma + i)).store_unaligned(dgamma + i);
        const Batch g = xsimd::fnma(norm, g_norm_mean_b, Batch::load_unaligned(gamma + i) * dv - g_mean_b);
        xsimd::fma(g, sb, Batch::load_unaligned(dxr + i)).store_unaligned(dxr + i);
      }
      for (; i < cols; ++i) {
        const float norm = (in[i] - m) * s;
        dbeta[i] += d[i];
        dgamma[i] += norm * d[i];
        dxr[i] += (gamma[i] * d[i] - g_mean - norm * g_norm_mean) * s;
      }
    }
  }

  // ---- GELU (tanh approximation, as GPT-2) ----

  static Batch gelu_tanh(const Batch& v) {
    // tanh(sqrt(2/π) · (v + 0.044715 · v³))
    return xsimd::tanh(Batch(kGeluScale) * xsimd::fma(Batch(kGeluCubic) * v, v * v, v));
  }

  static void gelu_forward(const float* x, float* out, std::size_t n) {
    const Batch half(0.5f), one(1.0f);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) {
      const Batch v = Batch::load_unaligned(x + i);
      (half * v * (one + gelu_tanh(v))).store_unaligned(out + i);
    }
    for (; i < n; ++i) out[i] = gelu(x[i]);
  }

  static void gelu_backward(const float* x, const float* dout, float* dx, std::size_t n) {
    const Batch half(0.5f), one(1.0f), slope(kGeluScale), cubic3(3.0f * kGeluCubic);
    std::size_t i = 0;
    for (; i + kWidth <= n; i += kWidth) {
      const Batch v = Batch::load_unaligned(x + i);
      const Batch t = gelu_tanh(v);
      // gelu_derivative: 0.5·(1 + t) + 0.5·v·(1 - t²)·sqrt(2/π)·(1 + 3·0.044715·v²)
      const Batch local = xsimd::fma(half * v * xsimd::fnma(t, t, one), slope * xsimd::fma(cubic3, v * v, one), half * (one + t));
      xsimd::fma(local, Batch::load_unaligned(dout + i), Batch::load_unaligned(dx + i)).store_unaligned(dx + i);
    }
    for (; i < n; ++i) dx[i] += gelu_derivative(x[i]) * dout[i];
  }

  static KernelTable table(const char* isa) { return make_table<Kernels>(isa); }
};

}  // namespace embedlab::kernels::detail
