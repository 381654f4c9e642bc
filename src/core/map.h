// 2-D maps of word vectors for the page, the npm API and both CLIs: PCA, t-SNE, UMAP or semantic
// axes over the most frequent words (or a given list), run in time slices so a Worker stays
// responsive, with intermediate layouts to stream while the layout converges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/embeddings.h"
#include "core/neighbors.h"
#include "core/tsne.h"

namespace embedlab {

class OptionValues;

enum class MapMethod { kPca, kTsne, kUmap, kAxes };

struct MapOptions {
  MapMethod method = MapMethod::kUmap;
  double perplexity = 30.0;   // t-SNE
  TsneRepulsion repulsion = TsneRepulsion::kAuto;  // t-SNE above TsneLayout::kExactMaxRows words
  int neighbors = 15;         // UMAP (counting the word itself)
  double min_dist = 0.1;      // UMAP
  int iterations = 0;         // t-SNE steps or UMAP epochs; 0 = their defaults (1000; 500 or 200)
  std::vector<std::string> x_axis, y_axis;  // semantic axes: {a, b} makes x = a − b
  std::size_t limit = 10000;  // the most frequent words, when `words` is empty
  std::vector<std::string> words;
  int threads = 1;
  std::uint64_t seed = 1;
};

// MapOptions from the values of the `project` verb or method (options.cc's schema).
MapOptions map_options(const OptionValues& values);

// Semantic axes: each word's coordinate on an axis is the cosine of its vector with the axis
// direction unit(a) − unit(b) (so a lies on the positive side, b on the negative one). Returns n×2.
std::vector<float> semantic_axes(const Embeddings& embeddings, const std::vector<std::int32_t>& rows,
                                 const std::vector<std::string>& x_axis, const std::vector<std::string>& y_axis);

// The map as the CLIs write it: one line per word, "word<TAB>x<TAB>y", coordinates with 4 decimals.
std::string map_tsv(const std::vector<std::string>& words, const std::vector<float>& coordinates);

class MapRun {
 public:
  // Resolves the words (Error naming an unknown word or axis word) and checks the options; the
  // work happens in run_for(). `embeddings` is not used after the constructor.
  MapRun(const Embeddings& embeddings, const MapOptions& options);
  ~MapRun();
  MapRun(const MapRun&) = delete;
  MapRun& operator=(const MapRun&) = delete;

  // Works for about `budget_ms` (at least one unit: a neighbour-search step or a layout
  // iteration); true once finished. Throws CancelledError after cancel().
  bool run_for(double budget_ms);
  // Stops at the next unit; thread-safe.
  void cancel();
  bool finished() const;

  const std::vector<std::int32_t>& rows() const { return rows_; }  // the mapped words' ids
  const std::vector<std::string>& words() const { return words_; }  // and the words (kept: the model may go)
  // The current layout (n×2): the start layout, intermediate ones, then the final one. Empty
  // until the neighbour search is done.
  const std::vector<float>& coordinates() const;
  int iteration() const;
  int iterations() const;
  double fraction() const;
  const char* stage() const;  // "neighbours", "layout" or "done"

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::vector<std::int32_t> rows_;
  std::vector<std::string> words_;
};

}  // namespace embedlab
