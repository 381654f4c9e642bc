#include "core/umap.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"
#include "core/tsne.h"

namespace embedlab {

namespace {

inline float clip(float g) { return std::max(-4.0f, std::min(4.0f, g)); }

}  // namespace

void umap_fit_ab(double spread, double min_dist, double& a, double& b) {
  constexpr int kPoints = 300;
  std::vector<double> xs(kPoints), ys(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    xs[i] = 3.0 * spread * i / (kPoints - 1);
    ys[i] = xs[i] < min_dist ? 1.0 : std::exp(-(xs[i] - min_dist) / spread);
  }
  const auto residual_sum = [&](double pa, double pb) {
    double s = 0.0;
    for (int i = 0; i < kPoints; ++i) {
      const double r = 1.0 / (1.0 + pa * std::pow(xs[i], 2 * pb)) - ys[i];
      s += r * r;
    }
    return s;
  };
  // Levenberg-Marquardt on the two parameters (as scipy's curve_fit).
  a = 1.0, b = 1.0;
  double lambda = 1e-3, current = residual_sum(a, b);
  for (int iteration = 0; iteration < 200; ++iteration) {
    double jtj[2][2] = {{0, 0}, {0, 0}}, jtr[2] = {0, 0};
    for (int i = 0; i < kPoints; ++i) {
      const double x = xs[i];
      const double power = x > 0 ? std::pow(x, 2 * b) : 0.0;
      const double f = 1.0 / (1.0 + a * power);
      const double r = f - ys[i];
      const double da = -power * f * f;
      const double db = x > 0 ? -a * power * 2.0 * std::log(x) * f * f : 0.0;
      jtj[0][0] += da * da, jtj[0][1] += da * db, jtj[1][1] += db * db;
      jtr[0] += da * r, jtr[1] += db * r;
    }
    jtj[1][0] = jtj[0][1];
    bool improved = false;
    for (int attempt = 0; attempt < 20 && !improved; ++attempt) {
      const double m00 = jtj[0][0] * (1 + lambda), m11 = jtj[1][1] * (1 + lambda), m01 = jtj[0][1];
      const double det = m00 * m11 - m01 * m01;
      if (det == 0) break;
      const double step_a = -(m11 * jtr[0] - m01 * jtr[1]) / det;
      const double step_b = -(m00 * jtr[1] - m01 * jtr[0]) / det;
      const double na = a + step_a, nb = b + step_b;
      const double next = na > 0 && nb > 0 ? residual_sum(na, nb) : current + 1;
      if (next < current) {
        const double gain = current - next;
        a = na, b = nb, current = next;
        lambda = std::max(lambda / 10, 1e-12);
        improved = true;
        if (gain < 1e-14) return;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) return;
  }
}

void umap_smooth_knn(const float* distances, std::size_t k, float& sigma, float& rho) {
  const double target = std::log2(static_cast<double>(k + 1));
  rho = 0.0f;
  for (std::size_t j = 0; j < k; ++j) {
    if (distances[j] > 0) {
      rho = distances[j];
      break;
    }
  }
  double lo = 0.0, hi = INFINITY, mid = 1.0;
  for (int iteration = 0; iteration < 64; ++iteration) {
    double sum = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      const double d = distances[j] - rho;
      sum += d > 0 ? std::exp(-d / mid) : 1.0;
    }
    if (std::abs(sum - target) < 1e-5) break;
    if (sum > target) {
      hi = mid;
      mid = (lo + hi) / 2;
    } else {
      lo = mid;
      mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
    }
  }
  double mean = 0.0;
  for (std::size_t j = 0; j < k; ++j) mean += distances[j];
  mean /= static_cast<double>(std::max<std::size_t>(k, 1));
  if (rho > 0 && mid < 1e-3 * mean) mid = 1e-3 * mean;  // umap-learn's MIN_K_DIST_SCALE
  sigma = static_cast<float>(mid);
}

std::vector<FuzzyEdge> umap_fuzzy_graph(const KnnGraph& graph, std::size_t neighbours, int threads) {
  const std::size_t n = graph.rows;
  neighbours = std::min(neighbours, graph.k);
  std::vector<float> membership(n * neighbours);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t i = begin; i < end; ++i) {
      const float* d = graph.distances_of(i);
      float sigma = 0, rho = 0;
      umap_smooth_knn(d, neighbours, sigma, rho);
      for (std::size_t j = 0; j < neighbours; ++j) {
        membership[i * neighbours + j] = (d[j] - rho <= 0 || sigma == 0) ? 1.0f : std::exp(-(d[j] - rho) / sigma);
      }
    }
  });
  // Fuzzy union: both directions, merged per (row, column).
  std::vector<std::vector<std::pair<std::int32_t, float>>> out(n), in(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < neighbours; ++j) {
      const std::int32_t q = graph.ids_of(i)[j];
      out[i].push_back({q, membership[i * neighbours + j]});
      in[static_cast<std::size_t>(q)].push_back({static_cast<std::int32_t>(i), membership[i * neighbours + j]});
    }
  }
  std::vector<FuzzyEdge> edges;
  for (std::size_t i = 0; i < n; ++i) {
    std::sort(out[i].begin(), out[i].end());
    std::sort(in[i].begin(), in[i].end());
    std::size_t a = 0, b = 0;
    while (a < out[i].size() || b < in[i].size()) {
      std::int32_t column;
      float w1 = 0, w2 = 0;
      if (b == in[i].size() || (a < out[i].size() && out[i][a].first < in[i][b].first)) {
        column = out[i][a].first, w1 = out[i][a++].second;
      } else if (a == out[i].size() || in[i][b].first < out[i][a].first) {
        column = in[i][b].first, w2 = in[i][b++].second;
      } else {
        column = out[i][a].first, w1 = out[i][a++].second, w2 = in[i][b++].second;
      }
      edges.push_back({static_cast<std::int32_t>(i), column, w1 + w2 - w1 * w2});
    }
  }
  return edges;
}

