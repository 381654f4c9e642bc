#include "core/transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {
namespace {

constexpr float kLayerNormEps = 1e-5f;  // PyTorch's default
constexpr double kInitStd = 0.02;       // GPT-2
// forward_backward runs a batch a few whole rows (about this many tokens) at a time, forward then
// backward, so that one chunk's activations stay in cache: at d = 64 and 1,024 tokens per batch this
// ran 1.3x faster than the whole batch at once. The gradients are sums over rows, so the chunks
// simply add theirs.
constexpr std::size_t kChunkTokens = 128;

// Sizes past these are mistakes (or corrupt files), not models this engine can train.
constexpr int kMaxVocab = 1 << 20;
constexpr int kMaxWidth = 1 << 13;
constexpr int kMaxLayers = 256;
constexpr int kMaxContext = 1 << 14;
constexpr double kMaxParameters = 1u << 30;

const char* const kPositionalNames[] = {"none", "sinusoidal", "learned", "rope"};

int parse_size(const Settings& settings, const char* name) {
  for (const auto& [key, value] : settings) {
    if (key != name) continue;
    long long parsed = 0;
    bool ok = !value.empty() && value.size() <= 12;
    for (const char c : value) {
      if (c < '0' || c > '9') ok = false;
      else parsed = parsed * 10 + (c - '0');
    }
    if (!ok || parsed > std::numeric_limits<int>::max()) {
      throw Error("transformer option '" + std::string(name) + "' is " + quote(value) + " (expected a whole number)");
    }
    return static_cast<int>(parsed);
  }
  throw Error("transformer option '" + std::string(name) + "' is missing");
}

const std::string* find_setting(const Settings& settings, const char* name) {
  for (const auto& [key, value] : settings) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Normal(0, std) numbers from rng by Box-Muller, two per pair of uniforms.
class NormalSource {
 public:
  NormalSource(Rng& rng, double std) : rng_(rng), std_(std) {}
  float next() {
    if (has_spare_) {
      has_spare_ = false;
      return static_cast<float>(spare_ * std_);
    }
    const double u1 = 1.0 - static_cast<double>(rng_.uniform());  // (0, 1]: log is finite
    const double u2 = static_cast<double>(rng_.uniform());
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * 3.14159265358979323846 * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return static_cast<float>(radius * std::cos(angle) * std_);
  }

 private:
  Rng& rng_;
  double std_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// The (row, head) pairs of a chunk: fn(block) where block = (row·heads + head)·t_len indexes the
// head's first position (its q, k, v rows start at block·dh, its probabilities at block·t_len).
template <class Fn>
void for_each_head(std::size_t rows, std::size_t heads, std::size_t t_len, Fn fn) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t h = 0; h < heads; ++h) fn(r, h, (r * heads + h) * t_len);
  }
}

// row r of an n-column block
inline float* row_of(float* base, std::size_t r, std::size_t n) { return base + r * n; }
inline const float* row_of(const float* base, std::size_t r, std::size_t n) { return base + r * n; }

// out (rows×cols) += bias on every row.
// RoPE: each pair (x[2k], x[2k+1]) rotated by the angle whose cosine and sine are cos[k], sin[k].
void rotate_pairs(float* x, const float* cos, const float* sin, std::size_t half) {
  for (std::size_t k = 0; k < half; ++k) {
    const float x0 = x[2 * k], x1 = x[2 * k + 1];
    x[2 * k] = x0 * cos[k] - x1 * sin[k];
    x[2 * k + 1] = x0 * sin[k] + x1 * cos[k];
  }
}

void add_bias(float* out, const float* bias, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) kernels::axpy(1.0f, bias, row_of(out, r, cols), cols);
}

// dbias (cols) += the column sums of dout (rows×cols).
void bias_backward(const float* dout, float* dbias, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) kernels::axpy(1.0f, row_of(dout, r, cols), dbias, cols);
}

}  // namespace

// ---- configuration --------------------------------------------------------------------------------

std::vector<float> sinusoidal_positions(std::size_t rows, std::size_t width) {
  if (width == 0 || width % 2 != 0) throw Error("sinusoidal positions need an even width, got " + std::to_string(width));
  std::vector<float> p(rows * width);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t k = 0; 2 * k < width; ++k) {
      // P[i][2k] = sin(i / 10000^(2k/d)), P[i][2k+1] = cos(same)
      const double angle = static_cast<double>(i) / std::pow(10000.0, static_cast<double>(2 * k) / static_cast<double>(width));
      p[i * width + 2 * k] = static_cast<float>(std::sin(angle));
      p[i * width + 2 * k + 1] = static_cast<float>(std::cos(angle));
    }
  }
  return p;
}

double rope_angle(std::size_t position, std::size_t k, std::size_t head_size) {
  // θ = i · 10000^(-2k/dh)
  return static_cast<double>(position) * std::pow(10000.0, -static_cast<double>(2 * k) / static_cast<double>(head_size));
}

const char* positional_name(Positional positional) { return kPositionalNames[static_cast<int>(positional)]; }

Positional parse_positional(const std::string& name) {
  for (int i = 0; i < 4; ++i) {
    if (name == kPositionalNames[i]) return static_cast<Positional>(i);
  }
  throw Error("unknown positional embedding " + quote(name) + " (expected none, sinusoidal, learned or rope)");
}

