#include "core/evaluation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "core/kernels.h"
#include "core/matrix.h"
#include "core/text.h"

namespace embedlab {
namespace {

void add(AnalogySection& to, const AnalogySection& from) {
  to.questions += from.questions;
  to.answered += from.answered;
  to.correct += from.correct;
}

struct Question {
  std::size_t section;
  std::int32_t a, b, c, d;
};

// Case-insensitive lookup among the first `rows` words, as word2vec's compute-accuracy: every word
// is case-folded and the most frequent row wins when several fold to the same key.
class FoldedIndex {
 public:
  FoldedIndex(const Embeddings& e, std::size_t rows) {
    index_.reserve(rows);
    for (std::size_t r = 0; r < rows; ++r) index_.emplace(lowercase_word(e.word(static_cast<std::int32_t>(r))), static_cast<std::int32_t>(r));
  }
  std::int32_t find(const std::string& word) const {
    const auto it = index_.find(lowercase_word(word));
    return it == index_.end() ? -1 : it->second;
  }

 private:
  std::unordered_map<std::string, std::int32_t> index_;
};

}  // namespace

AnalogyReport evaluate_analogies(const Embeddings& embeddings, std::istream& in, const std::string& source,
                                 std::size_t restrict_to, AnalogyMethod method) {
  const std::size_t rows = restrict_to > 0 ? std::min(restrict_to, embeddings.size()) : embeddings.size();
  const std::size_t dim = embeddings.dim();
  AnalogyReport report;
  const FoldedIndex folded(embeddings, rows);
  std::vector<Question> questions;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    if (++line_number == 1) line = std::string(skip_bom(line));
    std::istringstream fields(line);
    std::string w[5];
    int n = 0;
    while (n < 5 && fields >> w[n]) ++n;
    if (n == 0) continue;
    if (w[0][0] == ':') {
      std::string name = line.substr(line.find(':') + 1);
      name.erase(0, name.find_first_not_of(" \t"));
      while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
      report.sections.push_back(AnalogySection{name});
      continue;
    }
    if (n != 4) {
      throw Error(source + " line " + with_commas(static_cast<long long>(line_number)) +
                  ": expected four words 'a b c d' or a ': section' line, found " + std::to_string(n == 5 ? 5 : n) +
                  (n == 5 ? " or more words" : " words"));
    }
    if (report.sections.empty()) report.sections.push_back(AnalogySection{"(no section)"});
    AnalogySection& section = report.sections.back();
    ++section.questions;
    const Question q{report.sections.size() - 1, folded.find(w[0]), folded.find(w[1]), folded.find(w[2]), folded.find(w[3])};
    if (q.a < 0 || q.b < 0 || q.c < 0 || q.d < 0) continue;
    ++section.answered;
    questions.push_back(q);
  }
  if (line_number == 0) throw Error(source + " is empty; expected analogy questions ('a b c d' lines)");

