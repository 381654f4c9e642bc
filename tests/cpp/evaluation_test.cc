// Analogy and word-similarity evaluation on tiny hand-made vectors with known answers.
#include "core/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

// Vectors in 8-D built from basis vectors so that b - a + c is exactly d for the analogies below
// (all rows have the same length, so this also holds for the unit rows used in queries):
//   athens = e0+e4, greece = e0+e5, paris = e1+e4, france = e1+e5
//   quick  = e2+e6, quickly = e2+e7, slow = e3+e6, slowly = e3+e7
Embeddings analogy_embeddings() {
  const std::vector<std::pair<std::string, std::pair<int, int>>> rows = {
      {"athens", {0, 4}}, {"greece", {0, 5}}, {"paris", {1, 4}}, {"france", {1, 5}},
      {"quick", {2, 6}},  {"quickly", {2, 7}}, {"slow", {3, 6}},  {"slowly", {3, 7}}};
  std::vector<std::string> words;
  std::vector<float> data;
  for (const auto& [word, axes] : rows) {
    words.push_back(word);
    std::vector<float> row(8, 0.0f);
    row[static_cast<std::size_t>(axes.first)] = 1.0f;
    row[static_cast<std::size_t>(axes.second)] = 1.0f;
    data.insert(data.end(), row.begin(), row.end());
  }
  return Embeddings(words, 8, data);
}

const char kQuestions[] =
    ": capital-common-countries\n"
    "Athens Greece Paris France\n"   // capitalised, as in questions-words.txt: correct
    "paris france athens greece\n"   // correct
    "athens greece paris quickly\n"  // answered (all words known) but wrong
    ": gram1-adjective-to-adverb\n"
    "quick quickly slow slowly\n"    // correct
    "SLOW SLOWLY Quick Quickly\n"    // correct
    "quick quickly calm calmly\n";   // 'calm' and 'calmly' unknown: not answered

AnalogyReport run_analogies(const Embeddings& embeddings, const std::string& questions, std::size_t restrict_to = 30000,
                            AnalogyMethod method = AnalogyMethod::kAdd) {
  std::istringstream in(questions);
  return evaluate_analogies(embeddings, in, "questions-words.txt", restrict_to, method);
}

void expect_section(const AnalogySection& section, const std::string& name, std::int64_t questions,
                    std::int64_t answered, std::int64_t correct) {
  SCOPED_TRACE("section " + section.name);
  EXPECT_EQ(section.name, name);
  EXPECT_EQ(section.questions, questions);
  EXPECT_EQ(section.answered, answered);
  EXPECT_EQ(section.correct, correct);
}

// The message of the Error that `fn` raises, or "<no error>".