double umap_attractive_loss(double d2, double a, double b) { return std::log1p(a * std::pow(d2, b)); }

double umap_attractive_coefficient(double d2, double a, double b) {
  if (d2 <= 0) return 0.0;
  return -2.0 * a * b * std::pow(d2, b - 1.0) / (a * std::pow(d2, b) + 1.0);
}

double umap_repulsive_loss(double d2, double a, double b) {
  const double power = a * std::pow(d2, b);
  return -std::log(power / (1.0 + power));
}

double umap_repulsive_coefficient(double d2, double a, double b, double gamma) {
  return 2.0 * gamma * b / ((0.001 + d2) * (a * std::pow(d2, b) + 1.0));
}

UmapLayout::UmapLayout(const float* rows, std::size_t n, std::size_t dim, const UmapOptions& options, const KnnGraph* graph,
                       const std::vector<float>* init)
    : options_(options), n_(n) {
  if (options.neighbors < 2 || static_cast<std::size_t>(options.neighbors) > n) {
    throw Error("UMAP neighbours must be between 2 and the number of points (" + with_commas(static_cast<long long>(n)) +
                "), got " + std::to_string(options.neighbors));
  }
  if (!(options.min_dist >= 0) || !(options.spread > 0) || options.min_dist > options.spread) {
    throw Error("UMAP needs 0 <= min_dist <= spread, got min_dist " + std::to_string(options.min_dist) + " and spread " +
                std::to_string(options.spread));
  }
  if (options.epochs < 0) throw Error("epochs must be 0 (automatic) or more, got " + std::to_string(options.epochs));
  const auto neighbours = static_cast<std::size_t>(options.neighbors - 1);
  if (graph != nullptr && graph->k >= neighbours) {
    edges_ = umap_fuzzy_graph(*graph, neighbours, options.threads);
  } else {
    NeighborIndexOptions index_options;
    index_options.k = static_cast<int>(neighbours);
    index_options.threads = options.threads;
    index_options.seed = options.seed;
    edges_ = umap_fuzzy_graph(NeighborIndex::build(rows, n, dim, index_options).knn_graph(), neighbours, options.threads);
  }
  // umap-learn and umap-js take 200 epochs above 10,000 points; here 200 left 50,000 words'
  // trustworthiness 0.017 under umap-js's (0.767 against 0.784), 300 gave 0.772-0.777 and 400
  // gives 0.782 (wasm, 2 threads).
  epochs_ = options.epochs > 0 ? options.epochs : (n <= 10000 ? 500 : 400);
  umap_fit_ab(options.spread, options.min_dist, a_, b_);
  float max_weight = 0;
  for (const FuzzyEdge& e : edges_) max_weight = std::max(max_weight, e.weight);
  // Edges too weak to be sampled once in the whole run are dropped (as umap-learn).
  const float floor = max_weight / static_cast<float>(epochs_);
  edges_.erase(std::remove_if(edges_.begin(), edges_.end(), [&](const FuzzyEdge& e) { return e.weight < floor; }), edges_.end());
  for (const FuzzyEdge& e : edges_) epochs_per_sample_.push_back(max_weight / e.weight);
  next_sample_ = epochs_per_sample_;
  next_negative_.resize(edges_.size());
  for (std::size_t e = 0; e < edges_.size(); ++e) next_negative_[e] = epochs_per_sample_[e] / static_cast<float>(options.negative_sample_rate);

  if (init != nullptr) {
    if (init->size() != 2 * n) throw Error("the UMAP start layout needs " + std::to_string(2 * n) + " numbers");
    y_ = *init;
  } else {
    y_ = pca_coordinates(rows, n, dim);
  }
  // Each axis to [0, 10], plus a little noise so coincident points separate.
  Rng rng(options.seed);
  for (int axis = 0; axis < 2; ++axis) {
    float lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < n; ++i) lo = std::min(lo, y_[2 * i + axis]), hi = std::max(hi, y_[2 * i + axis]);
    const float range = hi > lo ? hi - lo : 1.0f;
    for (std::size_t i = 0; i < n; ++i) y_[2 * i + axis] = 10.0f * (y_[2 * i + axis] - lo) / range + 1e-4f * (rng.uniform() - 0.5f);
  }
}

