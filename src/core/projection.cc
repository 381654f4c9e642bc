#include "core/projection.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {

namespace {

// Above this dimension the dim x dim covariance costs more than iterating on the rows.
constexpr std::size_t kCovarianceMaxDim = 256;

// Power iteration on the centred rows themselves (C v = X^T (X v) / n): O(count * dim) memory-free
// steps, for high-dimensional models (a 4096-d covariance would be 128 MB and slow to build).
Projection pca_2d_iterative(const Embeddings& embeddings, std::size_t count, Projection p) {
  const std::size_t dim = embeddings.dim();
  Matrix centred(count, dim);
  for (std::size_t r = 0; r < count; ++r) {
    const float* row = embeddings.unit_vector(static_cast<std::int32_t>(r));
    for (std::size_t i = 0; i < dim; ++i) centred(r, i) = row[i] - p.mean[i];
  }
  double trace = 0.0;
  for (const float x : centred.values()) trace += static_cast<double>(x) * x;
  p.components = Matrix(2, dim);
  const float* x_axis = p.components.row(0);
  std::vector<float> projections(count);
  std::vector<float> v(dim), w(dim);
  for (int axis = 0; axis < 2; ++axis) {
    for (std::size_t i = 0; i < dim; ++i) v[i] = 1.0f + 0.01f * static_cast<float>((i * 7 + static_cast<std::size_t>(axis) * 3) % 11);
    kernels::normalise(v.data(), dim);
    double eigenvalue = 0.0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      if (axis == 1) kernels::axpy(-kernels::dot(x_axis, v.data(), dim), x_axis, v.data(), dim);
      kernels::dot_rows(centred.data(), count, dim, v.data(), projections.data());
      std::fill(w.begin(), w.end(), 0.0f);
      for (std::size_t r = 0; r < count; ++r) kernels::axpy(projections[r], centred.row(r), w.data(), dim);
      if (axis == 1) kernels::axpy(-kernels::dot(x_axis, w.data(), dim), x_axis, w.data(), dim);
      eigenvalue = kernels::normalise(w.data(), dim);
      if (eigenvalue == 0.0) break;
      double change = 0.0;
      for (std::size_t i = 0; i < dim; ++i) change += std::abs(w[i] - v[i]);
      v.swap(w);
      if (change < 1e-6) break;
    }
    std::size_t largest = 0;
    for (std::size_t i = 1; i < dim; ++i) {
      if (std::abs(v[i]) > std::abs(v[largest])) largest = i;
    }
    const float sign = v[largest] < 0 ? -1.0f : 1.0f;
    for (std::size_t i = 0; i < dim; ++i) p.components(static_cast<std::size_t>(axis), i) = sign * v[i];
    p.explained_variance[axis] = trace > 0 ? eigenvalue / trace : 0.0;
  }
  p.coordinates.resize(2 * count);
  for (std::size_t r = 0; r < count; ++r) project_row(p, embeddings, static_cast<std::int32_t>(r), &p.coordinates[2 * r]);
  return p;
}

}  // namespace

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

  if (dim > kCovarianceMaxDim) return pca_2d_iterative(embeddings, count, std::move(p));

  // Covariance (dim x dim, in double for stability) of the centred unit vectors.
  BasicMatrix<double> cov(dim, dim, 0.0);
  std::vector<double> centred(dim);
  for (std::size_t r = 0; r < count; ++r) {
    const float* row = embeddings.unit_vector(static_cast<std::int32_t>(r));
    for (std::size_t i = 0; i < dim; ++i) centred[i] = static_cast<double>(row[i]) - p.mean[i];
    for (std::size_t i = 0; i < dim; ++i) {
      const double ci = centred[i];
      double* line = cov.row(i);
      for (std::size_t j = i; j < dim; ++j) line[j] += ci * centred[j];
    }
  }
  double trace = 0.0;
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t j = 0; j < i; ++j) cov(i, j) = cov(j, i);
    trace += cov(i, i);
  }

  // Top two eigenvectors by power iteration with deflation.
  p.components = Matrix(2, dim);
  std::vector<double> v(dim), w(dim);
  for (int axis = 0; axis < 2; ++axis) {
    for (std::size_t i = 0; i < dim; ++i) v[i] = 1.0 + 0.01 * static_cast<double>((i * 7 + static_cast<std::size_t>(axis) * 3) % 11);
    double eigenvalue = 0.0;
    for (int iteration = 0; iteration < 300; ++iteration) {
      for (std::size_t i = 0; i < dim; ++i) {
        double sum = 0.0;
        const double* line = cov.row(i);
        for (std::size_t j = 0; j < dim; ++j) sum += line[j] * v[j];
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
    for (std::size_t i = 0; i < dim; ++i) p.components(static_cast<std::size_t>(axis), i) = static_cast<float>(sign * v[i]);
    p.explained_variance[axis] = trace > 0 ? eigenvalue / trace : 0.0;
    for (std::size_t i = 0; i < dim; ++i) {
      for (std::size_t j = 0; j < dim; ++j) cov(i, j) -= eigenvalue * v[i] * v[j];
    }
  }

  p.coordinates.resize(2 * count);
  for (std::size_t r = 0; r < count; ++r) project_row(p, embeddings, static_cast<std::int32_t>(r), &p.coordinates[2 * r]);
  return p;
}

void project_row(const Projection& p, const Embeddings& embeddings, std::int32_t row, float out[2]) {
  const std::size_t dim = embeddings.dim();
  const float* unit = embeddings.unit_vector(row);
  const float shift_x = kernels::dot(p.mean.data(), p.components.row(0), dim);
  const float shift_y = kernels::dot(p.mean.data(), p.components.row(1), dim);
  out[0] = kernels::dot(unit, p.components.row(0), dim) - shift_x;
  out[1] = kernels::dot(unit, p.components.row(1), dim) - shift_y;
}

}  // namespace embedlab
