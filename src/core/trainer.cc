#include "core/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Words a thread processes between publishing its counters (and re-reading the learning rate).
constexpr std::int64_t kFlushWords = 10000;

}  // namespace

struct Trainer::ThreadState {
  ThreadState(std::uint64_t seed, std::size_t dim, double start_rate)
      : rng(seed), hidden(dim), grad(dim), rate(start_rate) {}
  Rng rng;
  std::vector<float> hidden;
  std::vector<float> grad;
  std::vector<std::int32_t> kept;  // the sentence after subsampling
  double rate;
  std::int64_t unflushed_words = 0;
  double loss_sum = 0.0;
  std::int64_t examples = 0;
};

Trainer::Trainer(const Corpus& corpus, const TrainOptions& options)
    : corpus_(corpus), options_(options) {
  validate(options_);
  if (corpus_.tokens.empty()) throw Error("cannot train on an empty corpus");
  dim_ = static_cast<std::size_t>(options_.dim);
  start_rate_ = current_rate_ = starting_learning_rate(options_);
  words_per_epoch_ = static_cast<std::int64_t>(corpus_.tokens.size());
  const Vocabulary& vocabulary = corpus_.vocabulary;
  // Input and output matrices; refuse sizes that cannot be allocated (or overflow size_t in wasm32).
  const double matrix_bytes = 2.0 * static_cast<double>(vocabulary.size()) * static_cast<double>(dim_) * sizeof(float);
  const double limit = sizeof(std::size_t) < 8 ? 3.0e9 : 1.0e12;
  if (matrix_bytes > limit) {
    throw Error("the model would need " + with_commas(static_cast<long long>(matrix_bytes / 1e6)) + " MB (" +
                with_commas(static_cast<long long>(vocabulary.size())) + " words x " + std::to_string(dim_) +
                " dimensions x 2 matrices); lower dim, raise min_count or set a maximum vocabulary size");
  }

  // word2vec's initialisation: input uniform in [-0.5, 0.5) / dim, output zero.
  input_.resize(vocabulary.size() * dim_);
  Rng init_rng(options_.seed ^ 0x5DEECE66Dull);
  for (float& x : input_) x = (init_rng.uniform() - 0.5f) / static_cast<float>(dim_);
  loss_ = make_loss(options_.loss, vocabulary, dim_, options_.negative);

  // word2vec's subsampling: keep a word with probability (sqrt(f / t) + 1) * t / f, f its frequency.
  keep_probability_.assign(vocabulary.size(), 1.0f);
  if (options_.sample > 0.0) {
    const double threshold = options_.sample * static_cast<double>(vocabulary.total_count());
    for (std::size_t w = 0; w < vocabulary.size(); ++w) {
      const double count = static_cast<double>(vocabulary.count(static_cast<std::int32_t>(w)));
      keep_probability_[w] = static_cast<float>((std::sqrt(count / threshold) + 1.0) * threshold / count);
    }
  }
  if (options_.threads == 1) inline_state_ = std::make_unique<ThreadState>(options_.seed, dim_, start_rate_);
}

Trainer::~Trainer() {
  cancel_ = true;
  for (auto& t : threads_) t.join();
}

