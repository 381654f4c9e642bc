// The function table that the per-instruction-set kernel files fill in (internal to kernels.cc).
#pragma once

#include <cstddef>

namespace embedlab::kernels::detail {

struct KernelTable {
  float (*dot)(const float*, const float*, std::size_t);
  void (*axpy)(float, const float*, float*, std::size_t);
  void (*dual_axpy)(float, const float*, float*, float*, std::size_t);
  void (*scale)(float, float*, std::size_t);
  float (*normalise)(float*, std::size_t);
  void (*dot_rows)(const float*, std::size_t, std::size_t, const float*, float*);
  const char* name;
};

KernelTable sse2_table();
KernelTable avx2_table();
KernelTable avx512_table();

}  // namespace embedlab::kernels::detail
