// word2vec training: skip-gram or CBOW with negative sampling or hierarchical softmax,
// Hogwild threads, and a run-in-slices API so callers (the CLI, a browser Worker) stay responsive.
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/embeddings.h"
#include "core/loss.h"
#include "core/options.h"
#include "core/random.h"
#include "core/vocabulary.h"

namespace embedlab {

struct TrainProgress {
  std::int64_t words_done = 0;   // corpus tokens processed (before subsampling), over all epochs
  std::int64_t words_total = 0;  // tokens * epochs
  int epoch = 1;                 // 1-based epoch the training is in
  double learning_rate = 0.0;
  double average_loss = 0.0;     // mean loss per example since the previous report with new examples
  double words_per_second = 0.0; // since the start
  double elapsed_ms = 0.0;
  bool finished = false;
  bool cancelled = false;
};

class Trainer {
 public:
  // Keeps a reference to `corpus`, which must outlive the trainer.
  Trainer(const Corpus& corpus, const TrainOptions& options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Trains for about `budget_ms` of wall time (starting the threads on the first call) and
  // returns true once training has finished or been cancelled.
  bool run_for(double budget_ms);
  // Stops training within 100 ms; thread-safe. The vectors learned so far stay usable.
  void cancel();
  bool finished() const;
  // A snapshot of progress; resets the interval over which average_loss is measured.
  TrainProgress progress();
  // A copy of the input vectors as they are now (mid-training snapshots are fine).
  Embeddings embeddings() const;

 private:
  struct ThreadState;
  void train_sentence(ThreadState& state, std::int64_t sentence);
  void flush(ThreadState& state);
  void thread_main(int thread_id);
  void start_threads();

  const Corpus& corpus_;
  TrainOptions options_;
  std::size_t dim_;
  double start_rate_;
  std::int64_t words_per_epoch_;
  std::vector<float> input_;
  std::unique_ptr<Loss> loss_;
  std::vector<float> keep_probability_;  // subsampling, per word

  std::atomic<std::int64_t> words_done_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<int> threads_running_{0};
  bool started_ = false;
  std::chrono::steady_clock::time_point start_time_;

  std::mutex mutex_;  // guards the loss accumulators and done_
  std::condition_variable done_cv_;
  bool done_ = false;
  double loss_sum_ = 0.0;
  double last_average_loss_ = 0.0;
  std::int64_t loss_examples_ = 0;
  double current_rate_;
  std::exception_ptr error_;

  std::unique_ptr<ThreadState> inline_state_;  // the one-thread path
  std::int64_t inline_sentence_ = 0;
  int inline_epoch_ = 0;
  std::vector<std::thread> threads_;
};

// Trains to completion, calling `on_progress` about every `progress_interval_ms` and once at the
// end; stops early when `*cancel` becomes true. Returns the (possibly partial) vectors.
Embeddings train(const Corpus& corpus, const TrainOptions& options,
                 const std::function<void(const TrainProgress&)>& on_progress = {},
                 const std::atomic<bool>* cancel = nullptr, double progress_interval_ms = 100.0);

}  // namespace embedlab
