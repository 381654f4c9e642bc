// The transformer: every layer's backward pass against finite differences, for every positional
// kind with causal and bidirectional attention; causality, order and RoPE's relative positions;
// segments; the input parts; configuration errors; the model file round trip.
#include "core/transformer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"
#include "transformer_support.h"

namespace embedlab {
namespace {

struct Variant {
  Positional positional;
  bool causal;
  bool segments;
};

// Every positional kind, next-word (causal) and masked-word (bidirectional, with segments).
std::vector<Variant> all_variants() {
  std::vector<Variant> variants;
  for (Positional p : {Positional::kNone, Positional::kSinusoidal, Positional::kLearned, Positional::kRope}) {
    variants.push_back({p, true, false});
    variants.push_back({p, false, true});
  }
  return variants;
}

std::string describe(const Variant& v) {
  return std::string(positional_name(v.positional)) + (v.causal ? " causal" : " bidirectional+segments");
}

double loss_of(Transformer& transformer, const TokenBatch& batch) {
  auto ws = transformer.make_workspace(batch.rows, batch.length);
  return transformer.forward_backward(batch, *ws, nullptr, 1.0f, nullptr);
}

std::vector<std::vector<float>> zero_grads(Transformer& transformer) {
  std::vector<std::vector<float>> grads;
  for (const auto& p : transformer.parameters()) grads.emplace_back(p.size, 0.0f);
  return grads;
}

bool name_matches(const std::string& name, std::initializer_list<const char*> parts) {
  return std::any_of(parts.begin(), parts.end(), [&](const char* part) { return name.find(part) != std::string::npos; });
}

// Compares the analytic gradient of the summed loss with central differences, for every parameter
// whose name contains one of `parts`: along a random ±1 direction over the whole tensor, and at
// its first, middle and last entries. Returns how many tensors were checked.
int check_gradients(const Variant& variant, std::initializer_list<const char*> parts) {
  const TransformerConfig config = tiny_config(variant.positional, variant.causal, variant.segments);
  Model model = tiny_model(config, 11, 0.3f);
  Transformer transformer(model, config);
  const TokenBatch batch = random_batch(config, 3, 5, 5);
  auto grads = zero_grads(transformer);
  auto ws = transformer.make_workspace(batch.rows, batch.length);
  std::int64_t predicted = 0;
  transformer.forward_backward(batch, *ws, &grads, 1.0f, &predicted);
  EXPECT_GT(predicted, 0);

  int checked = 0;
  const auto params = transformer.parameters();
  for (std::size_t index = 0; index < params.size(); ++index) {
    const auto& p = params[index];
    if (!name_matches(p.name, parts)) continue;
    ++checked;
    const std::vector<float> original(p.values, p.values + p.size);
    const auto restore = [&] { std::copy(original.begin(), original.end(), p.values); };
    // Along a direction: (L(θ + εv) - L(θ - εv)) / 2ε against g·v.
    Rng rng(index + 1);
    std::vector<float> direction(p.size);
    double analytic = 0.0;
    for (std::size_t i = 0; i < p.size; ++i) {
      direction[i] = rng.below(2) == 0 ? -1.0f : 1.0f;
      analytic += static_cast<double>(grads[index][i]) * direction[i];
    }
    const float eps = 1e-3f;
    const auto shifted_loss = [&](float by) {
      for (std::size_t i = 0; i < p.size; ++i) p.values[i] = original[i] + by * direction[i];
      const double loss = loss_of(transformer, batch);
      restore();
      return loss;
    };
    const double numeric = (shifted_loss(eps) - shifted_loss(-eps)) / (2.0 * eps);
    EXPECT_NEAR(analytic, numeric, 2e-3 + 1e-2 * std::abs(numeric)) << describe(variant) << ": " << p.name << " along a direction";
    // Single entries.
    for (const std::size_t i : {std::size_t{0}, p.size / 2, p.size - 1}) {
      const float h = 1e-2f;
      p.values[i] = original[i] + h;
      const double up = loss_of(transformer, batch);
      p.values[i] = original[i] - h;
      const double down = loss_of(transformer, batch);
      restore();
      const double entry = (up - down) / (2.0 * h);
      EXPECT_NEAR(grads[index][i], entry, 1e-3 + 1e-2 * std::abs(entry)) << describe(variant) << ": " << p.name << "[" << i << "]";
    }
  }
  return checked;
}

TEST(TransformerGradient, EmbeddingsPositionsAndSegmentsMatchFiniteDifferences) {
  for (const Variant& v : all_variants()) {
    const int checked = check_gradients(v, {"wte.", "wpe.", "wse."});
    EXPECT_EQ(checked, 1 + (v.positional == Positional::kLearned) + v.segments) << describe(v);
  }
}

TEST(TransformerGradient, LayerNormsMatchFiniteDifferences) {
  for (const Variant& v : all_variants()) EXPECT_EQ(check_gradients(v, {"ln_"}), 2 * 4 + 2) << describe(v);
}

TEST(TransformerGradient, AttentionMatchesFiniteDifferencesWithMaskAndRope) {
  for (const Variant& v : all_variants()) EXPECT_EQ(check_gradients(v, {"attn."}), 2 * 4) << describe(v);
}

TEST(TransformerGradient, MlpMatchesFiniteDifferences) {
  for (const Variant& v : all_variants()) EXPECT_EQ(check_gradients(v, {"mlp."}), 2 * 4) << describe(v);
}

TEST(TransformerGradient, TiedOutputAndCrossEntropyMatchFiniteDifferences) {
  // wte is both the input embedding and the output projection; ln_f feeds only the output.
  for (const Variant& v : all_variants()) EXPECT_EQ(check_gradients(v, {"wte.", "ln_f."}), 3) << describe(v);
}

TEST(TransformerGradient, WholeModelMatchesFiniteDifferences) {
  for (const Variant& v : all_variants()) {
    const TransformerConfig config = tiny_config(v.positional, v.causal, v.segments);
    EXPECT_EQ(check_gradients(v, {"."}), static_cast<int>(config.matrix_shapes().size())) << describe(v);
  }
}

TEST(TransformerGradient, AddsScaledGradientsIntoTheVectors) {
  const TransformerConfig config = tiny_config();
  Model model = tiny_model(config, 3, 0.2f);
  Transformer transformer(model, config);
  const TokenBatch batch = random_batch(config, 2, 6, 9);
  auto ws = transformer.make_workspace(2, 6);
  auto twice = zero_grads(transformer), doubled = zero_grads(transformer);
  const double loss = transformer.forward_backward(batch, *ws, &twice, 1.0f, nullptr);
  transformer.forward_backward(batch, *ws, &twice, 1.0f, nullptr);
  EXPECT_EQ(transformer.forward_backward(batch, *ws, &doubled, 2.0f, nullptr), loss);
  for (std::size_t i = 0; i < twice.size(); ++i) {
    for (std::size_t j = 0; j < twice[i].size(); ++j) {
      EXPECT_NEAR(twice[i][j], doubled[i][j], 1e-5 * (1.0 + std::abs(doubled[i][j]))) << transformer.parameters()[i].name;
    }
  }
  EXPECT_EQ(loss_of(transformer, batch), loss);
}

TEST(TransformerGradient, ABatchIsTheSumOfItsRows) {
  // 64-token rows: the batch runs two rows at a time, in three chunks.
  for (const Variant& v : {Variant{Positional::kRope, true, false}, Variant{Positional::kLearned, false, true}}) {
    TransformerConfig config = tiny_config(v.positional, v.causal, v.segments);
    config.context = 64;
    Model model = tiny_model(config, 13, 0.2f);
    Transformer transformer(model, config);
    TokenBatch batch = random_batch(config, 5, 64, 17);
    if (!v.causal) std::fill(batch.targets.begin() + 4 * 64, batch.targets.end(), -1);  // a chunk with nothing to predict
    auto ws = transformer.make_workspace(5, 64);
    auto batch_grads = zero_grads(transformer), row_grads = zero_grads(transformer);
    std::int64_t predicted = 0;
    const double loss = transformer.forward_backward(batch, *ws, &batch_grads, 1.0f, &predicted);
    double row_loss_sum = 0.0;
    std::int64_t row_predicted_sum = 0;
    auto row_ws = transformer.make_workspace(1, 64);
    const std::size_t per_row = 64;
    for (std::size_t r = 0; r < 5; ++r) {
      TokenBatch row;
      row.rows = 1;
      row.length = 64;
      const auto slice = [&](const std::vector<std::int32_t>& all) {
        return all.empty() ? all : std::vector<std::int32_t>(all.begin() + static_cast<std::ptrdiff_t>(r * per_row),
                                                             all.begin() + static_cast<std::ptrdiff_t>((r + 1) * per_row));
      };
      row.tokens = slice(batch.tokens);
      row.targets = slice(batch.targets);
      row.segments = slice(batch.segments);
      std::int64_t row_predicted = 0;
      row_loss_sum += transformer.forward_backward(row, *row_ws, &row_grads, 1.0f, &row_predicted);
      row_predicted_sum += row_predicted;
      const auto expect_rows_equal = [&](const float* all, const float* one, std::size_t cols, const char* what) {
        for (std::size_t i = 0; i < per_row * cols; ++i) {
          ASSERT_NEAR(all[r * per_row * cols + i], one[i], 1e-5f) << what << " of row " << r;
        }
      };
      expect_rows_equal(transformer.logits(*ws), transformer.logits(*row_ws), 11, "logits");
      expect_rows_equal(transformer.hidden(*ws), transformer.hidden(*row_ws), 8, "hidden states");
      expect_rows_equal(transformer.attention(*ws, 1), transformer.attention(*row_ws, 1), 2 * 64, "attention");
    }
    EXPECT_EQ(predicted, row_predicted_sum);
    EXPECT_NEAR(loss, row_loss_sum, 1e-4 * std::abs(loss));
    for (std::size_t i = 0; i < batch_grads.size(); ++i) {
      for (std::size_t j = 0; j < batch_grads[i].size(); ++j) {
        ASSERT_NEAR(batch_grads[i][j], row_grads[i][j], 1e-4 * (1.0 + std::abs(row_grads[i][j])))
            << describe(v) << ": " << transformer.parameters()[i].name << "[" << j << "]";
      }
    }
  }
}

TEST(TransformerGradient, AStepAgainstTheGradientLowersTheLoss) {
  const TransformerConfig config = tiny_config(Positional::kRope, true);
  Model model = tiny_model(config, 3);
  Transformer transformer(model, config);
  const TokenBatch batch = random_batch(config, 4, 6, 2);
  auto ws = transformer.make_workspace(4, 6);
  std::int64_t predicted = 0;
  double loss = transformer.forward_backward(batch, *ws, nullptr, 1.0f, &predicted);
  EXPECT_EQ(predicted, 24);
  EXPECT_NEAR(loss / 24, std::log(11.0), 0.05);  // GPT-2 initialisation predicts nearly uniformly
  const double initial = loss;
  for (int step = 0; step < 10; ++step) {
    auto grads = zero_grads(transformer);
    transformer.forward_backward(batch, *ws, &grads, 1.0f / 24, nullptr);
    auto params = transformer.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
      for (std::size_t j = 0; j < params[i].size; ++j) params[i].values[j] -= 0.1f * grads[i][j];
    }
    const double next = transformer.forward_backward(batch, *ws, nullptr, 1.0f, nullptr);
    EXPECT_LT(next, loss) << "step " << step;
    loss = next;
  }
  EXPECT_LT(loss, initial - 2.0);
}

// ---- behaviour ----------------------------------------------------------------------------------

// Logits of one sequence, length × vocab.
std::vector<float> logits_of(Transformer& transformer, const std::vector<std::int32_t>& tokens,
                             const std::vector<std::int32_t>& segments = {}) {
  TokenBatch batch;
  batch.rows = 1;
  batch.length = static_cast<int>(tokens.size());
  batch.tokens = tokens;
  batch.segments = segments;
  batch.targets.assign(tokens.size(), -1);
  auto ws = transformer.make_workspace(1, batch.length);
  std::int64_t predicted = -1;
  EXPECT_EQ(transformer.forward_backward(batch, *ws, nullptr, 1.0f, &predicted), 0.0);
  EXPECT_EQ(predicted, 0);
  const float* logits = transformer.logits(*ws);
  return std::vector<float>(logits, logits + tokens.size() * static_cast<std::size_t>(transformer.config().vocab));
}

TEST(TransformerBehaviour, NextWordOutputsNeverDependOnLaterTokens) {
  for (Positional p : {Positional::kNone, Positional::kSinusoidal, Positional::kLearned, Positional::kRope}) {
    const TransformerConfig config = tiny_config(p, true);
    Model model = tiny_model(config, 5, 0.3f);
    Transformer transformer(model, config);
    const std::vector<std::int32_t> tokens = {1, 4, 2, 8, 5, 7};
    const std::vector<float> base = logits_of(transformer, tokens);
    const std::size_t v = 11;
    for (std::size_t t = 0; t + 1 < tokens.size(); ++t) {
      std::vector<std::int32_t> changed = tokens;
      for (std::size_t u = t + 1; u < tokens.size(); ++u) changed[u] = (changed[u] + 3) % 11;
      const std::vector<float> after = logits_of(transformer, changed);
      EXPECT_TRUE(std::equal(base.begin(), base.begin() + static_cast<std::ptrdiff_t>((t + 1) * v), after.begin()))
          << positional_name(p) << ": logits at or before " << t << " changed";
      EXPECT_FALSE(std::equal(base.begin() + static_cast<std::ptrdiff_t>((t + 1) * v), base.end(),
                              after.begin() + static_cast<std::ptrdiff_t>((t + 1) * v)));
    }
  }
  // Bidirectional attention, by contrast, lets the last token change the first output.
  const TransformerConfig config = tiny_config(Positional::kLearned, false);
  Model model = tiny_model(config, 5, 0.3f);
  Transformer transformer(model, config);
  const std::vector<float> a = logits_of(transformer, {1, 2, 3}), b = logits_of(transformer, {1, 2, 4});
  EXPECT_NE(std::vector<float>(a.begin(), a.begin() + 11), std::vector<float>(b.begin(), b.begin() + 11));
}

// Largest difference between the logits of `tokens` permuted and the permuted logits.
float permutation_gap(Positional positional) {
  const TransformerConfig config = tiny_config(positional, false);
  Model model = tiny_model(config, 8, 0.3f);
  Transformer transformer(model, config);
  const std::vector<std::int32_t> tokens = {3, 9, 1, 4, 7, 0};
  const std::vector<std::size_t> order = {4, 2, 5, 0, 3, 1};
  std::vector<std::int32_t> permuted;
  for (const std::size_t i : order) permuted.push_back(tokens[i]);
  const std::vector<float> base = logits_of(transformer, tokens), moved = logits_of(transformer, permuted);
  float gap = 0.0f;
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::size_t c = 0; c < 11; ++c) gap = std::max(gap, std::abs(moved[i * 11 + c] - base[order[i] * 11 + c]));
  }
  return gap;
}

