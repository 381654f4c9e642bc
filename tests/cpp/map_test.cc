// Maps of a model: semantic axes put planted words on the right sides, runs stream and cancel,
// and bad words or options are named.
#include "core/map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "layout_test_support.h"
#include "core/tsne.h"
#include "test_support.h"

namespace embedlab {
namespace {

// Words built from a gender direction (dim 0), a royalty direction (dim 1) and noise elsewhere.
Embeddings gender_royalty_model() {
  Rng rng(3);
  std::vector<std::string> words;
  std::vector<float> data;
  const auto add = [&](const std::string& word, float gender, float royal) {
    words.push_back(word);
    data.push_back(gender);
    data.push_back(royal);
    for (int i = 0; i < 6; ++i) data.push_back(0.3f * gaussian(rng) + 1.0f);
  };
  add("man", -1, -1), add("woman", 1, -1), add("king", -1, 1), add("queen", 1.1f, 1.2f);
  add("commoner", 0, -1.2f), add("royal", 0, 1.2f);
  for (int i = 0; i < 60; ++i) add("w" + std::to_string(i), gaussian(rng), gaussian(rng));
  return Embeddings(words, 8, data);
}

TEST(Map, SemanticAxesPlaceQueenOnTheWomanAndRoyalSides) {
  const Embeddings e = gender_royalty_model();
  MapOptions o;
  o.method = MapMethod::kAxes;
  o.x_axis = {"woman", "man"};
  o.y_axis = {"royal", "commoner"};
  MapRun run(e, o);
  EXPECT_TRUE(run.run_for(10));
  const std::vector<float>& xy = run.coordinates();
  ASSERT_EQ(xy.size(), 2 * e.size());
  const std::int32_t queen = e.id("queen"), man = e.id("man");
  EXPECT_GT(xy[2 * queen], 0.2f);
  EXPECT_GT(xy[2 * queen + 1], 0.2f);
  EXPECT_LT(xy[2 * man], 0.0f);
  EXPECT_LT(xy[2 * man + 1], 0.0f);
  // Each coordinate is a cosine: within [-1, 1].
  for (float v : xy) EXPECT_LE(std::abs(v), 1.0f + 1e-5f);
  o.y_axis = {"royal", "unicorn"};
  EXPECT_TRUE(Contains(error_of([&] { MapRun bad(e, o); }), "'unicorn' is not in the vocabulary"));
  o.y_axis = {"royal"};
  EXPECT_TRUE(Contains(error_of([&] { MapRun bad(e, o); }), "the y axis needs two words"));
}

TEST(Map, TsneAndUmapStreamLayoutsAndFinish) {
  std::vector<int> labels;
  std::vector<float> rows = planted_clusters(400, 12, 4, 0.3f, 5, labels);
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back("w" + std::to_string(i));
  const Embeddings e(words, 12, rows);
  for (const MapMethod method : {MapMethod::kTsne, MapMethod::kUmap}) {
    MapOptions o;
    o.method = method;
    o.iterations = 200;
    o.threads = 2;
    MapRun run(e, o);
    std::vector<double> fractions;
    std::vector<float> previous;
    int changes = 0;
    while (!run.run_for(1)) {
      fractions.push_back(run.fraction());
      if (!run.coordinates().empty() && run.coordinates() != previous) ++changes, previous = run.coordinates();
    }
    EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
    EXPECT_GE(changes, 3) << "intermediate layouts";
    EXPECT_EQ(run.iteration(), 200);
    EXPECT_EQ(run.fraction(), 1.0);
    EXPECT_GE(nearest_label_agreement(run.coordinates(), labels), 0.98);
    const std::string tsv = map_tsv(run.words(), run.coordinates());
    EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\n'), 400);
    EXPECT_EQ(tsv.rfind("w0\t", 0), 0u);
  }
}

// Above the exact size both repulsions keep planted clusters apart, and the choice reaches the
// layout (the two runs differ).
TEST(Map, TsneRepulsionChoiceReachesTheLayout) {
  const std::size_t n = TsneLayout::kExactMaxRows + 100;
  std::vector<int> labels;
  std::vector<float> rows = planted_clusters(n, 12, 4, 0.3f, 5, labels);
  std::vector<std::string> words;
  for (std::size_t i = 0; i < n; ++i) words.push_back("w" + std::to_string(i));
  const Embeddings e(words, 12, rows);
  std::vector<std::vector<float>> layouts;
  for (const TsneRepulsion repulsion : {TsneRepulsion::kBarnesHut, TsneRepulsion::kInterpolated}) {
    MapOptions o;
    o.method = MapMethod::kTsne;
    o.repulsion = repulsion;
    o.iterations = 250;
    o.threads = 2;
    MapRun run(e, o);
    while (!run.run_for(1000)) {
    }
    EXPECT_GE(nearest_label_agreement(run.coordinates(), labels), 0.98);
    layouts.push_back(run.coordinates());
  }
  EXPECT_NE(layouts[0], layouts[1]);
  // By default the interpolated path takes 750 steps (Barnes-Hut 1,000).
  for (const TsneRepulsion repulsion : {TsneRepulsion::kBarnesHut, TsneRepulsion::kInterpolated}) {
    MapOptions o;
    o.method = MapMethod::kTsne;
    o.repulsion = repulsion;
    MapRun run(e, o);
    while (std::string(run.stage()) == "neighbours") run.run_for(1);
    EXPECT_EQ(run.iterations(), repulsion == TsneRepulsion::kInterpolated ? TsneLayout::kInterpolatedIterations : 1000);
  }
}

TEST(Map, CancelStopsARunAndWordsAreChecked) {
  const Embeddings e = gender_royalty_model();
  MapOptions o;
  o.method = MapMethod::kTsne;
  o.perplexity = 5;
  MapRun run(e, o);
  run.run_for(0);
  run.cancel();
  EXPECT_THROW(run.run_for(1000), CancelledError);
  o.perplexity = 500;
  EXPECT_TRUE(Contains(error_of([&] { MapRun bad(e, o); }), "perplexity must be at least 1 and less than the number of words mapped (66)"));
  o.words = {"king", "quene"};
  EXPECT_TRUE(Contains(error_of([&] { MapRun bad(e, o); }), "'quene' is not in the vocabulary"));
  o.method = MapMethod::kPca;
  o.words = {"king", "queen", "man"};
  MapRun pca(e, o);
  EXPECT_TRUE(pca.run_for(1));
  EXPECT_EQ(pca.rows(), (std::vector<std::int32_t>{e.id("king"), e.id("queen"), e.id("man")}));
  EXPECT_EQ(pca.coordinates().size(), 6u);
}

}  // namespace
}  // namespace embedlab