bool UmapLayout::step() {
  if (done()) return true;
  const auto alpha = static_cast<float>(options_.learning_rate * (1.0 - static_cast<double>(epoch_) / epochs_));
  const auto epoch = static_cast<float>(epoch_);
  const auto a = static_cast<float>(a_), b = static_cast<float>(b_);
  const auto gamma = static_cast<float>(options_.repulsion_strength);
  const float negative_every_factor = 1.0f / static_cast<float>(options_.negative_sample_rate);
  const auto n = static_cast<std::uint32_t>(n_);
  float* y = y_.data();
  // Hogwild: threads update shared coordinates without locks, as umap-learn's parallel mode.
  parallel_for(edges_.size(), options_.threads, [&](std::size_t begin, std::size_t end, int t) {
    Rng rng(options_.seed * 1000003u + static_cast<std::uint64_t>(epoch_) * 131u + static_cast<std::uint64_t>(t));
    for (std::size_t e = begin; e < end; ++e) {
      if (next_sample_[e] > epoch) continue;
      const auto i = static_cast<std::size_t>(edges_[e].head), j = static_cast<std::size_t>(edges_[e].tail);
      float* current = y + 2 * i;
      float* other = y + 2 * j;
      float dx = current[0] - other[0], dy = current[1] - other[1];
      float d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const float c = -2.0f * a * b * std::pow(d2, b - 1.0f) / (a * std::pow(d2, b) + 1.0f);
        const float gx = clip(c * dx) * alpha, gy = clip(c * dy) * alpha;
        current[0] += gx, current[1] += gy;
        other[0] -= gx, other[1] -= gy;
      }
      next_sample_[e] += epochs_per_sample_[e];
      const float per_negative = epochs_per_sample_[e] * negative_every_factor;
      const int negatives = static_cast<int>((epoch - next_negative_[e]) / per_negative);
      for (int s = 0; s < negatives; ++s) {
        const std::size_t k = rng.below(n);
        if (k == i) continue;
        other = y + 2 * k;
        dx = current[0] - other[0], dy = current[1] - other[1];
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const float c = 2.0f * gamma * b / ((0.001f + d2) * (a * std::pow(d2, b) + 1.0f));
          current[0] += clip(c * dx) * alpha, current[1] += clip(c * dy) * alpha;
        }
      }
      next_negative_[e] += static_cast<float>(negatives) * per_negative;
    }
  });
  ++epoch_;
  return done();
}

}  // namespace embedlab
