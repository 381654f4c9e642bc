#include "core/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/error.h"
#include "core/kernels.h"
#include "core/parallel.h"

namespace embedlab {

namespace {

constexpr double kMinGain = 0.01;

// A quadtree over the layout for the Barnes-Hut repulsion: each node knows its points' centre of
// mass, count and cell width; leaves hold a range of `order` (one point, or coincident points).
struct QuadTree {
  struct Node {
    float cx = 0, cy = 0;       // centre of mass
    float width = 0;            // cell side
    std::uint32_t count = 0;
    std::uint32_t begin = 0, end = 0;  // the node's points: order[begin, end)
    std::int32_t child = -1;    // first of four consecutive children; -1 in a leaf
  };
  std::vector<Node> nodes;
  std::vector<std::uint32_t> order;  // the points, each node's a contiguous range

  void build(const std::vector<float>& y, std::size_t n) {
    nodes.clear();
    order.resize(n);
    std::iota(order.begin(), order.end(), 0u);
    float min_x = std::numeric_limits<float>::max(), min_y = min_x, max_x = -min_x, max_y = -min_x;
    for (std::size_t i = 0; i < n; ++i) {
      min_x = std::min(min_x, y[2 * i]), max_x = std::max(max_x, y[2 * i]);
      min_y = std::min(min_y, y[2 * i + 1]), max_y = std::max(max_y, y[2 * i + 1]);
    }
    const float side = std::max(max_x - min_x, max_y - min_y) * 1.0001f + 1e-6f;
    nodes.reserve(2 * n);
    nodes.push_back({});
    split(y, 0, 0, static_cast<std::uint32_t>(n), min_x, min_y, side, 0);
  }

  void split(const std::vector<float>& y, std::size_t index, std::uint32_t begin, std::uint32_t end, float x0, float y0,
             float side, int depth) {
    double sx = 0, sy = 0;
    for (std::uint32_t i = begin; i < end; ++i) sx += y[2 * order[i]], sy += y[2 * order[i] + 1];
    const std::uint32_t count = end - begin;
    nodes[index].cx = static_cast<float>(sx / count);
    nodes[index].cy = static_cast<float>(sy / count);
    nodes[index].width = side;
    nodes[index].count = count;
    nodes[index].begin = begin;
    nodes[index].end = end;
    if (count <= 1 || depth >= 48) return;
    const float half = side / 2, mx = x0 + half, my = y0 + half;
    // Partition into the four quadrants: (x < mx, y < my), (x >= mx, y < my), (x < mx, y >= my), (x >= mx, y >= my).
    const auto partition = [&](std::uint32_t lo, std::uint32_t hi, auto&& left) {
      while (lo < hi) {
        if (left(order[lo])) {
          ++lo;
        } else {
          std::swap(order[lo], order[--hi]);
        }
      }
      return lo;
    };
    const std::uint32_t low_y = partition(begin, end, [&](std::uint32_t p) { return y[2 * p + 1] < my; });
    const std::uint32_t a = partition(begin, low_y, [&](std::uint32_t p) { return y[2 * p] < mx; });
    const std::uint32_t b = partition(low_y, end, [&](std::uint32_t p) { return y[2 * p] < mx; });
    const auto child = static_cast<std::int32_t>(nodes.size());
    nodes[index].child = child;
    nodes.resize(nodes.size() + 4);
    const std::uint32_t bounds[5] = {begin, a, low_y, b, end};
    const float xs[4] = {x0, mx, x0, mx}, ys[4] = {y0, y0, my, my};
    for (int q = 0; q < 4; ++q) {
      split(y, static_cast<std::size_t>(child + q), bounds[q], bounds[q + 1], xs[q], ys[q], half, depth + 1);
    }
  }
};

// Squared Euclidean distance of two unit rows from their cosine distance, never negative.
inline float squared_from_cosine(float cosine_distance) { return std::max(0.0f, 2.0f * cosine_distance); }

// gradient_i = 4 (Σ_j exaggeration · p_ij w_ij (y_i − y_j) − repulsion_i / Z): the sparse
// attraction plus the repulsion Σ_j w_ij² (y_i − y_j) either approximation computed.
void add_attraction(const SparseAffinities& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                    const std::vector<float>& repulsion, double z, std::vector<float>& gradient, int threads) {
  const float inv_z = static_cast<float>(1.0 / std::max(z, 1e-12));
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t i = begin; i < end; ++i) {
      float ax = 0.0f, ay = 0.0f;
      const float xi = y[2 * i], yi = y[2 * i + 1];
      for (std::size_t e = p.offsets[i]; e < p.offsets[i + 1]; ++e) {
        const auto j = static_cast<std::size_t>(p.columns[e]);
        const float dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
        const float force = exaggeration * p.values[e] / (1.0f + dx * dx + dy * dy);
        ax += force * dx;
        ay += force * dy;
      }
      gradient[2 * i] = 4.0f * (ax - repulsion[2 * i] * inv_z);
      gradient[2 * i + 1] = 4.0f * (ay - repulsion[2 * i + 1] * inv_z);
    }
  });
}

}  // namespace

