// Dispatch: every public kernel forwards to the table chosen once at start-up.
#include "core/kernels.h"

#include <cstdlib>
#include <cstring>

#include "core/kernels_table.h"

#if defined(EMBEDLAB_X86_KERNELS) && !(defined(__x86_64__) || defined(__i386__))
#error "EMBEDLAB_X86_KERNELS is set but the target is not x86; configure with -DEMBEDLAB_PORTABLE_KERNELS=ON"
#endif

#if defined(EMBEDLAB_SINGLE_ISA)
// One instruction set (WebAssembly): call the kernels directly, no dispatch table.
#include "core/kernels_impl.h"

namespace embedlab::kernels {
using Direct = detail::Kernels<xsimd::sse2>;
#define EMBEDLAB_KERNEL(name, ret, params, args) \
  ret name params { return Direct::name args; }
#include "core/kernels_list.h"
const char* active_isa() { return detail::sse2_table().isa; }
}  // namespace embedlab::kernels

#else

namespace embedlab::kernels {
namespace detail {

const std::vector<KernelTable>& available_tables() {
  static const std::vector<KernelTable> kTables = [] {
    std::vector<KernelTable> tables{scalar_table()};
#if defined(EMBEDLAB_X86_KERNELS)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2")) tables.push_back(sse2_table());
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) tables.push_back(avx2_table());
    // xsimd 8.1's AVX-512 hadd uses a DQ instruction.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma")) {
      tables.push_back(avx512_table());
    }
#endif
    return tables;
  }();
  return kTables;
}

const KernelTable& select_table(const char* cap) {
  // Instruction sets from narrowest to widest; a cap allows its own and the ones before it.
  static const char* const kOrder[] = {"scalar", "sse2", "avx2", "avx512"};
  const auto& tables = available_tables();
  std::size_t allowed = sizeof kOrder / sizeof kOrder[0];
  if (cap != nullptr) {
    allowed = 2;  // an unknown cap gets the baseline SIMD table (SSE2), or scalar where there is none
    for (std::size_t i = 0; i < sizeof kOrder / sizeof kOrder[0]; ++i) {
      if (std::strcmp(cap, kOrder[i]) == 0) allowed = i + 1;
    }
  }
  const KernelTable* best = &tables.front();
  for (const KernelTable& table : tables) {
    for (std::size_t i = 0; i < allowed; ++i) {
      if (std::strcmp(table.isa, kOrder[i]) == 0) best = &table;
    }
  }
  return *best;
}

}  // namespace detail

namespace {

const detail::KernelTable& table() {
  // EMBEDLAB_ISA=scalar|sse2|avx2|avx512 caps the choice (for benchmarks and for testing every path).
  static const detail::KernelTable& kTable = detail::select_table(std::getenv("EMBEDLAB_ISA"));
  return kTable;
}

}  // namespace

#define EMBEDLAB_KERNEL(name, ret, params, args) \
  ret name params { return table().name args; }
#include "core/kernels_list.h"

const char* active_isa() { return table().isa; }

}  // namespace embedlab::kernels

#endif  // EMBEDLAB_SINGLE_ISA
