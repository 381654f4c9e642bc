// Helpers shared by the transformer and safetensors tests: a small model over a made-up
// vocabulary, with weights large enough that every part of the network matters.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/random.h"
#include "core/tokenizer.h"
#include "core/transformer.h"

namespace embedlab {

inline TransformerConfig tiny_config(Positional positional = Positional::kLearned, bool causal = true,
                                     bool segments = false) {
  TransformerConfig config;
  config.vocab = 11;
  config.width = 8;
  config.layers = 2;
  config.heads = 2;
  config.context = 6;
  config.positional = positional;
  config.causal = causal;
  config.segments = segments;
  return config;
}

// Tokens "t0", "t1", ... as a word tokenizer's vocabulary.
inline std::shared_ptr<const Tokenizer> numbered_tokenizer(int size) {
  std::vector<std::string> words;
  std::vector<std::int64_t> counts;
  for (int i = 0; i < size; ++i) words.push_back("t" + std::to_string(i)), counts.push_back(size - i);
  return std::make_shared<WordTokenizer>(TokenizerOptions{}, Vocabulary(std::move(words), std::move(counts)));
}

// A transformer model initialised as GPT-2; with `spread` > 0 every weight is then redrawn
// uniform in ±spread around its initial value (LayerNorm gains around 1), so that attention is far
// from uniform and gradients are far from zero.
inline Model tiny_model(const TransformerConfig& config, std::uint64_t seed = 7, float spread = 0.0f) {
  Model model(Transformer::kKind, numbered_tokenizer(config.vocab), config.settings());
  Rng rng(seed);
  Transformer::add_parameters(model, config, rng);
  if (spread > 0.0f) {
    for (const NamedMatrix& m : model.matrices()) {
      Matrix& matrix = model.matrix(m.name);
      for (std::size_t i = 0; i < matrix.size(); ++i) matrix.data()[i] += (2.0f * rng.uniform() - 1.0f) * spread;
    }
  }
  return model;
}

// `rows` sequences of `length` random ids; next-word targets are the following id (the last
// position predicts a random one), masked-word targets a random third of the positions.
inline TokenBatch random_batch(const TransformerConfig& config, int rows, int length, std::uint64_t seed) {
  Rng rng(seed);
  TokenBatch batch;
  batch.rows = rows;
  batch.length = length;
  const auto vocab = static_cast<std::uint32_t>(config.vocab);
  for (int i = 0; i < rows * length; ++i) batch.tokens.push_back(static_cast<std::int32_t>(rng.below(vocab)));
  for (int i = 0; i < rows * length; ++i) {
    if (config.causal) {
      const bool last = (i + 1) % length == 0;
      batch.targets.push_back(last ? static_cast<std::int32_t>(rng.below(vocab)) : batch.tokens[static_cast<std::size_t>(i + 1)]);
    } else {
      batch.targets.push_back(rng.below(3) == 0 ? static_cast<std::int32_t>(rng.below(vocab)) : -1);
    }
    if (config.segments) batch.segments.push_back(i % length >= length / 2 ? 1 : 0);
  }
  if (!config.causal) batch.targets[0] = 1;  // at least one prediction
  return batch;
}

}  // namespace embedlab
