// The one list of kernels. Each entry is
//   EMBEDLAB_KERNEL(name, return type, (parameters), (argument names))
// and this file is included wherever the list is needed, with EMBEDLAB_KERNEL defined to make
// what that place needs: the public declarations (kernels.h), the dispatch table (kernels_table.h),
// the forwarding functions (kernels.cc) and one reference test per kernel (kernels_test.cc).
// Adding a kernel: one entry here, its SIMD template in kernels_impl.h, its scalar reference in
// kernels_scalar.cc and a check_<name> function in tests/cpp/kernels_test.cc (the build fails
// until all four exist). No include guard on purpose; the macro is undefined at the end.
//
// Conventions: matrices are row-major and contiguous; shapes are written "rows×cols"; `n` counts
// floats. Backward passes ADD into their gradient outputs (as in llm.c), so gradients from
// several uses of a tensor (e.g. a residual branch) accumulate without a temporary.

#ifndef EMBEDLAB_KERNEL
#error "define EMBEDLAB_KERNEL(name, ret, params, args) before including kernels_list.h"
#endif

// ---- vectors (word2vec and queries) ----

// Sum of a[i] * b[i].
EMBEDLAB_KERNEL(dot, float, (const float* a, const float* b, std::size_t n), (a, b, n))
// y += alpha * x.
EMBEDLAB_KERNEL(axpy, void, (float alpha, const float* x, float* y, std::size_t n), (alpha, x, y, n))
// grad += alpha * row, then row += alpha * hidden, in one pass over row (the logistic-loss update).
EMBEDLAB_KERNEL(dual_axpy, void, (float alpha, const float* hidden, float* row, float* grad, std::size_t n),
                (alpha, hidden, row, grad, n))
// x *= alpha.
EMBEDLAB_KERNEL(scale, void, (float alpha, float* x, std::size_t n), (alpha, x, n))
// Scales x to unit length and returns its former length; a zero vector is left as it is.
EMBEDLAB_KERNEL(normalise, float, (float* x, std::size_t n), (x, n))
// out[r] = dot(matrix row r, x) for `rows` contiguous rows of length n (one query against many rows).
EMBEDLAB_KERNEL(dot_rows, void, (const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out),
                (matrix, rows, n, x, out))

// ---- matrices (the transformer) ----

// C = A·B, or C += A·B when `accumulate`.  A: m×k, B: k×n, C: m×n.  (k = 0 gives C = 0 or leaves C.)
// C must not overlap A or B.
EMBEDLAB_KERNEL(matmul, void,
                (const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate),
                (a, b, c, m, n, k, accumulate))
// C (+)= A·Bᵀ.  A: m×k, B: n×k, C: m×n.  A linear layer's forward pass: out = in·Wᵀ with W: out×in.
EMBEDLAB_KERNEL(matmul_bt, void,
                (const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate),
                (a, b, c, m, n, k, accumulate))
// C (+)= Aᵀ·B.  A: k×m, B: k×n, C: m×n.  A weight gradient: dW += doutᵀ·in summed over k positions.
EMBEDLAB_KERNEL(matmul_at, void,
                (const float* a, const float* b, float* c, std::size_t m, std::size_t n, std::size_t k, bool accumulate),
                (a, b, c, m, n, k, accumulate))
// In place, each of `rows` rows of x (rows×cols) becomes softmax(row): exp(x - max) / sum. Subtracting
// the row's maximum keeps exp from overflowing; -infinity entries (masked positions) become 0, but
// each row needs at least one finite entry.
EMBEDLAB_KERNEL(softmax_rows, void, (float* x, std::size_t rows, std::size_t cols), (x, rows, cols))
// Layer norm over each row: out = (x - mean) * rstd * gamma + beta, rstd = 1 / sqrt(variance + eps)
// (biased variance, as PyTorch).  x, out: rows×cols; gamma, beta: cols; mean, rstd: rows (kept for
// the backward pass).  out may equal x.
EMBEDLAB_KERNEL(layernorm_forward, void,
                (const float* x, const float* gamma, const float* beta, float* out, float* mean, float* rstd,
                 std::size_t rows, std::size_t cols, float eps),
                (x, gamma, beta, out, mean, rstd, rows, cols, eps))
// Layer norm gradients given dout (rows×cols), the forward input x and its saved mean and rstd:
// dx (rows×cols) += dL/dx, dgamma (cols) += dL/dgamma, dbeta (cols) += dL/dbeta.
EMBEDLAB_KERNEL(layernorm_backward, void,
                (const float* dout, const float* x, const float* mean, const float* rstd, const float* gamma, float* dx,
                 float* dgamma, float* dbeta, std::size_t rows, std::size_t cols),
                (dout, x, mean, rstd, gamma, dx, dgamma, dbeta, rows, cols))
// out = GELU(x) for n values, in the tanh approximation GPT-2 uses:
// 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).  out may equal x.
EMBEDLAB_KERNEL(gelu_forward, void, (const float* x, float* out, std::size_t n), (x, out, n))
// dx += GELU'(x) * dout for n values (derivative of the same tanh approximation).
EMBEDLAB_KERNEL(gelu_backward, void, (const float* x, const float* dout, float* dx, std::size_t n), (x, dout, dx, n))

#undef EMBEDLAB_KERNEL