void Trainer::train_sentence(ThreadState& state, std::int64_t sentence) {
  const std::int32_t* tokens = corpus_.tokens.data() + corpus_.sentence_offsets[sentence];
  const std::int64_t length = corpus_.sentence_offsets[sentence + 1] - corpus_.sentence_offsets[sentence];
  state.kept.clear();
  for (std::int64_t i = 0; i < length; ++i) {
    const float keep = keep_probability_[tokens[i]];
    if (keep >= 1.0f || state.rng.uniform() < keep) state.kept.push_back(tokens[i]);
  }
  const auto rate = static_cast<float>(state.rate);
  const auto n = static_cast<std::int64_t>(state.kept.size());
  float* hidden = state.hidden.data();
  float* grad = state.grad.data();
  const auto row = [&](std::int32_t id) { return input_.data() + static_cast<std::size_t>(id) * dim_; };
  for (std::int64_t pos = 0; pos < n; ++pos) {
    if ((pos & 63) == 63 && cancel_.load(std::memory_order_relaxed)) break;
    const auto radius = static_cast<std::int64_t>(options_.window) - state.rng.below(static_cast<std::uint32_t>(options_.window));
    const std::int64_t lo = std::max<std::int64_t>(0, pos - radius);
    const std::int64_t hi = std::min<std::int64_t>(n, pos + radius + 1);
    const std::int32_t center = state.kept[pos];
    if (options_.model == ModelKind::kCbow) {
      if (hi - lo < 2) continue;  // no context
      std::fill(state.hidden.begin(), state.hidden.end(), 0.0f);
      for (std::int64_t j = lo; j < hi; ++j) {
        if (j != pos) kernels::axpy(1.0f, row(state.kept[j]), hidden, dim_);
      }
      kernels::scale(1.0f / static_cast<float>(hi - lo - 1), hidden, dim_);
      std::fill(state.grad.begin(), state.grad.end(), 0.0f);
      state.loss_sum += loss_->update(hidden, center, rate, grad, state.rng);
      ++state.examples;
      // As word2vec: every context word receives the full gradient of the mean.
      for (std::int64_t j = lo; j < hi; ++j) {
        if (j != pos) kernels::axpy(1.0f, grad, row(state.kept[j]), dim_);
      }
    } else {
      for (std::int64_t j = lo; j < hi; ++j) {
        if (j == pos) continue;
        float* context = row(state.kept[j]);
        std::fill(state.grad.begin(), state.grad.end(), 0.0f);
        state.loss_sum += loss_->update(context, center, rate, grad, state.rng);
        ++state.examples;
        kernels::axpy(1.0f, grad, context, dim_);
      }
    }
  }
  state.unflushed_words += length;
  if (state.unflushed_words >= kFlushWords) flush(state);
}

void Trainer::flush(ThreadState& state) {
  const std::int64_t done = words_done_.fetch_add(state.unflushed_words) + state.unflushed_words;
  state.unflushed_words = 0;
  const double total = static_cast<double>(words_per_epoch_) * options_.epochs;
  // Linear decay to 1e-4 of the starting rate, as word2vec.
  state.rate = start_rate_ * std::max(1e-4, 1.0 - static_cast<double>(done) / (total + 1.0));
  std::lock_guard<std::mutex> lock(mutex_);
  loss_sum_ += state.loss_sum;
  loss_examples_ += state.examples;
  state.loss_sum = 0.0;
  state.examples = 0;
  current_rate_ = state.rate;
}

void Trainer::thread_main(int thread_id) {
  try {
    // Each thread owns a contiguous run of sentences holding about 1/threads of the tokens.
    const auto sentence_at = [&](int t) {
      const auto token = static_cast<std::int64_t>(static_cast<double>(words_per_epoch_) * t / options_.threads);
      return static_cast<std::int64_t>(std::lower_bound(corpus_.sentence_offsets.begin(), corpus_.sentence_offsets.end() - 1, token) -
                                       corpus_.sentence_offsets.begin());
    };
    const std::int64_t begin = sentence_at(thread_id);
    const std::int64_t end = sentence_at(thread_id + 1);
    ThreadState state(options_.seed + static_cast<std::uint64_t>(thread_id), dim_, start_rate_);
    for (int epoch = 0; epoch < options_.epochs && !cancel_; ++epoch) {
      for (std::int64_t s = begin; s < end && !cancel_.load(std::memory_order_relaxed); ++s) train_sentence(state, s);
    }
    flush(state);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    cancel_ = true;
  }
  if (threads_running_.fetch_sub(1) == 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
    done_cv_.notify_all();
  }
}

void Trainer::start_threads() {
  threads_running_ = options_.threads;
  for (int t = 0; t < options_.threads; ++t) threads_.emplace_back(&Trainer::thread_main, this, t);
}