void TransformerConfig::validate() const {
  const auto check = [](const char* what, int value, int max) {
    if (value < 1 || value > max) {
      throw Error("the transformer's " + std::string(what) + " is " + with_commas(value) + " (expected 1 to " +
                  with_commas(max) + ")");
    }
  };
  check("vocabulary size", vocab, kMaxVocab);
  check("width", width, kMaxWidth);
  check("layer count", layers, kMaxLayers);
  check("head count", heads, width);
  check("context length", context, kMaxContext);
  if (width % heads != 0) {
    throw Error("the transformer's " + std::to_string(heads) + " heads do not divide its width " +
                std::to_string(width) + " (each head takes width / heads columns)");
  }
  if (positional == Positional::kRope && head_size() % 2 != 0) {
    throw Error("rope rotates pairs of columns, so the head size (width / heads = " + std::to_string(head_size()) +
                ") must be even");
  }
  if (positional == Positional::kSinusoidal && width % 2 != 0) {
    throw Error("sinusoidal positions fill pairs of columns (sin, cos), so the width (" + std::to_string(width) +
                ") must be even");
  }
  const double w = width;
  const double parameters = static_cast<double>(vocab) * w + static_cast<double>(context) * w +
                            static_cast<double>(layers) * (12.0 * w * w + 13.0 * w);
  if (parameters > kMaxParameters) {
    throw Error("the transformer would have " + with_commas(static_cast<long long>(parameters)) +
                " parameters (at most " + with_commas(static_cast<long long>(kMaxParameters)) + ")");
  }
}

Settings TransformerConfig::settings() const {
  return {{"vocab", std::to_string(vocab)},
          {"width", std::to_string(width)},
          {"layers", std::to_string(layers)},
          {"heads", std::to_string(heads)},
          {"context", std::to_string(context)},
          {"positional", positional_name(positional)},
          {"objective", causal ? "next" : "masked"},
          {"segments", segments ? "true" : "false"}};
}

TransformerConfig TransformerConfig::from_settings(const Settings& settings) {
  TransformerConfig config;
  config.vocab = parse_size(settings, "vocab");
  config.width = parse_size(settings, "width");
  config.layers = parse_size(settings, "layers");
  config.heads = parse_size(settings, "heads");
  config.context = parse_size(settings, "context");
  const std::string* positional = find_setting(settings, "positional");
  if (positional == nullptr) throw Error("transformer option 'positional' is missing");
  config.positional = parse_positional(*positional);
  const std::string* objective = find_setting(settings, "objective");
  if (objective == nullptr) throw Error("transformer option 'objective' is missing");
  if (*objective != "next" && *objective != "masked") {
    throw Error("transformer option 'objective' is " + quote(*objective) + " (expected next or masked)");
  }
  config.causal = *objective == "next";
  config.segments = !config.causal;
  if (const std::string* segments = find_setting(settings, "segments")) {
    if (*segments != "true" && *segments != "false") {
      throw Error("transformer option 'segments' is " + quote(*segments) + " (expected true or false)");
    }
    config.segments = *segments == "true";
  }
  config.validate();
  return config;
}

std::vector<TransformerConfig::MatrixShape> TransformerConfig::matrix_shapes() const {
  const auto d = static_cast<std::size_t>(width);
  std::vector<MatrixShape> shapes;
  shapes.push_back({"wte.weight", static_cast<std::size_t>(vocab), d, true});
  if (positional == Positional::kLearned) shapes.push_back({"wpe.weight", static_cast<std::size_t>(context), d, true});
  if (segments) shapes.push_back({"wse.weight", 2, d, true});
  for (int l = 0; l < layers; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    shapes.push_back({h + "ln_1.weight", 1, d, false});
    shapes.push_back({h + "ln_1.bias", 1, d, false});
    shapes.push_back({h + "attn.c_attn.weight", 3 * d, d, true});
    shapes.push_back({h + "attn.c_attn.bias", 1, 3 * d, false});
    shapes.push_back({h + "attn.c_proj.weight", d, d, true});
    shapes.push_back({h + "attn.c_proj.bias", 1, d, false});
    shapes.push_back({h + "ln_2.weight", 1, d, false});
    shapes.push_back({h + "ln_2.bias", 1, d, false});
    shapes.push_back({h + "mlp.c_fc.weight", 4 * d, d, true});
    shapes.push_back({h + "mlp.c_fc.bias", 1, 4 * d, false});
    shapes.push_back({h + "mlp.c_proj.weight", d, 4 * d, true});
    shapes.push_back({h + "mlp.c_proj.bias", 1, d, false});
  }
  shapes.push_back({"ln_f.weight", 1, d, false});
  shapes.push_back({"ln_f.bias", 1, d, false});
  return shapes;
}

// ---- parameters -------------------------------------------------------------------------------------

// A block's parameters in the model's order; `first` is the index of ln_1.weight in parameters().
struct Transformer::Layer {
  static constexpr std::size_t kCount = 12;
  enum Index { kLn1W, kLn1B, kAttnW, kAttnB, kProjW, kProjB, kLn2W, kLn2B, kFcW, kFcB, kMlpW, kMlpB };
  float* p[kCount];
  std::size_t first;
  const float* operator[](Index i) const { return p[i]; }
  // The gradient vector of parameter i in `grads`.
  float* grad(std::vector<std::vector<float>>& grads, Index i) const { return grads[first + i].data(); }
};

