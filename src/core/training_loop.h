// The one training loop: runs any Objective over a corpus for some epochs, on Hogwild threads or
// inline on the caller's thread, in time slices (run_for) so callers (the CLI, a browser Worker)
// stay responsive; owns the learning-rate schedule, progress, cancellation and errors. In step
// mode it runs a StepObjective (a language model) instead: optimizer steps whose batch rows the
// threads share, with the same slices, progress, cancellation and errors.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/corpus.h"
#include "core/objective.h"

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
  // Step mode only (words are tokens there, and average_loss the mean cross-entropy per prediction).
  std::int64_t steps_done = 0;
  std::int64_t steps_total = 0;
  double validation_loss = -1.0;     // mean validation cross-entropy; negative until first measured
  double validation_accuracy = 0.0;  // share of validation predictions whose most likely token was right
  std::int64_t validation_step = 0;  // steps done when it was measured
};

struct LoopOptions {
  int epochs = 5;
  int threads = 1;               // 1 = the deterministic inline path (run_for trains on the caller's thread)
  std::uint64_t seed = 1;        // thread t's generator is seeded with seed + t
  double learning_rate = 0.025;  // starting rate; decays linearly to 1e-4 of it over the run
};

struct StepLoopOptions {
  int threads = 1;                    // 1 = inline on the caller's thread; same result for the same seed
  std::int64_t validation_every = 100;  // steps between validation losses (also after the last step)
};

class TrainingLoop {
 public:
  // Work (ObjectiveState::work units) between two looks at the clock and the cancel flag: well
  // under a millisecond of training whatever the settings, so slices and cancellation stay prompt.
  static constexpr std::int64_t kWorkPerCheck = std::int64_t{1} << 20;

  // Keeps references to `corpus` and `objective`, which must outlive the loop. Throws Error on an
  // empty corpus or unusable options.
  TrainingLoop(const Corpus& corpus, Objective& objective, const LoopOptions& options);
  // Step mode: `objective` must outlive the loop. A slice or a cancel waits for at most one batch
  // row (one sequence's forward and backward pass) per thread.
  TrainingLoop(StepObjective& objective, const StepLoopOptions& options);
  // Cancels and joins the threads.
  ~TrainingLoop();
  TrainingLoop(const TrainingLoop&) = delete;
  TrainingLoop& operator=(const TrainingLoop&) = delete;

  // Trains for about `budget_ms` of wall time (starting the threads on the first call) and
  // returns true once training has finished or been cancelled. Rethrows an error a thread hit.
  bool run_for(double budget_ms);
  // Stops training promptly; thread-safe. What was learned so far stays in the model.
  void cancel();
  // Thread-safe.
  bool finished() const;
  // A snapshot of progress; resets the interval over which average_loss is measured.
  TrainProgress progress();
  // Work done so far over all threads (published every kWorkPerCheck units; in step mode, batch
  // and validation rows done); thread-safe.
  std::int64_t work_done() const { return work_done_.load(std::memory_order_relaxed); }

 private:
  struct Worker;
  void begin_next_sequence(Worker& worker, std::int64_t sentence);
  bool train_step(Worker& worker);
  void finish_sequence(Worker& worker, std::int64_t sentence);
  void flush(Worker& worker);
  void thread_main(int thread_id);
  void mark_done();
  struct StepMode;
  void step_thread_main(int thread_id);
  void run_steps_inline(double budget_ms);
  void finish_step(StepMode& mode);
  void publish_validation(StepMode& mode);

  const Corpus* corpus_ = nullptr;      // word2vec mode
  Objective* objective_ = nullptr;
  std::unique_ptr<StepMode> step_mode_;  // step mode
  LoopOptions options_;
  std::int64_t words_per_epoch_ = 1;

  std::atomic<std::int64_t> words_done_{0};
  std::atomic<std::int64_t> work_done_{0};
  std::atomic<bool> cancel_{false};
  std::atomic<bool> done_{false};  // read without the mutex by finished(); set under it for the waiters
  std::atomic<int> threads_running_{0};
  bool started_ = false;
  std::chrono::steady_clock::time_point start_time_;

  mutable std::mutex mutex_;  // guards the loss accumulators, the current rate and error_
  std::condition_variable done_cv_;
  double loss_sum_ = 0.0;
  double last_average_loss_ = 0.0;
  std::int64_t loss_examples_ = 0;
  double current_rate_;
  std::exception_ptr error_;

  std::unique_ptr<Worker> inline_worker_;  // the one-thread path
  std::int64_t inline_sentence_ = 0;
  int inline_epoch_ = 0;
  bool inline_in_sequence_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace embedlab