TEST(Evaluation, AnalogiesAreScoredPerSection) {
  const AnalogyReport report = run_analogies(analogy_embeddings(), kQuestions);
  ASSERT_EQ(report.sections.size(), 2u);
  expect_section(report.sections[0], "capital-common-countries", 3, 3, 2);
  expect_section(report.sections[1], "gram1-adjective-to-adverb", 3, 2, 2);
  EXPECT_DOUBLE_EQ(report.sections[0].accuracy(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(report.sections[1].accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report.sections[1].coverage(), 2.0 / 3.0);
}

TEST(Evaluation, AnalogyTotalsSplitSemanticFromSyntactic) {
  const AnalogyReport report = run_analogies(analogy_embeddings(), kQuestions);
  expect_section(report.semantic, "semantic", 3, 3, 2);
  expect_section(report.syntactic, "syntactic", 3, 2, 2);
  expect_section(report.total, "total", 6, 5, 4);
  EXPECT_DOUBLE_EQ(report.total.accuracy(), 0.8);
  EXPECT_DOUBLE_EQ(report.total.coverage(), 5.0 / 6.0);
}

TEST(Evaluation, Analogies3CosMulFindsTheSameExactAnswers) {
  const AnalogyReport report = run_analogies(analogy_embeddings(), kQuestions, 30000, AnalogyMethod::kMul);
  ASSERT_EQ(report.sections.size(), 2u);
  expect_section(report.sections[0], "capital-common-countries", 3, 3, 2);
  expect_section(report.sections[1], "gram1-adjective-to-adverb", 3, 2, 2);
  expect_section(report.total, "total", 6, 5, 4);
}

TEST(Evaluation, AnalogyRestrictionLeavesOutLessFrequentWords) {
  // Only athens, greece, paris and france are within the first 4 rows.
  const AnalogyReport report = run_analogies(analogy_embeddings(), kQuestions, 4);
  expect_section(report.sections[0], "capital-common-countries", 3, 2, 2);
  expect_section(report.sections[1], "gram1-adjective-to-adverb", 3, 0, 0);
  expect_section(report.total, "total", 6, 2, 2);
  // 0 means no restriction.
  expect_section(run_analogies(analogy_embeddings(), kQuestions, 0).total, "total", 6, 5, 4);
}

// a = e0, b = e1, c = e2. Candidate `x` has cosines (with a, b, c) (0, 0.97, -0.2) and `y`
// (0, 0.38, 0.38): 3CosAdd scores x 0.77 and y 0.76, but 3CosMul prefers y (0.95 against 0.79).
// `exact` (e1 + e2 - e0) is the 3CosAdd optimum; it comes last, so a restriction can leave it out.
Embeddings method_embeddings(bool with_exact) {
  const float sx = std::sqrt(1.0f - 0.97f * 0.97f - 0.2f * 0.2f), sy = std::sqrt(1.0f - 2 * 0.38f * 0.38f);
  std::vector<std::string> words{"a", "b", "c", "x", "y"};
  std::vector<float> data{1, 0, 0, 0,  //
                          0, 1, 0, 0,  //
                          0, 0, 1, 0,  //
                          0, 0.97f, -0.2f, sx,
                          0, 0.38f, 0.38f, sy};
  if (with_exact) {
    words.push_back("exact");
    data.insert(data.end(), {-1, 1, 1, 0});
  }
  return Embeddings(words, 4, data);
}

TEST(Evaluation, AnalogyMethodChangesTheAnswer) {
  const std::string questions = ": family\na b c x\n: currency\na b c y\n";
  const Embeddings embeddings = method_embeddings(false);
  const AnalogyReport add = run_analogies(embeddings, questions, 0, AnalogyMethod::kAdd);
  expect_section(add.sections[0], "family", 1, 1, 1);
  expect_section(add.sections[1], "currency", 1, 1, 0);
  const AnalogyReport mul = run_analogies(embeddings, questions, 0, AnalogyMethod::kMul);
  expect_section(mul.sections[0], "family", 1, 1, 0);
  expect_section(mul.sections[1], "currency", 1, 1, 1);
}

TEST(Evaluation, AnalogyRestrictionAlsoLimitsTheCandidateAnswers) {
  const Embeddings embeddings = method_embeddings(true);
  const std::string questions = ": family\na b c x\n";
  // With every row, 'exact' beats 'x'; restricted to the first 5 rows it cannot be the answer.
  expect_section(run_analogies(embeddings, questions, 0).total, "total", 1, 1, 0);
  expect_section(run_analogies(embeddings, questions, 5).total, "total", 1, 1, 1);
}

TEST(Evaluation, AnalogyQuestionWordsAreNeverTheAnswer) {
  // b - a + c is closest to c itself here, yet c is excluded, so d wins.
  const Embeddings embeddings({"a", "b", "c", "d"}, 2, {1, 0, 0.9f, 0.1f, 0, 1, 0.5f, 0.5f});
  expect_section(run_analogies(embeddings, "a b c d\n").total, "total", 1, 1, 1);
}

TEST(Evaluation, AnalogiesWithoutASectionLineGoToANamelessSection) {
  const AnalogyReport report = run_analogies(analogy_embeddings(), "athens greece paris france\n");
  ASSERT_EQ(report.sections.size(), 1u);
  EXPECT_EQ(report.sections[0].correct, 1);
  expect_section(report.semantic, "semantic", 1, 1, 1);
}

TEST(Evaluation, AnalogiesSkipBlankLinesAndAcceptCrLf) {
  const AnalogyReport report =
      run_analogies(analogy_embeddings(), ": capital-world\r\n\r\nathens greece paris france\r\n\n");
  ASSERT_EQ(report.sections.size(), 1u);
  expect_section(report.sections[0], "capital-world", 1, 1, 1);
}

TEST(Evaluation, AnalogyLineWithThreeWordsIsAnErrorNamingTheLine) {
  const std::string message =
      error_of([] { run_analogies(analogy_embeddings(), ": capital-common-countries\nathens greece paris france\n"
                                                        "athens greece paris\n"); });
  EXPECT_TRUE(ContainsAll(message, {"questions-words.txt", "line 3", "found 3 words"}));
  EXPECT_TRUE(ContainsAll(error_of([] { run_analogies(analogy_embeddings(), "a b c d e\n"); }), {"line 1", "5 or more"}));
}

TEST(Evaluation, EmptyAnalogyFileIsAnError) {
  EXPECT_TRUE(ContainsAll(error_of([] { run_analogies(analogy_embeddings(), ""); }),
                          {"questions-words.txt", "empty"}));
}

// Four words at known angles from "base": cosines 0.9, 0.5, 0.1 and -0.3.
Embeddings similarity_embeddings() {
  std::vector<std::string> words{"base"};
  std::vector<float> data{1, 0};
  const std::pair<const char*, float> rows[] = {{"close", 0.9f}, {"middle", 0.5f}, {"far", 0.1f}, {"opposite", -0.3f}};
  for (const auto& [word, cosine] : rows) {
    words.push_back(word);
    data.push_back(cosine);
    data.push_back(std::sqrt(1.0f - cosine * cosine));
  }
  return Embeddings(words, 2, data);
}

SimilarityReport run_similarity(const std::string& pairs) {
  std::istringstream in(pairs);
  return evaluate_similarity(similarity_embeddings(), in, "wordsim.tsv");
}

TEST(Evaluation, SimilarityIsSpearmanWithAverageRanksForTies) {
  // Gold scores 8, 9, 3, 3 have ranks 3, 4, 1.5, 1.5; cosines 0.9, 0.5, 0.1, -0.3 have ranks 4, 3, 2, 1.
  // Deviations from the mean rank 2.5: (0.5, 1.5, -1, -1) and (1.5, 0.5, -0.5, -1.5), so
  // rho = 3.5 / sqrt(4.5 * 5) = 0.7378647873726218.
  const SimilarityReport report = run_similarity(
      "# word1\tword2\tscore\n"
      "base\tclose\t8\n"
      "Base\tMIDDLE\t9.0\n"  // case-insensitive
      "base\tfar\t3\r\n"
      "\n"
      "base\tunknown\t5\n"  // skipped: out of vocabulary
      "zebra\tbase\t1\n"
      "opposite\tbase\t3\n");
  EXPECT_NEAR(report.spearman, 0.7378647873726218, 1e-9);
  EXPECT_EQ(report.pairs, 4);
  EXPECT_EQ(report.oov_pairs, 2);
}

TEST(Evaluation, SimilarityAgreeingWithCosinesScoresOne) {
  const SimilarityReport report = run_similarity("base close 10\nbase middle 7.5\nbase far 2\nbase opposite -1\n");
  EXPECT_NEAR(report.spearman, 1.0, 1e-12);
  EXPECT_EQ(report.pairs, 4);
  EXPECT_EQ(report.oov_pairs, 0);
}

TEST(Evaluation, SimilarityMalformedLineIsAnErrorNamingTheLine) {
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity("# header\nbase\tclose\t1\nbase close\n"); }),
                          {"wordsim.tsv", "line 3"}));
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity("base close 1 extra\n"); }), {"line 1"}));
}

