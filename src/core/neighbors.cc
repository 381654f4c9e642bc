#include "core/neighbors.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <queue>
#include <utility>

#include "core/kernels.h"
#include "core/parallel.h"
#include "core/random.h"

namespace embedlab {

namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();
// Random-projection trees kept for seeding queries (each about 9 bytes per row), and the leaves
// of each a query starts from (16 x 3: recall@10 0.96 on off-manifold analogy queries over
// 400,000 clustered rows where one leaf per tree gave 0.77).
constexpr std::size_t kSearchTrees = 3;
constexpr std::size_t kSearchLeaves = 16;

// A random-projection tree over unit rows: each inner node splits its rows by the side of the
// hyperplane through the origin that separates two random rows (angular trees, as Annoy's). Only
// its leaves are used (rows that share a leaf seed each other's neighbour lists).
struct RpTree {
  struct Node {
    std::int32_t left = -1, right = -1;  // children; -1 in a leaf
    std::uint32_t begin = 0, end = 0;    // the node's rows are order[begin, end)
    // The split: rows closer to row `a` than to row `b` (positive side of the plane along
    // a − b) go left; a = -1 where the rows were halved at random (duplicates).
    std::int32_t a = -1, b = -1;
    float inverse_gap = 0;  // 1 / |unit a − unit b|: margins in true distance units
  };
  std::vector<Node> nodes;
  std::vector<std::int32_t> order;

  bool is_leaf(const Node& node) const { return node.left < 0; }

  // The `count` leaves nearest a unit vector, best first (its own leaf, then those across the
  // smallest margins, as Annoy's search): their rows are candidates near it.
  template <typename Visit>
  void visit_leaves(const float* unit_query, const float* unit, std::size_t dim, std::size_t count, Visit&& visit) const {
    using Entry = std::pair<float, std::int32_t>;  // (smallest margin on the way, node)
    std::priority_queue<Entry> queue;
    queue.push({std::numeric_limits<float>::infinity(), 0});
    while (!queue.empty() && count > 0) {
      const auto [margin, index] = queue.top();
      queue.pop();
      const Node& node = nodes[static_cast<std::size_t>(index)];
      if (is_leaf(node)) {
        for (std::uint32_t i = node.begin; i < node.end; ++i) visit(order[i]);
        --count;
        continue;
      }
      float m = 0;
      if (node.a >= 0) {
        m = (kernels::dot(unit_query, unit + static_cast<std::size_t>(node.a) * dim, dim) -
             kernels::dot(unit_query, unit + static_cast<std::size_t>(node.b) * dim, dim)) * node.inverse_gap;
      }
      queue.push({std::min(margin, m), node.left});
      queue.push({std::min(margin, -m), node.right});
    }
  }
};

RpTree build_tree(const float* unit, std::size_t n, std::size_t dim, std::size_t leaf_size, std::uint64_t seed) {
  RpTree tree;
  tree.order.resize(n);
  std::iota(tree.order.begin(), tree.order.end(), 0);
  tree.nodes.push_back({-1, -1, 0, static_cast<std::uint32_t>(n)});
  Rng rng(seed);
  std::vector<float> plane(dim);
  std::vector<std::size_t> stack = {0};
  while (!stack.empty()) {
    const std::size_t index = stack.back();
    stack.pop_back();
    const std::uint32_t begin = tree.nodes[index].begin, end = tree.nodes[index].end;
    const std::uint32_t size = end - begin;
    if (size <= leaf_size) continue;
    std::int32_t* rows = tree.order.data() + begin;
    const std::uint32_t a = rng.below(size);
    std::uint32_t b = rng.below(size - 1);
    if (b >= a) ++b;
    const float* ua = unit + static_cast<std::size_t>(rows[a]) * dim;
    const float* ub = unit + static_cast<std::size_t>(rows[b]) * dim;
    for (std::size_t i = 0; i < dim; ++i) plane[i] = ua[i] - ub[i];
    std::uint32_t middle = 0;
    const float gap = kernels::normalise(plane.data(), dim);
    if (gap > 1e-6f) {
      tree.nodes[index].a = rows[a];
      tree.nodes[index].b = rows[b];
      tree.nodes[index].inverse_gap = 1.0f / gap;
      // Partition: rows on the plane's positive side first (ties go to a random side).
      std::uint32_t lo = 0, hi = size;
      while (lo < hi) {
        const float side = kernels::dot(plane.data(), unit + static_cast<std::size_t>(rows[lo]) * dim, dim);
        const bool left = side > 0 || (side == 0 && (rng.next() & 1u));
        if (left) {
          ++lo;
        } else {
          std::swap(rows[lo], rows[--hi]);
        }
      }
      middle = lo;
    }
    if (middle == 0 || middle == size) {
      // Degenerate split (duplicates): halve the node by a random hyperplane-free shuffle.
      tree.nodes[index].a = tree.nodes[index].b = -1;
      for (std::uint32_t i = size - 1; i > 0; --i) std::swap(rows[i], rows[rng.below(i + 1)]);
      middle = size / 2;
    }
    const auto left = static_cast<std::int32_t>(tree.nodes.size());
    tree.nodes.push_back({-1, -1, begin, begin + middle});
    tree.nodes.push_back({-1, -1, begin + middle, end});
    tree.nodes[index].left = left;
    tree.nodes[index].right = left + 1;
    stack.push_back(static_cast<std::size_t>(left));
    stack.push_back(static_cast<std::size_t>(left) + 1);
  }
  return tree;
}

// n bounded max-heaps of k (distance, id, is_new) entries: the root (slot 0) is the worst kept.
struct NeighborHeaps {
  std::size_t k = 0;
  std::vector<float> distances;
  std::vector<std::int32_t> ids;
  std::vector<std::uint8_t> fresh;