void Transformer::add_parameters(Model& model, const TransformerConfig& config, Rng& rng) {
  config.validate();
  const double residual_std = kInitStd / std::sqrt(2.0 * config.layers);
  NormalSource normal(rng, kInitStd);
  NormalSource residual_normal(rng, residual_std);
  for (const TransformerConfig::MatrixShape& shape : config.matrix_shapes()) {
    Matrix matrix(shape.rows, shape.cols);
    const std::string& name = shape.name;
    const auto ends_with = [&](const char* suffix) {
      const std::size_t n = std::strlen(suffix);
      return name.size() >= n && name.compare(name.size() - n, n, suffix) == 0;
    };
    if (ends_with("c_proj.weight")) {
      for (std::size_t i = 0; i < matrix.size(); ++i) matrix.data()[i] = residual_normal.next();
    } else if (shape.decay) {
      for (std::size_t i = 0; i < matrix.size(); ++i) matrix.data()[i] = normal.next();
    } else if (name.find("ln_") != std::string::npos && ends_with(".weight")) {
      std::fill(matrix.data(), matrix.data() + matrix.size(), 1.0f);
    }  // biases stay 0
    model.add_matrix(name, std::move(matrix));
  }
}

Transformer::Transformer(Model& model, const TransformerConfig& config) : config_(config) {
  config_.validate();
  for (const TransformerConfig::MatrixShape& shape : config_.matrix_shapes()) {
    Matrix& matrix = model.matrix(shape.name);
    if (matrix.rows() != shape.rows || matrix.cols() != shape.cols) {
      throw Error("matrix '" + shape.name + "' is " + std::to_string(matrix.rows()) + "x" +
                  std::to_string(matrix.cols()) + " but the transformer needs " + std::to_string(shape.rows) + "x" +
                  std::to_string(shape.cols));
    }
    parameters_.push_back(Parameter{shape.name, matrix.data(), matrix.size(), shape.decay});
  }
  std::size_t next = 0;
  wte_ = parameters_[next++].values;
  if (config_.positional == Positional::kLearned) wpe_index_ = next, wpe_ = parameters_[next++].values;
  if (config_.segments) wse_index_ = next, wse_ = parameters_[next++].values;
  for (int l = 0; l < config_.layers; ++l) {
    Layer layer{};
    layer.first = next;
    for (std::size_t i = 0; i < Layer::kCount; ++i) layer.p[i] = parameters_[next++].values;
    layers_.push_back(layer);
  }
  ln_f_index_ = next;
  ln_f_weight_ = parameters_[next].values;
  ln_f_bias_ = parameters_[next + 1].values;

  const auto context = static_cast<std::size_t>(config_.context);
  const auto width = static_cast<std::size_t>(config_.width);
  if (config_.positional == Positional::kSinusoidal) sinusoid_ = sinusoidal_positions(context, width);
  if (config_.positional == Positional::kRope) {
    const auto half = static_cast<std::size_t>(config_.head_size() / 2);
    rope_cos_.resize(context * half);
    rope_sin_.resize(context * half);
    for (std::size_t i = 0; i < context; ++i) {
      for (std::size_t k = 0; k < half; ++k) {
        const double angle = rope_angle(i, k, static_cast<std::size_t>(config_.head_size()));
        rope_cos_[i * half + k] = static_cast<float>(std::cos(angle));
        rope_sin_[i * half + k] = static_cast<float>(std::sin(angle));
      }
    }
  }
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

std::vector<Transformer::Parameter> Transformer::parameters() { return parameters_; }

// ---- workspace ----------------------------------------------------------------------------------------

Transformer::Workspace::Workspace(const TransformerConfig& for_config, std::size_t max_rows, std::size_t max_length)
    : config(for_config), capacity_rows(max_rows), capacity_length(max_length) {
  const std::size_t all = max_rows * max_length;
  const std::size_t n = std::min(max_rows, std::max<std::size_t>(1, kChunkTokens / max_length)) * max_length;
  chunk_tokens = n;
  const auto d = static_cast<std::size_t>(config.width);
  const auto v = static_cast<std::size_t>(config.vocab);
  layers.resize(static_cast<std::size_t>(config.layers));
  for (LayerActivations& a : layers) {
    a.x.resize(n * d);
    a.ln1.resize(n * d);
    a.ln1_mean.resize(n);
    a.ln1_rstd.resize(n);
    a.q.resize(n * d);
    a.k.resize(n * d);
    a.v.resize(n * d);
    a.att.resize(all * static_cast<std::size_t>(config.heads) * max_length);
    a.attn_out.resize(n * d);
    a.mid.resize(n * d);
    a.ln2.resize(n * d);
    a.ln2_mean.resize(n);
    a.ln2_rstd.resize(n);
    a.fc_pre.resize(4 * n * d);
    a.fc_post.resize(4 * n * d);
  }
  x_final.resize(n * d);
  lnf.resize(all * d);
  lnf_mean.resize(n);
  lnf_rstd.resize(n);
  logits.resize(all * v);
  probs.resize(n * v);
  qkv.resize(3 * n * d);
  head.resize(max_length * static_cast<std::size_t>(config.head_size()));
  dres.resize(n * d);
  dtmp.resize(n * d);
  dq.resize(n * d);
  dk.resize(n * d);
  dv.resize(n * d);
  dfc.resize(4 * n * d);
  dfc_pre.resize(4 * n * d);
  datt.resize(max_length * max_length);
  picked.resize(n);
}

std::unique_ptr<Transformer::Workspace> Transformer::make_workspace(int rows, int length) const {
  if (rows < 1 || length < 1 || length > config_.context) {
    throw Error("a transformer workspace needs 1 or more rows of 1 to " + std::to_string(config_.context) +
                " tokens (asked for " + std::to_string(rows) + " of " + std::to_string(length) + ")");
  }
  return std::unique_ptr<Workspace>(new Workspace(config_, static_cast<std::size_t>(rows), static_cast<std::size_t>(length)));
}

const float* Transformer::logits(const Workspace& ws) const { return ws.logits.data(); }
const float* Transformer::hidden(const Workspace& ws) const { return ws.lnf.data(); }
const float* Transformer::attention(const Workspace& ws, int layer) const {
  if (layer < 0 || layer >= config_.layers) {
    throw Error("layer " + std::to_string(layer) + " does not exist (the transformer has " +
                std::to_string(config_.layers) + ")");
  }
  return ws.layers[static_cast<std::size_t>(layer)].att.data();
}

// ---- inputs ---------------------------------------------------------------------------------------------

const float* Transformer::position_row(std::size_t position) const {
  const auto d = static_cast<std::size_t>(config_.width);
  if (config_.positional == Positional::kLearned) return wpe_ + position * d;
  if (config_.positional == Positional::kSinusoidal) return sinusoid_.data() + position * d;
  return nullptr;
}

// x = wte[token] + P[position] + wse[segment], added in that order (inputs() reproduces it exactly).
void Transformer::embed(std::int32_t token, std::size_t position, std::int32_t segment, float* out) const {
  const auto d = static_cast<std::size_t>(config_.width);
  std::copy_n(wte_ + static_cast<std::size_t>(token) * d, d, out);
  if (const float* p = position_row(position)) kernels::axpy(1.0f, p, out, d);
  if (wse_ != nullptr) kernels::axpy(1.0f, wse_ + static_cast<std::size_t>(segment) * d, out, d);
}

double Transformer::attention_score(int head, std::int32_t query, std::size_t query_position, std::int32_t key,
                                    std::size_t key_position) const {
  if (head < 0 || head >= config_.heads) {
    throw Error("head " + std::to_string(head) + " does not exist (the model has " + std::to_string(config_.heads) + ")");
  }
  for (const std::int32_t token : {query, key}) {
    if (token < 0 || token >= config_.vocab) {
      throw Error("token id " + std::to_string(token) + " is outside the vocabulary (0 to " + std::to_string(config_.vocab - 1) + ")");
    }
  }
  for (const std::size_t position : {query_position, key_position}) {
    if (position >= static_cast<std::size_t>(config_.context)) {
      throw Error("position " + std::to_string(position) + " is outside the context (0 to " +
                  std::to_string(config_.context - 1) + ")");
    }
  }
  const auto d = static_cast<std::size_t>(config_.width);
  const auto dh = static_cast<std::size_t>(config_.head_size());
  const Layer& p = layers_[0];
  std::vector<float> x(2 * d), ln(2 * d), mean(2), rstd(2), qkv(2 * 3 * d);
  embed(query, query_position, 0, x.data());
  embed(key, key_position, 0, x.data() + d);
  kernels::layernorm_forward(x.data(), p[Layer::kLn1W], p[Layer::kLn1B], ln.data(), mean.data(), rstd.data(), 2, d,
                             kLayerNormEps);
  kernels::matmul_bt(ln.data(), p[Layer::kAttnW], qkv.data(), 2, 3 * d, d, false);
  add_bias(qkv.data(), p[Layer::kAttnB], 2, 3 * d);
  float* q = qkv.data() + static_cast<std::size_t>(head) * dh;              // row 0, q columns
  float* k = qkv.data() + 3 * d + d + static_cast<std::size_t>(head) * dh;  // row 1, k columns
  if (config_.positional == Positional::kRope) {
    const std::size_t half = dh / 2;
    rotate_pairs(q, rope_cos_.data() + query_position * half, rope_sin_.data() + query_position * half, half);
    rotate_pairs(k, rope_cos_.data() + key_position * half, rope_sin_.data() + key_position * half, half);
  }
  double score = 0.0;
  for (std::size_t i = 0; i < dh; ++i) score += static_cast<double>(q[i]) * k[i];
  return score / std::sqrt(static_cast<double>(dh));
}

InputParts Transformer::inputs(const std::vector<std::int32_t>& tokens, const std::vector<std::int32_t>& segments) const {
  if (tokens.empty() || tokens.size() > static_cast<std::size_t>(config_.context)) {
    throw Error("a sequence of " + with_commas(static_cast<long long>(tokens.size())) +
                " tokens does not fit the context (1 to " + with_commas(config_.context) + " tokens)");
  }
  if (!segments.empty() && wse_ == nullptr) throw Error("this transformer has no segment embedding (segments are off)");
  if (!segments.empty() && segments.size() != tokens.size()) {
    throw Error("segment ids: " + std::to_string(segments.size()) + " for " + std::to_string(tokens.size()) + " tokens");
  }
  const auto d = static_cast<std::size_t>(config_.width);
  InputParts parts;
  parts.length = static_cast<int>(tokens.size());
  parts.width = config_.width;
  const std::size_t n = tokens.size() * d;
  parts.token.assign(n, 0.0f);
  parts.position.assign(n, 0.0f);
  parts.segment.assign(n, 0.0f);
  parts.sum.assign(n, 0.0f);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::int32_t token = tokens[i];
    if (token < 0 || token >= config_.vocab) {
      throw Error("token id " + std::to_string(token) + " at position " + std::to_string(i + 1) +
                  " is outside the vocabulary (0 to " + std::to_string(config_.vocab - 1) + ")");
    }
    const std::int32_t segment = segments.empty() ? 0 : segments[i];
    if (segment != 0 && segment != 1) {
      throw Error("segment id " + std::to_string(segment) + " at position " + std::to_string(i + 1) + " is not 0 or 1");
    }
    std::copy_n(wte_ + static_cast<std::size_t>(token) * d, d, parts.token.data() + i * d);
    if (const float* p = position_row(i)) std::copy_n(p, d, parts.position.data() + i * d);
    if (wse_ != nullptr) std::copy_n(wse_ + static_cast<std::size_t>(segment) * d, d, parts.segment.data() + i * d);
    embed(token, i, segment, parts.sum.data() + i * d);
  }
  return parts;
}

