#include "core/projection.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {

Projection pca_2d(const Embeddings& embeddings, std::size_t count) {
  if (embeddings.size() == 0) throw Error("cannot project an empty model");
  if (count == 0) throw Error("the projection needs at least one word");
  count = std::min(count, embeddings.size());
  const std::size_t dim = embeddings.dim();
  Projection p;
  p.count = count;
  p.mean.assign(dim, 0.0f);
  for (std::size_t r = 0; r < count; ++r) kernels::axpy(1.0f, embeddings.unit_vector(static_cast<std::int32_t>(r)), p.mean.data(), dim);
  kernels::scale(1.0f / static_cast<float>(count), p.mean.data(), dim);

  // Covariance (dim x dim, in double for stability) of the centred unit vectors.
  std::vector<double> cov(dim * dim, 0.0);
  std::vector<double> centred(dim);
  for (std::size_t r = 0; r < count; ++r) {
    const float* row = embeddings.unit_vector(static_cast<std::int32_t>(r));
    for (std::size_t i = 0; i < dim; ++i) centred[i] = static_cast<double>(row[i]) - p.mean[i];
    for (std::size_t i = 0; i < dim; ++i) {
      const double ci = centred[i];
      double* line = cov.data() + i * dim;
      for (std::size_t j = i; j < dim; ++j) line[j] += ci * centred[j];
    }
  }
  double trace = 0.0;
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t j = 0; j < i; ++j) cov[i * dim + j] = cov[j * dim + i];
    trace += cov[i * dim + i];
  }

  // Top two eigenvectors by power iteration with deflation.
  p.components.assign(2 * dim, 0.0f);
  std::vector<double> v(dim), w(dim);
  for (int axis = 0; axis < 2; ++axis) {
    for (std::size_t i = 0; i < dim; ++i) v[i] = 1.0 + 0.01 * static_cast<double>((i * 7 + static_cast<std::size_t>(axis) * 3) % 11);
    double eigenvalue = 0.0;
    for (int iteration = 0; iteration < 300; ++iteration) {
      for (std::size_t i = 0; i < dim; ++i) {
        double sum = 0.0;
        for (std::size_t j = 0; j < dim; ++j) sum += cov[i * dim + j] * v[j];
        w[i] = sum;
      }
      double norm = 0.0;
      for (double x : w) norm += x * x;
      norm = std::sqrt(norm);
      if (norm == 0.0) break;
      double change = 0.0;
      for (std::size_t i = 0; i < dim; ++i) {
        const double next = w[i] / norm;
        change += std::abs(next - v[i]);
        v[i] = next;
      }
      eigenvalue = norm;
      if (change < 1e-9) break;
    }
    // Fix the sign so the result does not depend on the start vector's orientation.
    std::size_t largest = 0;
    for (std::size_t i = 1; i < dim; ++i) {
      if (std::abs(v[i]) > std::abs(v[largest])) largest = i;
    }
    const double sign = v[largest] < 0 ? -1.0 : 1.0;
    for (std::size_t i = 0; i < dim; ++i) p.components[static_cast<std::size_t>(axis) * dim + i] = static_cast<float>(sign * v[i]);
    p.explained_variance[axis] = trace > 0 ? eigenvalue / trace : 0.0;
    for (std::size_t i = 0; i < dim; ++i) {
      for (std::size_t j = 0; j < dim; ++j) cov[i * dim + j] -= eigenvalue * v[i] * v[j];
    }
  }

  p.coordinates.resize(2 * count);
  for (std::size_t r = 0; r < count; ++r) project_row(p, embeddings, static_cast<std::int32_t>(r), &p.coordinates[2 * r]);
  return p;
}

void project_row(const Projection& p, const Embeddings& embeddings, std::int32_t row, float out[2]) {
  const std::size_t dim = embeddings.dim();
  const float* unit = embeddings.unit_vector(row);
  const float shift_x = kernels::dot(p.mean.data(), p.components.data(), dim);
  const float shift_y = kernels::dot(p.mean.data(), p.components.data() + dim, dim);
  out[0] = kernels::dot(unit, p.components.data(), dim) - shift_x;
  out[1] = kernels::dot(unit, p.components.data() + dim, dim) - shift_y;
}

}  // namespace embedlab