TsneRepulsion tsne_repulsion(TsneRepulsion choice, std::size_t n) {
  if (choice != TsneRepulsion::kAuto) return choice;
  return n >= TsneLayout::kInterpolatedMinRows ? TsneRepulsion::kInterpolated : TsneRepulsion::kBarnesHut;
}

std::size_t tsne_neighbours(double perplexity, std::size_t n) {
  return std::min(n - 1, static_cast<std::size_t>(std::floor(3.0 * perplexity)));
}

void tsne_conditional_row(const float* d2, std::size_t count, double perplexity, float* p) {
  const double target = std::log(perplexity);
  double beta = 1.0, lo = 0.0, hi = std::numeric_limits<double>::infinity();
  // Distances relative to the smallest keep exp() in range for any scale.
  const float base = count ? *std::min_element(d2, d2 + count) : 0.0f;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double sum = 0.0, weighted = 0.0;
    for (std::size_t j = 0; j < count; ++j) {
      const double e = std::exp(-beta * (d2[j] - base));
      p[j] = static_cast<float>(e);
      sum += e;
      weighted += e * (d2[j] - base);
    }
    // Entropy H = log(sum) + beta * E[d2] (in nats).
    const double entropy = std::log(sum) + beta * weighted / sum;
    for (std::size_t j = 0; j < count; ++j) p[j] = static_cast<float>(p[j] / sum);
    const double difference = entropy - target;
    if (std::abs(difference) < 1e-5) break;
    if (difference > 0) {  // too flat: sharpen
      lo = beta;
      beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
}

std::vector<float> tsne_dense_affinities(const float* rows, std::size_t n, std::size_t dim, double perplexity, int threads) {
  const std::vector<float> unit = unit_rows(rows, n, dim);
  std::vector<float> conditional(n * n, 0.0f);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) {
    std::vector<float> scores(n), d2(n - 1), p(n - 1);
    for (std::size_t i = begin; i < end; ++i) {
      kernels::dot_rows(unit.data(), n, dim, unit.data() + i * dim, scores.data());
      for (std::size_t j = 0, c = 0; j < n; ++j) {
        if (j != i) d2[c++] = squared_from_cosine(1.0f - scores[j]);
      }
      tsne_conditional_row(d2.data(), n - 1, perplexity, p.data());
      for (std::size_t j = 0, c = 0; j < n; ++j) {
        if (j != i) conditional[i * n + j] = p[c++];
      }
    }
  });
  std::vector<float> p(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) p[i * n + j] = (conditional[i * n + j] + conditional[j * n + i]) / (2.0f * static_cast<float>(n));
  }
  return p;
}

