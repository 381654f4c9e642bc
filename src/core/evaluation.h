// Intrinsic evaluation: word analogies (questions-words.txt) and word-pair similarity.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "core/embeddings.h"

namespace embedlab {

struct AnalogySection {
  std::string name;
  std::int64_t questions = 0;  // in the file
  std::int64_t answered = 0;   // all four words known (within the restriction)
  std::int64_t correct = 0;
  double accuracy() const { return answered > 0 ? static_cast<double>(correct) / static_cast<double>(answered) : 0.0; }
  double coverage() const { return questions > 0 ? static_cast<double>(answered) / static_cast<double>(questions) : 0.0; }
};

struct AnalogyReport {
  std::vector<AnalogySection> sections;
  AnalogySection total{"total"};
  AnalogySection semantic{"semantic"};   // sections not starting with "gram"
  AnalogySection syntactic{"syntactic"}; // sections starting with "gram" (word2vec's convention)
};

// Scores each question "a b c d" (a:b :: c:d) by whether d is the top answer for c + b - a,
// case-insensitively. Like word2vec's compute-accuracy, `restrict_to` > 0 considers only the
// that many most frequent words, both as question words and as answers.
AnalogyReport evaluate_analogies(const Embeddings& embeddings, std::istream& questions, const std::string& source,
                                 std::size_t restrict_to = 30000, AnalogyMethod method = AnalogyMethod::kAdd);

struct SimilarityReport {
  double spearman = 0.0;       // rank correlation between file scores and cosine similarities
  std::int64_t pairs = 0;      // pairs with both words known
  std::int64_t oov_pairs = 0;  // pairs skipped for an unknown word
};

// Reads "w1<TAB>w2<TAB>score" lines ('#' comments allowed) and correlates them with cosines.
SimilarityReport evaluate_similarity(const Embeddings& embeddings, std::istream& pairs, const std::string& source);

// Spearman rank correlation with average ranks for ties.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace embedlab
