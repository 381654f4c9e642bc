// A radix-2 complex FFT on split real/imaginary float arrays, iterative, with twiddles computed
// once per length. It serves the FFT-interpolated t-SNE (tsne.cc), which convolves grids and never
// needs the spectrum in natural order: forward() is decimation in frequency (natural order in,
// bit-reversed spectrum out) and inverse() decimation in time (bit-reversed spectrum in, natural
// order out), so neither pass permutes anything. natural_forward() adds the permutation for callers
// that want the plain DFT.
//
// The *_columns variants transform every column c in [begin, end) of a row-major grid of length()
// rows (`stride` floats from one row to the next) at once: each butterfly pairs two rows and runs
// along them, a contiguous loop the compiler vectorises.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace embedlab {

class Fft {
 public:
  // `length` must be a power of two (1 included); Error otherwise.
  explicit Fft(std::size_t length);
  std::size_t length() const { return length_; }

  // X_k = Σ_j x_j e^{-2πi jk/L}, in place, X_k stored at index reversed(k). `upper_half_zero`:
  // the caller promises x_j = 0 for j >= L/2 (those entries are then not read), which saves the
  // first stage's additions.
  void forward(float* re, float* im, bool upper_half_zero = false) const;
  // x_j = Σ_k X_k e^{+2πi jk/L} (unscaled: L times the inverse), X_k read from index reversed(k).
  // `lower_half_only`: only x_j for j < L/2 are wanted; the others are left undefined.
  void inverse(float* re, float* im, bool lower_half_only = false) const;
  // The same transforms down the columns [begin, end) of a grid of length() rows.
  void forward_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end,
                       bool upper_half_zero = false) const;
  void inverse_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end,
                       bool lower_half_only = false) const;
  // Per block of columns in [begin, end), while it is in cache: forward_columns(upper_half_zero),
  // each entry times the real `gain` at the same place (a grid like the data's), then
  // inverse_columns(lower_half_only). A convolution's middle, with the gain a kernel's spectrum.
  void filter_columns(float* re, float* im, std::size_t stride, std::size_t begin, std::size_t end, const float* gain) const;
  // forward() followed by the bit-reversal permutation: X_k at index k.
  void natural_forward(float* re, float* im) const;

  std::size_t reversed(std::size_t k) const { return reverse_[k]; }

 private:
  std::size_t length_;
  // Stage with half-width h (1, 2, ..., L/2) uses cos/sin(2π j / 2h), j < h, at [h - 1, 2h - 1).
  std::vector<float> cos_, sin_;
  std::vector<std::uint32_t> reverse_;
};

}  // namespace embedlab