SparseAffinities tsne_sparse_affinities(const KnnGraph& graph, std::size_t neighbours, double perplexity, int threads) {
  const std::size_t n = graph.rows;
  neighbours = std::min(neighbours, graph.k);
  std::vector<float> conditional(n * neighbours);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) {
    std::vector<float> d2(neighbours);
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t j = 0; j < neighbours; ++j) d2[j] = squared_from_cosine(graph.distances_of(i)[j]);
      tsne_conditional_row(d2.data(), neighbours, perplexity, conditional.data() + i * neighbours);
    }
  });
  // Symmetrise: p_ij = (p_j|i + p_i|j) / 2n over the union of both directions' entries.
  std::vector<std::vector<std::pair<std::int32_t, float>>> entries(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < neighbours; ++j) {
      const std::int32_t q = graph.ids_of(i)[j];
      const float v = conditional[i * neighbours + j];
      entries[i].push_back({q, v});
      entries[static_cast<std::size_t>(q)].push_back({static_cast<std::int32_t>(i), v});
    }
  }
  SparseAffinities p;
  p.offsets.assign(n + 1, 0);
  const float scale = 1.0f / (2.0f * static_cast<float>(n));
  for (std::size_t i = 0; i < n; ++i) {
    auto& list = entries[i];
    std::sort(list.begin(), list.end());
    for (std::size_t e = 0; e < list.size();) {
      float sum = 0.0f;
      const std::int32_t column = list[e].first;
      for (; e < list.size() && list[e].first == column; ++e) sum += list[e].second;
      p.columns.push_back(column);
      p.values.push_back(sum * scale);
    }
    p.offsets[i + 1] = p.columns.size();
    std::vector<std::pair<std::int32_t, float>>().swap(list);
  }
  return p;
}

double tsne_kl_exact(const std::vector<float>& p, const std::vector<float>& y, std::size_t n) {
  double z = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      z += 1.0 / (1.0 + dx * dx + dy * dy);
    }
  }
  double kl = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double pij = p[i * n + j];
      if (i == j || pij <= 0) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
      kl += pij * std::log(pij / q);
    }
  }
  return kl;
}

// dC/dy_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j) / (1 + |y_i − y_j|²), q_ij = w_ij / Z, w = 1 / (1 + d²).
void tsne_gradient_exact(const std::vector<float>& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                         std::vector<float>& gradient, int threads) {
  gradient.assign(2 * n, 0.0f);
  std::vector<double> z_parts(static_cast<std::size_t>(std::max(1, threads)), 0.0);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int t) {
    double z = 0.0;
    for (std::size_t i = begin; i < end; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j) continue;
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        z += 1.0 / (1.0 + dx * dx + dy * dy);
      }
    }
    z_parts[static_cast<std::size_t>(t)] = z;
  });
  const double z = std::accumulate(z_parts.begin(), z_parts.end(), 0.0);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t i = begin; i < end; ++i) {
      double gx = 0.0, gy = 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j) continue;
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        const double w = 1.0 / (1.0 + dx * dx + dy * dy);
        const double force = (exaggeration * p[i * n + j] - w / z) * w;
        gx += force * dx;
        gy += force * dy;
      }
      gradient[2 * i] = static_cast<float>(4.0 * gx);
      gradient[2 * i + 1] = static_cast<float>(4.0 * gy);
    }
  });
}

void tsne_gradient_barnes_hut(const SparseAffinities& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                              double theta, std::vector<float>& gradient, int threads) {
  QuadTree tree;
  tree.build(y, n);
  gradient.assign(2 * n, 0.0f);
  std::vector<float> repulsion(2 * n);
  const int workers = std::max(1, threads);
  std::vector<double> z_parts(static_cast<std::size_t>(workers), 0.0);
  const float theta2 = static_cast<float>(theta * theta);
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int t) {
    double z = 0.0;
    std::vector<std::int32_t> stack;
    // Points in tree order: neighbours in the loop walk the same cells, which stay in cache.
    for (std::size_t at = begin; at < end; ++at) {
      const std::size_t i = tree.order[at];
      const float xi = y[2 * i], yi = y[2 * i + 1];
      double fx = 0.0, fy = 0.0;
      stack.assign(1, 0);
      while (!stack.empty()) {
        const QuadTree::Node& node = tree.nodes[static_cast<std::size_t>(stack.back())];
        stack.pop_back();
        if (node.count == 0) continue;
        const bool inside = at >= node.begin && at < node.end;
        const float dx = xi - node.cx, dy = yi - node.cy;
        const float d2 = dx * dx + dy * dy;
        if (node.child < 0 || (!inside && node.width * node.width < theta2 * d2)) {
          // A leaf or a far cell as one mass (a leaf holding i counts only the others there).
          const float mass = static_cast<float>(node.count) - (inside ? 1.0f : 0.0f);
          if (mass <= 0) continue;
          const float w = 1.0f / (1.0f + d2);
          z += mass * w;
          fx += mass * w * w * dx;
          fy += mass * w * w * dy;
          continue;
        }
        for (int q = 0; q < 4; ++q) stack.push_back(node.child + q);
      }
      repulsion[2 * i] = static_cast<float>(fx);
      repulsion[2 * i + 1] = static_cast<float>(fy);
    }
    z_parts[static_cast<std::size_t>(t)] = z;
  });
  const double z = std::accumulate(z_parts.begin(), z_parts.end(), 0.0);
  add_attraction(p, y, n, exaggeration, repulsion, z, gradient, threads);
}