  NeighborHeaps(std::size_t n, std::size_t k_) : k(k_), distances(n * k_, kInfinity), ids(n * k_, -1), fresh(n * k_, 0) {}

  float worst(std::size_t row) const { return distances[row * k]; }

  // Keeps (distance, id) for `row` if closer than its worst and not already there.
  bool push(std::size_t row, float distance, std::int32_t id, bool is_new) {
    float* d = distances.data() + row * k;
    std::int32_t* ids_row = ids.data() + row * k;
    std::uint8_t* f = fresh.data() + row * k;
    if (!(distance < d[0])) return false;
    for (std::size_t i = 0; i < k; ++i) {
      if (ids_row[i] == id) return false;
    }
    // Replace the root and sift down.
    std::size_t i = 0;
    for (;;) {
      const std::size_t l = 2 * i + 1, r = l + 1;
      std::size_t largest = i;
      float largest_d = distance;
      if (l < k && d[l] > largest_d) largest = l, largest_d = d[l];
      if (r < k && d[r] > largest_d) largest = r;
      if (largest == i) break;
      d[i] = d[largest];
      ids_row[i] = ids_row[largest];
      f[i] = f[largest];
      i = largest;
    }
    d[i] = distance;
    ids_row[i] = id;
    f[i] = is_new ? 1 : 0;
    return true;
  }
};

// A bounded list of up to `capacity` candidate ids per row, keeping those of smallest priority
// (a random but reproducible sample when more are offered).
struct CandidateLists {
  std::size_t capacity;
  std::vector<std::int32_t> ids;
  std::vector<std::uint32_t> priorities;
  std::vector<std::uint32_t> counts;

  CandidateLists(std::size_t n, std::size_t cap) : capacity(cap), ids(n * cap), priorities(n * cap), counts(n, 0) {}

  void offer(std::size_t row, std::int32_t id, std::uint32_t priority) {
    std::int32_t* list = ids.data() + row * capacity;
    std::uint32_t* p = priorities.data() + row * capacity;
    std::uint32_t& count = counts[row];
    for (std::uint32_t i = 0; i < count; ++i) {
      if (list[i] == id) return;
    }
    if (count < capacity) {
      list[count] = id;
      p[count] = priority;
      ++count;
      return;
    }
    std::size_t worst = 0;
    for (std::size_t i = 1; i < capacity; ++i) {
      if (p[i] > p[worst]) worst = i;
    }
    if (priority < p[worst]) list[worst] = id, p[worst] = priority;
  }
  bool contains(std::size_t row, std::int32_t id) const {
    const std::int32_t* list = ids.data() + row * capacity;
    return std::find(list, list + counts[row], id) != list + counts[row];
  }
};

// A reproducible pseudo-random priority for the pair (a, b) in round `round`.
std::uint32_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t round) {
  std::uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ (round * 0x165667B19E3779F9ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint32_t>(z ^ (z >> 31));
}

struct Update {
  std::int32_t a, b;
  float distance;
};

}  // namespace

