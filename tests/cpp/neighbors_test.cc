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

// Shaped like pretrained word vectors (and the big-vectors benchmark's file): points of clusters of
// very uneven sizes (many tiny ones) in a 16-dimensional space mapped into `dim` dimensions.
std::vector<float> latent_clusters(std::size_t n, std::size_t dim, std::size_t clusters, std::uint64_t seed) {
  constexpr std::size_t kLatent = 16;
  Rng rng(seed);
  std::vector<float> map(dim * kLatent), centres(clusters * kLatent), z(kLatent), rows(n * dim);
  for (float& m : map) m = gaussian(rng) / 4.0f;
  for (float& c : centres) c = gaussian(rng);
  for (std::size_t r = 0; r < n; ++r) {
    const float u = rng.uniform();
    const auto c = std::min(clusters - 1, static_cast<std::size_t>(u * u * static_cast<float>(clusters)));
    for (std::size_t j = 0; j < kLatent; ++j) z[j] = centres[c * kLatent + j] + 0.35f * gaussian(rng);
    for (std::size_t i = 0; i < dim; ++i) {
      float v = 0.05f * gaussian(rng);
      for (std::size_t j = 0; j < kLatent; ++j) v += map[i * kLatent + j] * z[j];
      rows[r * dim + i] = v;
    }
  }
  return rows;
}

// What Embeddings asks of the index (beam 400): rows of small clusters that no sampled entry row
// belongs to are found (the query's own leaves in the search trees lead there), and so are the
// answers of analogy-like queries a + b - c, which lie off the data in several separate regions
// (0.87 when queries started only from the sampled entry rows).
TEST(NeighborIndex, FindsSmallClustersAndOffDataQueries) {
  constexpr std::size_t kN = 40000, kD = 100, kQueries = 200;
  const std::vector<float> rows = latent_clusters(kN, kD, 1000, 5);
  NeighborIndexOptions options;
  options.threads = 2;
  const NeighborIndex index = NeighborIndex::build(rows.data(), kN, kD, options);
  Rng rng(23);
  double word_recall = 0, analogy_recall = 0;
  std::vector<float> query(kD);
  for (std::size_t s = 0; s < kQueries; ++s) {
    const auto a = static_cast<std::int32_t>(rng.below(kN)), b = static_cast<std::int32_t>(rng.below(kN)),
               c = static_cast<std::int32_t>(rng.below(kN));
    const auto ids_of = [](const std::vector<SearchHit>& hits) {
      std::vector<std::int32_t> ids;
      for (const SearchHit& h : hits) ids.push_back(h.id);
      return ids;
    };
    const float* row = rows.data() + static_cast<std::size_t>(a) * kD;
    word_recall += overlap(exact_top(rows, kD, row, 10, a), ids_of(index.search_row(static_cast<std::size_t>(a), 10, 400)).data(), 10);
    const std::vector<float> ua = unit_rows(row, 1, kD), ub = unit_rows(rows.data() + static_cast<std::size_t>(b) * kD, 1, kD),
                             uc = unit_rows(rows.data() + static_cast<std::size_t>(c) * kD, 1, kD);
    for (std::size_t i = 0; i < kD; ++i) query[i] = ua[i] + ub[i] - uc[i];
    const std::vector<SearchHit> hits = index.search(query.data(), 10, 400, {a, b, c});
    ASSERT_EQ(hits.size(), 10u);
    analogy_recall += overlap(exact_top(rows, kD, query.data(), 10, -1), ids_of(hits).data(), 10);
  }
  word_recall /= kQueries;
  analogy_recall /= kQueries;
  std::printf("recall@10: rows %.4f, a + b - c %.4f\n", word_recall, analogy_recall);
  EXPECT_GE(word_recall, 0.98);
  EXPECT_GE(analogy_recall, 0.95);
}

// t-SNE asks for 3 x perplexity = 90 neighbours, and NN-descent samples only 16 candidates per row
// and round: the graph must still hold (almost) the exact nearest.
TEST(NeighborIndex, ManyNeighboursPerRowAreFound) {
  constexpr std::size_t kN = 12000, kD = 32, kK = 90, kSample = 100;
  const std::vector<float> rows = latent_clusters(kN, kD, 300, 9);
  NeighborIndexOptions options;
  options.k = static_cast<int>(kK);
  options.threads = 2;
  const NeighborIndex index = NeighborIndex::build(rows.data(), kN, kD, options);
  const KnnGraph& graph = index.knn_graph();
  ASSERT_EQ(graph.k, kK);
  double recall = 0;
  Rng rng(4);
  for (std::size_t s = 0; s < kSample; ++s) {
    const std::size_t row = rng.below(kN);
    const std::int32_t* ids = graph.ids_of(row);
    const std::set<std::int32_t> distinct(ids, ids + kK);
    ASSERT_EQ(distinct.size(), kK) << "row " << row << " lists a neighbour twice";
    ASSERT_EQ(distinct.count(static_cast<std::int32_t>(row)), 0u);
    for (std::size_t j = 1; j < kK; ++j) ASSERT_LE(graph.distances_of(row)[j - 1], graph.distances_of(row)[j]);
    recall += overlap(exact_top(rows, kD, rows.data() + row * kD, kK, static_cast<std::int64_t>(row)), ids, kK);
  }
  recall /= kSample;
  std::printf("recall@90: %.4f\n", recall);
  EXPECT_GE(recall, 0.95);
}

TEST(NeighborIndex, AQueryOnlyIndexDropsItsDistancesAndStillAnswers) {
  const std::vector<float> rows = clustered(6000, 8, 10, 2);
  NeighborIndexOptions options;
  options.keep_distances = false;
  const NeighborIndex lean = NeighborIndex::build(rows.data(), 6000, 8, options);
  const NeighborIndex full = NeighborIndex::build(rows.data(), 6000, 8, NeighborIndexOptions{});
  EXPECT_TRUE(lean.knn_graph().distances.empty());
  EXPECT_EQ(full.knn_graph().distances.size(), 6000u * 15u);
  EXPECT_EQ(lean.knn_graph().ids, full.knn_graph().ids);
  const std::vector<SearchHit> a = lean.search_row(17, 10), b = full.search_row(17, 10);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
}

TEST(NeighborIndex, RejectsSeedsOutsideTheIndex) {
  const std::vector<float> rows = clustered(6000, 8, 10, 2);
  const NeighborIndex index = NeighborIndex::build(rows.data(), 6000, 8, NeighborIndexOptions{});
  const std::vector<float> query(8, 1.0f);
  EXPECT_TRUE(Contains(error_of([&] { index.search(query.data(), 10, 64, {6000}); }), "search seed row 6000 is outside the index"));
  EXPECT_TRUE(Contains(error_of([&] { index.search(query.data(), 10, 64, {-1}); }), "outside the index"));
}

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
