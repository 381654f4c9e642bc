// build/embedlab_kernels_bench: a table of kernel speed per instruction set (every table this CPU
// runs, the scalar reference included). Matrix multiplies in GFLOP/s at transformer-sized shapes;
// row kernels in nanoseconds per value. Best of several timed runs; a benchmark, not a test.
//   build/embedlab_kernels_bench [seconds per measurement, default 0.2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/kernels_table.h"
#include "core/random.h"

namespace {

using embedlab::kernels::detail::KernelTable;

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  embedlab::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.uniform() * 2.0f - 1.0f;
  return v;
}

// Seconds per call of fn: best of five runs, each repeating fn for about `budget` seconds.
template <class Fn>
double seconds_per_call(Fn fn, double budget) {
  using Clock = std::chrono::steady_clock;
  fn();  // warm caches and page in buffers
  std::size_t calls = 1;
  double best = 1e30;
  for (int run = 0; run < 5; ++run) {
    const auto start = Clock::now();
    for (std::size_t i = 0; i < calls; ++i) fn();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::min(best, elapsed / static_cast<double>(calls));
    if (elapsed < budget / 5) calls = std::max<std::size_t>(calls * 2, static_cast<std::size_t>(budget / 5 / best));
  }
  return best;
}

struct MatmulCase {
  const char* label;
  decltype(KernelTable::matmul) KernelTable::*fn;
  std::size_t m, n, k;
};

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 0.2;
  const auto& tables = embedlab::kernels::detail::available_tables();

  // Shapes of a small GPT-2-like block: 256 positions, width 256, MLP 1024, vocabulary 4096.
  const MatmulCase cases[] = {
      {"A·B    256x256x256", &KernelTable::matmul, 256, 256, 256},
      {"A·Bt   qkv 256x768x256", &KernelTable::matmul_bt, 256, 768, 256},
      {"A·Bt   mlp 256x1024x256", &KernelTable::matmul_bt, 256, 1024, 256},
      {"A·B    dx 256x256x1024", &KernelTable::matmul, 256, 256, 1024},
      {"At·B   dW 1024x256x256", &KernelTable::matmul_at, 1024, 256, 256},
      {"A·Bt   logits 64x4096x256", &KernelTable::matmul_bt, 64, 4096, 256},
      {"A·B    odd 97x333x129", &KernelTable::matmul, 97, 333, 129},
  };
  std::printf("%-28s", "matmul GFLOP/s (m x n x k)");
  for (const KernelTable& t : tables) std::printf("%10s", t.isa);
  std::printf("\n");
  for (const MatmulCase& c : cases) {
    const auto a = random_vector(c.m * c.k, 1), b = random_vector(c.k * c.n, 2);
    std::vector<float> out(c.m * c.n);
    std::printf("%-28s", c.label);
    for (const KernelTable& t : tables) {
      const double s = seconds_per_call([&] { (t.*c.fn)(a.data(), b.data(), out.data(), c.m, c.n, c.k, false); }, budget);
      std::printf("%10.1f", 2.0 * static_cast<double>(c.m * c.n * c.k) / s * 1e-9);
    }
    std::printf("\n");
  }

  const std::size_t rows = 256, cols = 1024;
  const auto x = random_vector(rows * cols, 3), dout = random_vector(rows * cols, 4), gamma = random_vector(cols, 5);
  std::vector<float> work(rows * cols), out(rows * cols), grad(rows * cols), mean(rows), rstd(rows), dgamma(cols), dbeta(cols);
  std::printf("\n%-28s", "ns per value (256 x 1024)");
  for (const KernelTable& t : tables) std::printf("%10s", t.isa);
  std::printf("\n");
  const auto row = [&](const char* label, auto run) {
    std::printf("%-28s", label);
    for (const KernelTable& t : tables) {
      std::printf("%10.3f", seconds_per_call([&] { run(t); }, budget) / static_cast<double>(rows * cols) * 1e9);
    }
    std::printf("\n");
  };
  std::copy(x.begin(), x.end(), work.begin());
  row("softmax_rows", [&](const KernelTable& t) { t.softmax_rows(work.data(), rows, cols); });  // in place, again and again
  row("layernorm_forward", [&](const KernelTable& t) {
    t.layernorm_forward(x.data(), gamma.data(), gamma.data(), out.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
  });
  row("layernorm_backward", [&](const KernelTable& t) {
    t.layernorm_backward(dout.data(), x.data(), mean.data(), rstd.data(), gamma.data(), grad.data(), dgamma.data(), dbeta.data(), rows, cols);
  });
  row("gelu_forward", [&](const KernelTable& t) { t.gelu_forward(x.data(), out.data(), rows * cols); });
  row("gelu_backward", [&](const KernelTable& t) { t.gelu_backward(x.data(), dout.data(), grad.data(), rows * cols); });
  return 0;
}
