#include "core/training_loop.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace embedlab {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Words a thread processes between publishing its counters (and re-reading the learning rate).
constexpr std::int64_t kFlushWords = 10000;

}  // namespace

// One thread's share of the loop: the objective's state plus the loop's own bookkeeping.
struct TrainingLoop::Worker {
  std::unique_ptr<ObjectiveState> state;
  double rate = 0.0;                   // this thread's learning rate, updated at each flush
  std::int64_t unflushed_words = 0;    // words finished since the last flush
  std::int64_t published_work = 0;     // the part of state->work already added to work_done_
};

TrainingLoop::TrainingLoop(const Corpus& corpus, Objective& objective, const LoopOptions& options)
    : corpus_(corpus), objective_(objective), options_(options) {
  if (options_.epochs < 1) throw Error("epochs must be at least 1, got " + std::to_string(options_.epochs));
  if (options_.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options_.threads));
  if (!(options_.learning_rate > 0.0) || !std::isfinite(options_.learning_rate)) {
    throw Error("the learning rate must be positive, got " + std::to_string(options_.learning_rate));
  }
  if (corpus_.tokens.empty()) throw Error("cannot train on an empty corpus");
  words_per_epoch_ = static_cast<std::int64_t>(corpus_.tokens.size());
  current_rate_ = options_.learning_rate;
  if (options_.threads == 1) {
    inline_worker_ = std::make_unique<Worker>();
    inline_worker_->state = objective_.make_state(options_.seed);
    inline_worker_->rate = options_.learning_rate;
  }
}

TrainingLoop::~TrainingLoop() {
  cancel_ = true;
  for (auto& t : threads_) t.join();
}

void TrainingLoop::begin_next_sequence(Worker& worker, std::int64_t sentence) {
  const std::int64_t begin = corpus_.sentence_offsets[sentence];
  const std::int64_t end = corpus_.sentence_offsets[sentence + 1];
  objective_.begin_sequence(*worker.state, corpus_.tokens.data() + begin, static_cast<std::size_t>(end - begin));
}

bool TrainingLoop::train_step(Worker& worker) {
  ObjectiveState& state = *worker.state;
  const bool sequence_done = objective_.train(state, static_cast<float>(worker.rate), state.work + kWorkPerCheck);
  work_done_.fetch_add(state.work - worker.published_work, std::memory_order_relaxed);
  worker.published_work = state.work;
  return sequence_done;
}

void TrainingLoop::finish_sequence(Worker& worker, std::int64_t sentence) {
  worker.unflushed_words += corpus_.sentence_offsets[sentence + 1] - corpus_.sentence_offsets[sentence];
  if (worker.unflushed_words >= kFlushWords) flush(worker);
}

void TrainingLoop::flush(Worker& worker) {
  const std::int64_t done = words_done_.fetch_add(worker.unflushed_words) + worker.unflushed_words;
  worker.unflushed_words = 0;
  const double total = static_cast<double>(words_per_epoch_) * options_.epochs;
  // Linear decay to 1e-4 of the starting rate, as word2vec.
  worker.rate = options_.learning_rate * std::max(1e-4, 1.0 - static_cast<double>(done) / (total + 1.0));
  std::lock_guard<std::mutex> lock(mutex_);
  loss_sum_ += worker.state->loss_sum;
  loss_examples_ += worker.state->examples;
  worker.state->loss_sum = 0.0;
  worker.state->examples = 0;
  current_rate_ = worker.rate;
}

void TrainingLoop::mark_done() {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  done_cv_.notify_all();
}

void TrainingLoop::thread_main(int thread_id) {
  try {
    // Each thread owns a contiguous run of sentences holding about 1/threads of the tokens.
    const auto sentence_at = [&](int t) {
      const auto token = static_cast<std::int64_t>(static_cast<double>(words_per_epoch_) * t / options_.threads);
      return static_cast<std::int64_t>(
          std::lower_bound(corpus_.sentence_offsets.begin(), corpus_.sentence_offsets.end() - 1, token) -
          corpus_.sentence_offsets.begin());
    };
    const std::int64_t begin = sentence_at(thread_id);
    const std::int64_t end = sentence_at(thread_id + 1);
    Worker worker;
    worker.state = objective_.make_state(options_.seed + static_cast<std::uint64_t>(thread_id));
    worker.rate = options_.learning_rate;
    for (int epoch = 0; epoch < options_.epochs && !cancel_; ++epoch) {
      for (std::int64_t s = begin; s < end && !cancel_.load(std::memory_order_relaxed); ++s) {
        begin_next_sequence(worker, s);
        bool sequence_done = false;
        while (!(sequence_done = train_step(worker)) && !cancel_.load(std::memory_order_relaxed)) {
        }
        if (!sequence_done) break;  // cancelled inside it: its words do not count as done
        finish_sequence(worker, s);
      }
    }
    flush(worker);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    cancel_ = true;
  }
  if (threads_running_.fetch_sub(1) == 1) mark_done();
}

bool TrainingLoop::run_for(double budget_ms) {
  if (!started_) {
    started_ = true;
    start_time_ = Clock::now();
    if (!inline_worker_) {
      threads_running_ = options_.threads;
      for (int t = 0; t < options_.threads; ++t) threads_.emplace_back(&TrainingLoop::thread_main, this, t);
    }
  }
  const auto slice_start = Clock::now();
  if (inline_worker_) {
    Worker& worker = *inline_worker_;
    const auto sentences = static_cast<std::int64_t>(corpus_.sentence_count());
    std::int64_t checked_work = worker.state->work;
    try {
      while (!done_) {
        if (cancel_ || inline_epoch_ >= options_.epochs) {
          flush(worker);
          mark_done();
          break;
        }
        if (!inline_in_sequence_) {
          begin_next_sequence(worker, inline_sentence_);
          inline_in_sequence_ = true;
        }
        if (train_step(worker)) {
          inline_in_sequence_ = false;
          finish_sequence(worker, inline_sentence_);
          if (++inline_sentence_ == sentences) {
            inline_sentence_ = 0;
            ++inline_epoch_;
          }
        }
        // Look at the clock (about 20 ns) after every kWorkPerCheck units of work.
        if (worker.state->work - checked_work >= kWorkPerCheck) {
          checked_work = worker.state->work;
          if (ms_since(slice_start) >= budget_ms) break;
        }
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      mark_done();
    }
  } else {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait_for(lock, std::chrono::duration<double, std::milli>(budget_ms), [&] { return done_.load(); });
    if (!done_) return false;
    lock.unlock();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (error_) std::rethrow_exception(error_);
  return done_;
}

void TrainingLoop::cancel() { cancel_ = true; }

bool TrainingLoop::finished() const { return done_; }

TrainProgress TrainingLoop::progress() {
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

}  // namespace embedlab