TEST(TransformerBehaviour, WithoutPositionsBidirectionalAttentionIsABagOfTokens) {
  EXPECT_LT(permutation_gap(Positional::kNone), 1e-5f);
  for (Positional p : {Positional::kSinusoidal, Positional::kLearned, Positional::kRope}) {
    EXPECT_GT(permutation_gap(p), 1e-2f) << positional_name(p) << " should make order matter";
  }
}

// log(P[i][j] / P[i][k]) = score(i, j) - score(i, k) in layer 0, head 0, for query i and keys j, k
// of `tokens`.
double score_difference(Transformer& transformer, const std::vector<std::int32_t>& tokens, std::size_t i,
                        std::size_t j, std::size_t k) {
  TokenBatch batch;
  batch.rows = 1;
  batch.length = static_cast<int>(tokens.size());
  batch.tokens = tokens;
  batch.targets.assign(tokens.size(), -1);
  auto ws = transformer.make_workspace(1, batch.length);
  transformer.forward_backward(batch, *ws, nullptr, 1.0f, nullptr);
  const float* p = transformer.attention(*ws, 0) + i * tokens.size();
  return std::log(static_cast<double>(p[j])) - std::log(static_cast<double>(p[k]));
}

TEST(TransformerBehaviour, RopeScoresDependOnlyOnTheRelativeOffset) {
  // The same query and keys shifted one position to the right (another token in front).
  const std::vector<std::int32_t> first = {2, 5, 7, 1, 9}, shifted = {4, 2, 5, 7, 1, 9};
  for (const bool rope : {true, false}) {
    const TransformerConfig config = tiny_config(rope ? Positional::kRope : Positional::kLearned, false);
    Model model = tiny_model(config, 4, 0.5f);
    Transformer transformer(model, config);
    double largest_gap = 0.0;
    for (const auto& [i, j, k] : {std::array<std::size_t, 3>{3, 0, 1}, {1, 4, 2}, {0, 2, 3}, {4, 4, 0}}) {
      const double a = score_difference(transformer, first, i, j, k);
      const double b = score_difference(transformer, shifted, i + 1, j + 1, k + 1);
      largest_gap = std::max(largest_gap, std::abs(a - b));
    }
    if (rope) {
      EXPECT_LT(largest_gap, 1e-4);
    } else {
      EXPECT_GT(largest_gap, 1e-2) << "learned positions are absolute";
    }
  }
}