TEST(Evaluation, SimilarityNonNumericScoreIsAnErrorNamingTheLine) {
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity("base close 1\nbase far high\n"); }),
                          {"wordsim.tsv", "line 2", "'high'", "not a finite number"}));
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity("base close 7.5x\n"); }), {"line 1", "7.5x"}));
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity("base close nan\n"); }), {"line 1", "not a finite number"}));
}

TEST(Evaluation, EmptySimilarityFileIsAnError) {
  EXPECT_TRUE(ContainsAll(error_of([] { run_similarity(""); }), {"wordsim.tsv", "empty"}));
}

TEST(Spearman, PerfectlyMonotoneDataIsOne) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4, 5}, {1, 4, 9, 16, 1000}), 1.0);  // not linear, still monotone
  EXPECT_DOUBLE_EQ(spearman({5, 1, 3}, {50, -10, 0}), 1.0);               // order of pairs does not matter
}

TEST(Spearman, ReversedDataIsMinusOne) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {40, 30, 20, 10}), -1.0);
  EXPECT_DOUBLE_EQ(spearman({0.1, 0.2, 0.3}, {1e6, 1, -5}), -1.0);
}

TEST(Spearman, UsesAverageRanksForTies) {
  EXPECT_NEAR(spearman({8, 9, 3, 3}, {0.9, 0.5, 0.1, -0.3}), 0.7378647873726218, 1e-12);
  // Without ties: 1 - 6 * sum(d^2) / (n (n^2 - 1)) with d = (0, 1, -1, 0, 0) -> 1 - 12/120 = 0.9.
  EXPECT_NEAR(spearman({1, 2, 3, 4, 5}, {1, 3, 2, 4, 5}), 0.9, 1e-12);
}

