// k-means: well-separated groups of words are found as they are, the same seed gives the same
// clusters, and impossible requests are refused with a message.
#include "core/clustering.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/random.h"

namespace embedlab {
namespace {

// `groups` blobs of `per_group` points each in `dim` dimensions; blob g is centred on 10 * e_g.
std::vector<float> blobs(std::size_t groups, std::size_t per_group, std::size_t dim, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> rows;
  for (std::size_t i = 0; i < groups * per_group; ++i) {
    for (std::size_t j = 0; j < dim; ++j) rows.push_back((j == i % groups ? 10.0f : 0.0f) + rng.uniform() - 0.5f);
  }
  return rows;
}

TEST(Clustering, FindsSeparatedGroups) {
  const std::size_t groups = 4, per_group = 50, dim = 6;
  const std::vector<float> rows = blobs(groups, per_group, dim, 2);
  const Clustering c = kmeans(rows.data(), groups * per_group, dim, groups, 1);
  ASSERT_EQ(c.labels.size(), groups * per_group);
  // Rows of one blob share a label, and the blobs' labels all differ.
  std::set<std::int32_t> seen;
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t i = g; i < groups * per_group; i += groups) EXPECT_EQ(c.labels[i], c.labels[g]) << "row " << i;
    seen.insert(c.labels[g]);
  }
  EXPECT_EQ(seen.size(), groups);
  // Each point sits within its own blob's noise of its centroid: inertia about dim/12 per point.
  EXPECT_LT(c.inertia / static_cast<double>(groups * per_group), 1.0);
  EXPECT_GE(c.iterations, 1u);
}

TEST(Clustering, SameSeedSameClusters) {
  const std::vector<float> rows = blobs(5, 40, 8, 3);
  const Clustering a = kmeans(rows.data(), 200, 8, 7, 42);
  const Clustering b = kmeans(rows.data(), 200, 8, 7, 42);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.centroids, b.centroids);
}

TEST(Clustering, WordsAreClusteredByDirection) {
  // A long and a short vector pointing the same way belong together.
  const Embeddings e({"east", "east-short", "north", "north-short"}, 2, {10.0f, 0.1f, 0.1f, 0.0f, 0.0f, 5.0f, 0.01f, 0.2f});
  const Clustering c = cluster_words(e, 4, 2, 1);
  EXPECT_EQ(c.labels[0], c.labels[1]);
  EXPECT_EQ(c.labels[2], c.labels[3]);
  EXPECT_NE(c.labels[0], c.labels[2]);
}

TEST(Clustering, RefusesImpossibleRequests) {
  const std::vector<float> rows = blobs(2, 3, 2, 1);
  EXPECT_THROW(kmeans(rows.data(), 6, 2, 0, 1), Error);
  try {
    kmeans(rows.data(), 6, 2, 7, 1);
    FAIL() << "7 clusters of 6 rows were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot make 7 clusters of 6 words");
  }
}

}  // namespace
}  // namespace embedlab
