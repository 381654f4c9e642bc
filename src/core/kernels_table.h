// The dispatch table: one function pointer per kernel in kernels_list.h, filled in once per
// instruction set. Internal to the kernels (kernels.cc), their tests and their benchmark.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace embedlab::kernels::detail {

struct KernelTable {
#define EMBEDLAB_KERNEL(name, ret, params, args) ret(*name) params = nullptr;
#include "core/kernels_list.h"
  const char* isa = nullptr;  // "scalar", "sse2", "avx2", "avx512" or "wasm-simd128"
};

// A table pointing at the static functions of `Impl`, which has one per kernel in the list.
template <class Impl>
KernelTable make_table(const char* isa) {
  KernelTable table;
#define EMBEDLAB_KERNEL(name, ret, params, args) table.name = &Impl::name;
#include "core/kernels_list.h"
  table.isa = isa;
  return table;
}

// GELU in GPT-2's tanh approximation, one value at a time (the scalar reference, and the tails
// of the SIMD loops). kGeluScale is sqrt(2/π).
constexpr float kGeluScale = 0.7978845608028654f;
constexpr float kGeluCubic = 0.044715f;
inline float gelu(float v) { return 0.5f * v * (1.0f + std::tanh(kGeluScale * (v + kGeluCubic * v * v * v))); }
// d/dv of 0.5·v·(1 + tanh(u(v))) with u' = sqrt(2/π)·(1 + 3·0.044715·v²) and tanh' = 1 - tanh².
inline float gelu_derivative(float v) {
  const float t = std::tanh(kGeluScale * (v + kGeluCubic * v * v * v));
  return 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * kGeluScale * (1.0f + 3.0f * kGeluCubic * v * v);
}

// The plain C++ reference (kernels_scalar.cc): every build has it, and the tests hold the SIMD
// tables to it.
KernelTable scalar_table();

#if defined(EMBEDLAB_X86_KERNELS) || defined(EMBEDLAB_SINGLE_ISA)
// xsimd instantiations of kernels_impl.h, each in a file compiled with that instruction set's flags.
// Under Emscripten the SSE2 one runs as SIMD128 and calls itself "wasm-simd128".
KernelTable sse2_table();
#endif
#if defined(EMBEDLAB_X86_KERNELS)
KernelTable avx2_table();
KernelTable avx512_table();
#endif

#if !defined(EMBEDLAB_SINGLE_ISA)
// Every table this CPU can run, from the scalar reference up to the widest instruction set.
const std::vector<KernelTable>& available_tables();
// The widest available table, capped by `cap` ("scalar", "sse2", "avx2" or "avx512"; null for no
// cap; any other value picks the baseline SIMD table). kernels.cc uses it with $EMBEDLAB_ISA.
const KernelTable& select_table(const char* cap);
#endif

}  // namespace embedlab::kernels::detail