std::vector<float> unit_rows(const float* rows, std::size_t n, std::size_t dim) {
  std::vector<float> unit(rows, rows + n * dim);
  for (std::size_t r = 0; r < n; ++r) {
    float* row = unit.data() + r * dim;
    for (std::size_t i = 0; i < dim; ++i) {
      if (!std::isfinite(row[i])) {
        throw Error("row " + with_commas(static_cast<long long>(r)) + " has a non-finite value at column " +
                    std::to_string(i));
      }
    }
    kernels::normalise(row, dim);
  }
  return unit;
}

namespace {

// The exact neighbours of rows [begin, end) into `graph` (unit rows).
void exact_block(const float* unit, std::size_t n, std::size_t dim, std::size_t begin, std::size_t end,
                 KnnGraph& graph) {
  std::vector<float> scores(n);
  std::vector<std::int32_t> order(n);
  const std::size_t k = graph.k;
  for (std::size_t r = begin; r < end; ++r) {
    kernels::dot_rows(unit, n, dim, unit + r * dim, scores.data());
    scores[r] = -kInfinity;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](std::int32_t a, std::int32_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    for (std::size_t j = 0; j < k; ++j) {
      graph.ids[r * k + j] = order[j];
      graph.distances[r * k + j] = 1.0f - scores[static_cast<std::size_t>(order[j])];
    }
  }
}

void check_shape(std::size_t n, std::size_t dim, std::size_t k) {
  if (n < 2) throw Error("a neighbour index needs at least 2 rows, got " + std::to_string(n));
  if (dim == 0) throw Error("a neighbour index needs rows of at least 1 number");
  if (k < 1 || k > n - 1) {
    throw Error("neighbours per row must be between 1 and " + with_commas(static_cast<long long>(n - 1)) + " (rows - 1), got " +
                std::to_string(k));
  }
}

}  // namespace

KnnGraph exact_knn_graph(const float* rows, std::size_t n, std::size_t dim, std::size_t k, int threads) {
  check_shape(n, dim, k);
  const std::vector<float> unit = unit_rows(rows, n, dim);
  KnnGraph graph{n, k, std::vector<std::int32_t>(n * k), std::vector<float>(n * k)};
  parallel_for(n, threads, [&](std::size_t begin, std::size_t end, int) { exact_block(unit.data(), n, dim, begin, end, graph); });
  return graph;
}

// ---- the index -----------------------------------------------------------------------------------

struct NeighborIndex::Data {
  std::size_t n = 0, dim = 0;
  std::vector<float> unit_storage;  // the normalised copy (empty when the caller's rows are borrowed)
  const float* unit = nullptr;      // n×dim unit rows
  KnnGraph graph;
  // Entry points: an evenly spread sample of rows, scanned exactly at the start of every query so
  // the walk starts near the answer even where the graph falls apart into separate clusters.
  std::vector<std::int32_t> entry_rows;
  std::vector<float> entry_unit;  // their unit rows, contiguous
  // The first few random-projection trees: a query starts from the rows of the leaf it falls in,
  // which finds its region even when that is a small cluster no sampled entry row belongs to.
  std::vector<RpTree> search_trees;
  std::vector<std::uint32_t> edge_offsets;  // the search graph's reverse edges (CSR); forward ones are graph.ids
  std::vector<std::int32_t> edges;
};

struct NeighborIndex::Builder::State {
  enum class Stage { kExact, kTrees, kDescent, kGraph, kDone };
  static constexpr std::size_t kDescentBlock = 4096;  // rows per step of an NN-descent round
  NeighborIndexOptions options;
  std::unique_ptr<Data> data;
  Stage stage = Stage::kTrees;
  std::size_t k = 0, trees = 0, trees_done = 0, leaf_size = 0, max_candidates = 0;
  int rounds = 0, rounds_done = 0;
  std::size_t descent_row = 0, round_changes = 0;  // the round in progress: next block, changes so far
  std::size_t exact_done = 0;
  std::unique_ptr<NeighborHeaps> heaps;

  float distance(std::size_t a, std::size_t b) const {
    const std::size_t dim = data->dim;
    return 1.0f - kernels::dot(data->unit + a * dim, data->unit + b * dim, dim);
  }

