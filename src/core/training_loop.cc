#include "core/training_loop.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/optimizer.h"

namespace embedlab {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Words a thread processes between publishing its counters (and re-reading the learning rate).
constexpr std::int64_t kFlushWords = 10000;

// Gradient clipping to global norm 1 (docs/transformer.md), from the sum of squares.
double clip_scale_of(double squares) { return clip_scale(std::sqrt(squares), 1.0); }

}  // namespace

// One thread's share of the loop: the objective's state plus the loop's own bookkeeping.
struct TrainingLoop::Worker {
  std::unique_ptr<ObjectiveState> state;
  double rate = 0.0;                   // this thread's learning rate, updated at each flush
  std::int64_t unflushed_words = 0;    // words finished since the last flush
  std::int64_t published_work = 0;     // the part of state->work already added to work_done_
};

TrainingLoop::TrainingLoop(const Corpus& corpus, Objective& objective, const LoopOptions& options)
    : corpus_(&corpus), objective_(&objective), options_(options) {
  if (options_.epochs < 1) throw Error("epochs must be at least 1, got " + std::to_string(options_.epochs));
  if (options_.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options_.threads));
  if (!(options_.learning_rate > 0.0) || !std::isfinite(options_.learning_rate)) {
    throw Error("the learning rate must be positive, got " + std::to_string(options_.learning_rate));
  }
  if (corpus_->tokens.empty()) throw Error("cannot train on an empty corpus");
  words_per_epoch_ = static_cast<std::int64_t>(corpus_->tokens.size());
  current_rate_ = options_.learning_rate;
  if (options_.threads == 1) {
    inline_worker_ = std::make_unique<Worker>();
    inline_worker_->state = objective_->make_state(options_.seed);
    inline_worker_->rate = options_.learning_rate;
  }
}

// A barrier whose last arriving thread runs `on_last` before releasing the others (C++17 has no
// std::barrier). The step threads meet at it between the phases of a step.
class StepBarrier {
 public:
  explicit StepBarrier(int count) : count_(count) {}
  template <class Fn>
  void wait(Fn on_last) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::uint64_t generation = generation_;
    if (++arrived_ == count_) {
      on_last();
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation; });
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_;
  int arrived_ = 0;
  std::uint64_t generation_ = 0;
};

// Step mode's state: where the run is, and what the threads share between phases.
struct TrainingLoop::StepMode {
  StepMode(StepObjective& o, const StepLoopOptions& opts)
      : objective(o), options(opts), barrier(opts.threads), thread_loss(opts.threads), squares(opts.threads) {}
  StepObjective& objective;
  StepLoopOptions options;
  StepBarrier barrier;
  std::int64_t step = 0;             // the step being trained (0-based)
  std::atomic<std::int64_t> steps_done{0};
  std::vector<RowLoss> thread_loss;  // this phase's loss, per thread
  std::vector<double> squares;       // this step's gradient sums of squares, per thread
  float clip = 1.0f;                 // this step's clipping factor
  bool stop = false;                 // decided by the last thread at a barrier, read by all after it
  bool validating = false;
  double validation_loss = -1.0;     // under the loop's mutex
  double validation_accuracy = 0.0;
  std::int64_t validation_step = 0;
  // Inline path: the phase and the next row.
  enum class Phase { kBegin, kRows, kValidation } phase = Phase::kBegin;
  int next_row = 0;

  bool validates_after(std::int64_t s) const {
    return objective.validation_rows() > 0 && ((s + 1) % options.validation_every == 0 || s + 1 == objective.steps());
  }
  RowLoss total_loss() const {
    RowLoss total;
    for (const RowLoss& l : thread_loss) total.loss_sum += l.loss_sum, total.predicted += l.predicted, total.correct += l.correct;
    return total;
  }
};

TrainingLoop::TrainingLoop(StepObjective& objective, const StepLoopOptions& options) {
  if (options.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options.threads));
  if (options.validation_every < 1) {
    throw Error("validation every must be at least 1 step, got " + std::to_string(options.validation_every));
  }
  if (objective.steps() < 0 || objective.batch_rows() < 1) throw Error("step training needs a batch of at least one row");
  options_.threads = options.threads;
  options_.epochs = 1;
  words_per_epoch_ = std::max<std::int64_t>(1, objective.steps() * objective.batch_rows() * objective.row_tokens());
  step_mode_ = std::make_unique<StepMode>(objective, options);
  current_rate_ = objective.learning_rate(0);
  objective.prepare(options.threads);
}

