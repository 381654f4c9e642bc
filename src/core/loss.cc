#include "core/loss.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.h"
#include "core/kernels.h"

namespace embedlab {
namespace {

// Tables of sigmoid on [-8, 8] and of log on (0, 1], as in fastText: exp/log per update would
// cost as much as the vector maths at dim 100.
constexpr float kMaxSigmoid = 8.0f;
constexpr int kSigmoidTableSize = 1024;
constexpr int kLogTableSize = 1024;

struct Tables {
  std::array<float, kSigmoidTableSize + 1> sigmoid;
  std::array<float, kLogTableSize + 1> log;
  Tables() {
    for (int i = 0; i <= kSigmoidTableSize; ++i) {
      const double x = (i * 2.0 * kMaxSigmoid) / kSigmoidTableSize - kMaxSigmoid;
      sigmoid[i] = static_cast<float>(1.0 / (1.0 + std::exp(-x)));
    }
    for (int i = 0; i <= kLogTableSize; ++i) {
      const double x = (i + 1e-5) / kLogTableSize;
      log[i] = static_cast<float>(std::log(x));
    }
  }
};
// Built once at start-up (not a function-local static: no guard check in the hot path).
const Tables kTables;
const Tables& tables() { return kTables; }

inline float fast_sigmoid(float x) {
  // Written so that NaN (a diverged model) takes the first branch instead of indexing the table.
  if (!(x >= -kMaxSigmoid)) return 0.0f;
  if (x > kMaxSigmoid) return 1.0f;
  const int i = static_cast<int>((x + kMaxSigmoid) * (kSigmoidTableSize / kMaxSigmoid / 2));
  return tables().sigmoid[i];
}

inline float fast_log(float x) {
  if (!(x >= 0.0f)) return tables().log[0];
  if (x > 1.0f) return 0.0f;
  return tables().log[static_cast<int>(x * kLogTableSize)];
}

// One binary logistic step on output row `row` for label 1 (target) or 0 (negative).
inline float binary_logistic(const float* hidden, float* row, bool label, float learning_rate, float* grad,
                             std::size_t dim) {
  const float score = fast_sigmoid(kernels::dot(hidden, row, dim));
  const float alpha = learning_rate * ((label ? 1.0f : 0.0f) - score);
  kernels::dual_axpy(alpha, hidden, row, grad, dim);
  return label ? -fast_log(score) : -fast_log(1.0f - score);
}

class NegativeSamplingLoss final : public Loss {
 public:
  NegativeSamplingLoss(const Vocabulary& vocabulary, Matrix& output, int negative)
      : output_(output), negative_(negative), sampler_(vocabulary.counts()) {}

  float update(const float* hidden, std::int32_t target, float learning_rate, float* grad, Rng& rng) override {
    const std::size_t dim = output_.cols();
    float loss = binary_logistic(hidden, output_.row(target), true, learning_rate, grad, dim);
    for (int n = 0; n < negative_; ++n) {
      const std::int32_t negative = sampler_.sample(rng);
      if (negative == target) continue;  // as word2vec: a draw of the target itself is skipped
      loss += binary_logistic(hidden, output_.row(negative), false, learning_rate, grad, dim);
    }
    return loss;
  }

  std::int64_t work(std::int32_t) const override {
    return static_cast<std::int64_t>(negative_ + 1) * static_cast<std::int64_t>(output_.cols());
  }

 private:
  Matrix& output_;
  int negative_;
  NegativeSampler sampler_;
};

class HierarchicalSoftmaxLoss final : public Loss {
 public:
  HierarchicalSoftmaxLoss(const Vocabulary& vocabulary, Matrix& output) : output_(output), tree_(vocabulary.counts()) {}

  float update(const float* hidden, std::int32_t target, float learning_rate, float* grad, Rng&) override {
    float loss = 0.0f;
    for (auto i = tree_.offsets[target]; i < tree_.offsets[target + 1]; ++i) {
      // word2vec's convention: code 1 means "go left", trained towards label 0.
      loss += binary_logistic(hidden, output_.row(tree_.nodes[i]), tree_.codes[i] == 0, learning_rate, grad, output_.cols());
    }
    return loss;
  }

  std::int64_t work(std::int32_t target) const override {
    return (tree_.offsets[target + 1] - tree_.offsets[target]) * static_cast<std::int64_t>(output_.cols());
  }