// ---- attention ----------------------------------------------------------------------------------------
// q, k, v are stored head-major ([row][head][position][dh]) so each head's T×dh blocks are
// contiguous for the matrix multiplies.

void Transformer::attention_forward(const Layer& layer, Workspace& ws, std::size_t l) const {
  Workspace::LayerActivations& a = ws.layers[l];
  const std::size_t rows = ws.chunk_rows, t_len = ws.length, n = rows * t_len;
  const auto d = static_cast<std::size_t>(config_.width), heads = static_cast<std::size_t>(config_.heads);
  const std::size_t dh = d / heads, half = dh / 2;
  const bool rope = config_.positional == Positional::kRope;
  float* att = a.att.data() + ws.first_row * heads * t_len * t_len;  // the whole batch's

  // q|k|v = ln1 · c_attnᵀ + bias, then split into heads (rotating q and k with rope).
  kernels::matmul_bt(a.ln1.data(), layer[Layer::kAttnW], ws.qkv.data(), n, 3 * d, d, false);
  add_bias(ws.qkv.data(), layer[Layer::kAttnB], n, 3 * d);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t t = 0; t < t_len; ++t) {
      const float* src = row_of(ws.qkv.data(), r * t_len + t, 3 * d);
      for (std::size_t h = 0; h < heads; ++h) {
        const std::size_t at = ((r * heads + h) * t_len + t) * dh;
        std::copy_n(src + h * dh, dh, a.q.data() + at);
        std::copy_n(src + d + h * dh, dh, a.k.data() + at);
        std::copy_n(src + 2 * d + h * dh, dh, a.v.data() + at);
        if (!rope) continue;
        const float* cos = rope_cos_.data() + t * half;
        const float* sin = rope_sin_.data() + t * half;
        for (float* x : {a.q.data() + at, a.k.data() + at}) rotate_pairs(x, cos, sin, half);
      }
    }
  }

  // Per row and head: P = softmax(q·kᵀ / sqrt(dh), masked), out = P·v.
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for_each_head(rows, heads, t_len, [&](std::size_t r, std::size_t h, std::size_t block) {
    const float* q = a.q.data() + block * dh;
    const float* k = a.k.data() + block * dh;
    float* p = att + block * t_len;
    kernels::matmul_bt(q, k, p, t_len, t_len, dh, false);
    for (std::size_t i = 0; i < t_len; ++i) {
      float* row = p + i * t_len;
      const std::size_t seen = config_.causal ? i + 1 : t_len;  // next-word: j > i is masked
      kernels::scale(scale, row, seen);
      kernels::softmax_rows(row, 1, seen);
      std::fill(row + seen, row + t_len, 0.0f);
    }
    kernels::matmul(p, a.v.data() + block * dh, ws.head.data(), t_len, dh, t_len, false);
    for (std::size_t t = 0; t < t_len; ++t) {
      std::copy_n(ws.head.data() + t * dh, dh, row_of(a.attn_out.data(), r * t_len + t, d) + h * dh);
    }
  });
}