TEST(TransformerBehaviour, AttentionScoreOfTwoTokensDependsOnlyOnTheirOffsetWithRope) {
  for (const bool rope : {true, false}) {
    const TransformerConfig config = tiny_config(rope ? Positional::kRope : Positional::kLearned, true);
    Model model = tiny_model(config, 4, 0.5f);
    const Transformer transformer(model, config);
    for (const int head : {0, 1}) {
      const double at_0 = transformer.attention_score(head, 3, 2, 8, 0);
      double largest_gap = 0.0;
      for (std::size_t p = 1; p + 2 < 6; ++p) largest_gap = std::max(largest_gap, std::abs(transformer.attention_score(head, 3, p + 2, 8, p) - at_0));
      if (rope) {
        EXPECT_LT(largest_gap, 1e-5);
        EXPECT_GT(std::abs(transformer.attention_score(head, 3, 3, 8, 0) - at_0), 1e-4) << "another offset";
      } else {
        EXPECT_GT(largest_gap, 1e-3) << "learned positions are absolute";
      }
    }
  }
  const TransformerConfig config = tiny_config(Positional::kRope);
  Model model = tiny_model(config);
  const Transformer transformer(model, config);
  EXPECT_TRUE(Contains(error_of([&] { transformer.attention_score(2, 0, 0, 0, 0); }), "head 2 does not exist"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.attention_score(0, 11, 0, 0, 0); }), "token id 11 is outside"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.attention_score(0, 0, 6, 0, 0); }), "position 6 is outside"));
}