// ---- FFT-interpolated repulsion (FIt-SNE) ----
//
// Grid: the layout's bounding square [lo, lo + extent]² is cut into `boxes` boxes per dimension,
// each with 3 equispaced interpolation nodes per dimension (at 1/6, 3/6, 5/6 of the box), so the
// nodes form one equispaced grid of nodes = 3 · boxes per dimension with spacing h = extent / nodes.
// FIt-SNE asks for boxes = max(50, extent · 1): boxes at most one unit wide, where the kernel
// 1 / (1 + d²)² still bends, so quadratic interpolation stays accurate. The convolution of the node
// charges with the kernel at node offsets is a linear (not circular) one, so the node grid is
// zero-padded to a power-of-two FFT length L >= 2 · nodes; for a given L the most boxes that fit
// (L / 6) cost nothing more and only make boxes narrower, so boxes = L / 6 and L is the smallest
// power of two from 512 (85 boxes ≥ 50) whose boxes are at most one unit wide: L = 512 up to an
// extent of 85, 1,024 up to 170, 2,048 up to 341. Layouts of 50,000 words end around 160 wide. The
// length stops at 2,048 (five grids of 2,048 × 2,064 floats, 85 MB): a few points can fly far out
// for some iterations (early exaggeration kicks them), and following them would need gigabytes the
// wasm heap does not have; wider layouts get wider boxes (a less exact repulsion) instead.
constexpr std::size_t kMaxInterpolationLength = 2048;

std::size_t tsne_interpolation_length(double extent) {
  std::size_t length = 512;
  while (static_cast<double>(length / 6) < extent && length < kMaxInterpolationLength) length *= 2;
  return length;
}

