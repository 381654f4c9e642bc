#include "core/fft.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "core/error.h"

namespace embedlab {

namespace {

// Columns transformed together by the *_columns passes: a block of length() rows × kBlock columns
// stays in cache through all the stages.
constexpr std::size_t kBlock = 32;

// Radix-2 passes down columns: element j of the transform is the run of `width` floats at row j
// (`step` floats apart); every butterfly runs along the run. The forward pass is decimation in
// frequency, the inverse decimation in time.
struct Lanes {
  float* re;
  float* im;
  std::size_t step, width;
};

// Pointers to the run of row `row` of a Lanes.
struct Run {
  float* re;
  float* im;
};
inline Run run(const Lanes& x, std::size_t row) { return {x.re + row * x.step, x.im + row * x.step}; }

// A complex number for the butterflies below (the compiler keeps it in registers).
struct Cx {
  float r, i;
};
inline Cx operator+(Cx a, Cx b) { return {a.r + b.r, a.i + b.i}; }
inline Cx operator-(Cx a, Cx b) { return {a.r - b.r, a.i - b.i}; }
inline Cx times(Cx a, float c, float s) { return {a.r * c - a.i * s, a.i * c + a.r * s}; }          // a · (c + is)
inline Cx times_conj(Cx a, float c, float s) { return {a.r * c + a.i * s, a.i * c - a.r * s}; }     // a · (c − is)

// Two decimation-in-frequency stages (half-widths 2q, then q) on elements x0..x3 = j, j + q,
// j + 2q, j + 3q of a block: radix 2², every element read and written once where two radix-2
// stages would do it twice. (c1, s1), (c3, s3): stage 2q's twiddles of pairs (0, 2) and (1, 3);
// (c2, s2): stage q's.
inline void dif4(Cx& x0, Cx& x1, Cx& x2, Cx& x3, float c1, float s1, float c3, float s3, float c2, float s2) {
  const Cx y0 = x0 + x2, y2 = times_conj(x0 - x2, c1, s1), y1 = x1 + x3, y3 = times_conj(x1 - x3, c3, s3);
  x0 = y0 + y1, x1 = times_conj(y0 - y1, c2, s2), x2 = y2 + y3, x3 = times_conj(y2 - y3, c2, s2);
}

// Two decimation-in-time stages (half-widths q, then 2q): (c1, s1) stage q's twiddle, (c2, s2) and
// (c3, s3) stage 2q's for pairs (0, 2) and (1, 3).
inline void dit4(Cx& x0, Cx& x1, Cx& x2, Cx& x3, float c1, float s1, float c2, float s2, float c3, float s3) {
  const Cx t1 = times(x1, c1, s1), t3 = times(x3, c1, s1);
  const Cx y0 = x0 + t1, y1 = x0 - t1, u2 = times(x2 + t3, c2, s2), u3 = times(x2 - t3, c3, s3);
  x0 = y0 + u2, x2 = y0 - u2, x1 = y1 + u3, x3 = y1 - u3;
}

// Applies op(k, x0, x1, x2, x3) to the k-th elements of four runs, k < count: the runs are restrict
// parameters so the loop vectorises (op: a radix-2² butterfly with its twiddles for k).
template <class Op>
void sweep4(float* __restrict r0, float* __restrict r1, float* __restrict r2, float* __restrict r3, float* __restrict i0,
            float* __restrict i1, float* __restrict i2, float* __restrict i3, std::size_t count, Op op) {
  for (std::size_t k = 0; k < count; ++k) {
    Cx x0{r0[k], i0[k]}, x1{r1[k], i1[k]}, x2{r2[k], i2[k]}, x3{r3[k], i3[k]};
    op(k, x0, x1, x2, x3);
    r0[k] = x0.r, i0[k] = x0.i, r1[k] = x1.r, i1[k] = x1.i, r2[k] = x2.r, i2[k] = x2.i, r3[k] = x3.r, i3[k] = x3.i;
  }
}

// sweep4 over the runs a, a + d, a + 2d, a + 3d of a split complex array.
template <class Op>
void sweep4_at(float* re, float* im, std::size_t a, std::size_t d, std::size_t count, Op op) {
  sweep4(re + a, re + a + d, re + a + 2 * d, re + a + 3 * d, im + a, im + a + d, im + a + 2 * d, im + a + 3 * d, count, op);
}

void forward_two_stages(const Lanes& x, std::size_t length, std::size_t h, const float* c, const float* s) {
  const std::size_t q = h / 2;
  for (std::size_t start = 0; start < length; start += 2 * h) {
    for (std::size_t j = 0; j < q; ++j) {
      const float c1 = c[h - 1 + j], s1 = s[h - 1 + j], c3 = c[h - 1 + j + q], s3 = s[h - 1 + j + q], c2 = c[q - 1 + j], s2 = s[q - 1 + j];
      sweep4_at(x.re, x.im, (start + j) * x.step, q * x.step, x.width,
                [=](std::size_t, Cx& x0, Cx& x1, Cx& x2, Cx& x3) { dif4(x0, x1, x2, x3, c1, s1, c3, s3, c2, s2); });
    }
  }
}

void inverse_two_stages(const Lanes& x, std::size_t length, std::size_t q, const float* c, const float* s) {
  for (std::size_t start = 0; start < length; start += 4 * q) {
    for (std::size_t j = 0; j < q; ++j) {
      const float c1 = c[q - 1 + j], s1 = s[q - 1 + j], c2 = c[2 * q - 1 + j], s2 = s[2 * q - 1 + j], c3 = c[3 * q - 1 + j], s3 = s[3 * q - 1 + j];
      sweep4_at(x.re, x.im, (start + j) * x.step, q * x.step, x.width,
                [=](std::size_t, Cx& x0, Cx& x1, Cx& x2, Cx& x3) { dit4(x0, x1, x2, x3, c1, s1, c2, s2, c3, s3); });
    }
  }
}

void forward_pass(const Lanes& x, std::size_t length, const float* cos_table, const float* sin_table, bool upper_half_zero) {
  std::size_t h = length / 2;
  if (upper_half_zero && h >= 1) {  // b = 0: a stays, b becomes a·w
    for (std::size_t j = 0; j < h; ++j) {
      const Run a = run(x, j), b = run(x, j + h);
      const float cj = cos_table[h - 1 + j], sj = sin_table[h - 1 + j];
      for (std::size_t k = 0; k < x.width; ++k) {
        b.re[k] = a.re[k] * cj + a.im[k] * sj;
        b.im[k] = a.im[k] * cj - a.re[k] * sj;
      }
    }
    h /= 2;
  }
  for (; h >= 2; h /= 4) forward_two_stages(x, length, h, cos_table, sin_table);
  if (h == 1) {  // a last radix-2 stage, w = 1
    for (std::size_t start = 0; start < length; start += 2) {
      const Run a = run(x, start), b = run(x, start + 1);
      for (std::size_t k = 0; k < x.width; ++k) {
        const float dr = a.re[k] - b.re[k], di = a.im[k] - b.im[k];
        a.re[k] += b.re[k];
        a.im[k] += b.im[k];
        b.re[k] = dr;
        b.im[k] = di;
      }
    }
  }
}

void inverse_pass(const Lanes& x, std::size_t length, const float* cos_table, const float* sin_table, bool lower_half_only) {
  const bool pruned = lower_half_only && length >= 2;
  const std::size_t end = pruned ? length / 2 : length;  // stages h < end in pairs, then the pruned one
  std::size_t stages = 0;
  for (std::size_t h = 1; h < end; h *= 2) ++stages;
  std::size_t h = 1;
  if (stages % 2 == 1) {  // a first radix-2 stage, w = 1
    for (std::size_t start = 0; start < length; start += 2) {
      const Run a = run(x, start), b = run(x, start + 1);
      for (std::size_t k = 0; k < x.width; ++k) {
        const float tr = b.re[k], ti = b.im[k];
        b.re[k] = a.re[k] - tr;
        b.im[k] = a.im[k] - ti;
        a.re[k] += tr;
        a.im[k] += ti;
      }
    }
    h = 2;
  }
  for (; h < end; h *= 4) inverse_two_stages(x, length, h, cos_table, sin_table);
  if (pruned) {  // only a + b·w is wanted
    const std::size_t half = length / 2;
    for (std::size_t j = 0; j < half; ++j) {
      const Run a = run(x, j), b = run(x, j + half);
      const float cj = cos_table[half - 1 + j], sj = sin_table[half - 1 + j];
      for (std::size_t k = 0; k < x.width; ++k) {
        a.re[k] += b.re[k] * cj - b.im[k] * sj;
        a.im[k] += b.im[k] * cj + b.re[k] * sj;
      }
    }
  }
}

// Clang 14 (Emscripten 3.1.6) with -msimd128 vectorises the loop over blocks of a row stage once
// the stage width is a known 4 and the inner loop is unrolled, and gets it wrong: a 512-point FFT
// came out wrong in wasm only (found by bisecting the loops). The inner loops still vectorise.
#if defined(__clang__)
#define EMBEDLAB_NO_OUTER_VECTORIZE _Pragma("clang loop vectorize(disable)")
#else
#define EMBEDLAB_NO_OUTER_VECTORIZE
#endif

// The same passes along one contiguous array, the loop over j innermost (contiguous, vectorised):
// radix-2² sweeps while blocks are wide, then the narrow stages (twiddles 1, ±i) written out.
// One radix-2 stage of half-width h along a row: decimation in frequency (a, b ← a + b, (a − b)·w̄)
// or in time (a, b ← a + b·w, a − b·w), w = e^{2πi j / 2h}.
template <bool kForward>
void row_stage(float* re, float* im, std::size_t length, std::size_t h, const float* c, const float* s) {
  EMBEDLAB_NO_OUTER_VECTORIZE
  for (std::size_t start = 0; start < length; start += 2 * h) {
    float* ar = re + start;
    float* ai = im + start;
    float* br = ar + h;
    float* bi = ai + h;
    for (std::size_t j = 0; j < h; ++j) {
      const Cx a{ar[j], ai[j]}, b{br[j], bi[j]};
      const Cx t = kForward ? b : times(b, c[h - 1 + j], s[h - 1 + j]);
      const Cx high = kForward ? times_conj(a - t, c[h - 1 + j], s[h - 1 + j]) : a - t;
      ar[j] = a.r + t.r, ai[j] = a.i + t.i, br[j] = high.r, bi[j] = high.i;
    }
  }
}

void forward_row(float* re, float* im, std::size_t length, const float* c, const float* s, bool upper_half_zero) {
  if (length < 2) return;
  std::size_t h = length / 2;
  if (upper_half_zero) {  // b = 0: a stays, b becomes a·w
    float* ar = re;
    float* ai = im;
    float* br = re + h;
    float* bi = im + h;
    for (std::size_t j = 0; j < h; ++j) {
      br[j] = ar[j] * c[h - 1 + j] + ai[j] * s[h - 1 + j];
      bi[j] = ai[j] * c[h - 1 + j] - ar[j] * s[h - 1 + j];
    }
    h /= 2;
  }
  for (; h >= 8; h /= 4) {
    const std::size_t q = h / 2;
    for (std::size_t start = 0; start < length; start += 2 * h) {
      // Stage h's twiddles start at h − 1 in the tables, stage q's at q − 1.
      sweep4_at(re, im, start, q, q, [=](std::size_t j, Cx& x0, Cx& x1, Cx& x2, Cx& x3) {
        dif4(x0, x1, x2, x3, c[h - 1 + j], s[h - 1 + j], c[h - 1 + j + q], s[h - 1 + j + q], c[q - 1 + j], s[q - 1 + j]);
      });
    }
  }
  if (h == 4) row_stage<true>(re, im, length, 4, c, s), h = 2;
  if (h == 2) {
    for (std::size_t start = 0; start < length; start += 4) {
      float* r = re + start;
      float* i = im + start;
      // h = 2: (x0, x2) and (x1, x3)·(−i); then h = 1 on each pair.
      const float a0r = r[0] + r[2], a0i = i[0] + i[2], a2r = r[0] - r[2], a2i = i[0] - i[2];
      const float a1r = r[1] + r[3], a1i = i[1] + i[3], a3r = i[1] - i[3], a3i = r[3] - r[1];
      r[0] = a0r + a1r, i[0] = a0i + a1i, r[1] = a0r - a1r, i[1] = a0i - a1i;
      r[2] = a2r + a3r, i[2] = a2i + a3i, r[3] = a2r - a3r, i[3] = a2i - a3i;
    }
  } else if (h == 1) {
    row_stage<true>(re, im, length, 1, c, s);
  }
}

void inverse_row(float* re, float* im, std::size_t length, const float* c, const float* s, bool lower_half_only) {
  if (length < 2) return;
  const std::size_t end = lower_half_only ? length / 2 : length;  // stages h < end in full, then the pruned one
  std::size_t h = 1;
  if (end >= 4) {
    // h = 1, then h = 2 with twiddles 1 and +i, in one pass.
    for (std::size_t start = 0; start < length; start += 4) {
      float* r = re + start;
      float* i = im + start;
      const float b0r = r[0] + r[1], b0i = i[0] + i[1], b1r = r[0] - r[1], b1i = i[0] - i[1];
      const float b2r = r[2] + r[3], b2i = i[2] + i[3], b3r = r[2] - r[3], b3i = i[2] - i[3];
      const float tr = -b3i, ti = b3r;  // b3 · i
      r[0] = b0r + b2r, i[0] = b0i + b2i, r[2] = b0r - b2r, i[2] = b0i - b2i;
      r[1] = b1r + tr, i[1] = b1i + ti, r[3] = b1r - tr, i[3] = b1i - ti;
    }
    h = 4;
  }
  for (; 2 * h < end; h *= 4) {
    for (std::size_t start = 0; start < length; start += 4 * h) {
      sweep4_at(re, im, start, h, h, [=](std::size_t j, Cx& x0, Cx& x1, Cx& x2, Cx& x3) {
        dit4(x0, x1, x2, x3, c[h - 1 + j], s[h - 1 + j], c[2 * h - 1 + j], s[2 * h - 1 + j], c[3 * h - 1 + j], s[3 * h - 1 + j]);
      });
    }
  }
  if (h < end) row_stage<false>(re, im, length, h, c, s), h *= 2;
  if (lower_half_only) {  // only a + b·w is wanted
    float* ar = re;
    float* ai = im;
    const float* br = re + h;
    const float* bi = im + h;
    for (std::size_t j = 0; j < h; ++j) {
      ar[j] += br[j] * c[h - 1 + j] - bi[j] * s[h - 1 + j];
      ai[j] += bi[j] * c[h - 1 + j] + br[j] * s[h - 1 + j];
    }
  }
}

}  // namespace

Fft::Fft(std::size_t length) : length_(length) {
  if (length == 0 || (length & (length - 1)) != 0) {
    throw Error("an FFT length must be a power of two, got " + std::to_string(length));
  }
  cos_.resize(length > 1 ? length - 1 : 0);
  sin_.resize(cos_.size());
  const double pi = std::acos(-1.0);
  for (std::size_t h = 1; h < length; h *= 2) {
    for (std::size_t j = 0; j < h; ++j) {
      const double angle = pi * static_cast<double>(j) / static_cast<double>(h);
      cos_[h - 1 + j] = static_cast<float>(std::cos(angle));
      sin_[h - 1 + j] = static_cast<float>(std::sin(angle));
    }
  }
  reverse_.resize(length);
  std::size_t bits = 0;
  while ((std::size_t{1} << bits) < length) ++bits;
  for (std::size_t k = 0; k < length; ++k) {
    std::size_t r = 0;
    for (std::size_t b = 0; b < bits; ++b) r |= ((k >> b) & 1u) << (bits - 1 - b);
    reverse_[k] = static_cast<std::uint32_t>(r);
  }
}

void Fft::forward(float* re, float* im, bool upper_half_zero) const {
  forward_row(re, im, length_, cos_.data(), sin_.data(), upper_half_zero);
}

void Fft::inverse(float* re, float* im, bool lower_half_only) const {
  inverse_row(re, im, length_, cos_.data(), sin_.data(), lower_half_only);
}

void Fft::forward_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end, bool upper_half_zero) const {
  for (std::size_t c = begin; c < end; c += kBlock) {
    forward_pass({re + c, im + c, stride, std::min(kBlock, end - c)}, length_, cos_.data(), sin_.data(), upper_half_zero);
  }
}

void Fft::inverse_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end, bool lower_half_only) const {
  for (std::size_t c = begin; c < end; c += kBlock) {
    inverse_pass({re + c, im + c, stride, std::min(kBlock, end - c)}, length_, cos_.data(), sin_.data(), lower_half_only);
  }
}

void Fft::filter_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end, const float* gain) const {
  for (std::size_t c = begin; c < end; c += kBlock) {
    const Lanes block{re + c, im + c, stride, std::min(kBlock, end - c)};
    forward_pass(block, length_, cos_.data(), sin_.data(), true);
    for (std::size_t r = 0; r < length_; ++r) {
      const float* g = gain + r * stride + c;
      float* x = block.re + r * stride;
      float* y = block.im + r * stride;
      for (std::size_t k = 0; k < block.width; ++k) x[k] *= g[k], y[k] *= g[k];
    }
    inverse_pass(block, length_, cos_.data(), sin_.data(), true);
  }
}

void Fft::natural_forward(float* re, float* im) const {
  forward(re, im);
  for (std::size_t k = 0; k < length_; ++k) {
    const std::size_t r = reverse_[k];
    if (k < r) std::swap(re[k], re[r]), std::swap(im[k], im[r]);
  }
}

}  // namespace embedlab
