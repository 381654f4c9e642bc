// word2vec training: skip-gram or CBOW with negative sampling or hierarchical softmax,
// Hogwild threads, and a run-in-slices API so callers (the CLI, a browser Worker) stay responsive.
// A thin composition of a word2vec Model, its Objective and the TrainingLoop.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "core/corpus.h"
#include "core/embeddings.h"
#include "core/loss.h"
#include "core/model.h"
#include "core/objective.h"
#include "core/options.h"
#include "core/training_loop.h"

namespace embedlab {

// The options as the name -> value strings a model keeps ("dim" -> "100"), in a fixed order.
Settings describe_options(const TrainOptions& options);
// The options a model was trained with, read back from its strings; throws Error naming a
// missing or malformed one.
TrainOptions train_options_from(const Model& model);

// A word2vec Model, its Objective (CBOW or skip-gram) and the TrainingLoop that runs it.
class Trainer {
 public:
  // A new model over `corpus`'s vocabulary. Keeps a reference to `corpus`, which must outlive
  // the trainer.
  Trainer(const Corpus& corpus, const TrainOptions& options);
  // Trains `model` (a word2vec model, e.g. one loaded from a file) further on `corpus`: the
  // corpus's words are looked up through the model's tokenizer, those it does not know are
  // skipped, and the vocabulary stays the model's. options.dim must be the model's vector size
  // and options.loss the loss it was trained with. Keeps its own copy of the mapped corpus.
  Trainer(const Corpus& corpus, Model model, const TrainOptions& options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // run_for, cancel, finished and progress are the TrainingLoop's (training_loop.h): slices of
  // about `budget_ms`, a cancel that keeps what was learned, progress snapshots.
  bool run_for(double budget_ms);
  void cancel();
  bool finished() const;
  TrainProgress progress();
  // A copy of the input vectors as they are now (mid-training snapshots are fine); words are
  // looked up through the model's tokenizer.
  Embeddings embeddings() const;
  // The whole model as it is now (for saving once training has finished).
  const Model& model() const { return model_; }

 private:
  void start();

  std::optional<Corpus> mapped_corpus_;  // the corpus in the model's ids, when continuing a model
  const Corpus& corpus_;
  TrainOptions options_;
  Model model_;
  std::unique_ptr<Objective> objective_;
  std::unique_ptr<TrainingLoop> loop_;  // last: destroyed (threads joined) before what it uses
};

// Trains to completion, calling `on_progress` about every `progress_interval_ms` and once at the
// end; stops early when `*cancel` becomes true. Returns the (possibly partial) vectors.
Embeddings train(const Corpus& corpus, const TrainOptions& options,
                 const std::function<void(const TrainProgress&)>& on_progress = {},
                 const std::atomic<bool>* cancel = nullptr, double progress_interval_ms = 100.0);

}  // namespace embedlab