 private:
  Matrix& output_;
  HuffmanTree tree_;
};

}  // namespace

NegativeSampler::NegativeSampler(const std::vector<std::int64_t>& counts, double power) {
  const std::size_t n = counts.size();
  if (n == 0) throw Error("cannot sample negatives from an empty vocabulary");
  exact_.resize(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += exact_[i] = std::pow(static_cast<double>(counts[i]), power);
  for (auto& p : exact_) p /= total;
  // Vose: split slots into those below and above the mean, pair each small slot with a large one.
  std::vector<double> scaled(n);
  std::vector<std::int32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = exact_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::int32_t>(i));
  }
  probability_.assign(n, 1.0f);
  alias_.resize(n);
  for (std::size_t i = 0; i < n; ++i) alias_[i] = static_cast<std::int32_t>(i);
  while (!small.empty() && !large.empty()) {
    const std::int32_t s = small.back();
    small.pop_back();
    const std::int32_t l = large.back();
    probability_[s] = static_cast<float>(scaled[s]);
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
}

double NegativeSampler::probability(std::int32_t id) const { return exact_.at(id); }

namespace {

// The binary heap of Python's heapq (heapify, heappop, heappush), ordered by count alone as
// gensim's Heapitem is: equal counts then come out in exactly gensim's order, so hierarchical
// softmax builds gensim's tree (word2vec C's two queues break ties the other way).
class CountHeap {
 public:
  explicit CountHeap(const std::vector<std::int64_t>& count, std::size_t n) : count_(count) {
    items_.resize(n);
    for (std::size_t i = 0; i < n; ++i) items_[i] = static_cast<std::int64_t>(i);
    for (std::size_t i = n / 2; i-- > 0;) sift_up(i);
  }
  std::int64_t pop() {
    const std::int64_t last = items_.back();
    items_.pop_back();
    if (items_.empty()) return last;
    const std::int64_t top = items_[0];
    items_[0] = last;
    sift_up(0);
    return top;
  }
  void push(std::int64_t item) {
    items_.push_back(item);
    sift_down(0, items_.size() - 1);
  }

 private:
  bool less(std::int64_t a, std::int64_t b) const { return count_[a] < count_[b]; }
  // heapq._siftdown: moves the item at `pos` up towards `start` while it is smaller than its parent.
  void sift_down(std::size_t start, std::size_t pos) {
    const std::int64_t item = items_[pos];
    while (pos > start) {
      const std::size_t parent = (pos - 1) / 2;
      if (!less(item, items_[parent])) break;
      items_[pos] = items_[parent];
      pos = parent;
    }
    items_[pos] = item;
  }
  // heapq._siftup: moves the smaller child up until a leaf, then sifts the item back up.
  void sift_up(std::size_t pos) {
    const std::size_t end = items_.size();
    const std::size_t start = pos;
    const std::int64_t item = items_[pos];
    for (std::size_t child = 2 * pos + 1; child < end; child = 2 * pos + 1) {
      if (child + 1 < end && !less(items_[child], items_[child + 1])) ++child;
      items_[pos] = items_[child];
      pos = child;
    }
    items_[pos] = item;
    sift_down(start, pos);
  }

  const std::vector<std::int64_t>& count_;
  std::vector<std::int64_t> items_;
};

}  // namespace

HuffmanTree::HuffmanTree(const std::vector<std::int64_t>& counts) {
  // gensim's _build_heap: inner node a merges the two smallest (the first gets bit 0, the second 1).
  const std::size_t n = counts.size();
  offsets.assign(n + 1, 0);
  if (n < 2) {  // a single word still needs one decision to learn from
    nodes = {0};
    codes = {0};
    offsets = {0, 1};
    return;
  }
  std::vector<std::int64_t> count(2 * n, 0);
  std::vector<std::int64_t> parent(2 * n, 0);
  std::vector<std::uint8_t> binary(2 * n, 0);
  for (std::size_t i = 0; i < n; ++i) count[i] = counts[i];
  CountHeap heap(count, n);
  for (std::size_t a = 0; a + 1 < n; ++a) {
    const std::int64_t first = heap.pop();
    const std::int64_t second = heap.pop();
    const auto node = static_cast<std::int64_t>(n + a);
    count[node] = count[first] + count[second];
    parent[first] = node;
    parent[second] = node;
    binary[second] = 1;
    heap.push(node);
  }
  const auto root = static_cast<std::int64_t>(2 * n - 2);
  std::vector<std::int32_t> path_nodes;
  std::vector<std::uint8_t> path_codes;
  for (std::size_t w = 0; w < n; ++w) {
    path_nodes.clear();
    path_codes.clear();
    for (auto b = static_cast<std::int64_t>(w); b != root; b = parent[b]) {
      path_codes.push_back(binary[b]);
      path_nodes.push_back(static_cast<std::int32_t>(parent[b] - static_cast<std::int64_t>(n)));
    }
    nodes.insert(nodes.end(), path_nodes.rbegin(), path_nodes.rend());
    codes.insert(codes.end(), path_codes.rbegin(), path_codes.rend());
    offsets[w + 1] = static_cast<std::int64_t>(nodes.size());
  }
}

std::unique_ptr<Loss> make_loss(LossKind kind, const Vocabulary& vocabulary, Matrix& output, int negative) {
  if (output.rows() < vocabulary.size() || output.cols() == 0) {
    throw Error("the output matrix (" + std::to_string(output.rows()) + " x " + std::to_string(output.cols()) +
                ") needs a row for each of the " + with_commas(static_cast<long long>(vocabulary.size())) +
                " words and at least one column");
  }
  if (kind == LossKind::kHierarchicalSoftmax) return std::make_unique<HierarchicalSoftmaxLoss>(vocabulary, output);
  return std::make_unique<NegativeSamplingLoss>(vocabulary, output, negative);
}

}  // namespace embedlab