TEST(Spearman, DegenerateInputsGiveZero) {
  EXPECT_EQ(spearman({}, {}), 0.0);
  EXPECT_EQ(spearman({1}, {2}), 0.0);
  EXPECT_EQ(spearman({1, 2, 3}, {1, 2}), 0.0);
  EXPECT_EQ(spearman({1, 1, 1}, {1, 2, 3}), 0.0);  // constant: no correlation defined
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(EvaluationCaseFolding, QuestionsMatchCapitalisedVocabularies) {
  // A cased model (as GoogleNews or fastText .vec files): "Athens", not "athens".
  const Embeddings e({"Athens", "Greece", "Baghdad", "Iraq"}, 2, {1, 0, 1, 1, 0, 0, 0, 1});
  std::istringstream questions(": capital-common-countries\nathens greece baghdad iraq\n");
  const AnalogyReport report = evaluate_analogies(e, questions, "q.txt", 0);
  EXPECT_EQ(report.total.answered, 1);
  EXPECT_EQ(report.total.correct, 1);
  std::istringstream pairs("athens\tgreece\t1\nbaghdad\tiraq\t2\nathens\tiraq\t0\n");
  EXPECT_EQ(evaluate_similarity(e, pairs, "p.tsv").pairs, 3);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(EvaluationMeaningless, NoAnsweredQuestionIsAnErrorNotZeroPercent) {
  EXPECT_EQ(error_of([] { run_analogies(analogy_embeddings(), ": capital\nxx yy zz ww\nquick quickly calm calmly\n"); }),
            "questions-words.txt: none of its 2 questions can be answered: each has a word outside the 8 words searched");
  EXPECT_TRUE(Contains(error_of([] { run_analogies(analogy_embeddings(), ": only sections\n: more\n"); }),
                       "questions-words.txt has no questions"));
}

TEST(EvaluationMeaningless, FewerThanTwoKnownPairsIsAnError) {
  EXPECT_EQ(error_of([] { run_similarity("base\tclose\t3\nbase\tunknown\t2\n"); }),
            "wordsim.tsv: 1 pair has both words in the vocabulary (1 do not); a rank correlation needs at least 2");
}

}  // namespace
}  // namespace embedlab