namespace {

constexpr std::size_t kNodesPerBox = 3;

// Floats from one grid row to the next: a power of two would put a column's entries in the same
// few cache sets and make the column passes thrash, so rows are padded by one cache line.
constexpr std::size_t grid_stride(std::size_t length) { return length + 16; }

// Lagrange weights of the 3 nodes at 0.5, 1.5, 2.5 (in node spacings from the box's edge) at t.
inline void lagrange_weights(float t, float* w) {
  w[0] = 0.5f * (t - 1.5f) * (t - 2.5f);
  w[1] = -(t - 0.5f) * (t - 2.5f);
  w[2] = 0.5f * (t - 0.5f) * (t - 1.5f);
}

// A point's first node (per dimension) and its 3 weights per dimension.
struct Stencil {
  std::size_t gx, gy;
  float wx[3], wy[3];
};

inline Stencil stencil(float x, float y, float lo, float box, std::size_t boxes) {
  Stencil s;
  const float bx = std::min(std::floor((x - lo) / box), static_cast<float>(boxes - 1));
  const float by = std::min(std::floor((y - lo) / box), static_cast<float>(boxes - 1));
  const float spacing = box / kNodesPerBox;
  lagrange_weights((x - lo - bx * box) / spacing, s.wx);
  lagrange_weights((y - lo - by * box) / spacing, s.wy);
  s.gx = static_cast<std::size_t>(std::max(0.0f, bx)) * kNodesPerBox;
  s.gy = static_cast<std::size_t>(std::max(0.0f, by)) * kNodesPerBox;
  return s;
}

// The kernel's spectrum for node spacing h into w.kernel, scaled by 1 / L² (the inverse FFT's
// missing factor). The kernel grid k[u][v] = K(h · min(u, L − u), h · min(v, L − v)) is real and
// even in both directions, so its spectrum is real and two real transforms share one complex one:
// rows 2m and 2m + 1 go through one row FFT as real and imaginary parts (each row's spectrum being
// real, the parts come out separate), then columns c and c + L/2 likewise.
void kernel_spectrum(TsneInterpolationWorkspace& w, double h, int threads) {
  const Fft& fft = *w.fft;
  const std::size_t L = fft.length(), half = L / 2, stride = grid_stride(L), half_stride = grid_stride(half);
  float* row_re = w.re[0].data();  // (L/2) × L: packed row pairs
  float* row_im = w.im[0].data();
  float* col_re = w.re[1].data();  // L × (L/2): packed column pairs
  float* col_im = w.im[1].data();
  // (h · offset)² along one dimension: K = 1 / (1 + squares[u] + squares[v])².
  std::vector<float> squares(L);
  for (std::size_t u = 0; u < L; ++u) {
    const double d = h * static_cast<double>(std::min(u, L - u));
    squares[u] = static_cast<float>(d * d);
  }
  parallel_for(half, threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t m = begin; m < end; ++m) {
      float* re = row_re + m * stride;
      float* im = row_im + m * stride;
      const float a = 1.0f + squares[2 * m], b = 1.0f + squares[2 * m + 1];
      for (std::size_t v = 0; v < L; ++v) {
        const float qa = a + squares[v], qb = b + squares[v];
        re[v] = 1.0f / (qa * qa);
        im[v] = 1.0f / (qb * qb);
      }
      fft.forward(re, im);
      // Unpack into the column pairs: real row r = 2m (re) and 2m + 1 (im).
      for (std::size_t r = 0; r < 2; ++r) {
        const float* from = r == 0 ? re : im;
        float* to_re = col_re + (2 * m + r) * half_stride;
        float* to_im = col_im + (2 * m + r) * half_stride;
        for (std::size_t c = 0; c < half; ++c) to_re[c] = from[c], to_im[c] = from[c + half];
      }
    }
  });
  parallel_for(half, threads, [&](std::size_t begin, std::size_t end, int) {
    fft.forward_columns(col_re, col_im, half_stride, begin, end);
  });
  const auto scale = static_cast<float>(1.0 / (static_cast<double>(L) * static_cast<double>(L)));
  parallel_for(L, threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t r = begin; r < end; ++r) {
      float* out = w.kernel.data() + r * stride;
      const float* from_re = col_re + r * half_stride;
      const float* from_im = col_im + r * half_stride;
      for (std::size_t c = 0; c < half; ++c) out[c] = from_re[c] * scale, out[c + half] = from_im[c] * scale;
    }
  });
}

}  // namespace

