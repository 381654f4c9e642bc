// k-means clusters of word vectors, for colouring a map by meaning: words in one cluster get one colour.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/embeddings.h"
#include "core/matrix.h"

namespace embedlab {

struct Clustering {
  std::vector<std::int32_t> labels;  // one per row, 0..k-1
  Matrix centroids;                  // k x dim
  double inertia = 0.0;              // sum of squared distances of the rows to their centroids
  std::size_t iterations = 0;        // Lloyd iterations run (stops early once no label changes)
};

// k-means (k-means++ seeding, then Lloyd iterations) of `rows` (n x dim, row-major). Same seed,
// same clusters. Throws Error when k is 0 or larger than n.
Clustering kmeans(const float* rows, std::size_t n, std::size_t dim, std::size_t k, std::uint64_t seed,
                  std::size_t max_iterations = 50);

// k-means of the unit vectors of the first `count` words (the most frequent), so words are grouped
// by cosine similarity whatever their vectors' lengths.
Clustering cluster_words(const Embeddings& embeddings, std::size_t count, std::size_t k, std::uint64_t seed,
                         std::size_t max_iterations = 50);

}  // namespace embedlab