TrainingLoop::~TrainingLoop() {
  cancel_ = true;
  for (auto& t : threads_) t.join();
}

void TrainingLoop::begin_next_sequence(Worker& worker, std::int64_t sentence) {
  const std::int64_t begin = corpus_->sentence_offsets[sentence];
  const std::int64_t end = corpus_->sentence_offsets[sentence + 1];
  objective_->begin_sequence(*worker.state, corpus_->tokens.data() + begin, static_cast<std::size_t>(end - begin));
}

bool TrainingLoop::train_step(Worker& worker) {
  ObjectiveState& state = *worker.state;
  const bool sequence_done = objective_->train(state, static_cast<float>(worker.rate), state.work + kWorkPerCheck);
  work_done_.fetch_add(state.work - worker.published_work, std::memory_order_relaxed);
  worker.published_work = state.work;
  return sequence_done;
}

void TrainingLoop::finish_sequence(Worker& worker, std::int64_t sentence) {
  worker.unflushed_words += corpus_->sentence_offsets[sentence + 1] - corpus_->sentence_offsets[sentence];
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
          std::lower_bound(corpus_->sentence_offsets.begin(), corpus_->sentence_offsets.end() - 1, token) -
          corpus_->sentence_offsets.begin());
    };
    const std::int64_t begin = sentence_at(thread_id);
    const std::int64_t end = sentence_at(thread_id + 1);
    Worker worker;
    worker.state = objective_->make_state(options_.seed + static_cast<std::uint64_t>(thread_id));
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

// Counts a finished step (its update applied): called by one thread.
void TrainingLoop::finish_step(StepMode& mode) {
  const RowLoss loss = mode.total_loss();
  const StepObjective& objective = mode.objective;
  words_done_.fetch_add(objective.batch_rows() * objective.row_tokens());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loss_sum_ += loss.loss_sum;
    loss_examples_ += loss.predicted;
    current_rate_ = objective.learning_rate(mode.step);
  }
  mode.validating = mode.validates_after(mode.step);
  ++mode.step;
  mode.steps_done.store(mode.step);
}

void TrainingLoop::publish_validation(StepMode& mode) {
  const RowLoss loss = mode.total_loss();
  std::lock_guard<std::mutex> lock(mutex_);
  mode.validation_loss = loss.predicted > 0 ? loss.loss_sum / static_cast<double>(loss.predicted) : 0.0;
  mode.validation_accuracy = loss.predicted > 0 ? static_cast<double>(loss.correct) / static_cast<double>(loss.predicted) : 0.0;
  mode.validation_step = mode.step;
}

void TrainingLoop::step_thread_main(int thread_id) {
  StepMode& mode = *step_mode_;
  StepObjective& objective = mode.objective;
  const int threads = mode.options.threads;
  // An error stops the run at the next barrier; every thread keeps meeting the others until then.
  const auto guard = [&](auto fn) {
    try {
      fn();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      cancel_ = true;
    }
  };
  const auto share = [&](std::int64_t n) {  // this thread's part [first, last) of n items
    return std::make_pair(n * thread_id / threads, n * (thread_id + 1) / threads);
  };
  const auto [first, last] = share(static_cast<std::int64_t>(objective.parameter_size()));
  const auto range_begin = static_cast<std::size_t>(first), range_end = static_cast<std::size_t>(last);
  const auto run_rows = [&](int rows, auto row_fn) {
    const auto [begin, end] = share(rows);
    mode.thread_loss[thread_id] = RowLoss{};
    for (auto row = static_cast<int>(begin); row < end && !cancel_.load(std::memory_order_relaxed); ++row) {
      guard([&] {
        const RowLoss l = row_fn(row);
        work_done_.fetch_add(1, std::memory_order_relaxed);
        mode.thread_loss[thread_id].loss_sum += l.loss_sum;
        mode.thread_loss[thread_id].predicted += l.predicted;
        mode.thread_loss[thread_id].correct += l.correct;
      });
    }
  };
  for (;;) {
    mode.barrier.wait([&] {
      mode.stop = cancel_ || mode.step >= objective.steps();
      if (!mode.stop) guard([&] { objective.begin_step(mode.step); });
      mode.stop = mode.stop || cancel_;
    });
    if (mode.stop) break;
    run_rows(objective.batch_rows(), [&](int row) { return objective.train_row(thread_id, row); });
    mode.barrier.wait([&] { mode.stop = cancel_; });  // a cancelled step is dropped, not applied
    if (mode.stop) break;
    guard([&] { mode.squares[thread_id] = objective.gradient_squares(threads, range_begin, range_end); });
    mode.barrier.wait([&] {
      double squares = 0.0;
      for (double s : mode.squares) squares += s;
      mode.clip = static_cast<float>(clip_scale_of(squares));
      mode.stop = cancel_;
    });
    if (mode.stop) break;
    guard([&] { objective.update(mode.step, mode.clip, threads, range_begin, range_end); });
    mode.barrier.wait([&] { finish_step(mode); });
    if (!mode.validating) continue;
    run_rows(objective.validation_rows(), [&](int row) { return objective.validation_row(thread_id, row); });
    mode.barrier.wait([&] { publish_validation(mode); });
  }
  if (threads_running_.fetch_sub(1) == 1) mark_done();
}

