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

// The four runs of a radix-2² butterfly, as restrict parameters so the loops vectorise: `count`
// butterflies, twiddles per butterfly (rows: arrays indexed like the runs) or shared (columns).
void dif4_runs(float* __restrict r0, float* __restrict r1, float* __restrict r2, float* __restrict r3, float* __restrict i0,
               float* __restrict i1, float* __restrict i2, float* __restrict i3, std::size_t count, float c1, float s1, float c3,
               float s3, float c2, float s2) {
  for (std::size_t k = 0; k < count; ++k) {
    Cx x0{r0[k], i0[k]}, x1{r1[k], i1[k]}, x2{r2[k], i2[k]}, x3{r3[k], i3[k]};
    dif4(x0, x1, x2, x3, c1, s1, c3, s3, c2, s2);
    r0[k] = x0.r, i0[k] = x0.i, r1[k] = x1.r, i1[k] = x1.i, r2[k] = x2.r, i2[k] = x2.i, r3[k] = x3.r, i3[k] = x3.i;
  }
}

void dit4_runs(float* __restrict r0, float* __restrict r1, float* __restrict r2, float* __restrict r3, float* __restrict i0,
               float* __restrict i1, float* __restrict i2, float* __restrict i3, std::size_t count, float c1, float s1, float c2,
               float s2, float c3, float s3) {
  for (std::size_t k = 0; k < count; ++k) {
    Cx x0{r0[k], i0[k]}, x1{r1[k], i1[k]}, x2{r2[k], i2[k]}, x3{r3[k], i3[k]};
    dit4(x0, x1, x2, x3, c1, s1, c2, s2, c3, s3);
    r0[k] = x0.r, i0[k] = x0.i, r1[k] = x1.r, i1[k] = x1.i, r2[k] = x2.r, i2[k] = x2.i, r3[k] = x3.r, i3[k] = x3.i;
  }
}

void dif4_row(float* __restrict r0, float* __restrict r1, float* __restrict r2, float* __restrict r3, float* __restrict i0,
              float* __restrict i1, float* __restrict i2, float* __restrict i3, std::size_t q, const float* c, const float* s) {
  // c, s: the twiddle tables; stage 2q's start at 2q − 1, stage q's at q − 1.
  for (std::size_t j = 0; j < q; ++j) {
    Cx x0{r0[j], i0[j]}, x1{r1[j], i1[j]}, x2{r2[j], i2[j]}, x3{r3[j], i3[j]};
    dif4(x0, x1, x2, x3, c[2 * q - 1 + j], s[2 * q - 1 + j], c[3 * q - 1 + j], s[3 * q - 1 + j], c[q - 1 + j], s[q - 1 + j]);
    r0[j] = x0.r, i0[j] = x0.i, r1[j] = x1.r, i1[j] = x1.i, r2[j] = x2.r, i2[j] = x2.i, r3[j] = x3.r, i3[j] = x3.i;
  }
}

void dit4_row(float* __restrict r0, float* __restrict r1, float* __restrict r2, float* __restrict r3, float* __restrict i0,
              float* __restrict i1, float* __restrict i2, float* __restrict i3, std::size_t q, const float* c, const float* s) {
  for (std::size_t j = 0; j < q; ++j) {
    Cx x0{r0[j], i0[j]}, x1{r1[j], i1[j]}, x2{r2[j], i2[j]}, x3{r3[j], i3[j]};
    dit4(x0, x1, x2, x3, c[q - 1 + j], s[q - 1 + j], c[2 * q - 1 + j], s[2 * q - 1 + j], c[3 * q - 1 + j], s[3 * q - 1 + j]);
    r0[j] = x0.r, i0[j] = x0.i, r1[j] = x1.r, i1[j] = x1.i, r2[j] = x2.r, i2[j] = x2.i, r3[j] = x3.r, i3[j] = x3.i;
  }
}

void forward_two_stages(const Lanes& x, std::size_t length, std::size_t h, const float* c, const float* s) {
  const std::size_t q = h / 2;
  for (std::size_t start = 0; start < length; start += 2 * h) {
    for (std::size_t j = 0; j < q; ++j) {
      const std::size_t a = (start + j) * x.step, d = q * x.step;
      dif4_runs(x.re + a, x.re + a + d, x.re + a + 2 * d, x.re + a + 3 * d, x.im + a, x.im + a + d, x.im + a + 2 * d, x.im + a + 3 * d,
                x.width, c[h - 1 + j], s[h - 1 + j], c[h - 1 + j + q], s[h - 1 + j + q], c[q - 1 + j], s[q - 1 + j]);
    }
  }
}

