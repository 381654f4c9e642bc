// AVX-512 kernels; compiled with -mavx512f -mavx512dq (xsimd 8.1 uses a DQ instruction in hadd)
// and only called when the CPU has both.
//
// GCC 12's _mm512_undefined_ps/_epi32 initialise a variable from itself, which -Wmaybe-uninitialized
// reports wherever xsimd's exp/tanh inline them (GCC bug 105593, fixed in GCC 13): not our code.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "core/kernels_impl.h"

namespace embedlab::kernels::detail {
KernelTable avx512_table() { return Kernels<xsimd::avx512f>::table("avx512"); }
}  // namespace embedlab::kernels::detail