void TrainingLoop::run_steps_inline(double budget_ms) {
  StepMode& mode = *step_mode_;
  StepObjective& objective = mode.objective;
  const auto slice_start = Clock::now();
  const auto add = [&](RowLoss l) {
    work_done_.fetch_add(1, std::memory_order_relaxed);
    mode.thread_loss[0].loss_sum += l.loss_sum;
    mode.thread_loss[0].predicted += l.predicted;
    mode.thread_loss[0].correct += l.correct;
  };
  try {
    while (!done_) {
      if (cancel_ || (mode.phase == StepMode::Phase::kBegin && mode.step >= objective.steps())) {
        mark_done();
        break;
      }
      switch (mode.phase) {
        case StepMode::Phase::kBegin:
          objective.begin_step(mode.step);
          mode.thread_loss[0] = RowLoss{};
          mode.next_row = 0;
          mode.phase = StepMode::Phase::kRows;
          break;
        case StepMode::Phase::kRows:
          if (mode.next_row < objective.batch_rows()) {
            add(objective.train_row(0, mode.next_row++));
            break;
          }
          {
            const std::size_t size = objective.parameter_size();
            const double clip = clip_scale_of(objective.gradient_squares(1, 0, size));
            objective.update(mode.step, static_cast<float>(clip), 1, 0, size);
          }
          finish_step(mode);
          mode.phase = mode.validating ? StepMode::Phase::kValidation : StepMode::Phase::kBegin;
          mode.thread_loss[0] = RowLoss{};
          mode.next_row = 0;
          break;
        case StepMode::Phase::kValidation:
          if (mode.next_row < objective.validation_rows()) {
            add(objective.validation_row(0, mode.next_row++));
            break;
          }
          publish_validation(mode);
          mode.phase = StepMode::Phase::kBegin;
          break;
      }
      // One row is the unit of work here: a few milliseconds at most for the sizes the options allow.
      if (ms_since(slice_start) >= budget_ms) break;
    }
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    mark_done();
  }
}

bool TrainingLoop::run_for(double budget_ms) {
  if (!started_) {
    started_ = true;
    start_time_ = Clock::now();
    if (step_mode_ && options_.threads > 1) {
      threads_running_ = options_.threads;
      for (int t = 0; t < options_.threads; ++t) threads_.emplace_back(&TrainingLoop::step_thread_main, this, t);
    } else if (!step_mode_ && !inline_worker_) {
      threads_running_ = options_.threads;
      for (int t = 0; t < options_.threads; ++t) threads_.emplace_back(&TrainingLoop::thread_main, this, t);
    }
  }
  const auto slice_start = Clock::now();
  if (step_mode_ && options_.threads == 1) {
    run_steps_inline(budget_ms);
  } else if (inline_worker_) {
    Worker& worker = *inline_worker_;
    const auto sentences = static_cast<std::int64_t>(corpus_->sentence_count());
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
  if (step_mode_) {
    const StepObjective& objective = step_mode_->objective;
    p.steps_total = objective.steps();
    p.steps_done = step_mode_->steps_done.load();
  }
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
  if (step_mode_) {
    p.cancelled = done_ && cancel_ && p.steps_done < p.steps_total;
    p.validation_loss = step_mode_->validation_loss;
    p.validation_accuracy = step_mode_->validation_accuracy;
    p.validation_step = step_mode_->validation_step;
  }
  return p;
}

}  // namespace embedlab