  void step_exact() {
    constexpr std::size_t kBlock = 256;
    const std::size_t end = std::min(data->n, exact_done + kBlock * static_cast<std::size_t>(std::max(1, options.threads)));
    const std::size_t begin = exact_done;
    parallel_for(end - begin, options.threads, [&](std::size_t b, std::size_t e, int) {
      exact_block(data->unit, data->n, data->dim, begin + b, begin + e, data->graph);
    });
    exact_done = end;
    if (exact_done == data->n) stage = Stage::kGraph;
  }

  void step_trees() {
    const std::size_t batch = std::min(trees - trees_done, static_cast<std::size_t>(std::max(1, options.threads)));
    std::vector<RpTree> built(batch);
    parallel_for(batch, options.threads, [&](std::size_t b, std::size_t e, int) {
      for (std::size_t t = b; t < e; ++t) {
        built[t] = build_tree(data->unit, data->n, data->dim, leaf_size, options.seed * 7919 + trees_done + t);
      }
    });
    // Each thread fills the heaps of its own rows from every leaf: no two threads touch one heap.
    const std::size_t n = data->n;
    parallel_for(n, options.threads, [&](std::size_t lo, std::size_t hi, int) {
      for (const RpTree& tree : built) {
        for (const RpTree::Node& node : tree.nodes) {
          if (!tree.is_leaf(node)) continue;
          for (std::uint32_t i = node.begin; i < node.end; ++i) {
            const auto p = static_cast<std::size_t>(tree.order[i]);
            if (p < lo || p >= hi) continue;
            for (std::uint32_t j = node.begin; j < node.end; ++j) {
              const std::int32_t q = tree.order[j];
              if (static_cast<std::size_t>(q) != p) heaps->push(p, distance(p, static_cast<std::size_t>(q)), q, true);
            }
          }
        }
      }
    });
    for (RpTree& tree : built) {
      if (data->search_trees.size() < kSearchTrees) data->search_trees.push_back(std::move(tree));
    }
    trees_done += batch;
    if (trees_done == trees) {
      // Rows whose leaves were too small get random neighbours so every heap is full.
      Rng rng(options.seed + 17);
      for (std::size_t p = 0; p < n; ++p) {
        for (std::size_t attempt = 0; heaps->ids[p * k] < 0 && attempt < 8 * k; ++attempt) {
          const auto q = static_cast<std::int32_t>(rng.below(static_cast<std::uint32_t>(n)));
          if (static_cast<std::size_t>(q) != p) heaps->push(p, distance(p, static_cast<std::size_t>(q)), q, true);
        }
      }
      stage = Stage::kDescent;
    }
  }