// From ws.dtmp = dL/d(attn_out) (n×d), writes dL/d(q|k|v before rope) to ws.qkv (n×3d).
void Transformer::attention_backward(Workspace& ws, std::size_t l) const {
  Workspace::LayerActivations& a = ws.layers[l];
  const std::size_t rows = ws.chunk_rows, t_len = ws.length;
  const auto d = static_cast<std::size_t>(config_.width), heads = static_cast<std::size_t>(config_.heads);
  const std::size_t dh = d / heads, half = dh / 2;
  const float* att = a.att.data() + ws.first_row * heads * t_len * t_len;
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  for_each_head(rows, heads, t_len, [&](std::size_t r, std::size_t h, std::size_t block) {
    const float* p = att + block * t_len;
    float* dout = ws.head.data();
    for (std::size_t t = 0; t < t_len; ++t) {
      std::copy_n(row_of(ws.dtmp.data(), r * t_len + t, d) + h * dh, dh, dout + t * dh);
    }
    float* dp = ws.datt.data();
    kernels::matmul_bt(dout, a.v.data() + block * dh, dp, t_len, t_len, dh, false);  // dP = dout·vᵀ
    kernels::matmul_at(p, dout, ws.dv.data() + block * dh, t_len, dh, t_len, false);  // dv = Pᵀ·dout
    for (std::size_t i = 0; i < t_len; ++i) {
      // softmax: dS = P ⊙ (dP - Σ_j P·dP), then the 1/sqrt(dh) of the scores
      const float* pr = p + i * t_len;
      float* row = dp + i * t_len;
      const float inner = kernels::dot(pr, row, t_len);
      for (std::size_t j = 0; j < t_len; ++j) row[j] = pr[j] * (row[j] - inner) * scale;
    }
    kernels::matmul(dp, a.k.data() + block * dh, ws.dq.data() + block * dh, t_len, dh, t_len, false);     // dq = dS·k
    kernels::matmul_at(dp, a.q.data() + block * dh, ws.dk.data() + block * dh, t_len, dh, t_len, false);  // dk = dSᵀ·q
  });
  // Back to n×3d, undoing the rope rotation (its transpose) on dq and dk.
  const bool rope = config_.positional == Positional::kRope;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t t = 0; t < t_len; ++t) {
      float* dst = row_of(ws.qkv.data(), r * t_len + t, 3 * d);
      for (std::size_t h = 0; h < heads; ++h) {
        const std::size_t at = ((r * heads + h) * t_len + t) * dh;
        std::copy_n(ws.dq.data() + at, dh, dst + h * dh);
        std::copy_n(ws.dk.data() + at, dh, dst + d + h * dh);
        std::copy_n(ws.dv.data() + at, dh, dst + 2 * d + h * dh);
        if (!rope) continue;
        const float* cos = rope_cos_.data() + t * half;
        const float* sin = rope_sin_.data() + t * half;
        for (float* x : {dst + h * dh, dst + d + h * dh}) {
          for (std::size_t kk = 0; kk < half; ++kk) {
            const float g0 = x[2 * kk], g1 = x[2 * kk + 1];
            x[2 * kk] = g0 * cos[kk] + g1 * sin[kk];
            x[2 * kk + 1] = -g0 * sin[kk] + g1 * cos[kk];
          }
        }
      }
    }
  }
}