TEST(TransformerBehaviour, SinusoidalPositionsAreTheRowsTheModelAdds) {
  const TransformerConfig config = tiny_config(Positional::kSinusoidal);
  Model model = tiny_model(config);
  const Transformer transformer(model, config);
  const InputParts parts = transformer.inputs({1, 2, 3, 4, 5, 6}, {});
  EXPECT_EQ(parts.position, sinusoidal_positions(6, 8));
  EXPECT_TRUE(Contains(error_of([] { sinusoidal_positions(3, 5); }), "even width"));
}

TEST(TransformerBehaviour, SwappedSegmentsChangeOnlyTheSegmentRowsAndTheOutputs) {
  const TransformerConfig config = tiny_config(Positional::kLearned, false, true);
  Model model = tiny_model(config, 6, 0.3f);
  Transformer transformer(model, config);
  const std::vector<std::int32_t> tokens = {1, 2, 3, 4, 5};
  const std::vector<std::int32_t> ab = {0, 0, 0, 1, 1}, ba = {1, 1, 1, 0, 0};
  const InputParts x = transformer.inputs(tokens, ab), y = transformer.inputs(tokens, ba);
  EXPECT_EQ(x.token, y.token);
  EXPECT_EQ(x.position, y.position);
  const Matrix& wse = model.matrix("wse.weight");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (std::size_t c = 0; c < 8; ++c) {
      EXPECT_EQ(x.segment[i * 8 + c], wse(static_cast<std::size_t>(ab[i]), c));
      EXPECT_EQ(y.segment[i * 8 + c], wse(static_cast<std::size_t>(ba[i]), c));
    }
  }
  EXPECT_NE(x.segment, y.segment);
  EXPECT_NE(x.sum, y.sum);
  EXPECT_NE(logits_of(transformer, tokens, ab), logits_of(transformer, tokens, ba));
}