void inverse_two_stages(const Lanes& x, std::size_t length, std::size_t q, const float* c, const float* s) {
  for (std::size_t start = 0; start < length; start += 4 * q) {
    for (std::size_t j = 0; j < q; ++j) {
      const std::size_t a = (start + j) * x.step, d = q * x.step;
      dit4_runs(x.re + a, x.re + a + d, x.re + a + 2 * d, x.re + a + 3 * d, x.im + a, x.im + a + d, x.im + a + 2 * d, x.im + a + 3 * d,
                x.width, c[q - 1 + j], s[q - 1 + j], c[2 * q - 1 + j], s[2 * q - 1 + j], c[3 * q - 1 + j], s[3 * q - 1 + j]);
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

// The same passes along one contiguous array, the loop over j innermost (contiguous, vectorised):
// radix-2² sweeps while blocks are wide, then the narrow stages (twiddles 1, ±i) written out.
void forward_row_stage(float* re, float* im, std::size_t length, std::size_t h, const float* c, const float* s) {
  for (std::size_t start = 0; start < length; start += 2 * h) {
    float* __restrict ar = re + start;
    float* __restrict ai = im + start;
    float* __restrict br = ar + h;
    float* __restrict bi = ai + h;
    for (std::size_t j = 0; j < h; ++j) {
      const float dr = ar[j] - br[j], di = ai[j] - bi[j];
      ar[j] += br[j];
      ai[j] += bi[j];
      br[j] = dr * c[h - 1 + j] + di * s[h - 1 + j];
      bi[j] = di * c[h - 1 + j] - dr * s[h - 1 + j];
    }
  }
}

void inverse_row_stage(float* re, float* im, std::size_t length, std::size_t h, const float* c, const float* s) {
  for (std::size_t start = 0; start < length; start += 2 * h) {
    float* __restrict ar = re + start;
    float* __restrict ai = im + start;
    float* __restrict br = ar + h;
    float* __restrict bi = ai + h;
    for (std::size_t j = 0; j < h; ++j) {
      const float tr = br[j] * c[h - 1 + j] - bi[j] * s[h - 1 + j], ti = bi[j] * c[h - 1 + j] + br[j] * s[h - 1 + j];
      br[j] = ar[j] - tr;
      bi[j] = ai[j] - ti;
      ar[j] += tr;
      ai[j] += ti;
    }
  }
}

void forward_row(float* re, float* im, std::size_t length, const float* c, const float* s, bool upper_half_zero) {
  if (length < 2) return;
  std::size_t h = length / 2;
  if (upper_half_zero) {  // b = 0: a stays, b becomes a·w
    float* __restrict ar = re;
    float* __restrict ai = im;
    float* __restrict br = re + h;
    float* __restrict bi = im + h;
    for (std::size_t j = 0; j < h; ++j) {
      br[j] = ar[j] * c[h - 1 + j] + ai[j] * s[h - 1 + j];
      bi[j] = ai[j] * c[h - 1 + j] - ar[j] * s[h - 1 + j];
    }
    h /= 2;
  }
  for (; h >= 8; h /= 4) {
    const std::size_t q = h / 2;
    for (std::size_t start = 0; start < length; start += 2 * h) {
      float* r = re + start;
      float* i = im + start;
      dif4_row(r, r + q, r + 2 * q, r + 3 * q, i, i + q, i + 2 * q, i + 3 * q, q, c, s);
    }
  }
  if (h == 4) forward_row_stage(re, im, length, 4, c, s), h = 2;
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
    forward_row_stage(re, im, length, 1, c, s);
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
      float* r = re + start;
      float* i = im + start;
      dit4_row(r, r + h, r + 2 * h, r + 3 * h, i, i + h, i + 2 * h, i + 3 * h, h, c, s);
    }
  }
  if (h < end) inverse_row_stage(re, im, length, h, c, s), h *= 2;
  if (lower_half_only) {  // only a + b·w is wanted
    float* __restrict ar = re;
    float* __restrict ai = im;
    const float* __restrict br = re + h;
    const float* __restrict bi = im + h;
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
