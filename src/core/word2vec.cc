#include "core/word2vec.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {

Model make_word2vec_model(std::shared_ptr<const Tokenizer> tokenizer, std::size_t dim, std::uint64_t seed,
                          Settings options) {
  Model model(Model::kWord2Vec, std::move(tokenizer), std::move(options));
  const std::size_t words = model.vocabulary().size();
  // Refuse sizes that cannot be allocated (or overflow size_t in wasm32).
  const double matrix_bytes = 2.0 * static_cast<double>(words) * static_cast<double>(dim) * sizeof(float);
  const double limit = sizeof(std::size_t) < 8 ? 3.0e9 : 1.0e12;
  if (matrix_bytes > limit) {
    throw Error("the model would need " + with_commas(static_cast<long long>(matrix_bytes / 1e6)) + " MB (" +
                with_commas(static_cast<long long>(words)) + " words x " + std::to_string(dim) +
                " dimensions x 2 matrices); lower dim, raise min count or set a maximum vocabulary size");
  }
  Matrix input(words, dim);
  Rng rng(seed ^ 0x5DEECE66Dull);
  float* values = input.data();
  // gensim's and fastText's range, [-1, 1) / dim (word2vec C draws [-0.5, 0.5) / dim).
  const float scale = 2.0f / static_cast<float>(dim);
  for (std::size_t i = 0; i < input.size(); ++i) values[i] = (rng.uniform() - 0.5f) * scale;
  model.add_matrix("input", std::move(input));
  model.add_matrix("output", Matrix(words, dim, 0.0f));
  return model;
}

struct Word2VecObjective::State : ObjectiveState {
  State(std::uint64_t seed, std::size_t dim) : ObjectiveState(seed), hidden(dim), grad(dim) {}
  std::vector<float> hidden;
  std::vector<float> grad;
  std::vector<std::int32_t> kept;  // the sequence after subsampling
  std::int64_t pos = 0;            // the position being trained in `kept`
  bool window_drawn = false;       // lo, hi and next hold pos's window
  std::int64_t lo = 0, hi = 0;     // the window [lo, hi) around pos
  std::int64_t next = 0;           // the next context index to train (skip-gram resumes here)
};

Word2VecObjective::Word2VecObjective(Model& model, const Word2VecSettings& settings)
    : input_(model.matrix("input")), dim_(input_.cols()), window_(settings.window) {
  const Vocabulary& vocabulary = model.vocabulary();
  loss_ = make_loss(settings.loss, vocabulary, model.matrix("output"), settings.negative);
  if (window_ < 1) throw Error("window must be at least 1, got " + std::to_string(window_));
  // word2vec's subsampling: keep a word with probability (sqrt(f / t) + 1) * t / f, f its frequency.
  keep_probability_.assign(vocabulary.size(), 1.0f);
  if (settings.sample > 0.0) {
    const double threshold = settings.sample * static_cast<double>(vocabulary.total_count());
    for (std::size_t w = 0; w < vocabulary.size(); ++w) {
      const double count = static_cast<double>(vocabulary.count(static_cast<std::int32_t>(w)));
      keep_probability_[w] = static_cast<float>((std::sqrt(count / threshold) + 1.0) * threshold / count);
    }
  }
}

std::unique_ptr<ObjectiveState> Word2VecObjective::make_state(std::uint64_t seed) const {
  return std::make_unique<State>(seed, dim_);
}

void Word2VecObjective::begin_sequence(ObjectiveState& base, const std::int32_t* tokens, std::size_t length) {
  State& state = static_cast<State&>(base);
  state.kept.clear();
  for (std::size_t i = 0; i < length; ++i) {
    const float keep = keep_probability_[tokens[i]];
    if (keep >= 1.0f || state.rng.uniform() < keep) state.kept.push_back(tokens[i]);
  }
  state.pos = 0;
  state.window_drawn = false;
  state.work += static_cast<std::int64_t>(length);
}

bool Word2VecObjective::train(ObjectiveState& base, float learning_rate, std::int64_t work_limit) {
  State& state = static_cast<State&>(base);
  const auto n = static_cast<std::int64_t>(state.kept.size());
  while (state.pos < n) {
    if (!state.window_drawn) {
      const auto radius = static_cast<std::int64_t>(window_) - state.rng.below(static_cast<std::uint32_t>(window_));
      state.lo = std::max<std::int64_t>(0, state.pos - radius);
      state.hi = std::min<std::int64_t>(n, state.pos + radius + 1);
      state.next = state.lo;
      state.window_drawn = true;
    }
    if (!train_position(state, learning_rate, work_limit)) return false;
    state.window_drawn = false;
    ++state.pos;
    if (state.work >= work_limit) return state.pos >= n;
  }
  return true;
}

bool CbowObjective::train_position(State& state, float learning_rate, std::int64_t) {
  const std::int64_t pos = state.pos;
  const std::int64_t context = state.hi - state.lo - 1;
  if (context < 1) return true;  // no context
  float* hidden = state.hidden.data();
  float* grad = state.grad.data();
  std::fill(state.hidden.begin(), state.hidden.end(), 0.0f);
  for (std::int64_t j = state.lo; j < state.hi; ++j) {
    if (j != pos) kernels::axpy(1.0f, input_.row(state.kept[j]), hidden, dim_);
  }
  kernels::scale(1.0f / static_cast<float>(context), hidden, dim_);
  std::fill(state.grad.begin(), state.grad.end(), 0.0f);
  const std::int32_t center = state.kept[pos];
  state.loss_sum += loss_->update(hidden, center, learning_rate, grad, state.rng);
  ++state.examples;
  for (std::int64_t j = state.lo; j < state.hi; ++j) {
    if (j != pos) kernels::axpy(1.0f, grad, input_.row(state.kept[j]), dim_);
  }
  state.work += (2 * context + 1) * static_cast<std::int64_t>(dim_) + loss_->work(center);
  return true;
}

bool SkipGramObjective::train_position(State& state, float learning_rate, std::int64_t work_limit) {
  const std::int32_t center = state.kept[state.pos];
  float* grad = state.grad.data();
  for (; state.next < state.hi; ++state.next) {
    if (state.next == state.pos) continue;
    if (state.work >= work_limit) return false;
    float* context = input_.row(state.kept[state.next]);
    std::fill(state.grad.begin(), state.grad.end(), 0.0f);
    state.loss_sum += loss_->update(context, center, learning_rate, grad, state.rng);
    ++state.examples;
    kernels::axpy(1.0f, grad, context, dim_);
    state.work += static_cast<std::int64_t>(dim_) + loss_->work(center);
  }
  return true;
}

}  // namespace embedlab
