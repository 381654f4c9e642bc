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

}  // namespace embedlab