// ---- forward and backward ---------------------------------------------------------------------------------

double Transformer::forward_backward(const TokenBatch& batch, Workspace& ws, std::vector<std::vector<float>>* grads,
                                     float grad_scale, std::int64_t* predicted) {
  // Check the batch against the workspace and the configuration before touching anything.
  if (ws.config.width != config_.width || ws.config.layers != config_.layers || ws.config.vocab != config_.vocab ||
      ws.config.heads != config_.heads) {
    throw Error("the workspace was made for a different transformer");
  }
  if (batch.rows < 1 || batch.length < 1 || static_cast<std::size_t>(batch.rows) > ws.capacity_rows ||
      static_cast<std::size_t>(batch.length) > ws.capacity_length) {
    throw Error("a batch of " + std::to_string(batch.rows) + " rows of " + std::to_string(batch.length) +
                " tokens does not fit the workspace (up to " + std::to_string(ws.capacity_rows) + " rows of " +
                std::to_string(ws.capacity_length) + ")");
  }
  const std::size_t rows = static_cast<std::size_t>(batch.rows), t_len = static_cast<std::size_t>(batch.length);
  const std::size_t n = rows * t_len;
  if (batch.tokens.size() != n) {
    throw Error("the batch has " + std::to_string(batch.tokens.size()) + " token ids for " + std::to_string(n) + " positions");
  }
  if (batch.targets.size() != n) {
    throw Error("the batch has " + std::to_string(batch.targets.size()) + " targets for " + std::to_string(n) + " positions");
  }
  if (!batch.segments.empty() && batch.segments.size() != n) {
    throw Error("the batch has " + std::to_string(batch.segments.size()) + " segment ids for " + std::to_string(n) + " positions");
  }
  if (!batch.segments.empty() && wse_ == nullptr) throw Error("this transformer has no segment embedding (segments are off)");
  for (std::size_t i = 0; i < n; ++i) {
    const auto where = [&] {
      return " at row " + std::to_string(i / t_len + 1) + ", position " + std::to_string(i % t_len + 1);
    };
    if (batch.tokens[i] < 0 || batch.tokens[i] >= config_.vocab) {
      throw Error("token id " + std::to_string(batch.tokens[i]) + where() + " is outside the vocabulary (0 to " +
                  std::to_string(config_.vocab - 1) + ")");
    }
    if (batch.targets[i] < -1 || batch.targets[i] >= config_.vocab) {
      throw Error("target " + std::to_string(batch.targets[i]) + where() + " is neither -1 nor a token id");
    }
    if (!batch.segments.empty() && batch.segments[i] != 0 && batch.segments[i] != 1) {
      throw Error("segment id " + std::to_string(batch.segments[i]) + where() + " is not 0 or 1");
    }
  }
  if (grads != nullptr) {
    bool fits = grads->size() == parameters_.size();
    for (std::size_t i = 0; fits && i < parameters_.size(); ++i) fits = (*grads)[i].size() == parameters_[i].size;
    if (!fits) throw Error("the gradient vectors do not match the transformer's parameters");
  }
  ws.rows = rows;
  ws.length = t_len;
  // Whole rows at a time, about kChunkTokens tokens (see there).
  const std::size_t chunk = std::min(rows, std::max<std::size_t>(1, ws.chunk_tokens / t_len));
  double loss = 0.0;
  std::int64_t count = 0;
  for (std::size_t first = 0; first < rows; first += chunk) {
    ws.first_row = first;
    ws.chunk_rows = std::min(chunk, rows - first);
    loss += run_chunk(batch, ws, grads, grad_scale, count);
  }
  if (predicted != nullptr) *predicted = count;
  return loss;
}