  // One block of rows of an NN-descent round (neighbours of neighbours, new against new and old,
  // are compared and closer ones replace the worst kept): their candidate lists (sampled new and old
  // neighbours and reverse neighbours), every pair of candidates that would improve either's list,
  // applied to the heaps. Working block by block keeps the round's memory small (a few MB per
  // block whatever n: 400,000 rows no longer need half a gigabyte of pending updates). Returns
  // the number of heap entries changed.
  std::size_t descent_block(std::size_t begin, std::size_t end) {
    const std::size_t n = data->n, rows = end - begin;
    const int threads = std::max(1, options.threads);
    CandidateLists fresh(rows, max_candidates), old(rows, max_candidates);
    const auto round = static_cast<std::uint64_t>(rounds_done);
    // Each thread owns a slice of the block's rows and offers them everything that lists them.
    parallel_for(rows, threads, [&](std::size_t lo, std::size_t hi, int) {
      lo += begin, hi += begin;
      for (std::size_t p = 0; p < n; ++p) {
        for (std::size_t j = 0; j < k; ++j) {
          const std::int32_t q = heaps->ids[p * k + j];
          if (q < 0) continue;
          CandidateLists& lists = heaps->fresh[p * k + j] != 0 ? fresh : old;
          const auto uq = static_cast<std::size_t>(q);
          const bool p_here = p >= lo && p < hi, q_here = uq >= lo && uq < hi;
          if (!p_here && !q_here) continue;
          const std::uint32_t priority = mix(options.seed, p, uq, round);
          if (p_here) lists.offer(p - begin, q, priority);
          if (q_here) lists.offer(uq - begin, static_cast<std::int32_t>(p), priority);
        }
      }
    });
    // Sampled new neighbours become old: they have had their turn.
    parallel_for(rows, threads, [&](std::size_t lo, std::size_t hi, int) {
      for (std::size_t r = lo; r < hi; ++r) {
        const std::size_t p = begin + r;
        for (std::size_t j = 0; j < k; ++j) {
          std::uint8_t& flag = heaps->fresh[p * k + j];
          if (flag && fresh.contains(r, heaps->ids[p * k + j])) flag = 0;
        }
      }
    });
    std::vector<std::vector<Update>> updates(static_cast<std::size_t>(threads));
    parallel_for(rows, threads, [&](std::size_t lo, std::size_t hi, int t) {
      std::vector<Update>& out = updates[static_cast<std::size_t>(t)];
      const auto consider = [&](std::int32_t a, std::int32_t b) {
        const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
        const float d = distance(ua, ub);
        if (d < heaps->worst(ua) || d < heaps->worst(ub)) out.push_back({a, b, d});
      };
      for (std::size_t r = lo; r < hi; ++r) {
        const std::int32_t* nl = fresh.ids.data() + r * max_candidates;
        const std::int32_t* ol = old.ids.data() + r * max_candidates;
        const std::uint32_t nc = fresh.counts[r], oc = old.counts[r];
        for (std::uint32_t i = 0; i < nc; ++i) {
          for (std::uint32_t j = i + 1; j < nc; ++j) consider(nl[i], nl[j]);
          for (std::uint32_t j = 0; j < oc; ++j) {
            if (nl[i] != ol[j]) consider(nl[i], ol[j]);
          }
        }
      }
    });
    std::vector<std::size_t> changes(static_cast<std::size_t>(threads), 0);
    parallel_for(n, threads, [&](std::size_t lo, std::size_t hi, int t) {
      std::size_t changed = 0;
      for (const auto& list : updates) {
        for (const Update& u : list) {
          const auto ua = static_cast<std::size_t>(u.a), ub = static_cast<std::size_t>(u.b);
          if (ua >= lo && ua < hi) changed += heaps->push(ua, u.distance, u.b, true);
          if (ub >= lo && ub < hi) changed += heaps->push(ub, u.distance, u.a, true);
        }
      }
      changes[static_cast<std::size_t>(t)] = changed;
    });
    return std::accumulate(changes.begin(), changes.end(), std::size_t{0});
  }

  // The search graph's reverse edges (CSR): for each row, rows that list it among their
  // neighbours, at most k of them, those that rank it highest first. A row nobody lists (an
  // "anti-hub", common in many dimensions) is always kept on the list of its own nearest
  // neighbour, over the cap: otherwise no walk could ever reach it.
  void build_reverse_edges() {
    const std::size_t n = data->n;
    const KnnGraph& graph = data->graph;
    std::vector<std::uint32_t> listed(n, 0);  // how many rows list each row
    // (A row can lack some neighbours, -1, only in degenerate sets: too few distinct rows.)
    for (std::size_t e = 0; e < n * k; ++e) {
      if (graph.ids[e] >= 0) ++listed[static_cast<std::size_t>(graph.ids[e])];
    }
    std::vector<std::uint32_t> slots(n, 0);  // first the orphans each row takes in, then the rest
    for (std::size_t p = 0; p < n; ++p) {
      if (listed[p] == 0 && graph.ids[p * k] >= 0) ++slots[static_cast<std::size_t>(graph.ids[p * k])];
    }
    for (std::size_t q = 0; q < n; ++q) slots[q] += std::min<std::uint32_t>(listed[q] - slots[q], static_cast<std::uint32_t>(k));
    auto& offsets = data->edge_offsets;
    offsets.assign(n + 1, 0);
    for (std::size_t q = 0; q < n; ++q) offsets[q + 1] = offsets[q] + slots[q];
    data->edges.assign(offsets[n], -1);
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (std::size_t p = 0; p < n; ++p) {
      if (listed[p] == 0 && graph.ids[p * k] >= 0) {
        const auto q = static_cast<std::size_t>(graph.ids[p * k]);
        data->edges[fill[q]++] = static_cast<std::int32_t>(p);
      }
    }
    for (std::size_t j = 0; j < k; ++j) {
      for (std::size_t p = 0; p < n; ++p) {
        if ((listed[p] == 0 && j == 0) || graph.ids[p * k + j] < 0) continue;  // placed above, or none
        const auto q = static_cast<std::size_t>(graph.ids[p * k + j]);
        if (fill[q] < offsets[q + 1]) data->edges[fill[q]++] = static_cast<std::int32_t>(p);
      }
    }
  }

