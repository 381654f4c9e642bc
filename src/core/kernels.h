// Dense float vector maths. Every vector operation in embedlab goes through these functions;
// only kernels_impl.h knows SIMD types. Natively the best instruction set the CPU supports
// (SSE2, AVX2+FMA or AVX-512) is chosen once at start-up; WebAssembly uses SIMD128.
#pragma once

#include <cstddef>

namespace embedlab::kernels {

// Sum of a[i] * b[i].
float dot(const float* a, const float* b, std::size_t n);
// y += alpha * x.
void axpy(float alpha, const float* x, float* y, std::size_t n);
// grad += alpha * row, then row += alpha * hidden, in one pass over row (the logistic-loss update).
void dual_axpy(float alpha, const float* hidden, float* row, float* grad, std::size_t n);
// x *= alpha.
void scale(float alpha, float* x, std::size_t n);
// Scales x to unit length and returns its former length; a zero vector is left as it is.
float normalise(float* x, std::size_t n);
// out[r] = dot(matrix row r, x) for `rows` contiguous rows of length n (one query against many rows).
void dot_rows(const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out);

// Name of the instruction set in use ("avx512", "avx2", "sse2", "wasm-simd128").
const char* active_isa();

}  // namespace embedlab::kernels