void tsne_gradient_interpolated(const SparseAffinities& p, const std::vector<float>& y, std::size_t n, float exaggeration,
                                std::vector<float>& gradient, int threads, TsneInterpolationWorkspace* workspace) {
  TsneInterpolationWorkspace temporary;
  TsneInterpolationWorkspace& w = workspace != nullptr ? *workspace : temporary;
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), std::max<std::size_t>(n, 1)));
  float lo = std::numeric_limits<float>::max(), hi = -lo;
  for (std::size_t i = 0; i < 2 * n; ++i) lo = std::min(lo, y[i]), hi = std::max(hi, y[i]);
  const double extent = std::max(static_cast<double>(hi - lo), 1e-6);
  const std::size_t L = tsne_interpolation_length(extent), S = grid_stride(L);
  if (!w.fft || w.fft->length() != L) {
    w.fft = std::make_unique<Fft>(L);
    for (int g = 0; g < 2; ++g) w.re[g].assign(L * S, 0.0f), w.im[g].assign(L * S, 0.0f);
    w.kernel.assign(L * S, 0.0f);
  }
  const Fft& fft = *w.fft;
  const std::size_t boxes = L / 6, nodes = kNodesPerBox * boxes;
  // A hair wider than the points, so the last one falls inside the last box.
  const auto box = static_cast<float>(extent * (1.0 + 1e-5) / static_cast<double>(boxes));
  const double h = static_cast<double>(box) / kNodesPerBox;
  kernel_spectrum(w, h, workers);

  // The FFT grids' rows below L/2 are zero padding (rows and columns from L/2 on are never read by
  // the pruned first stages); rows past the nodes skip the row pass, so they must be all zero.
  const std::size_t half = L / 2;
  parallel_for(half, workers, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t r = begin; r < end; ++r) {
      for (int g = 0; g < 2; ++g) {
        std::fill_n(w.re[g].data() + r * S, r >= nodes ? L : half, 0.0f);
        std::fill_n(w.im[g].data() + r * S, r >= nodes ? L : half, 0.0f);
      }
    }
  });
  // The points by box row (counting sort): a point's stencil writes only node rows of its own box
  // row, so threads that own whole box rows spread their points with no conflicts.
  w.first.assign(boxes + 1, 0);
  w.order.resize(n);
  const auto box_row = [&](std::size_t i) {
    return static_cast<std::size_t>(std::min(std::max(0.0f, std::floor((y[2 * i + 1] - lo) / box)), static_cast<float>(boxes - 1)));
  };
  for (std::size_t i = 0; i < n; ++i) ++w.first[box_row(i) + 1];
  for (std::size_t b = 0; b < boxes; ++b) w.first[b + 1] += w.first[b];
  {
    std::vector<std::uint32_t> next(w.first.begin(), w.first.end() - 1);
    for (std::size_t i = 0; i < n; ++i) w.order[next[box_row(i)]++] = static_cast<std::uint32_t>(i);
  }
  // Thread t spreads the box rows holding the t-th share of the points.
  std::vector<std::size_t> bands(static_cast<std::size_t>(workers) + 1, boxes);
  bands[0] = 0;
  for (std::size_t t = 1, b = 0; t < bands.size() - 1; ++t) {
    while (b < boxes && w.first[b] < n * t / static_cast<std::size_t>(workers)) ++b;
    bands[t] = b;
  }
  parallel_for(static_cast<std::size_t>(workers), workers, [&](std::size_t band, std::size_t, int) {
    float* grids[4] = {w.re[0].data(), w.im[0].data(), w.re[1].data(), w.im[1].data()};
    for (std::size_t at = w.first[bands[band]]; at < w.first[bands[band + 1]]; ++at) {
      const std::size_t i = w.order[at];
      const float x = y[2 * i], yy = y[2 * i + 1];
      const Stencil s = stencil(x, yy, lo, box, boxes);
      const float charges[4] = {1.0f, x, yy, x * x + yy * yy};
      for (std::size_t b = 0; b < 3; ++b) {
        for (std::size_t a = 0; a < 3; ++a) {
          const float weight = s.wx[a] * s.wy[b];
          const std::size_t node = (s.gy + b) * S + s.gx + a;
          for (std::size_t c = 0; c < 4; ++c) grids[c][node] += weight * charges[c];
        }
      }
    }
  });
  // Forward 2-D FFT (rows that hold charges, then every column), times the kernel's spectrum,
  // inverse 2-D FFT (every column, then the rows of nodes): each grid's real and imaginary parts
  // are two real convolutions at once, the kernel's spectrum being real.
  parallel_for(2 * nodes, workers, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t k = begin; k < end; ++k) {
      const std::size_t g = k / nodes, r = k % nodes;
      fft.forward(w.re[g].data() + r * S, w.im[g].data() + r * S, true);
    }
  });
  parallel_for(L, workers, [&](std::size_t begin, std::size_t end, int) {
    for (int g = 0; g < 2; ++g) fft.filter_columns(w.re[g].data(), w.im[g].data(), S, begin, end, w.kernel.data());
  });
  parallel_for(2 * nodes, workers, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t k = begin; k < end; ++k) {
      const std::size_t g = k / nodes, r = k % nodes;
      fft.inverse(w.re[g].data() + r * S, w.im[g].data() + r * S, true);
    }
  });

  // Interpolate the potentials back to the points; Z and the repulsion from them.
  std::vector<float> repulsion(2 * n);
  std::vector<double> z_parts(static_cast<std::size_t>(workers), 0.0);
  parallel_for(n, workers, [&](std::size_t begin, std::size_t end, int t) {
    double z = 0.0;
    for (std::size_t at = begin; at < end; ++at) {
      const std::size_t i = w.order[at];  // grid order: neighbouring points read the same nodes
      const float x = y[2 * i], yy = y[2 * i + 1];
      const Stencil s = stencil(x, yy, lo, box, boxes);
      double phi[4] = {0, 0, 0, 0};
      for (std::size_t b = 0; b < 3; ++b) {
        for (std::size_t a = 0; a < 3; ++a) {
          const double weight = s.wx[a] * s.wy[b];
          const std::size_t node = (s.gy + b) * S + s.gx + a;
          phi[0] += weight * w.re[0][node];
          phi[1] += weight * w.im[0][node];
          phi[2] += weight * w.re[1][node];
          phi[3] += weight * w.im[1][node];
        }
      }
      // Σ_j w_ij = Σ_j K(y_i − y_j)(1 + |y_i − y_j|²), the j = i term (1) removed below.
      z += (1.0 + static_cast<double>(x) * x + static_cast<double>(yy) * yy) * phi[0] - 2.0 * (x * phi[1] + yy * phi[2]) + phi[3];
      repulsion[2 * i] = static_cast<float>(x * phi[0] - phi[1]);
      repulsion[2 * i + 1] = static_cast<float>(yy * phi[0] - phi[2]);
    }
    z_parts[static_cast<std::size_t>(t)] = z;
  });
  const double z = std::accumulate(z_parts.begin(), z_parts.end(), 0.0) - static_cast<double>(n);
  gradient.assign(2 * n, 0.0f);
  add_attraction(p, y, n, exaggeration, repulsion, z, gradient, threads);
}

