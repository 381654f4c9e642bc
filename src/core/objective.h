// What a model learns from: an Objective trains the model's matrices on one sequence of token ids
// at a time (word2vec's CBOW and skip-gram now; next-word and masked-word prediction later). The
// TrainingLoop owns everything else: threads, time slices, the learning-rate schedule, progress,
// cancellation and errors. An objective works in bounded steps so the loop can pause or stop it
// anywhere, even inside one long sequence with heavy settings, and resume it exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/random.h"

namespace embedlab {

// One thread's state. Objectives derive their own (buffers, where they are in the sequence); the
// loop creates one per thread through Objective::make_state and reads the counters below.
class ObjectiveState {
 public:
  explicit ObjectiveState(std::uint64_t seed) : rng(seed) {}
  virtual ~ObjectiveState() = default;

  Rng rng;                    // seeded by the loop with seed + thread id
  double loss_sum = 0.0;      // summed example losses, collected and reset by the loop
  std::int64_t examples = 0;  // examples behind loss_sum
  std::int64_t work = 0;      // floats read and written so far (and tokens scanned): never decreases
};

class Objective {
 public:
  virtual ~Objective() = default;

  // A fresh state for one thread, its generator seeded with `seed`.
  virtual std::unique_ptr<ObjectiveState> make_state(std::uint64_t seed) const = 0;
  // Starts on one sequence (a corpus sentence); `tokens` stays valid until train() finishes it.
  virtual void begin_sequence(ObjectiveState& state, const std::int32_t* tokens, std::size_t length) = 0;
  // Trains on the current sequence at `learning_rate` until it is done (returns true) or
  // state.work reaches `work_limit` (returns false; the next call resumes exactly where this one
  // stopped, drawing the random numbers an uninterrupted call would have drawn). Does at least
  // one step when work_limit > state.work. Called from every thread at once, each with its own state: the model's
  // matrices are shared and updated lock-free (Hogwild).
  virtual bool train(ObjectiveState& state, float learning_rate, std::int64_t work_limit) = 0;
};

// A model trained in optimizer steps (the language models) rather than Hogwild: each step's batch
// of rows is split between the threads (data-parallel, each thread its own buffers), the gradients
// are summed and clipped, and one update is applied, each thread updating a disjoint range of the
// parameters. The TrainingLoop calls these in phases separated by barriers:
//   begin_step (one thread) | train_row (rows split) | gradient_squares (ranges) | update (ranges)
//   | validation_row (rows split, every few steps)
// Everything random is drawn in begin_step from the seed and the step number, so a run is the same
// however it is sliced, and the batches are the same for any number of threads.
struct RowLoss {
  double loss_sum = 0.0;         // summed cross-entropy of the row's predictions
  std::int64_t predicted = 0;    // how many predictions
  std::int64_t correct = 0;      // predictions whose most likely token was the target (validation only)
};

class StepObjective {
 public:
  virtual ~StepObjective() = default;

  virtual std::int64_t steps() const = 0;
  // Rows in every step's batch and tokens in each row (for tokens/s).
  virtual int batch_rows() const = 0;
  virtual std::int64_t row_tokens() const = 0;
  // Rows of the validation set.
  virtual int validation_rows() const = 0;
  // Flat size of all parameters together (the update ranges index it).
  virtual std::size_t parameter_size() const = 0;
  // The learning rate at a step (for progress).
  virtual double learning_rate(std::int64_t step) const = 0;

  // Makes each thread's buffers; called once before the first step.
  virtual void prepare(int threads) = 0;
  // Draws the batch of 0-based step `step`.
  virtual void begin_step(std::int64_t step) = 0;
  // Adds row `row`'s gradient into thread `thread`'s buffers.
  virtual RowLoss train_row(int thread, int row) = 0;
  // Sums the threads' gradients into the first thread's over the flat range [begin, end), scaled
  // to the batch mean, and returns their sum of squares there.
  virtual double gradient_squares(int threads, std::size_t begin, std::size_t end) = 0;
  // Applies step `step` over [begin, end) with the clipping factor `scale`, then clears every
  // thread's gradients there.
  virtual void update(std::int64_t step, float scale, int threads, std::size_t begin, std::size_t end) = 0;
  // Loss of validation row `row` with the current weights (thread `thread`'s buffers).
  virtual RowLoss validation_row(int thread, int row) = 0;
};

}  // namespace embedlab