TEST(TransformerBehaviour, InputPartsAreTheEmbeddingRowsAndSumExactly) {
  for (const Variant& v : all_variants()) {
    const TransformerConfig config = tiny_config(v.positional, v.causal, v.segments);
    Model model = tiny_model(config, 2);
    Transformer transformer(model, config);
    const std::vector<std::int32_t> tokens = {10, 0, 3, 3, 7, 1};
    const std::vector<std::int32_t> segments = v.segments ? std::vector<std::int32_t>{0, 0, 0, 1, 1, 1} : std::vector<std::int32_t>{};
    const InputParts parts = transformer.inputs(tokens, segments);
    ASSERT_EQ(parts.length, 6);
    ASSERT_EQ(parts.width, 8);
    const Matrix& wte = model.matrix("wte.weight");
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      for (std::size_t c = 0; c < 8; ++c) {
        const std::size_t at = i * 8 + c;
        EXPECT_EQ(parts.token[at], wte(static_cast<std::size_t>(tokens[i]), c));
        float position = 0.0f;
        if (v.positional == Positional::kLearned) position = model.matrix("wpe.weight")(i, c);
        if (v.positional == Positional::kSinusoidal) {
          const double angle = static_cast<double>(i) / std::pow(10000.0, static_cast<double>(c - c % 2) / 8.0);
          position = static_cast<float>(c % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
        EXPECT_EQ(parts.position[at], position) << describe(v) << " position " << i << " column " << c;
        const float segment = v.segments ? model.matrix("wse.weight")(static_cast<std::size_t>(segments[i]), c) : 0.0f;
        EXPECT_EQ(parts.segment[at], segment);
        EXPECT_EQ(parts.sum[at], (parts.token[at] + parts.position[at]) + parts.segment[at]);
      }
    }
  }
}

// ---- configuration and bad input ------------------------------------------------------------------

TEST(TransformerConfig, ValidationNamesTheProblem) {
  const auto error_for = [](auto change) {
    TransformerConfig config = tiny_config();
    change(config);
    return error_of([&] { config.validate(); });
  };
  EXPECT_EQ(error_for([](TransformerConfig&) {}), "<no error>");
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.vocab = 0; }), "vocabulary size is 0"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.width = 0; }), "width is 0"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.layers = 0; }), "layer count is 0"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.context = -3; }), "context length is -3"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.vocab = 5000000; }), "vocabulary size is 5,000,000 (expected 1 to"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.heads = 3; }), "3 heads do not divide its width 8"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.heads = 9; }), "head count is 9"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) {
                         c.width = 12, c.heads = 4, c.positional = Positional::kRope;
                       }),
                       "head size (width / heads = 3) must be even"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) {
                         c.width = 7, c.heads = 7, c.positional = Positional::kSinusoidal;
                       }),
                       "width (7) must be even"));
  EXPECT_TRUE(Contains(error_for([](TransformerConfig& c) { c.width = 8192, c.layers = 256; }), "parameters (at most"));
}

