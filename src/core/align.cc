#include "core/align.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace embedlab {

namespace {

// Singular value decomposition M = U diag(s) V^T of a small square matrix by one-sided Jacobi
// rotations (exact to rounding for the 2x2 and 3x3 matrices of maps). All row-major, k x k.
void small_svd(std::vector<double> a, std::size_t k, std::vector<double>& u, std::vector<double>& s, std::vector<double>& v) {
  v.assign(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) v[i * k + i] = 1.0;
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p + 1 < k; ++p) {
      for (std::size_t q = p + 1; q < k; ++q) {
        double alpha = 0.0, beta = 0.0, gamma = 0.0;
        for (std::size_t r = 0; r < k; ++r) {
          alpha += a[r * k + p] * a[r * k + p];
          beta += a[r * k + q] * a[r * k + q];
          gamma += a[r * k + p] * a[r * k + q];
        }
        if (gamma == 0.0) continue;
        off = std::max(off, std::abs(gamma) / std::sqrt(alpha * beta + 1e-300));
        // The rotation that makes columns p and q orthogonal.
        const double zeta = (beta - alpha) / (2.0 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1.0 + zeta * zeta));
        const double c = 1.0 / std::sqrt(1.0 + t * t);
        const double sn = c * t;
        for (std::size_t r = 0; r < k; ++r) {
          const double ap = a[r * k + p], aq = a[r * k + q];
          a[r * k + p] = c * ap - sn * aq;
          a[r * k + q] = sn * ap + c * aq;
          const double vp = v[r * k + p], vq = v[r * k + q];
          v[r * k + p] = c * vp - sn * vq;
          v[r * k + q] = sn * vp + c * vq;
        }
      }
    }
    if (off < 1e-15) break;
  }
  s.assign(k, 0.0);
  u.assign(k * k, 0.0);
  const auto column_norm = [&](const std::vector<double>& m, std::size_t c) {
    double sum = 0.0;
    for (std::size_t r = 0; r < k; ++r) sum += m[r * k + c] * m[r * k + c];
    return std::sqrt(sum);
  };
  double largest = 0.0;
  for (std::size_t c = 0; c < k; ++c) largest = std::max(largest, column_norm(a, c));
  std::vector<bool> zero(k, false);
  for (std::size_t c = 0; c < k; ++c) {
    s[c] = column_norm(a, c);
    zero[c] = !(s[c] > 1e-12 * largest && s[c] > 0.0);
    if (!zero[c]) {
      for (std::size_t r = 0; r < k; ++r) u[r * k + c] = a[r * k + c] / s[c];
    }
  }
  for (std::size_t c = 0; c < k; ++c) {
    if (!zero[c]) continue;
    // A zero singular value (a layout with no spread along some axis): any unit vector orthogonal
    // to the other columns of U will do; take the first basis vector that is not in their span.
    s[c] = 0.0;
    for (std::size_t basis = 0; basis < k; ++basis) {
      std::vector<double> candidate(k, 0.0);
      candidate[basis] = 1.0;
      for (std::size_t other = 0; other < k; ++other) {
        if (other == c) continue;
        double along = 0.0;
        for (std::size_t r = 0; r < k; ++r) along += u[r * k + other] * candidate[r];
        for (std::size_t r = 0; r < k; ++r) candidate[r] -= along * u[r * k + other];
      }
      double norm = 0.0;
      for (const double x : candidate) norm += x * x;
      norm = std::sqrt(norm);
      if (norm < 1e-6) continue;
      for (std::size_t r = 0; r < k; ++r) u[r * k + c] = candidate[r] / norm;
      break;
    }
  }
}

}  // namespace

Alignment procrustes(const float* source, const float* target, std::size_t n, std::size_t dims) {
  if (n == 0) throw Error("cannot align layouts of 0 points");
  if (dims == 0) throw Error("cannot align layouts of 0 dimensions");
  for (std::size_t i = 0; i < n * dims; ++i) {
    if (!std::isfinite(source[i]) || !std::isfinite(target[i])) {
      throw Error("cannot align layouts: point " + with_commas(static_cast<long long>(i / dims)) + " is not finite");
    }
  }
  std::vector<double> source_mean(dims, 0.0), target_mean(dims, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t d = 0; d < dims; ++d) {
      source_mean[d] += source[i * dims + d];
      target_mean[d] += target[i * dims + d];
    }
  }
  for (std::size_t d = 0; d < dims; ++d) {
    source_mean[d] /= static_cast<double>(n);
    target_mean[d] /= static_cast<double>(n);
  }
  // M = Xc^T Yc (dims x dims) and the source's spread |Xc|^2.
  std::vector<double> m(dims * dims, 0.0);
  double spread = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < dims; ++a) {
      const double x = source[i * dims + a] - source_mean[a];
      spread += x * x;
      for (std::size_t b = 0; b < dims; ++b) m[a * dims + b] += x * (target[i * dims + b] - target_mean[b]);
    }
  }
  std::vector<double> u, s, v;
  small_svd(m, dims, u, s, v);
  Alignment result;
  result.dims = dims;
  // The best orthogonal map is R = U V^T (no constraint on its determinant: reflections are allowed,
  // as a map's mirror image is as good as the map).
  result.rotation.assign(dims * dims, 0.0);
  for (std::size_t a = 0; a < dims; ++a) {
    for (std::size_t b = 0; b < dims; ++b) {
      double sum = 0.0;
      for (std::size_t c = 0; c < dims; ++c) sum += u[a * dims + c] * v[b * dims + c];
      result.rotation[a * dims + b] = sum;
    }
  }
  double trace = 0.0;
  for (const double x : s) trace += x;
  result.scale = spread > 0.0 ? trace / spread : 1.0;
  result.translation.assign(dims, 0.0);
  for (std::size_t b = 0; b < dims; ++b) {
    double moved = 0.0;
    for (std::size_t a = 0; a < dims; ++a) moved += source_mean[a] * result.rotation[a * dims + b];
    result.translation[b] = target_mean[b] - result.scale * moved;
  }
  std::vector<float> aligned(source, source + n * dims);
  apply_alignment(result, aligned.data(), n);
  double squared = 0.0;
  for (std::size_t i = 0; i < n * dims; ++i) squared += (aligned[i] - static_cast<double>(target[i])) * (aligned[i] - static_cast<double>(target[i]));
  result.rms_error = std::sqrt(squared / static_cast<double>(n));
  return result;
}

void apply_alignment(const Alignment& alignment, float* points, std::size_t n) {
  const std::size_t k = alignment.dims;
  std::vector<double> row(k);
  for (std::size_t i = 0; i < n; ++i) {
    float* p = points + i * k;
    for (std::size_t b = 0; b < k; ++b) {
      double sum = 0.0;
      for (std::size_t a = 0; a < k; ++a) sum += p[a] * alignment.rotation[a * k + b];
      row[b] = alignment.scale * sum + alignment.translation[b];
    }
    for (std::size_t b = 0; b < k; ++b) p[b] = static_cast<float>(row[b]);
  }
}

}  // namespace embedlab