bool Trainer::run_for(double budget_ms) {
  if (!started_) {
    started_ = true;
    start_time_ = Clock::now();
    if (!inline_state_) start_threads();
  }
  const auto slice_start = Clock::now();
  if (inline_state_) {
    ThreadState& state = *inline_state_;
    const std::int64_t sentences = static_cast<std::int64_t>(corpus_.sentence_count());
    std::int64_t words_since_check = 0;
    while (!done_) {
      if (cancel_ || inline_epoch_ >= options_.epochs) {
        flush(state);
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = true;
        break;
      }
      words_since_check += corpus_.sentence_offsets[inline_sentence_ + 1] - corpus_.sentence_offsets[inline_sentence_];
      train_sentence(state, inline_sentence_);
      if (++inline_sentence_ == sentences) {
        inline_sentence_ = 0;
        ++inline_epoch_;
      }
      // Sentences can be long and settings heavy: look at the clock often (it costs ~20 ns).
      if (words_since_check >= 256 || options_.window * (options_.negative + 1) > 500) {
        words_since_check = 0;
        if (ms_since(slice_start) >= budget_ms) break;
      }
    }
    return done_;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait_for(lock, std::chrono::duration<double, std::milli>(budget_ms), [&] { return done_; });
  if (done_) {
    lock.unlock();
    for (auto& t : threads_) t.join();
    threads_.clear();
    lock.lock();
    if (error_) std::rethrow_exception(error_);
  }
  return done_;
}

void Trainer::cancel() { cancel_ = true; }

bool Trainer::finished() const { return done_; }

TrainProgress Trainer::progress() {
  TrainProgress p;
  p.words_total = words_per_epoch_ * options_.epochs;
  p.words_done = std::min(words_done_.load(), p.words_total);
  p.epoch = static_cast<int>(std::min<std::int64_t>(options_.epochs, p.words_done / words_per_epoch_ + 1));
  p.elapsed_ms = started_ ? ms_since(start_time_) : 0.0;
  p.words_per_second = p.elapsed_ms > 0 ? static_cast<double>(p.words_done) / (p.elapsed_ms / 1000.0) : 0.0;
  std::lock_guard<std::mutex> lock(mutex_);
  p.learning_rate = current_rate_;
  // Threads publish their losses every ~10,000 words; between publications repeat the last mean.
  if (loss_examples_ > 0) last_average_loss_ = loss_sum_ / static_cast<double>(loss_examples_);
  p.average_loss = last_average_loss_;
  loss_sum_ = 0.0;
  loss_examples_ = 0;
  p.finished = done_;
  p.cancelled = done_ && cancel_ && p.words_done < p.words_total;
  return p;
}

Embeddings Trainer::embeddings() const {
  for (const float x : input_) {
    if (!std::isfinite(x)) {
      throw Error("training diverged (the vectors contain NaN or infinite values); lower the learning rate (it started at " +
                  std::to_string(start_rate_) + ")");
    }
  }
  return Embeddings(corpus_.vocabulary.words(), dim_, input_, corpus_.vocabulary.counts());
}

Embeddings train(const Corpus& corpus, const TrainOptions& options,
                 const std::function<void(const TrainProgress&)>& on_progress, const std::atomic<bool>* cancel,
                 double progress_interval_ms) {
  Trainer trainer(corpus, options);
  // Slices of at most 50 ms keep cancellation well within 100 ms.
  const double slice_ms = std::clamp(progress_interval_ms, 1.0, 50.0);
  auto last_report = Clock::now();
  while (!trainer.run_for(slice_ms)) {
    if (cancel != nullptr && cancel->load()) trainer.cancel();
    if (on_progress && ms_since(last_report) >= progress_interval_ms) {
      last_report = Clock::now();
      on_progress(trainer.progress());
    }
  }
  if (on_progress) on_progress(trainer.progress());
  return trainer.embeddings();
}

}  // namespace embedlab