TEST(TransformerConfig, SettingsRoundTripAndNameBadValues) {
  for (const Variant& v : all_variants()) {
    const TransformerConfig config = tiny_config(v.positional, v.causal, v.segments);
    const TransformerConfig back = TransformerConfig::from_settings(config.settings());
    EXPECT_EQ(back.settings(), config.settings());
    EXPECT_EQ(back.positional, v.positional);
    EXPECT_EQ(back.causal, v.causal);
    EXPECT_EQ(back.segments, v.segments);
  }
  const auto error_with = [](const std::string& name, const std::string& value) {
    Settings settings = tiny_config().settings();
    for (auto& [key, old] : settings) {
      if (key == name) old = value;
    }
    if (value == "<drop>") {
      settings.erase(std::remove_if(settings.begin(), settings.end(), [&](const auto& s) { return s.first == name; }),
                     settings.end());
    }
    return error_of([&] { TransformerConfig::from_settings(settings); });
  };
  EXPECT_TRUE(Contains(error_with("width", "wide"), "option 'width' is 'wide' (expected a whole number)"));
  EXPECT_TRUE(Contains(error_with("heads", "<drop>"), "option 'heads' is missing"));
  EXPECT_TRUE(Contains(error_with("heads", "3"), "3 heads do not divide its width 8"));
  EXPECT_TRUE(Contains(error_with("positional", "alibi"), "unknown positional embedding 'alibi' (expected none, sinusoidal, learned or rope)"));
  EXPECT_TRUE(Contains(error_with("objective", "both"), "option 'objective' is 'both' (expected next or masked)"));
  EXPECT_TRUE(Contains(error_with("segments", "yes"), "option 'segments' is 'yes' (expected true or false)"));
  // Masked-word models have segments unless told otherwise; other options are ignored.
  Settings settings = tiny_config().settings();
  settings.erase(settings.end() - 1);
  settings[6].second = "masked";
  settings.emplace_back("learning_rate", "0.001");
  EXPECT_TRUE(TransformerConfig::from_settings(settings).segments);
}

TEST(TransformerErrors, BindingNamesAMissingOrMisshapedMatrix) {
  const TransformerConfig config = tiny_config(Positional::kNone);
  Model model = tiny_model(config);
  EXPECT_TRUE(Contains(error_of([&] { Transformer(model, tiny_config(Positional::kLearned)); }),
                       "no matrix 'wpe.weight'"));
  TransformerConfig wider = config;
  wider.context = 4;  // shapes unchanged without wpe: binds
  EXPECT_EQ(error_of([&] { Transformer(model, wider); }), "<no error>");
  wider.heads = 4;  // heads do not change shapes either
  EXPECT_EQ(error_of([&] { Transformer(model, wider); }), "<no error>");
  TransformerConfig smaller_vocab = config;
  smaller_vocab.vocab = 10;
  EXPECT_TRUE(Contains(error_of([&] { Transformer(model, smaller_vocab); }),
                       "matrix 'wte.weight' is 11x8 but the transformer needs 10x8"));
}

TEST(TransformerErrors, BadBatchesAreRejectedBeforeAnyWork) {
  const TransformerConfig config = tiny_config(Positional::kLearned);
  Model model = tiny_model(config);
  Transformer transformer(model, config);
  auto ws = transformer.make_workspace(2, 6);
  const auto error_for = [&](auto change) {
    TokenBatch batch = random_batch(config, 2, 6, 1);
    change(batch);
    return error_of([&] { transformer.forward_backward(batch, *ws, nullptr, 1.0f, nullptr); });
  };
  EXPECT_EQ(error_for([](TokenBatch&) {}), "<no error>");
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.tokens[7] = 11; }), "token id 11 at row 2, position 2 is outside the vocabulary (0 to 10)"));
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.tokens[0] = -1; }), "token id -1 at row 1, position 1"));
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.targets[3] = -2; }), "target -2 at row 1, position 4 is neither -1 nor a token id"));
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.targets.pop_back(); }), "11 targets for 12 positions"));
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.segments.assign(12, 0); }), "no segment embedding"));
  EXPECT_TRUE(Contains(error_for([](TokenBatch& b) { b.rows = 3; }), "3 rows of 6 tokens does not fit the workspace (up to 2 rows of 6)"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.make_workspace(1, 7); }), "1 to 6 tokens (asked for 1 of 7)"));
  auto grads = zero_grads(transformer);
  grads.pop_back();
  TokenBatch batch = random_batch(config, 2, 6, 1);
  EXPECT_TRUE(Contains(error_of([&] { transformer.forward_backward(batch, *ws, &grads, 1.0f, nullptr); }),
                       "gradient vectors do not match"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.inputs({1, 2, 3, 4, 5, 6, 7}, {}); }), "7 tokens does not fit the context (1 to 6 tokens)"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.inputs({1, 12}, {}); }), "token id 12 at position 2"));
  EXPECT_TRUE(Contains(error_of([&] { transformer.attention(*ws, 2); }), "layer 2 does not exist"));
  // A shorter batch than the workspace holds is fine.
  const TokenBatch short_batch = random_batch(config, 1, 3, 2);
  EXPECT_EQ(error_of([&] { transformer.forward_backward(short_batch, *ws, nullptr, 1.0f, nullptr); }), "<no error>");
}

