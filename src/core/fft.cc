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

void forward_pass(const Lanes& x, std::size_t length, const float* cos_table, const float* sin_table, bool upper_half_zero) {
  for (std::size_t h = length / 2; h >= 1; h /= 2) {
    const float* c = cos_table + (h - 1);
    const float* s = sin_table + (h - 1);
    const bool pruned = upper_half_zero && h == length / 2;
    for (std::size_t start = 0; start < length; start += 2 * h) {
      for (std::size_t j = 0; j < h; ++j) {
        float* ar = x.re + (start + j) * x.step;
        float* ai = x.im + (start + j) * x.step;
        float* br = x.re + (start + j + h) * x.step;
        float* bi = x.im + (start + j + h) * x.step;
        const float cj = c[j], sj = s[j];
        if (pruned) {  // b = 0: a stays, b becomes a·w
          for (std::size_t k = 0; k < x.width; ++k) {
            br[k] = ar[k] * cj + ai[k] * sj;
            bi[k] = ai[k] * cj - ar[k] * sj;
          }
        } else if (h == 1) {  // w = 1
          for (std::size_t k = 0; k < x.width; ++k) {
            const float dr = ar[k] - br[k], di = ai[k] - bi[k];
            ar[k] += br[k];
            ai[k] += bi[k];
            br[k] = dr;
            bi[k] = di;
          }
        } else {  // a, b ← a + b, (a − b)·w with w = e^{-2πi j / 2h}
          for (std::size_t k = 0; k < x.width; ++k) {
            const float dr = ar[k] - br[k], di = ai[k] - bi[k];
            ar[k] += br[k];
            ai[k] += bi[k];
            br[k] = dr * cj + di * sj;
            bi[k] = di * cj - dr * sj;
          }
        }
      }
    }
  }
}

void inverse_pass(const Lanes& x, std::size_t length, const float* cos_table, const float* sin_table, bool lower_half_only) {
  for (std::size_t h = 1; h < length; h *= 2) {
    const float* c = cos_table + (h - 1);
    const float* s = sin_table + (h - 1);
    const bool pruned = lower_half_only && h == length / 2;
    for (std::size_t start = 0; start < length; start += 2 * h) {
      for (std::size_t j = 0; j < h; ++j) {
        float* ar = x.re + (start + j) * x.step;
        float* ai = x.im + (start + j) * x.step;
        float* br = x.re + (start + j + h) * x.step;
        float* bi = x.im + (start + j + h) * x.step;
        const float cj = c[j], sj = s[j];
        if (h == 1) {  // w = 1
          for (std::size_t k = 0; k < x.width; ++k) {
            const float tr = br[k], ti = bi[k];
            br[k] = ar[k] - tr;
            bi[k] = ai[k] - ti;
            ar[k] += tr;
            ai[k] += ti;
          }
        } else if (pruned) {  // only a + b·w is wanted
          for (std::size_t k = 0; k < x.width; ++k) {
            ar[k] += br[k] * cj - bi[k] * sj;
            ai[k] += bi[k] * cj + br[k] * sj;
          }
        } else {  // a, b ← a + b·w, a − b·w with w = e^{+2πi j / 2h}
          for (std::size_t k = 0; k < x.width; ++k) {
            const float tr = br[k] * cj - bi[k] * sj, ti = bi[k] * cj + br[k] * sj;
            br[k] = ar[k] - tr;
            bi[k] = ai[k] - ti;
            ar[k] += tr;
            ai[k] += ti;
          }
        }
      }
    }
  }
}

// The same passes along one contiguous array, the loop over j innermost (contiguous, vectorised
// from h = 4 on).
void forward_row(float* re, float* im, std::size_t length, const float* cos_table, const float* sin_table, bool upper_half_zero) {
  for (std::size_t h = length / 2; h >= 1; h /= 2) {
    const float* c = cos_table + (h - 1);
    const float* s = sin_table + (h - 1);
    if (upper_half_zero && h == length / 2) {
      for (std::size_t j = 0; j < h; ++j) {
        re[j + h] = re[j] * c[j] + im[j] * s[j];
        im[j + h] = im[j] * c[j] - re[j] * s[j];
      }
      continue;
    }
    for (std::size_t start = 0; start < length; start += 2 * h) {
      float* ar = re + start;
      float* ai = im + start;
      float* br = ar + h;
      float* bi = ai + h;
      for (std::size_t j = 0; j < h; ++j) {
        const float dr = ar[j] - br[j], di = ai[j] - bi[j];
        ar[j] += br[j];
        ai[j] += bi[j];
        br[j] = dr * c[j] + di * s[j];
        bi[j] = di * c[j] - dr * s[j];
      }
    }
  }
}

void inverse_row(float* re, float* im, std::size_t length, const float* cos_table, const float* sin_table, bool lower_half_only) {
  for (std::size_t h = 1; h < length; h *= 2) {
    const float* c = cos_table + (h - 1);
    const float* s = sin_table + (h - 1);
    if (lower_half_only && h == length / 2) {
      for (std::size_t j = 0; j < h; ++j) {
        re[j] += re[j + h] * c[j] - im[j + h] * s[j];
        im[j] += im[j + h] * c[j] + re[j + h] * s[j];
      }
      continue;
    }
    for (std::size_t start = 0; start < length; start += 2 * h) {
      float* ar = re + start;
      float* ai = im + start;
      float* br = ar + h;
      float* bi = ai + h;
      for (std::size_t j = 0; j < h; ++j) {
        const float tr = br[j] * c[j] - bi[j] * s[j], ti = bi[j] * c[j] + br[j] * s[j];
        br[j] = ar[j] - tr;
        bi[j] = ai[j] - ti;
        ar[j] += tr;
        ai[j] += ti;
      }
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
