#include "core/embeddings.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "core/error.h"
#include "core/kernels.h"
#include "core/neighbors.h"
#include "core/text.h"

namespace embedlab {

Embeddings::Embeddings(std::vector<std::string> words, std::size_t dim, std::vector<float> data,
                       std::vector<std::int64_t> counts)
    : words_(std::move(words)), counts_(std::move(counts)), dim_(dim) {
  if (dim_ == 0) throw Error("vectors must have at least one dimension");
  if (data.size() != words_.size() * dim_) {
    throw Error("expected " + with_commas(static_cast<long long>(words_.size() * dim_)) + " numbers for " +
                with_commas(static_cast<long long>(words_.size())) + " words of dimension " + std::to_string(dim_) +
                ", found " + with_commas(static_cast<long long>(data.size())));
  }
  data_ = Matrix(words_.size(), dim_, std::move(data));
  check_and_index();
}

Embeddings::Embeddings(std::vector<std::string> words, Matrix vectors, std::vector<std::int64_t> counts,
                       std::shared_ptr<const Tokenizer> tokenizer)
    : words_(std::move(words)), counts_(std::move(counts)), dim_(vectors.cols()), data_(std::move(vectors)),
      tokenizer_(std::move(tokenizer)) {
  if (dim_ == 0) throw Error("vectors must have at least one dimension");
  if (data_.rows() != words_.size()) {
    throw Error("expected one vector for each of the " + with_commas(static_cast<long long>(words_.size())) +
                " words, found " + with_commas(static_cast<long long>(data_.rows())));
  }
  if (tokenizer_ && tokenizer_->vocabulary().words() != words_) {
    throw Error("the tokenizer's vocabulary is not the list of words the vectors belong to");
  }
  check_and_index();
}

void Embeddings::check_and_index() {
  if (!counts_.empty() && counts_.size() != words_.size()) throw Error("one count per word expected");
  index_.reserve(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    if (words_[i].empty()) throw Error("word " + with_commas(static_cast<long long>(i + 1)) + " is empty");
    if (words_[i].size() > kMaxWordBytes) throw Error("word " + with_commas(static_cast<long long>(i + 1)) + ": " + word_too_long(words_[i]));
    for (const char c : words_[i]) {
      // Saved files separate words from numbers by whitespace, so a word cannot contain any.
      if (static_cast<unsigned char>(c) <= ' ') {
        throw Error("word " + with_commas(static_cast<long long>(i + 1)) + " (" + quote(words_[i]) +
                    ") contains whitespace or a control character");
      }
    }
    const auto [it, inserted] = index_.emplace(words_[i], static_cast<std::int32_t>(i));
    if (!inserted) {
      throw Error("word " + quote(words_[i]) + " appears twice (entries " + with_commas(it->second + 1LL) + " and " +
                  with_commas(static_cast<long long>(i + 1)) + ")");
    }
  }
  for (std::size_t r = 0; r < data_.rows(); ++r) {
    const float* row = data_.row(r);
    for (std::size_t i = 0; i < dim_; ++i) {
      if (!std::isfinite(row[i])) {
        throw Error("value " + std::to_string(i + 1) + " of " + quote(words_[r]) + " is " +
                    (std::isnan(row[i]) ? "NaN" : "infinite") + "; vectors must be finite");
      }
    }
  }
  if (data_.size() < kCompactFloats) {
    unit_ = data_;
    for (std::size_t r = 0; r < unit_.rows(); ++r) kernels::normalise(unit_.row(r), dim_);
    return;
  }
  // Big sets: normalise in place and keep the lengths, so no second copy of the matrix exists.
  compact_ = true;
  norms_.resize(data_.rows());
  for (std::size_t r = 0; r < data_.rows(); ++r) norms_[r] = kernels::normalise(data_.row(r), dim_);
  unit_ = std::move(data_);
  data_ = Matrix();
}

const float* Embeddings::vector(std::int32_t id) const {
  if (compact_) throw Error("this set of vectors is compact (unit rows and lengths); copy a vector with copy_vector");
  return data_.row(id);
}

const std::vector<float>& Embeddings::data() const {
  if (compact_) throw Error("this set of vectors is compact (unit rows and lengths); copy vectors with copy_vector");
  return data_.values();
}

void Embeddings::copy_vector(std::int32_t id, float* out) const {
  if (!compact_) {
    std::copy(data_.row(id), data_.row(id) + dim_, out);
    return;
  }
  const float* unit = unit_.row(id);
  const float norm = norms_[static_cast<std::size_t>(id)];
  for (std::size_t i = 0; i < dim_; ++i) out[i] = unit[i] * norm;
}

std::int32_t Embeddings::find(std::string_view word) const {
  if (tokenizer_) return tokenizer_->find(word);
  auto it = index_.find(std::string(word));
  if (it == index_.end()) it = index_.find(lowercase_word(word));
  return it == index_.end() ? -1 : it->second;
}

std::int32_t Embeddings::id(std::string_view word) const {
  const std::int32_t found = find(word);
  if (found < 0) {
    throw Error("word " + quote(word) + " is not in the vocabulary (" +
                with_commas(static_cast<long long>(words_.size())) + " words)");
  }
  return found;
}

std::int32_t Embeddings::direction_id(std::string_view word) const {
  const std::int32_t found = id(word);
  const float* unit = unit_vector(found);
  if (kernels::dot(unit, unit, dim_) == 0.0f) {
    throw Error("the vector of " + quote(words_[found]) + " is all zeros: it has no direction, so no similarity to it means anything");
  }
  return found;
}

float Embeddings::similarity(std::string_view a, std::string_view b) const {
  return kernels::dot(unit_vector(direction_id(a)), unit_vector(direction_id(b)), dim_);
}

std::vector<Neighbour> Embeddings::top(const std::vector<float>& scores, std::size_t topn,
                                       const std::vector<std::int32_t>& exclude) const {
  if (topn == 0) return {};
  // Min-heap of the best (score, id) pairs seen so far.
  using Entry = std::pair<float, std::int32_t>;
  const auto worse = [](const Entry& a, const Entry& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> heap(worse);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const auto id = static_cast<std::int32_t>(i);
    if (heap.size() == topn && !(scores[i] > heap.top().first)) continue;
    if (std::find(exclude.begin(), exclude.end(), id) != exclude.end()) continue;
    heap.emplace(scores[i], id);
    if (heap.size() > topn) heap.pop();
  }
  std::vector<Neighbour> result(heap.size());
  for (std::size_t i = result.size(); i-- > 0; heap.pop()) {
    result[i] = Neighbour{heap.top().second, words_[heap.top().second], heap.top().first};
  }
  return result;
}

std::vector<Neighbour> Embeddings::nearest(const float* query, std::size_t topn, const std::vector<std::int32_t>& exclude,
                                           std::size_t restrict_to) const {
  if (topn == 0) return {};
  const std::size_t rows = restrict_to > 0 ? std::min(restrict_to, size()) : size();
  std::vector<float> unit_query(query, query + dim_);
  // A sum of unit vectors this short is rounding noise: the words cancel out.
  if (kernels::dot(query, query, dim_) < 1e-8f) {
    throw Error("the query words cancel out (their vectors sum to zero): no neighbour means anything");
  }
  kernels::normalise(unit_query.data(), dim_);
  if (neighbor_index_ && restrict_to == 0) return nearest_indexed(unit_query.data(), topn, exclude);
  std::vector<float> scores(rows);
  kernels::dot_rows(unit_.data(), rows, dim_, unit_query.data(), scores.data());
  return top(scores, topn, exclude);
}

void Embeddings::attach_index(std::shared_ptr<const NeighborIndex> index) {
  if (index && (index->size() != size() || index->dim() != dim_)) {
    throw Error("the index has " + with_commas(static_cast<long long>(index->size())) + " rows of dimension " +
                std::to_string(index->dim()) + "; the vectors have " + with_commas(static_cast<long long>(size())) +
                " of dimension " + std::to_string(dim_));
  }
  neighbor_index_ = std::move(index);
}

std::vector<Neighbour> Embeddings::nearest_indexed(const float* unit_query, std::size_t topn,
                                                   const std::vector<std::int32_t>& exclude) const {
  const std::size_t want = std::min(size(), topn + exclude.size());
  const std::vector<SearchHit> hits = neighbor_index_->search(unit_query, want, std::max(kSearchBreadth, 2 * want), exclude);
  // Exact re-ranking of the candidates on this set's own unit rows.
  std::vector<std::pair<float, std::int32_t>> ranked;
  for (const SearchHit& hit : hits) {
    if (std::find(exclude.begin(), exclude.end(), hit.id) != exclude.end()) continue;
    ranked.emplace_back(kernels::dot(unit_vector(hit.id), unit_query, dim_), hit.id);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  if (ranked.size() > topn) ranked.resize(topn);
  std::vector<Neighbour> result;
  for (const auto& [score, id] : ranked) result.push_back(Neighbour{id, words_[id], score});
  return result;
}

std::vector<Neighbour> Embeddings::most_similar(const std::vector<std::string>& positive,
                                                const std::vector<std::string>& negative, std::size_t topn,
                                                std::size_t restrict_to) const {
  if (positive.empty() && negative.empty()) throw Error("nearest neighbours need at least one word");
  std::vector<float> query(dim_, 0.0f);
  std::vector<std::int32_t> exclude;
  for (const auto& w : positive) exclude.push_back(direction_id(w)), kernels::axpy(1.0f, unit_vector(exclude.back()), query.data(), dim_);
  for (const auto& w : negative) exclude.push_back(direction_id(w)), kernels::axpy(-1.0f, unit_vector(exclude.back()), query.data(), dim_);
  return nearest(query.data(), topn, exclude, restrict_to);
}

std::vector<Neighbour> Embeddings::analogy(std::string_view a, std::string_view b, std::string_view c,
                                           AnalogyMethod method, std::size_t topn, std::size_t restrict_to) const {
  const std::int32_t ia = direction_id(a), ib = direction_id(b), ic = direction_id(c);
  if (method == AnalogyMethod::kAdd) {
    std::vector<float> query(dim_, 0.0f);
    kernels::axpy(1.0f, unit_vector(ib), query.data(), dim_);
    kernels::axpy(-1.0f, unit_vector(ia), query.data(), dim_);
    kernels::axpy(1.0f, unit_vector(ic), query.data(), dim_);
    return nearest(query.data(), topn, {ia, ib, ic}, restrict_to);
  }
  // 3CosMul: cos(d,b) * cos(d,c) / (cos(d,a) + eps), cosines shifted to [0, 1].
  const std::size_t rows = restrict_to > 0 ? std::min(restrict_to, size()) : size();
  std::vector<float> sa(rows), sb(rows), sc(rows);
  kernels::dot_rows(unit_.data(), rows, dim_, unit_vector(ia), sa.data());
  kernels::dot_rows(unit_.data(), rows, dim_, unit_vector(ib), sb.data());
  kernels::dot_rows(unit_.data(), rows, dim_, unit_vector(ic), sc.data());
  for (std::size_t i = 0; i < rows; ++i) {
    sb[i] = ((sb[i] + 1.0f) / 2.0f) * ((sc[i] + 1.0f) / 2.0f) / ((sa[i] + 1.0f) / 2.0f + 0.001f);
  }
  return top(sb, topn, {ia, ib, ic});
}

std::string Embeddings::doesnt_match(const std::vector<std::string>& words) const {
  std::vector<std::int32_t> ids;
  for (const auto& w : words) ids.push_back(direction_id(w));
  if (ids.size() < 2) throw Error("the odd one out needs at least two words, got " + std::to_string(ids.size()));
  std::vector<float> mean(dim_, 0.0f);
  for (auto i : ids) kernels::axpy(1.0f, unit_vector(i), mean.data(), dim_);
  kernels::normalise(mean.data(), dim_);
  std::size_t worst = 0;
  float worst_score = 2.0f;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const float score = kernels::dot(unit_vector(ids[k]), mean.data(), dim_);
    if (score < worst_score) worst_score = score, worst = k;
  }
  return words_[ids[worst]];
}

}  // namespace embedlab