std::vector<float> pca_coordinates(const float* rows, std::size_t n, std::size_t dim) {
  std::vector<float> centred = unit_rows(rows, n, dim);
  std::vector<float> mean(dim, 0.0f);
  for (std::size_t r = 0; r < n; ++r) kernels::axpy(1.0f, centred.data() + r * dim, mean.data(), dim);
  kernels::scale(1.0f / static_cast<float>(n), mean.data(), dim);
  for (std::size_t r = 0; r < n; ++r) kernels::axpy(-1.0f, mean.data(), centred.data() + r * dim, dim);
  std::vector<float> axes(2 * dim), v(dim), w(dim), projections(n), out(2 * n);
  for (std::size_t axis = 0; axis < 2; ++axis) {
    for (std::size_t i = 0; i < dim; ++i) v[i] = 1.0f + 0.01f * static_cast<float>((i * 7 + axis * 3) % 11);
    kernels::normalise(v.data(), dim);
    for (int iteration = 0; iteration < 100; ++iteration) {
      if (axis == 1) kernels::axpy(-kernels::dot(axes.data(), v.data(), dim), axes.data(), v.data(), dim);
      kernels::dot_rows(centred.data(), n, dim, v.data(), projections.data());
      std::fill(w.begin(), w.end(), 0.0f);
      for (std::size_t r = 0; r < n; ++r) kernels::axpy(projections[r], centred.data() + r * dim, w.data(), dim);
      if (axis == 1) kernels::axpy(-kernels::dot(axes.data(), w.data(), dim), axes.data(), w.data(), dim);
      if (kernels::normalise(w.data(), dim) == 0.0f) break;
      double change = 0.0;
      for (std::size_t i = 0; i < dim; ++i) change += std::abs(w[i] - v[i]);
      v.swap(w);
      if (change < 1e-6) break;
    }
    std::copy(v.begin(), v.end(), axes.begin() + static_cast<std::ptrdiff_t>(axis * dim));
    kernels::dot_rows(centred.data(), n, dim, v.data(), projections.data());
    for (std::size_t r = 0; r < n; ++r) out[2 * r + axis] = projections[r];
  }
  return out;
}

