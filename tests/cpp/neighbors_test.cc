// The approximate neighbour index: its graph and its queries find (almost) the exact neighbours.
#include "core/neighbors.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/kernels.h"
#include "core/random.h"
#include "test_support.h"

namespace embedlab {
namespace {

// A normal deviate from two uniforms (Box-Muller).
float gaussian(Rng& rng) {
  const float u = std::max(rng.uniform(), 1e-7f), v = rng.uniform();
  return std::sqrt(-2.0f * std::log(u)) * std::cos(6.2831853f * v);
}

// n rows of `dim` numbers around `clusters` random centres (noise comparable to the spread of the
// centres, so neighbourhoods inside a cluster are not trivial).
std::vector<float> clustered(std::size_t n, std::size_t dim, std::size_t clusters, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> centres(clusters * dim);
  for (float& c : centres) c = gaussian(rng);
  std::vector<float> rows(n * dim);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = rng.below(static_cast<std::uint32_t>(clusters));
    for (std::size_t i = 0; i < dim; ++i) rows[r * dim + i] = centres[c * dim + i] + 0.6f * gaussian(rng);
  }
  return rows;
}

// The exact `k` most cosine-similar rows to `query` (skipping row `skip`).
std::vector<std::int32_t> exact_top(const std::vector<float>& rows, std::size_t dim, const float* query, std::size_t k, std::int64_t skip) {
  const std::size_t n = rows.size() / dim;
  std::vector<float> unit = unit_rows(rows.data(), n, dim), q(query, query + dim), scores(n);
  kernels::normalise(q.data(), dim);
  kernels::dot_rows(unit.data(), n, dim, q.data(), scores.data());
  std::vector<std::int32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::int32_t>(i);
  if (skip >= 0) scores[static_cast<std::size_t>(skip)] = -1e30f;
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::int32_t a, std::int32_t b) { return scores[a] > scores[b]; });
  order.resize(k);
  return order;
}

double overlap(const std::vector<std::int32_t>& truth, const std::int32_t* found, std::size_t k) {
  const std::set<std::int32_t> t(truth.begin(), truth.end());
  std::size_t hits = 0;
  for (std::size_t i = 0; i < k; ++i) hits += t.count(found[i]);
  return static_cast<double>(hits) / static_cast<double>(k);
}

constexpr std::size_t kRows = 20000, kDim = 64;

class NeighborIndexRecall : public ::testing::TestWithParam<int> {};

TEST_P(NeighborIndexRecall, GraphAndSearchRecallAtTenAgainstExact) {
  const std::vector<float> rows = clustered(kRows, kDim, 200, 3);
  NeighborIndexOptions options;
  options.k = 15;
  options.threads = GetParam();
  const NeighborIndex index = NeighborIndex::build(rows.data(), kRows, kDim, options);
  ASSERT_EQ(index.size(), kRows);
  const KnnGraph& graph = index.knn_graph();
  ASSERT_EQ(graph.k, 15u);
  double graph_recall = 0, search_recall = 0;
  constexpr std::size_t kSample = 300;
  Rng rng(11);
  for (std::size_t s = 0; s < kSample; ++s) {
    const std::size_t row = rng.below(kRows);
    const auto truth = exact_top(rows, kDim, rows.data() + row * kDim, 10, static_cast<std::int64_t>(row));
    graph_recall += overlap(truth, graph.ids_of(row), 10);
    // Distances are sorted and match the ids.
    for (std::size_t j = 1; j < graph.k; ++j) ASSERT_LE(graph.distances_of(row)[j - 1], graph.distances_of(row)[j]);
  }
  // Queries that are not rows of the index: new points from the same clusters.
  const std::vector<float> all_queries = clustered(kRows + kSample, kDim, 200, 3);  // same centres, fresh points
  for (std::size_t s = 0; s < kSample; ++s) {
    const float* query = all_queries.data() + (kRows + s) * kDim;
    const auto truth = exact_top(rows, kDim, query, 10, -1);
    const std::vector<SearchHit> hits = index.search(query, 10, 64);
    ASSERT_EQ(hits.size(), 10u);
    std::vector<std::int32_t> ids;
    for (const SearchHit& h : hits) ids.push_back(h.id);
    for (std::size_t j = 1; j < hits.size(); ++j) ASSERT_GE(hits[j - 1].similarity, hits[j].similarity);
    search_recall += overlap(truth, ids.data(), 10);
  }
  graph_recall /= kSample;
  search_recall /= kSample;
  EXPECT_GE(graph_recall, 0.95);
  EXPECT_GE(search_recall, 0.95);
  RecordProperty("graph_recall", std::to_string(graph_recall));
  RecordProperty("search_recall", std::to_string(search_recall));
  std::printf("recall@10: graph %.4f, search %.4f\n", graph_recall, search_recall);
}

INSTANTIATE_TEST_SUITE_P(Threads, NeighborIndexRecall, ::testing::Values(1, 2));

TEST(NeighborIndex, SmallSetsGetTheExactGraph) {
  const std::vector<float> rows = clustered(500, 8, 5, 9);
  const NeighborIndex index = NeighborIndex::build(rows.data(), 500, 8, {});
  const KnnGraph exact = exact_knn_graph(rows.data(), 500, 8, 15);
  EXPECT_EQ(index.knn_graph().ids, exact.ids);
  // A row's own search never returns the row itself.
  const auto hits = index.search_row(42, 5, 32);
  ASSERT_EQ(hits.size(), 5u);
  for (const SearchHit& h : hits) EXPECT_NE(h.id, 42);
  EXPECT_EQ(hits[0].id, exact.ids_of(42)[0]);
  // Rows already unit length can be borrowed instead of copied: same graph.
  const std::vector<float> unit = unit_rows(rows.data(), 500, 8);
  NeighborIndexOptions borrow;
  borrow.borrow_unit_rows = true;
  EXPECT_EQ(NeighborIndex::build(unit.data(), 500, 8, borrow).knn_graph().ids, exact.ids);
}

TEST(NeighborIndex, ProgressRisesAndCancelStopsTheBuild) {
  const std::vector<float> rows = clustered(6000, 16, 20, 5);
  std::vector<double> fractions;
  NeighborIndex::build(rows.data(), 6000, 16, {}, [&](const char*, double f) {
    fractions.push_back(f);
    return true;
  });
  ASSERT_GE(fractions.size(), 3u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_EQ(fractions.back(), 1.0);
  int calls = 0;
  EXPECT_THROW(NeighborIndex::build(rows.data(), 6000, 16, {}, [&](const char*, double) { return ++calls < 2; }), CancelledError);
  EXPECT_EQ(calls, 2);
}

TEST(NeighborIndex, RejectsUnusableInput) {
  const std::vector<float> rows = clustered(10, 4, 2, 1);
  NeighborIndexOptions options;
  options.k = 10;
  EXPECT_TRUE(Contains(error_of([&] { NeighborIndex::build(rows.data(), 10, 4, options); }), "between 1 and 9"));
  EXPECT_TRUE(Contains(error_of([&] { NeighborIndex::build(rows.data(), 1, 4, {}); }), "at least 2 rows"));
  std::vector<float> bad = rows;
  bad[4 * 3 + 2] = std::nanf("");
  options.k = 3;
  EXPECT_TRUE(Contains(error_of([&] { NeighborIndex::build(bad.data(), 10, 4, options); }), "row 3 has a non-finite value"));
}

}  // namespace
}  // namespace embedlab
