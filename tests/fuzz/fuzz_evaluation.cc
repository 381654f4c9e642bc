// The evaluation readers on arbitrary text: analogy questions (questions-words.txt) and word-pair
// similarity files, over a small fixed vocabulary. Properties: only embedlab::Error escapes, the
// counts add up (answered <= questions, correct <= answered, totals are the sums of the sections)
// and a Spearman correlation is a finite number in [-1, 1].
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/evaluation.h"
#include "fuzz_support.h"

using namespace embedlab;

namespace {

const Embeddings& vocabulary() {
  static const Embeddings embeddings = [] {
    std::vector<std::string> words = {"king", "queen", "man", "woman", "Paris", "france", "rome", "italy",
                                      "a", "b", "c", "d", "\xC3\x84gypten", "\xC3\xA4gypten", "1", "2"};
    const std::size_t dim = 3;
    std::vector<float> data;
    for (std::size_t i = 0; i < words.size() * dim; ++i) data.push_back(std::sin(static_cast<float>(i) * 1.7f) + 0.01f);
    return Embeddings(std::move(words), dim, std::move(data));
  }();
  return embeddings;
}

void check_section(const AnalogySection& s) {
  fuzz::check(s.questions >= 0 && s.answered >= 0 && s.correct >= 0, "counts are not negative");
  fuzz::check(s.answered <= s.questions && s.correct <= s.answered, "correct <= answered <= questions");
  fuzz::check(s.accuracy() >= 0.0 && s.accuracy() <= 1.0 && s.coverage() >= 0.0 && s.coverage() <= 1.0,
              "accuracy and coverage are fractions");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const bool analogies = input.ConsumeBool();
  const auto method = input.ConsumeBool() ? AnalogyMethod::kMul : AnalogyMethod::kAdd;
  const auto restrict_to = input.ConsumeIntegralInRange<std::size_t>(0, 20);
  std::istringstream text(input.ConsumeRemainingBytesAsString());
  try {
    if (analogies) {
      const AnalogyReport report = evaluate_analogies(vocabulary(), text, "fuzz-questions.txt", restrict_to, method);
      AnalogySection sum;
      for (const AnalogySection& s : report.sections) {
        check_section(s);
        sum.questions += s.questions, sum.answered += s.answered, sum.correct += s.correct;
      }
      check_section(report.total);
      fuzz::check(sum.questions == report.total.questions && sum.answered == report.total.answered &&
                      sum.correct == report.total.correct,
                  "the total is the sum of the sections");
      fuzz::check(report.semantic.questions + report.syntactic.questions == report.total.questions,
                  "semantic + syntactic questions = total");
    } else {
      const SimilarityReport report = evaluate_similarity(vocabulary(), text, "fuzz-pairs.txt");
      fuzz::check(report.pairs >= 0 && report.oov_pairs >= 0, "pair counts are not negative");
      fuzz::check(std::isfinite(report.spearman) && report.spearman >= -1.0 - 1e-9 && report.spearman <= 1.0 + 1e-9,
                  "Spearman's rho is finite and in [-1, 1]");
    }
  } catch (const Error&) {
  }
  return 0;
}
