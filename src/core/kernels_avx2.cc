// AVX2 + FMA kernels; compiled with -mavx2 -mfma and only called when the CPU has both.
#include "core/kernels_impl.h"

namespace embedlab::kernels::detail {
KernelTable avx2_table() { return Kernels<xsimd::fma3<xsimd::avx2>>::table("avx2"); }
}  // namespace embedlab::kernels::detail