  // Sorts the heaps into the graph (approximate path) and builds the search graph.
  void step_graph() {
    const std::size_t n = data->n;
    KnnGraph& graph = data->graph;
    if (heaps) {
      // Each heap sorted in place becomes its graph row: the heaps' arrays are the graph's.
      parallel_for(n, options.threads, [&](std::size_t lo, std::size_t hi, int) {
        std::vector<std::pair<float, std::int32_t>> row(k);
        for (std::size_t p = lo; p < hi; ++p) {
          for (std::size_t j = 0; j < k; ++j) row[j] = {heaps->distances[p * k + j], heaps->ids[p * k + j]};
          std::sort(row.begin(), row.end());
          for (std::size_t j = 0; j < k; ++j) heaps->ids[p * k + j] = row[j].second, heaps->distances[p * k + j] = row[j].first;
        }
      });
      graph = KnnGraph{n, k, std::move(heaps->ids), std::move(heaps->distances)};
      heaps.reset();
    }
    if (!options.keep_distances) std::vector<float>().swap(graph.distances);
    build_reverse_edges();
    const std::size_t samples = std::min(n, std::max<std::size_t>(256, static_cast<std::size_t>(4 * std::sqrt(static_cast<double>(n)))));
    std::vector<std::int32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    Rng rng(options.seed + 31);
    for (std::size_t i = 0; i < samples; ++i) std::swap(order[i], order[i + rng.below(static_cast<std::uint32_t>(n - i))]);
    data->entry_rows.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(samples));
    // Every connected part of the graph (a cluster no edge leaves) gets an entry row of its own,
    // or queries near it could never reach it (at most kMaxExtraEntries more).
    constexpr std::size_t kMaxExtraEntries = 4096;
    std::vector<std::int32_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    const auto root = [&](std::int32_t x) {
      while (parent[static_cast<std::size_t>(x)] != x) {
        parent[static_cast<std::size_t>(x)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
        x = parent[static_cast<std::size_t>(x)];
      }
      return x;
    };
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t j = 0; j < k; ++j) {
        if (graph.ids[p * k + j] < 0) continue;
        const std::int32_t a = root(static_cast<std::int32_t>(p)), b = root(graph.ids[p * k + j]);
        if (a != b) parent[static_cast<std::size_t>(a)] = b;
      }
    }
    std::vector<std::uint8_t> represented(n, 0);
    for (const std::int32_t row : data->entry_rows) represented[static_cast<std::size_t>(root(row))] = 1;
    for (std::size_t p = 0; p < n && data->entry_rows.size() < samples + kMaxExtraEntries; ++p) {
      const auto r = static_cast<std::size_t>(root(static_cast<std::int32_t>(p)));
      if (!represented[r]) represented[r] = 1, data->entry_rows.push_back(static_cast<std::int32_t>(p));
    }
    data->entry_unit.resize(data->entry_rows.size() * data->dim);
    for (std::size_t i = 0; i < data->entry_rows.size(); ++i) {
      std::copy_n(data->unit + static_cast<std::size_t>(data->entry_rows[i]) * data->dim, data->dim,
                  data->entry_unit.data() + i * data->dim);
    }
    stage = Stage::kDone;
  }
};

NeighborIndex::Builder::Builder(const float* rows, std::size_t n, std::size_t dim, const NeighborIndexOptions& options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (options.k < 1) throw Error("neighbours per row must be at least 1, got " + std::to_string(options.k));
  check_shape(n, dim, static_cast<std::size_t>(options.k));
  if (options.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options.threads));
  if (options.trees < 0) throw Error("trees must be 0 (automatic) or more, got " + std::to_string(options.trees));
  s.options = options;
  s.data = std::make_unique<Data>();
  s.data->n = n;
  s.data->dim = dim;
  if (options.borrow_unit_rows) {
    s.data->unit = rows;
  } else {
    s.data->unit_storage = unit_rows(rows, n, dim);
    s.data->unit = s.data->unit_storage.data();
  }
  s.k = static_cast<std::size_t>(options.k);
  s.leaf_size = std::max<std::size_t>(24, std::min<std::size_t>(s.k + 1, 128));
  if (options.exact || n <= kExactMaxRows) {
    s.data->graph = KnnGraph{n, s.k, std::vector<std::int32_t>(n * s.k, -1), std::vector<float>(n * s.k, kInfinity)};
    s.stage = State::Stage::kExact;
    return;
  }
  s.trees = options.trees > 0 ? static_cast<std::size_t>(options.trees)
                              : std::min<std::size_t>(24, 5 + static_cast<std::size_t>(std::lround(std::pow(static_cast<double>(n), 0.25) / 2)));
  s.rounds = options.max_iterations > 0 ? options.max_iterations
                                        : std::max(5, static_cast<int>(std::lround(std::log2(static_cast<double>(n)))));
  // Candidates sampled per row and round (NN-descent's ρ·k): all of a small k, at most 16 of a
  // large one. t-SNE's 90 neighbours of 50,000 rows: 8 rounds of 16 take half the time of 48 (the
  // pairs compared per row fall from about 3,500 to 380) for recall@90 0.995 instead of 0.999.
  s.max_candidates = std::min<std::size_t>(s.k, 16);
  s.heaps = std::make_unique<NeighborHeaps>(n, s.k);
}

