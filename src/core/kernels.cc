#include "core/kernels.h"

#include <cstdlib>
#include <cstring>

#include "core/kernels_table.h"

#if defined(EMBEDLAB_SINGLE_ISA)
// One instruction set (WebAssembly): call the kernels directly, no dispatch table.
#include "core/kernels_impl.h"

namespace embedlab::kernels {
using Direct = detail::Kernels<xsimd::sse2>;
float dot(const float* a, const float* b, std::size_t n) { return Direct::dot(a, b, n); }
void axpy(float alpha, const float* x, float* y, std::size_t n) { Direct::axpy(alpha, x, y, n); }
void dual_axpy(float alpha, const float* hidden, float* row, float* grad, std::size_t n) {
  Direct::dual_axpy(alpha, hidden, row, grad, n);
}
void scale(float alpha, float* x, std::size_t n) { Direct::scale(alpha, x, n); }
float normalise(float* x, std::size_t n) { return Direct::normalise(x, n); }
void dot_rows(const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out) {
  Direct::dot_rows(matrix, rows, n, x, out);
}
const char* active_isa() { return detail::sse2_table().name; }
}  // namespace embedlab::kernels

#else

namespace embedlab::kernels {
namespace {

detail::KernelTable select_table() {
  // EMBEDLAB_ISA=sse2|avx2 caps the choice (for benchmarks and for testing every path).
  const char* cap = std::getenv("EMBEDLAB_ISA");
  const bool allow_avx512 = cap == nullptr || std::strcmp(cap, "avx512") == 0;
  const bool allow_avx2 = allow_avx512 || std::strcmp(cap, "avx2") == 0;
  __builtin_cpu_init();
  if (allow_avx512 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma")) {
    return detail::avx512_table();
  }
  if (allow_avx2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return detail::avx2_table();
  }
  return detail::sse2_table();
}

const detail::KernelTable& table() {
  static const detail::KernelTable kTable = select_table();
  return kTable;
}

}  // namespace

float dot(const float* a, const float* b, std::size_t n) { return table().dot(a, b, n); }
void axpy(float alpha, const float* x, float* y, std::size_t n) { table().axpy(alpha, x, y, n); }
void dual_axpy(float alpha, const float* hidden, float* row, float* grad, std::size_t n) {
  table().dual_axpy(alpha, hidden, row, grad, n);
}
void scale(float alpha, float* x, std::size_t n) { table().scale(alpha, x, n); }
float normalise(float* x, std::size_t n) { return table().normalise(x, n); }
void dot_rows(const float* matrix, std::size_t rows, std::size_t n, const float* x, float* out) {
  table().dot_rows(matrix, rows, n, x, out);
}
const char* active_isa() { return table().name; }

}  // namespace embedlab::kernels

#endif  // EMBEDLAB_SINGLE_ISA
