// AVX-512 kernels; compiled with -mavx512f -mavx512dq (xsimd 8.1 uses a DQ instruction in hadd)
// and only called when the CPU has both.
#include "core/kernels_impl.h"

namespace embedlab::kernels::detail {
KernelTable avx512_table() { return Kernels<xsimd::avx512f>::table("avx512"); }
}  // namespace embedlab::kernels::detail
