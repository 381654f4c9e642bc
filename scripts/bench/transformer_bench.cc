// build/embedlab_transformer_bench: the transformer's forward+backward speed on one thread, in
// training tokens per second (batch × context tokens per step, gradients included, no optimizer),
// at the reference configurations. Median of several timed runs in thread CPU time (so
// that other processes on a shared machine do not count); a benchmark, not a test.
//   build/embedlab_transformer_bench [seconds per configuration, default 2]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/kernels.h"
#include "core/model.h"
#include "core/random.h"
#include "core/tokenizer.h"
#include "core/transformer.h"

namespace {

using namespace embedlab;

struct Case {
  const char* label;
  int vocab, width, layers, heads, context, batch;
  bool masked = false;  // bidirectional, segments, 15% of positions predicted
};

std::shared_ptr<const Tokenizer> numbered_tokenizer(int size) {
  std::vector<std::string> words;
  std::vector<std::int64_t> counts;
  for (int i = 0; i < size; ++i) words.push_back("t" + std::to_string(i)), counts.push_back(1);
  return std::make_shared<WordTokenizer>(TokenizerOptions{}, Vocabulary(std::move(words), std::move(counts)));
}

// CPU time of this thread: on a shared machine, time spent waiting for a core is not counted.
double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 2.0;
  const Case cases[] = {
      {"V=1024 d=64 L=2 h=4 T=64 B=16 (0.17 M)", 1024, 64, 2, 4, 64, 16},
      {"V=1024 d=64 L=2 h=4 T=64 B=1 (row by row)", 1024, 64, 2, 4, 64, 1},
      {"  masked-word, 15% predicted", 1024, 64, 2, 4, 64, 16, true},
      {"V=2048 d=128 L=2 h=4 T=64 B=16 (0.67 M)", 2048, 128, 2, 4, 64, 16},
  };
  std::printf("kernels: %s\n", kernels::active_isa());
  std::printf("%-42s %14s %14s %12s\n", "configuration", "fwd+bwd tok/s", "forward tok/s", "ms/step");
  for (const Case& c : cases) {
    TransformerConfig config;
    config.vocab = c.vocab, config.width = c.width, config.layers = c.layers, config.heads = c.heads;
    config.context = c.context;
    config.causal = !c.masked;
    config.segments = c.masked;
    Model model(Transformer::kKind, numbered_tokenizer(c.vocab), config.settings());
    Rng rng(1);
    Transformer::add_parameters(model, config, rng);
    Transformer transformer(model, config);
    TokenBatch batch;
    batch.rows = c.batch;
    batch.length = c.context;
    for (int i = 0; i < c.batch * c.context; ++i) batch.tokens.push_back(static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(c.vocab))));
    for (int i = 0; i < c.batch * c.context; ++i) {
      const bool predicted = !c.masked || rng.uniform() < 0.15f;
      batch.targets.push_back(predicted ? static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(c.vocab))) : -1);
      if (c.masked) batch.segments.push_back(i % c.context < c.context / 2 ? 0 : 1);
    }
    auto ws = transformer.make_workspace(c.batch, c.context);
    std::vector<std::vector<float>> grads;
    for (const auto& p : transformer.parameters()) grads.emplace_back(p.size, 0.0f);
    const double tokens = static_cast<double>(c.batch) * c.context;
    const auto measure = [&](bool backward) {
      std::vector<double> runs;
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(budget / 2);
      transformer.forward_backward(batch, *ws, backward ? &grads : nullptr, 1.0f, nullptr);  // warm up
      while (runs.size() < 5 || std::chrono::steady_clock::now() < until) {
        const double start = thread_seconds();
        transformer.forward_backward(batch, *ws, backward ? &grads : nullptr, 1.0f / static_cast<float>(tokens), nullptr);
        runs.push_back(thread_seconds() - start);
      }
      std::sort(runs.begin(), runs.end());
      return runs[runs.size() / 2];
    };
    const double step = measure(true), forward = measure(false);
    std::printf("%-42s %14.0f %14.0f %12.2f\n", c.label, tokens / step, tokens / forward, step * 1000.0);
  }
  return 0;
}
