// Dense float vector and matrix maths. Every numeric loop in embedlab goes through these functions;
// only kernels_impl.h knows SIMD types. Natively the best instruction set the CPU supports (SSE2,
// AVX2+FMA or AVX-512 on x86; the portable scalar code elsewhere) is chosen once at start-up;
// WebAssembly uses SIMD128. The functions and what each one computes are listed in kernels_list.h.
#pragma once

#include <cstddef>

namespace embedlab::kernels {

#define EMBEDLAB_KERNEL(name, ret, params, args) ret name params;
#include "core/kernels_list.h"

// Name of the instruction set in use ("avx512", "avx2", "sse2", "scalar", "wasm-simd128").
const char* active_isa();

}  // namespace embedlab::kernels
