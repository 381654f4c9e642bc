// A small GPT-2-style transformer (pre-norm blocks, tied output) with hand-written forward and
// backward passes on the SIMD kernels' matrix multiplies (a batch runs a few rows at a time). Architecture, initialisation, tensor
// names and layout are docs/transformer.md's; the weights are the named matrices of a Model of kind
// "transformer" (1-D tensors as 1×n matrices), so they save and load with the model file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/random.h"
#include "core/tokenizer.h"

namespace embedlab {

// Where the order of the tokens comes from: nowhere (a bag of tokens), a fixed sinusoid added to the
// input, a learned table added to the input (wpe), or rotations of q and k inside attention (RoPE).
enum class Positional { kNone, kSinusoidal, kLearned, kRope };

// "none", "sinusoidal", "learned", "rope"; parse_positional throws Error naming the choices.
const char* positional_name(Positional positional);
Positional parse_positional(const std::string& name);

// Sinusoidal positions (docs/transformer.md), rows × width row-major: P[i][2k] = sin(i / 10000^(2k/width)),
// P[i][2k+1] = cos(same). Throws Error on an odd or zero width.
std::vector<float> sinusoidal_positions(std::size_t rows, std::size_t width);
// RoPE's angle for pair k of a head of `head_size` at `position`: position · 10000^(-2k/head_size).
double rope_angle(std::size_t position, std::size_t k, std::size_t head_size);

struct TransformerConfig {
  int vocab = 0, width = 64, layers = 2, heads = 4, context = 64;
  Positional positional = Positional::kLearned;
  bool causal = true;     // next-word (GPT) = causal; masked-word (BERT) = bidirectional
  bool segments = false;  // masked-word: a 2-row segment embedding wse.weight

  // Throws Error naming the problem: zero or absurd sizes, heads not dividing width, an odd head
  // size with rope.
  void validate() const;
  int head_size() const { return width / heads; }
  // The model-file options (and safetensors metadata): vocab, width, layers, heads, context,
  // positional (none|sinusoidal|learned|rope), objective (next|masked: causal or not), segments
  // (true|false).
  Settings settings() const;
  // Reads those names (other names, e.g. training options, are ignored; `segments` defaults to
  // objective == masked) and validates; throws Error naming a missing or malformed one.
  static TransformerConfig from_settings(const Settings& settings);

  // The matrices this configuration has, in docs/transformer.md's order (the model's order).
  struct MatrixShape {
    std::string name;
    std::size_t rows, cols;
    bool decay;  // 2-D weights (AdamW decays them); biases and LayerNorm parameters are not
  };
  std::vector<MatrixShape> matrix_shapes() const;
};

// Sequences of token ids for one forward pass.
struct TokenBatch {  // rows sequences of `length` (<= context) tokens, row-major
  int rows = 0, length = 0;
  std::vector<std::int32_t> tokens;
  std::vector<std::int32_t> segments;  // empty, or rows*length of 0/1
  std::vector<std::int32_t> targets;   // rows*length, -1 = not predicted
};

// The input embedding of one sequence part by part (each length×width, row-major):
// sum = token + position + segment exactly as the model's first layer sees it (position is zero
// for none and rope, segment zero without segments).
struct InputParts {
  int length = 0, width = 0;
  std::vector<float> token, position, segment, sum;
};

class Transformer {
 public:
  static constexpr const char* kKind = "transformer";

  // Adds the matrices docs/transformer.md lists for `config` to `model`, initialised as GPT-2
  // (normal(0, 0.02) from rng; projections into the residual 0.02/sqrt(2L); biases 0, LN gains 1).
  static void add_parameters(Model& model, const TransformerConfig& config, Rng& rng);

  // Binds to `model`'s matrices (throws Error naming a missing or wrong-shaped one). The model
  // must outlive the transformer.
  Transformer(Model& model, const TransformerConfig& config);
  ~Transformer();
  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;

  const TransformerConfig& config() const { return config_; }

  struct Parameter {
    std::string name;
    float* values;
    std::size_t size;
    bool decay;  // 2-D weights incl. wte/wpe/wse
  };
  // In a fixed order (the model's matrix order, docs/transformer.md's table).
  std::vector<Parameter> parameters();

  // Activations and scratch for batches of up to rows×length tokens, for one thread.
  class Workspace;
  std::unique_ptr<Workspace> make_workspace(int rows, int length) const;