TEST(TransformerInit, FollowsGpt2) {
  TransformerConfig config = tiny_config(Positional::kLearned, false, true);
  config.width = 64;
  config.heads = 4;
  config.vocab = 500;
  Model model = tiny_model(config);
  const auto stddev = [&](const std::string& name) {
    const Matrix& m = model.matrix(name);
    double sum = 0.0, squares = 0.0;
    for (std::size_t i = 0; i < m.size(); ++i) sum += m.data()[i], squares += static_cast<double>(m.data()[i]) * m.data()[i];
    const double mean = sum / static_cast<double>(m.size());
    EXPECT_NEAR(mean, 0.0, 0.003) << name;
    return std::sqrt(squares / static_cast<double>(m.size()) - mean * mean);
  };
  EXPECT_NEAR(stddev("wte.weight"), 0.02, 0.001);
  EXPECT_NEAR(stddev("wpe.weight"), 0.02, 0.002);
  EXPECT_NEAR(stddev("h.1.attn.c_attn.weight"), 0.02, 0.001);
  EXPECT_NEAR(stddev("h.0.mlp.c_fc.weight"), 0.02, 0.001);
  EXPECT_NEAR(stddev("h.0.attn.c_proj.weight"), 0.01, 0.001);  // 0.02 / sqrt(2 layers · 2)
  EXPECT_NEAR(stddev("h.1.mlp.c_proj.weight"), 0.01, 0.001);
  for (const char* name : {"h.0.ln_1.weight", "h.1.ln_2.weight", "ln_f.weight"}) {
    const Matrix& m = model.matrix(name);
    EXPECT_TRUE(std::all_of(m.data(), m.data() + m.size(), [](float x) { return x == 1.0f; })) << name;
  }
  for (const char* name : {"h.0.ln_1.bias", "h.0.attn.c_attn.bias", "h.1.mlp.c_proj.bias", "ln_f.bias"}) {
    const Matrix& m = model.matrix(name);
    EXPECT_TRUE(std::all_of(m.data(), m.data() + m.size(), [](float x) { return x == 0.0f; })) << name;
  }
  // The same seed gives the same weights.
  EXPECT_EQ(tiny_model(config).matrices().front().matrix, model.matrices().front().matrix);
  EXPECT_NE(tiny_model(config, 8).matrices().front().matrix, model.matrices().front().matrix);
}

TEST(TransformerParameters, FollowTheDocumentedNamesOrderAndDecay) {
  const TransformerConfig config = tiny_config(Positional::kLearned, false, true);
  Model model = tiny_model(config);
  Transformer transformer(model, config);
  const auto params = transformer.parameters();
  ASSERT_EQ(params.size(), 3u + 2 * 12 + 2);
  const std::vector<std::string> first = {"wte.weight", "wpe.weight", "wse.weight", "h.0.ln_1.weight", "h.0.ln_1.bias",
                                          "h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias", "h.0.attn.c_proj.weight",
                                          "h.0.attn.c_proj.bias", "h.0.ln_2.weight", "h.0.ln_2.bias", "h.0.mlp.c_fc.weight",
                                          "h.0.mlp.c_fc.bias", "h.0.mlp.c_proj.weight", "h.0.mlp.c_proj.bias"};
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(params[i].name, first[i]);
  EXPECT_EQ(params.back().name, "ln_f.bias");
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(params[i].name, model.matrices()[i].name);
    EXPECT_EQ(params[i].values, model.matrix(params[i].name).data());
    EXPECT_EQ(params[i].size, model.matrices()[i].matrix.size());
    EXPECT_EQ(params[i].decay, params[i].name.find("bias") == std::string::npos && params[i].name.find("ln_") == std::string::npos)
        << params[i].name;
  }
  EXPECT_EQ(model.matrix("h.1.attn.c_attn.weight").rows(), 24u);
  EXPECT_EQ(model.matrix("h.1.mlp.c_proj.weight").cols(), 32u);
  EXPECT_EQ(model.matrix("h.1.mlp.c_fc.bias").rows(), 1u);
}

// ---- the model file ---------------------------------------------------------------------------------

std::string saved(const Model& model) {
  std::ostringstream out;
  model.save(out);
  return out.str();
}

