// 2-D projections of word vectors for maps: PCA of the unit vectors of the most frequent words.
#pragma once

#include <cstddef>
#include <vector>

#include "core/embeddings.h"
#include "core/matrix.h"

namespace embedlab {

struct Projection {
  std::vector<float> coordinates;   // 2 per word: x0, y0, x1, y1, ... (rows 0..count-1)
  Matrix components;                // the two principal axes: row 0 is x, row 1 is y (dim columns)
  std::vector<float> mean;          // dim floats, subtracted before projecting
  double explained_variance[2] = {0.0, 0.0};  // fraction of total variance on each axis
  std::size_t count = 0;
};

// PCA of the first `count` rows (the most frequent words); deterministic (fixed start vectors).
// Throws Error when count is 0 or the model is empty.
Projection pca_2d(const Embeddings& embeddings, std::size_t count);

// Coordinates of any row on a projection's axes (for words outside the projected set).
void project_row(const Projection& projection, const Embeddings& embeddings, std::int32_t row, float out[2]);

}  // namespace embedlab