// Forward (and backward when grads != nullptr) over rows [ws.first_row, + ws.chunk_rows) of the
// batch; returns their summed loss and adds their predictions to `count`.
double Transformer::run_chunk(const TokenBatch& batch, Workspace& ws, std::vector<std::vector<float>>* grads,
                              float grad_scale, std::int64_t& count) const {
  const std::size_t t_len = ws.length, n = ws.chunk_rows * t_len, first = ws.first_row * t_len;
  const std::int32_t* tokens = batch.tokens.data() + first;
  const std::int32_t* targets = batch.targets.data() + first;
  const std::int32_t* segments = batch.segments.empty() ? nullptr : batch.segments.data() + first;
  const auto d = static_cast<std::size_t>(config_.width), vocab = static_cast<std::size_t>(config_.vocab);
  const std::size_t layer_count = layers_.size();
  float* lnf = ws.lnf.data() + first * d;          // the whole batch's
  float* logits = ws.logits.data() + first * vocab;  // the whole batch's

  // ---- forward ----
  float* x0 = layer_count > 0 ? ws.layers[0].x.data() : ws.x_final.data();
  for (std::size_t i = 0; i < n; ++i) {
    embed(tokens[i], i % t_len, segments == nullptr ? 0 : segments[i], row_of(x0, i, d));
  }
  for (std::size_t l = 0; l < layer_count; ++l) {
    const Layer& p = layers_[l];
    Workspace::LayerActivations& a = ws.layers[l];
    kernels::layernorm_forward(a.x.data(), p[Layer::kLn1W], p[Layer::kLn1B], a.ln1.data(), a.ln1_mean.data(),
                               a.ln1_rstd.data(), n, d, kLayerNormEps);
    attention_forward(p, ws, l);
    // mid = x + attn_out · c_projᵀ + bias
    std::copy_n(a.x.data(), n * d, a.mid.data());
    kernels::matmul_bt(a.attn_out.data(), p[Layer::kProjW], a.mid.data(), n, d, d, true);
    add_bias(a.mid.data(), p[Layer::kProjB], n, d);
    kernels::layernorm_forward(a.mid.data(), p[Layer::kLn2W], p[Layer::kLn2B], a.ln2.data(), a.ln2_mean.data(),
                               a.ln2_rstd.data(), n, d, kLayerNormEps);
    kernels::matmul_bt(a.ln2.data(), p[Layer::kFcW], a.fc_pre.data(), n, 4 * d, d, false);
    add_bias(a.fc_pre.data(), p[Layer::kFcB], n, 4 * d);
    kernels::gelu_forward(a.fc_pre.data(), a.fc_post.data(), n * 4 * d);
    // next x = mid + GELU(...) · mlp.c_projᵀ + bias
    float* out = l + 1 < layer_count ? ws.layers[l + 1].x.data() : ws.x_final.data();
    std::copy_n(a.mid.data(), n * d, out);
    kernels::matmul_bt(a.fc_post.data(), p[Layer::kMlpW], out, n, d, 4 * d, true);
    add_bias(out, p[Layer::kMlpB], n, d);
  }
  kernels::layernorm_forward(ws.x_final.data(), ln_f_weight_, ln_f_bias_, lnf, ws.lnf_mean.data(), ws.lnf_rstd.data(),
                             n, d, kLayerNormEps);
  kernels::matmul_bt(lnf, wte_, logits, n, vocab, d, false);  // tied output

  // ---- cross-entropy; the predicted positions' probs become grad_scale · dL/dlogits ----
  // Only predicted positions have a gradient (all of them for next-word, ~15% for masked-word):
  // their rows are packed at the front of probs (row j is position picked[j]).
  double loss = 0.0;
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t target = targets[i];
    if (target < 0) continue;
    float* prob = row_of(ws.probs.data(), m, vocab);
    const float* logit = row_of(logits, i, vocab);
    std::copy_n(logit, vocab, prob);
    kernels::softmax_rows(prob, 1, vocab);
    const float p_target = prob[target];
    if (p_target >= std::numeric_limits<float>::min()) {
      loss -= std::log(static_cast<double>(p_target));
    } else {  // the probability underflowed: log-sum-exp in double
      const double max = *std::max_element(logit, logit + vocab);
      double sum = 0.0;
      for (std::size_t j = 0; j < vocab; ++j) sum += std::exp(static_cast<double>(logit[j]) - max);
      loss += max + std::log(sum) - static_cast<double>(logit[target]);
    }
    ++count;
    if (grads != nullptr) {
      kernels::scale(grad_scale, prob, vocab);
      prob[target] -= grad_scale;
      ws.picked[m] = i;
    }
    ++m;
  }
  if (grads == nullptr || m == 0) return loss;  // nothing predicted: every gradient is 0

  // ---- backward ----
  std::vector<std::vector<float>>& g = *grads;
  // logits = lnf · wteᵀ: dlnf = dlogits · wte, dwte += dlogitsᵀ · lnf, over the predicted rows
  if (m == n) {
    kernels::matmul(ws.probs.data(), wte_, ws.dtmp.data(), n, d, vocab, false);
    kernels::matmul_at(ws.probs.data(), lnf, g[0].data(), vocab, d, n, true);
  } else {
    float* lnf_picked = ws.dq.data();  // free until the attention backward
    for (std::size_t j = 0; j < m; ++j) std::copy_n(row_of(lnf, ws.picked[j], d), d, row_of(lnf_picked, j, d));
    kernels::matmul_at(ws.probs.data(), lnf_picked, g[0].data(), vocab, d, m, true);
    float* dlnf_picked = ws.dk.data();  // likewise
    kernels::matmul(ws.probs.data(), wte_, dlnf_picked, m, d, vocab, false);
    std::fill(ws.dtmp.begin(), ws.dtmp.begin() + static_cast<std::ptrdiff_t>(n * d), 0.0f);
    for (std::size_t j = 0; j < m; ++j) std::copy_n(row_of(dlnf_picked, j, d), d, row_of(ws.dtmp.data(), ws.picked[j], d));
  }
  std::fill(ws.dres.begin(), ws.dres.begin() + static_cast<std::ptrdiff_t>(n * d), 0.0f);
  kernels::layernorm_backward(ws.dtmp.data(), ws.x_final.data(), ws.lnf_mean.data(), ws.lnf_rstd.data(), ln_f_weight_,
                              ws.dres.data(), g[ln_f_index_].data(), g[ln_f_index_ + 1].data(), n, d);
  for (std::size_t l = layer_count; l-- > 0;) {
    const Layer& p = layers_[l];
    Workspace::LayerActivations& a = ws.layers[l];
    // MLP: out = fc_post · mlp.c_projᵀ + b added to the residual (dres passes through unchanged)
    kernels::matmul_at(ws.dres.data(), a.fc_post.data(), p.grad(g, Layer::kMlpW), d, 4 * d, n, true);
    bias_backward(ws.dres.data(), p.grad(g, Layer::kMlpB), n, d);
    kernels::matmul(ws.dres.data(), p[Layer::kMlpW], ws.dfc.data(), n, 4 * d, d, false);
    std::fill(ws.dfc_pre.begin(), ws.dfc_pre.begin() + static_cast<std::ptrdiff_t>(4 * n * d), 0.0f);
    kernels::gelu_backward(a.fc_pre.data(), ws.dfc.data(), ws.dfc_pre.data(), 4 * n * d);
    kernels::matmul_at(ws.dfc_pre.data(), a.ln2.data(), p.grad(g, Layer::kFcW), 4 * d, d, n, true);
    bias_backward(ws.dfc_pre.data(), p.grad(g, Layer::kFcB), n, 4 * d);
    kernels::matmul(ws.dfc_pre.data(), p[Layer::kFcW], ws.dtmp.data(), n, d, 4 * d, false);
    kernels::layernorm_backward(ws.dtmp.data(), a.mid.data(), a.ln2_mean.data(), a.ln2_rstd.data(), p[Layer::kLn2W],
                                ws.dres.data(), p.grad(g, Layer::kLn2W), p.grad(g, Layer::kLn2B), n, d);
    // Attention: out = attn_out · c_projᵀ + b added to the residual
    kernels::matmul_at(ws.dres.data(), a.attn_out.data(), p.grad(g, Layer::kProjW), d, d, n, true);
    bias_backward(ws.dres.data(), p.grad(g, Layer::kProjB), n, d);
    kernels::matmul(ws.dres.data(), p[Layer::kProjW], ws.dtmp.data(), n, d, d, false);
    attention_backward(ws, l);  // ws.qkv = dL/d(q|k|v)
    kernels::matmul_at(ws.qkv.data(), a.ln1.data(), p.grad(g, Layer::kAttnW), 3 * d, d, n, true);
    bias_backward(ws.qkv.data(), p.grad(g, Layer::kAttnB), n, 3 * d);
    kernels::matmul(ws.qkv.data(), p[Layer::kAttnW], ws.dtmp.data(), n, d, 3 * d, false);
    kernels::layernorm_backward(ws.dtmp.data(), a.x.data(), a.ln1_mean.data(), a.ln1_rstd.data(), p[Layer::kLn1W],
                                ws.dres.data(), p.grad(g, Layer::kLn1W), p.grad(g, Layer::kLn1B), n, d);
  }
  // x0 = wte[token] + wpe[position] + wse[segment]
  for (std::size_t i = 0; i < n; ++i) {
    const float* dx = row_of(ws.dres.data(), i, d);
    kernels::axpy(1.0f, dx, g[0].data() + static_cast<std::size_t>(tokens[i]) * d, d);
    if (wpe_ != nullptr) kernels::axpy(1.0f, dx, g[wpe_index_].data() + (i % t_len) * d, d);
    if (wse_ != nullptr) {
      const std::size_t segment = segments == nullptr ? 0 : static_cast<std::size_t>(segments[i]);
      kernels::axpy(1.0f, dx, g[wse_index_].data() + segment * d, d);
    }
  }
  return loss;
}

}  // namespace embedlab