std::string load_error(const std::string& bytes) {
  std::istringstream in(bytes);
  return error_of([&] { Model::load(in, "lm.model"); });
}

void replace_once(std::string& bytes, const std::string& from, const std::string& to) {
  const std::size_t at = bytes.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  bytes.replace(at, from.size(), to);
}

std::string length_prefixed(const std::string& s) {
  std::string out(4, '\0');
  out[0] = static_cast<char>(s.size());
  return out + s;
}

TEST(TransformerModelFile, RoundTripIsBitIdenticalAndComputesTheSame) {
  for (const Variant& v : all_variants()) {
    const TransformerConfig config = tiny_config(v.positional, v.causal, v.segments);
    Model model = tiny_model(config, 9, 0.1f);
    Settings options = config.settings();
    options.emplace_back("learning_rate", "0.0003");
    model.set_options(options);
    const std::string bytes = saved(model);
    std::istringstream in(bytes);
    Model loaded = Model::load(in, "lm.model");
    EXPECT_EQ(loaded.kind(), "transformer");
    EXPECT_EQ(loaded.options(), options);
    ASSERT_EQ(loaded.matrices().size(), model.matrices().size());
    for (std::size_t i = 0; i < model.matrices().size(); ++i) {
      EXPECT_EQ(loaded.matrices()[i].name, model.matrices()[i].name);
      EXPECT_EQ(loaded.matrices()[i].matrix, model.matrices()[i].matrix);
    }
    EXPECT_EQ(saved(loaded), bytes);
    Transformer a(model, config), b(loaded, TransformerConfig::from_settings(loaded.options()));
    const std::vector<std::int32_t> tokens = {1, 2, 3, 4};
    const std::vector<std::int32_t> segments = v.segments ? std::vector<std::int32_t>{0, 0, 1, 1} : std::vector<std::int32_t>{};
    EXPECT_EQ(logits_of(a, tokens, segments), logits_of(b, tokens, segments));
  }
}

TEST(TransformerModelFile, LoadingNamesAMisshapedOrMissingMatrixAndBadOptions) {
  const TransformerConfig config = tiny_config(Positional::kNone, true);
  const std::string bytes = saved(tiny_model(config));
  {  // The options say width 4, the matrices are 8 wide.
    std::string changed = bytes;
    replace_once(changed, length_prefixed("width") + length_prefixed("8"), length_prefixed("width") + length_prefixed("4"));
    EXPECT_TRUE(ContainsAll(load_error(changed), {"lm.model: matrix 'wte.weight'", "is 11x8 but a transformer model with these options needs 11x4"}));
  }
  {  // The options say 3 heads for width 8.
    std::string changed = bytes;
    replace_once(changed, length_prefixed("heads") + length_prefixed("2"), length_prefixed("heads") + length_prefixed("3"));
    EXPECT_TRUE(ContainsAll(load_error(changed), {"lm.model: the options:", "3 heads do not divide its width 8"}));
  }
  {  // The positional kind is the options' ("rope" has the same length as "none", and no extra matrix).
    std::string changed = bytes;
    replace_once(changed, length_prefixed("positional") + length_prefixed("none"),
                 length_prefixed("positional") + length_prefixed("rope"));
    std::istringstream in(changed);
    EXPECT_EQ(TransformerConfig::from_settings(Model::load(in).options()).positional, Positional::kRope);
  }
  {  // Masked-word models have segments unless the options say otherwise: wse.weight is missing.
    TransformerConfig masked = tiny_config(Positional::kNone, false, false);
    std::string changed = saved(tiny_model(masked));
    replace_once(changed, length_prefixed("segments"), length_prefixed("segmentz"));
    EXPECT_TRUE(ContainsAll(load_error(changed), {"lm.model: the end of the file: a transformer model needs a matrix named 'wse.weight'"}));
  }
  {  // A vocabulary that does not match the vocab option.
    Settings options = config.settings();
    options[0].second = "12";
    EXPECT_TRUE(Contains(error_of([&] { Model(Transformer::kKind, numbered_tokenizer(11), options); }),
                         "the transformer's vocab option is 12 but its tokenizer has 11 tokens"));
  }
  // A model cannot get matrices its configuration does not list, nor options that no longer fit.
  Model model = tiny_model(config);
  EXPECT_TRUE(Contains(error_of([&] { model.add_matrix("wpe.weight", Matrix(6, 8)); }), "has no matrix 'wpe.weight'"));
  Settings wider = config.settings();
  wider[1].second = "16";
  EXPECT_TRUE(Contains(error_of([&] { model.set_options(wider); }), "is 11x8 but a transformer model with these options needs 11x16"));
  EXPECT_TRUE(Contains(error_of([&] { Model(Transformer::kKind, numbered_tokenizer(11), {}); }), "option 'vocab' is missing"));
}

}  // namespace
}  // namespace embedlab