  // Forward over the batch; returns the SUM of cross-entropies over targets >= 0 (their count in
  // *predicted when not null). If grads != nullptr (one vector per parameter, same order and
  // sizes as parameters()), ADDS grad_scale * d(sum)/d(param) into them. Throws Error on a batch
  // that does not fit the workspace or the config (length > context, an id outside the
  // vocabulary, a segment id other than 0/1). It only reads the weights: threads may call it at
  // once, each with its own workspace and gradient vectors.
  double forward_backward(const TokenBatch& batch, Workspace& ws, std::vector<std::vector<float>>* grads,
                          float grad_scale, std::int64_t* predicted);
  // rows*length × vocab logits from the last forward in `ws`.
  const float* logits(const Workspace& ws) const;
  // The final hidden states (after ln_f), rows*length × width, from the last forward in `ws`.
  const float* hidden(const Workspace& ws) const;

  // Layer `layer`'s attention probabilities from the last forward in `ws`:
  // rows × heads × length × length, [row][head][query i][key j] (row i sums to 1).
  const float* attention(const Workspace& ws, int layer) const;

  // The first layer's attention score of head `head` (q·k / sqrt(dh), before the mask and softmax)
  // for token `query` at `query_position` against token `key` at `key_position`, each embedded
  // alone (segment A): with rope it depends only on the positions' offset (the RoPE demo). Throws
  // Error on a head, token or position out of range.
  double attention_score(int head, std::int32_t query, std::size_t query_position, std::int32_t key,
                         std::size_t key_position) const;

  // The input embedding of one sequence (segments empty = all sentence A), part by part.
  InputParts inputs(const std::vector<std::int32_t>& tokens, const std::vector<std::int32_t>& segments) const;

 private:
  struct Layer;  // one block's parameters and where its gradients go
  void embed(std::int32_t token, std::size_t position, std::int32_t segment, float* out) const;
  const float* position_row(std::size_t position) const;  // null for none and rope
  void attention_forward(const Layer& layer, Workspace& ws, std::size_t l) const;
  void attention_backward(Workspace& ws, std::size_t l) const;
  double run_chunk(const TokenBatch& batch, Workspace& ws, std::vector<std::vector<float>>* grads, float grad_scale,
                   std::int64_t& count) const;

  TransformerConfig config_;
  float* wte_ = nullptr;
  float* wpe_ = nullptr;
  float* wse_ = nullptr;
  float* ln_f_weight_ = nullptr;
  float* ln_f_bias_ = nullptr;
  std::size_t wpe_index_ = 0, wse_index_ = 0, ln_f_index_ = 0;  // positions in parameters()
  std::vector<Layer> layers_;
  std::vector<Parameter> parameters_;
  std::vector<float> sinusoid_;             // context×width when positional is sinusoidal
  std::vector<float> rope_cos_, rope_sin_;  // context×(head_size/2) when positional is rope
};

// Everything the backward pass needs from the forward one, per layer, plus backward scratch, sized
// once for up to rows×length tokens (make_workspace): a forward_backward call allocates nothing.
// One per thread; opaque to users.
class Transformer::Workspace {
 public:
  // The largest batch it holds.
  int max_rows() const { return static_cast<int>(capacity_rows); }
  int max_length() const { return static_cast<int>(capacity_length); }

 private:
  friend class Transformer;
  Workspace(const TransformerConfig& for_config, std::size_t max_rows, std::size_t max_length);

  // n = one chunk's tokens (forward_backward runs a few rows at a time), except att.
  struct LayerActivations {
    std::vector<float> x;                            // the block's input (residual stream), n×d
    std::vector<float> ln1, ln1_mean, ln1_rstd;      // LayerNorm 1 output and statistics
    std::vector<float> q, k, v;                      // head-major [row][head][position][dh], after rope
    std::vector<float> att;                          // softmax(scores), [row][head][i][j], whole batch
    std::vector<float> attn_out;                     // heads concatenated, n×d
    std::vector<float> mid;                          // x + attention, n×d
    std::vector<float> ln2, ln2_mean, ln2_rstd;      // LayerNorm 2
    std::vector<float> fc_pre, fc_post;              // MLP hidden before and after GELU, n×4d
  };

  TransformerConfig config;
  std::size_t capacity_rows, capacity_length;
  std::size_t rows = 0, length = 0;  // of the last batch
  std::size_t chunk_tokens = 0;      // the per-chunk buffers' size in tokens
  std::size_t first_row = 0, chunk_rows = 0;  // the chunk being run
  std::vector<LayerActivations> layers;
  std::vector<float> x_final, lnf_mean, lnf_rstd;
  std::vector<float> lnf, logits;  // the whole batch's: hidden() and logits()
  std::vector<float> probs;          // softmax of the predicted rows, then dlogits, packed
  std::vector<std::size_t> picked;  // the position (in the chunk) of each packed row
  std::vector<float> qkv;    // scratch: one layer's q|k|v projection, n×3d
  std::vector<float> head;   // scratch: one head's output, length×dh
  std::vector<float> dres, dtmp, dq, dk, dv, dfc, dfc_pre, datt;
};

}  // namespace embedlab