NeighborIndex::Builder::~Builder() = default;
NeighborIndex::Builder::Builder(Builder&&) noexcept = default;

bool NeighborIndex::Builder::step() {
  State& s = *state_;
  switch (s.stage) {
    case State::Stage::kExact: s.step_exact(); break;
    case State::Stage::kTrees: s.step_trees(); break;
    case State::Stage::kDescent: {
      const std::size_t n = s.data->n, end = std::min(n, s.descent_row + State::kDescentBlock);
      s.round_changes += s.descent_block(s.descent_row, end);
      s.descent_row = end;
      if (end < n) break;
      ++s.rounds_done;
      // Converged when under 0.1% of all kept neighbours changed in a round (pynndescent's delta).
      if (static_cast<double>(s.round_changes) <= 0.001 * static_cast<double>(n * s.k) || s.rounds_done >= s.rounds) {
        s.stage = State::Stage::kGraph;
      }
      s.descent_row = 0;
      s.round_changes = 0;
      break;
    }
    case State::Stage::kGraph: s.step_graph(); break;
    case State::Stage::kDone: break;
  }
  return done();
}

bool NeighborIndex::Builder::done() const { return state_->stage == State::Stage::kDone; }

double NeighborIndex::Builder::fraction() const {
  const State& s = *state_;
  switch (s.stage) {
    case State::Stage::kExact: return 0.95 * static_cast<double>(s.exact_done) / static_cast<double>(s.data->n);
    case State::Stage::kTrees: return 0.3 * static_cast<double>(s.trees_done) / static_cast<double>(s.trees);
    case State::Stage::kDescent:
      return 0.3 + 0.65 * (s.rounds_done + static_cast<double>(s.descent_row) / static_cast<double>(s.data->n)) / std::max(1, s.rounds);
    case State::Stage::kGraph: return 0.95;
    case State::Stage::kDone: return 1.0;
  }
  return 0.0;
}

const char* NeighborIndex::Builder::stage() const {
  switch (state_->stage) {
    case State::Stage::kExact: return "exact";
    case State::Stage::kTrees: return "trees";
    case State::Stage::kDescent: return "descent";
    case State::Stage::kGraph: return "graph";
    case State::Stage::kDone: return "done";
  }
  return "";
}

NeighborIndex NeighborIndex::Builder::finish() {
  if (!done()) throw Error("the neighbour index is not built yet");
  return NeighborIndex(std::move(state_->data));
}

NeighborIndex::NeighborIndex() = default;
NeighborIndex::NeighborIndex(std::unique_ptr<Data> data) : data_(std::move(data)) {}
NeighborIndex::~NeighborIndex() = default;
NeighborIndex::NeighborIndex(NeighborIndex&&) noexcept = default;
NeighborIndex& NeighborIndex::operator=(NeighborIndex&&) noexcept = default;

NeighborIndex NeighborIndex::build(const float* rows, std::size_t n, std::size_t dim, const NeighborIndexOptions& options,
                                   const NeighborProgress& progress) {
  Builder builder(rows, n, dim, options);
  while (!builder.step()) {
    if (progress && !progress(builder.stage(), builder.fraction())) throw CancelledError();
  }
  if (progress && !progress("done", 1.0)) throw CancelledError();
  return builder.finish();
}

std::size_t NeighborIndex::size() const { return data_ ? data_->n : 0; }
std::size_t NeighborIndex::dim() const { return data_ ? data_->dim : 0; }
std::size_t NeighborIndex::k() const { return data_ ? data_->graph.k : 0; }