TsneLayout::TsneLayout(const float* rows, std::size_t n, std::size_t dim, const TsneOptions& options, const KnnGraph* graph,
                       const std::vector<float>* init)
    : options_(options), n_(n) {
  if (n < 2) throw Error("t-SNE needs at least 2 points, got " + std::to_string(n));
  if (!(options.perplexity >= 1.0) || options.perplexity >= static_cast<double>(n)) {
    throw Error("perplexity must be at least 1 and less than the number of points (" + with_commas(static_cast<long long>(n)) +
                "), got " + std::to_string(options.perplexity));
  }
  if (options.iterations < 1) throw Error("iterations must be at least 1, got " + std::to_string(options.iterations));
  exact_ = options.exact || n <= kExactMaxRows;
  repulsion_ = tsne_repulsion(options.repulsion, n);
  if (exact_) {
    dense_p_ = tsne_dense_affinities(rows, n, dim, options.perplexity, options.threads);
  } else {
    const std::size_t neighbours = tsne_neighbours(options.perplexity, n);
    if (graph == nullptr || graph->k < neighbours) {
      NeighborIndexOptions index_options;
      index_options.k = static_cast<int>(neighbours);
      index_options.threads = options.threads;
      index_options.seed = options.seed;
      const NeighborIndex index = NeighborIndex::build(rows, n, dim, index_options);
      sparse_p_ = tsne_sparse_affinities(index.knn_graph(), neighbours, options.perplexity, options.threads);
    } else {
      sparse_p_ = tsne_sparse_affinities(*graph, neighbours, options.perplexity, options.threads);
    }
  }
  if (init != nullptr) {
    if (init->size() != 2 * n) throw Error("the t-SNE start layout needs " + std::to_string(2 * n) + " numbers");
    y_ = *init;
  } else {
    y_ = pca_coordinates(rows, n, dim);
  }
  // Scale the start so the first axis has standard deviation 1e-4 (sklearn's PCA start).
  double mean = 0.0, squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) mean += y_[2 * i];
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) squares += (y_[2 * i] - mean) * (y_[2 * i] - mean);
  const double sd = std::sqrt(squares / static_cast<double>(n));
  const float factor = sd > 0 ? static_cast<float>(1e-4 / sd) : 1.0f;
  for (float& v : y_) v *= factor;
  update_.assign(2 * n, 0.0f);
  gains_.assign(2 * n, 1.0f);
  learning_rate_ = options.learning_rate > 0 ? options.learning_rate
                                            : std::max(static_cast<double>(n) / options.exaggeration / 4.0, 50.0);
}

bool TsneLayout::step() {
  if (done()) return true;
  const bool early = iteration_ < options_.exaggeration_iterations;
  const float exaggeration = early ? static_cast<float>(options_.exaggeration) : 1.0f;
  if (exact_) {
    tsne_gradient_exact(dense_p_, y_, n_, exaggeration, gradient_, options_.threads);
  } else if (repulsion_ == TsneRepulsion::kInterpolated) {
    tsne_gradient_interpolated(sparse_p_, y_, n_, exaggeration, gradient_, options_.threads, &workspace_);
  } else {
    tsne_gradient_barnes_hut(sparse_p_, y_, n_, exaggeration, options_.theta, gradient_, options_.threads);
  }
  const float momentum = early ? 0.5f : 0.8f;
  const auto rate = static_cast<float>(learning_rate_);
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < 2 * n_; ++i) {
    // Gains grow where the gradient keeps its direction against the last update (delta-bar-delta).
    float& gain = gains_[i];
    gain = (gradient_[i] > 0) != (update_[i] > 0) ? gain + 0.2f : gain * 0.8f;
    gain = std::max(gain, static_cast<float>(kMinGain));
    update_[i] = momentum * update_[i] - rate * gain * gradient_[i];
    y_[i] += update_[i];
  }
  for (std::size_t i = 0; i < n_; ++i) mx += y_[2 * i], my += y_[2 * i + 1];
  mx /= static_cast<double>(n_);
  my /= static_cast<double>(n_);
  for (std::size_t i = 0; i < n_; ++i) y_[2 * i] -= static_cast<float>(mx), y_[2 * i + 1] -= static_cast<float>(my);
  ++iteration_;
  return done();
}

double TsneLayout::kl_divergence() const {
  if (exact_) return tsne_kl_exact(dense_p_, y_, n_);
  std::vector<float> dense(n_ * n_, 0.0f);
  for (std::size_t i = 0; i < n_; ++i) {
    for (std::size_t e = sparse_p_.offsets[i]; e < sparse_p_.offsets[i + 1]; ++e) dense[i * n_ + static_cast<std::size_t>(sparse_p_.columns[e])] = sparse_p_.values[e];
  }
  return tsne_kl_exact(dense, y_, n_);
}

}  // namespace embedlab
