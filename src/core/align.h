// Aligning one layout of points to another (orthogonal Procrustes), so that successive maps of the
// same words (a map redrawn while a model trains) differ only by how the words really moved, not by
// an arbitrary rotation, reflection or scale of the projection.
#pragma once

#include <cstddef>
#include <vector>

namespace embedlab {

// y ≈ scale * x * rotation + translation for a row x of the source layout.
struct Alignment {
  std::size_t dims = 0;
  std::vector<double> rotation;     // dims x dims, row-major, orthogonal (a rotation or a reflection)
  double scale = 1.0;
  std::vector<double> translation;  // dims
  double rms_error = 0.0;           // root mean square distance between the aligned source and the target
};

// The similarity transform (rotation or reflection, uniform scale, translation) that brings the
// `n` points of `source` closest to those of `target` in the least-squares sense (row i of one
// matches row i of the other; rows of `dims` floats). Throws Error when n or dims is 0 or the
// numbers are not finite. A source with no spread (all points equal) gets scale 1.
Alignment procrustes(const float* source, const float* target, std::size_t n, std::size_t dims);

// Applies `alignment` to `n` points in place.
void apply_alignment(const Alignment& alignment, float* points, std::size_t n);

}  // namespace embedlab
