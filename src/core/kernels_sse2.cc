// Baseline kernels: SSE2 natively (every x86-64), SIMD128 under Emscripten (-msimd128 -msse2).
#include "core/kernels_impl.h"

namespace embedlab::kernels::detail {
KernelTable sse2_table() {
#ifdef __EMSCRIPTEN__
  return Kernels<xsimd::sse2>::table("wasm-simd128");
#else
  return Kernels<xsimd::sse2>::table("sse2");
#endif
}
}  // namespace embedlab::kernels::detail