const KnnGraph& NeighborIndex::knn_graph() const {
  if (!data_) throw Error("the neighbour index is empty");
  return data_->graph;
}

std::vector<SearchHit> NeighborIndex::search(const float* query, std::size_t k, std::size_t ef,
                                             const std::vector<std::int32_t>& seeds) const {
  if (!data_) throw Error("the neighbour index is empty");
  std::vector<float> unit(query, query + data_->dim);
  for (float x : unit) {
    if (!std::isfinite(x)) throw Error("the query vector has a non-finite value");
  }
  kernels::normalise(unit.data(), unit.size());
  for (const std::int32_t seed : seeds) {
    if (seed < 0 || static_cast<std::size_t>(seed) >= data_->n) throw Error("search seed row " + std::to_string(seed) + " is outside the index");
  }
  return search_unit(unit.data(), k, ef, -1, seeds);
}

std::vector<SearchHit> NeighborIndex::search_row(std::size_t row, std::size_t k, std::size_t ef) const {
  if (!data_) throw Error("the neighbour index is empty");
  if (row >= data_->n) throw Error("row " + std::to_string(row) + " is outside the index (" + with_commas(static_cast<long long>(data_->n)) + " rows)");
  return search_unit(data_->unit + row * data_->dim, k, ef, static_cast<std::int64_t>(row), {static_cast<std::int32_t>(row)});
}

// Beam search: keep the `ef` closest rows seen; expand the closest unexpanded one until none of
// the unexpanded is closer than the furthest kept.
std::vector<SearchHit> NeighborIndex::search_unit(const float* unit, std::size_t k, std::size_t ef, std::int64_t skip,
                                                  const std::vector<std::int32_t>& seeds) const {
  const Data& d = *data_;
  const std::size_t limit = d.n - (skip >= 0 ? 1 : 0);
  k = std::min(k, limit);
  if (k == 0) return {};
  ef = std::max(ef, k + (skip >= 0 ? 1 : 0));
  std::vector<std::uint64_t> visited((d.n + 63) / 64, 0);
  using Entry = std::pair<float, std::int32_t>;  // (distance, row)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> frontier;  // closest first
  std::priority_queue<Entry> kept;                                               // furthest first
  const auto visit = [&](std::int32_t row) {
    const auto r = static_cast<std::size_t>(row);
    if (visited[r / 64] >> (r % 64) & 1u) return;
    visited[r / 64] |= std::uint64_t{1} << (r % 64);
    const float distance = 1.0f - kernels::dot(unit, d.unit + r * d.dim, d.dim);
    if (kept.size() < ef || distance < kept.top().first) {
      frontier.push({distance, row});
      kept.push({distance, row});
      if (kept.size() > ef) kept.pop();
    }
  };
  // Start from the rows of the query's leaf in each search tree and the sampled rows closest to it.
  for (const std::int32_t seed : seeds) visit(seed);
  for (const auto& tree : d.search_trees) tree.visit_leaves(unit, d.unit, d.dim, kSearchLeaves, visit);
  constexpr std::size_t kEntries = 16;
  const std::size_t samples = d.entry_rows.size();
  std::vector<float> scores(samples);
  kernels::dot_rows(d.entry_unit.data(), samples, d.dim, unit, scores.data());
  std::vector<std::size_t> best(samples);
  std::iota(best.begin(), best.end(), 0);
  const std::size_t entries = std::min(kEntries, samples);
  std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(entries), best.end(),
                    [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  for (std::size_t i = 0; i < entries; ++i) visit(d.entry_rows[best[i]]);
  while (!frontier.empty()) {
    const Entry closest = frontier.top();
    frontier.pop();
    if (kept.size() >= ef && closest.first > kept.top().first) break;
    const auto r = static_cast<std::size_t>(closest.second);
    const std::int32_t* forward = d.graph.ids_of(r);
    for (std::size_t j = 0; j < d.graph.k; ++j) {
      if (forward[j] >= 0) visit(forward[j]);
    }
    for (std::uint32_t e = d.edge_offsets[r]; e < d.edge_offsets[r + 1]; ++e) visit(d.edges[e]);
  }
  std::vector<SearchHit> hits;
  while (!kept.empty()) {
    if (kept.top().second != skip) hits.push_back({kept.top().second, 1.0f - kept.top().first});
    kept.pop();
  }
  std::reverse(hits.begin(), hits.end());
  if (hits.size() > k) hits.resize(k);
  return hits;
}

}  // namespace embedlab