  // Questions are scored in blocks against every row: the block's queries stay in cache while the
  // rows stream past once per block, not once per question.
  constexpr std::size_t kBlock = 64;
  Matrix queries(kBlock, dim);
  std::vector<float> scores(kBlock);
  std::vector<float> best(kBlock);
  std::vector<std::int32_t> best_id(kBlock);
  for (std::size_t start = 0; start < questions.size(); start += kBlock) {
    const std::size_t count = std::min(kBlock, questions.size() - start);
    for (std::size_t k = 0; k < count; ++k) {
      const Question& q = questions[start + k];
      float* query = queries.row(k);
      std::fill(query, query + dim, 0.0f);
      kernels::axpy(1.0f, embeddings.unit_vector(q.b), query, dim);
      kernels::axpy(-1.0f, embeddings.unit_vector(q.a), query, dim);
      kernels::axpy(1.0f, embeddings.unit_vector(q.c), query, dim);
      best[k] = -INFINITY;
      best_id[k] = -1;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const auto id = static_cast<std::int32_t>(r);
      const float* row = embeddings.unit_vector(id);
      if (method == AnalogyMethod::kAdd) {
        kernels::dot_rows(queries.data(), count, dim, row, scores.data());
      } else {
        for (std::size_t k = 0; k < count; ++k) {
          const Question& q = questions[start + k];
          const float ca = kernels::dot(row, embeddings.unit_vector(q.a), dim);
          const float cb = kernels::dot(row, embeddings.unit_vector(q.b), dim);
          const float cc = kernels::dot(row, embeddings.unit_vector(q.c), dim);
          scores[k] = ((cb + 1.0f) / 2.0f) * ((cc + 1.0f) / 2.0f) / ((ca + 1.0f) / 2.0f + 0.001f);
        }
      }
      for (std::size_t k = 0; k < count; ++k) {
        const Question& q = questions[start + k];
        if (scores[k] > best[k] && id != q.a && id != q.b && id != q.c) best[k] = scores[k], best_id[k] = id;
      }
    }
    for (std::size_t k = 0; k < count; ++k) {
      const Question& q = questions[start + k];
      if (best_id[k] == q.d) ++report.sections[q.section].correct;
    }
  }
  for (const auto& section : report.sections) {
    add(report.total, section);
    add(section.name.rfind("gram", 0) == 0 ? report.syntactic : report.semantic, section);
  }
  // An accuracy over no answered question is not 0 %: it does not exist.
  if (report.total.questions == 0) throw Error(source + " has no questions ('a b c d' lines)");
  if (report.total.answered == 0) {
    throw Error(source + ": none of its " + with_commas(report.total.questions) +
                " questions can be answered: each has a word outside the " + with_commas(static_cast<long long>(rows)) +
                " words searched" + (rows < embeddings.size() ? " (raise the restriction, or 0 for all)" : ""));
  }
  return report;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<double> rank(v.size());
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i;
      while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
      const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
      for (std::size_t k = i; k <= j; ++k) rank[order[k]] = average;
      i = j + 1;
    }
    return rank;
  };
  if (x.size() != y.size() || x.size() < 2) return 0.0;
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double n = static_cast<double>(x.size());
  const double mean = (n + 1.0) / 2.0;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

SimilarityReport evaluate_similarity(const Embeddings& embeddings, std::istream& in, const std::string& source) {
  SimilarityReport report;
  const FoldedIndex folded(embeddings, embeddings.size());
  std::vector<double> gold, predicted;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    if (++line_number == 1) line = std::string(skip_bom(line));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string a, b, score_text, extra;
    if (!(fields >> a >> b >> score_text) || (fields >> extra)) {
      throw Error(source + " line " + with_commas(static_cast<long long>(line_number)) +
                  ": expected 'word1<TAB>word2<TAB>score', found " + quote(line));
    }
    const double score = is_decimal_number(score_text) ? std::strtod(score_text.c_str(), nullptr) : std::nan("");
    if (!std::isfinite(score)) {
      throw Error(source + " line " + with_commas(static_cast<long long>(line_number)) + ": score " + quote(score_text) +
                  " is not a finite number");
    }
    const std::int32_t ia = folded.find(a), ib = folded.find(b);
    if (ia < 0 || ib < 0) {
      ++report.oov_pairs;
      continue;
    }
    gold.push_back(score);
    predicted.push_back(kernels::dot(embeddings.unit_vector(ia), embeddings.unit_vector(ib), embeddings.dim()));
  }
  if (line_number == 0) throw Error(source + " is empty; expected word pairs with scores");
  report.pairs = static_cast<std::int64_t>(gold.size());
  if (report.pairs < 2) {
    throw Error(source + ": " + with_commas(report.pairs) + (report.pairs == 1 ? " pair has" : " pairs have") +
                " both words in the vocabulary (" + with_commas(report.oov_pairs) +
                " do not); a rank correlation needs at least 2");
  }
  report.spearman = spearman(gold, predicted);
  return report;
}

}  // namespace embedlab
