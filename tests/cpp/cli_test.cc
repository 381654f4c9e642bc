// The embedlab command-line tool, run as a user would: train on a small corpus, query the
// vectors, evaluate them, and fail with a one-line "embedlab: error: ..." on every bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/embeddings.h"
#include "core/formats.h"
#include "core/model.h"
#include "core/safetensors.h"
#include "core/random.h"
#include "test_support.h"

namespace embedlab {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code;       // 128 + signal when the process was killed
  std::string output;  // stdout and stderr, interleaved
};

// Runs the CLI through the shell; every argument is already quoted by the caller as needed.
CliResult run_cli(const std::string& arguments) {
  const std::string command = std::string("'") + EMBEDLAB_CLI_PATH + "' " + arguments + " 2>&1 </dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  const int status = pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return {code, output};
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

bool contains(const std::string& text, const std::string& fragment) { return text.find(fragment) != std::string::npos; }


// Hand-made vectors (axes: person, royal, female, fruit, pear-ness) with answers known on paper.
const char* kFamilyVectors =
    "7 5\n"
    "man 1 0 0 0 0\n"
    "woman 1 0 1 0 0\n"
    "king 1 1 0 0 0\n"
    "queen 1 1 1 0 0\n"
    "royal 0 1 0 0 0\n"
    "apple 0 0 0 1 0\n"
    "pear 0 0 0 1 0.3\n";

// One printed neighbour: "  1  queen                    0.8165".
struct Row {
  int rank;
  std::string word;
  double similarity;
};

std::vector<Row> neighbour_rows(const std::string& output) {
  std::vector<Row> rows;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    Row row;
    if (fields >> row.rank >> row.word >> row.similarity) rows.push_back(row);
  }
  return rows;
}

// The whitespace-separated fields of the first output line starting with `name`.
std::vector<std::string> report_row(const std::string& output, const std::string& name) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> row;
    for (std::string f; fields >> f;) row.push_back(f);
    if (!row.empty() && row[0] == name) return row;
  }
  return {};
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "embedlab-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path write(const std::string& name, const std::string& contents) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  // Every failure: exit code 1, one "embedlab: error:" line with `fragment`, no crash.
  void expect_clean_error(const std::string& arguments, const std::string& fragment) {
    SCOPED_TRACE("embedlab " + arguments);
    const CliResult r = run_cli(arguments);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "embedlab: error: ")) << r.output;
    EXPECT_TRUE(contains(r.output, fragment)) << "expected '" << fragment << "' in: " << r.output;
    EXPECT_FALSE(contains(r.output, "terminate called")) << r.output;
    EXPECT_FALSE(contains(r.output, "Aborted")) << r.output;
    EXPECT_FALSE(contains(r.output, "core dumped")) << r.output;
  }

  fs::path dir_;
};

const char* kSmallTraining = " --dim 20 --epochs 10 --min-count 1 --sample 0 --seed 3";

TEST_F(Cli, TrainWritesVectorsThatLoadAndKnowThePlantedAnalogy) {
  const fs::path corpus = write("corpus.txt", planted_corpus(2000, 11));
  const fs::path vectors = dir_ / "vectors.vec";
  const CliResult r = run_cli("train --input " + quoted(corpus) + " --output " + quoted(vectors) + kSmallTraining);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Progress goes to stderr: the summary lines.
  EXPECT_TRUE(contains(r.output, "47 words (min-count 1); kernels: ")) << r.output;
  EXPECT_TRUE(contains(r.output, "trained 47 x 20")) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "vectors.vec.tmp"));

  const std::string bytes = read_bytes(vectors);
  EXPECT_EQ(bytes.substr(0, 6), "47 20\n");
  EXPECT_EQ(detect_format(bytes, "vectors.vec"), VectorFormat::kWord2VecText);
  const Embeddings e = load_vectors(vectors.string());
  EXPECT_EQ(e.size(), 47u);
  EXPECT_EQ(e.dim(), 20u);
  EXPECT_LE(e.words()[0].size(), 3u) << "filler words are the most frequent, found " << e.words()[0];
  const auto answer = e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 3);
  EXPECT_EQ(answer[0].word, "queen");

  // The same through the CLI: A - B + C.
  const CliResult analogy = run_cli("analogy " + quoted(vectors) + " king man woman --top 3");
  ASSERT_EQ(analogy.exit_code, 0) << analogy.output;
  const auto rows = neighbour_rows(analogy.output);
  ASSERT_EQ(rows.size(), 3u) << analogy.output;
  EXPECT_EQ(rows[0].word, "queen") << analogy.output;
}

TEST_F(Cli, QuietTrainingPrintsNothing) {
  const fs::path corpus = write("corpus.txt", planted_corpus(300, 5));
  const CliResult r = run_cli("train --quiet --input " + quoted(corpus) + " --output " + quoted(dir_ / "v.vec") + kSmallTraining);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  EXPECT_TRUE(fs::exists(dir_ / "v.vec"));
}

TEST_F(Cli, BinaryOptionWritesWord2VecBinaryWithTheSameVectors) {
  const fs::path corpus = write("corpus.txt", planted_corpus(500, 5));
  const fs::path text = dir_ / "v.vec", binary = dir_ / "v.bin";
  const std::string common = " --quiet --threads 1 --input " + quoted(corpus) + kSmallTraining;
  ASSERT_EQ(run_cli("train --output " + quoted(text) + common).exit_code, 0);
  const CliResult r = run_cli("train --binary --output " + quoted(binary) + common);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const std::string bytes = read_bytes(binary);
  EXPECT_EQ(detect_format(bytes, "v.bin"), VectorFormat::kWord2VecBinary);
  const Embeddings b = load_vectors(binary.string());
  const Embeddings t = load_vectors(text.string());
  ASSERT_EQ(b.words(), t.words());
  ASSERT_EQ(b.dim(), 20u);
  // Header, then per word: the word, a space, dim floats and a newline.
  std::size_t expected_size = std::to_string(b.size()).size() + 4;  // "47 20\n"
  for (const auto& w : b.words()) expected_size += w.size() + 1 + 20 * sizeof(float) + 1;
  EXPECT_EQ(bytes.size(), expected_size);
  // One thread and one seed: the same training, text rounded to 6 significant digits.
  for (std::size_t i = 0; i < b.data().size(); ++i) {
    ASSERT_NEAR(t.data()[i], b.data()[i], 1e-5 * std::fabs(b.data()[i]) + 1e-12) << "value " << i;
  }
}

TEST_F(Cli, SimilarPrintsRankedNeighboursWithoutTheQueryWord) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  const CliResult r = run_cli("similar " + quoted(vectors) + " king --top 3");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rows = neighbour_rows(r.output);
  ASSERT_EQ(rows.size(), 3u) << r.output;
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_EQ(rows[0].word, "queen");
  EXPECT_NEAR(rows[0].similarity, 0.8165, 1e-4);
  EXPECT_EQ(rows[2].rank, 3);
  for (const auto& row : rows) EXPECT_NE(row.word, "king");
  EXPECT_GE(rows[0].similarity, rows[1].similarity);
  EXPECT_GE(rows[1].similarity, rows[2].similarity);

  const CliResult minus = run_cli("similar " + quoted(vectors) + " king woman --minus man --top 1");
  ASSERT_EQ(minus.exit_code, 0) << minus.output;
  const auto best = neighbour_rows(minus.output);
  ASSERT_EQ(best.size(), 1u) << minus.output;
  EXPECT_EQ(best[0].word, "queen");

  const CliResult restricted = run_cli("similar " + quoted(vectors) + " king --restrict 2");
  const auto two = neighbour_rows(restricted.output);
  ASSERT_EQ(two.size(), 2u) << restricted.output;
  EXPECT_EQ(two[0].word, "man");
  EXPECT_EQ(two[1].word, "woman");
}

TEST_F(Cli, AnalogyComputesAMinusBPlusC) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  for (const char* method : {"add", "mul"}) {
    const CliResult r = run_cli("analogy " + quoted(vectors) + " king man woman --top 2 --method " + method);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto rows = neighbour_rows(r.output);
    ASSERT_EQ(rows.size(), 2u) << r.output;
    EXPECT_EQ(rows[0].word, "queen") << method;
  }
  const CliResult r = run_cli("analogy " + quoted(vectors) + " king man woman --top 1");
  EXPECT_NEAR(neighbour_rows(r.output).at(0).similarity, 0.9750, 1e-3) << r.output;
}

TEST_F(Cli, SimilarityAndDoesntMatchPrintTheirAnswer) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  const CliResult s = run_cli("similarity " + quoted(vectors) + " king royal");
  ASSERT_EQ(s.exit_code, 0) << s.output;
  EXPECT_EQ(s.output, "0.7071\n");
  const CliResult d = run_cli("doesnt-match " + quoted(vectors) + " king queen man apple");
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_EQ(d.output, "apple\n");
}

TEST_F(Cli, EvalReportsAnalogyAccuracyPerSection) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  const fs::path questions = write("questions.txt",
                                   ": family\n"
                                   "man king woman queen\n"   // right
                                   "man woman king queen\n"   // right
                                   "MAN KING WOMAN ROYAL\n"   // wrong (queen), case-insensitive
                                   ": gram-fruit\n"
                                   "man king apple pear\n"    // right
                                   "foo bar baz qux\n");      // not answered
  const CliResult r = run_cli("eval " + quoted(vectors) + " " + quoted(questions));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto expect_row = [&](const std::string& name, const std::vector<std::string>& fields) {
    const auto row = report_row(r.output, name);
    ASSERT_EQ(row.size(), 7u) << "row '" << name << "' in:\n" << r.output;
    EXPECT_EQ(std::vector<std::string>(row.begin() + 1, row.end()), fields) << r.output;
  };
  expect_row("family", {"66.67%", "2", "/", "3", "coverage", "100.00%"});
  expect_row("gram-fruit", {"100.00%", "1", "/", "1", "coverage", "50.00%"});
  expect_row("semantic", {"66.67%", "2", "/", "3", "coverage", "100.00%"});
  expect_row("syntactic", {"100.00%", "1", "/", "1", "coverage", "50.00%"});
  expect_row("total", {"75.00%", "3", "/", "4", "coverage", "80.00%"});
}

TEST_F(Cli, EvalReportsSpearmanForWordPairs) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  // Scores ordered like the cosines (0 < 0.71 < 0.82 < 0.96), plus one unknown word.
  const fs::path pairs = write("pairs.tsv", "# word pairs\nking\tapple\t0.5\nman\twoman\t5\nking\tqueen\t6\napple\tpear\t9.5\nfoo\tbar\t3\n");
  const CliResult r = run_cli("eval " + quoted(vectors) + " " + quoted(pairs));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "spearman 1.0000  pairs 4  oov 1\n");
}

// ---- errors -------------------------------------------------------------------------------------

TEST_F(Cli, MissingInputFileIsAnError) {
  expect_clean_error("train --input " + quoted(dir_ / "missing.txt") + " --output " + quoted(dir_ / "v.vec"),
                     "cannot open '" + (dir_ / "missing.txt").string() + "'");
  EXPECT_FALSE(fs::exists(dir_ / "v.vec"));
  expect_clean_error("similar " + quoted(dir_ / "missing.vec") + " king", "cannot open");
}

TEST_F(Cli, EmptyCorpusIsAnError) {
  const fs::path empty = write("empty.txt", "");
  expect_clean_error("train --input " + quoted(empty) + " --output " + quoted(dir_ / "v.vec"), "has no words");
  const fs::path punctuation = write("punctuation.txt", "... !!!\n\n-- ,\n");
  expect_clean_error("train --input " + quoted(punctuation) + " --output " + quoted(dir_ / "v.vec"), "has no words");
  EXPECT_FALSE(fs::exists(dir_ / "v.vec"));
}

TEST_F(Cli, CorpusEmptiedByMinCountIsAnError) {
  const fs::path corpus = write("few.txt", "the cat sat on the mat\n");
  expect_clean_error("train --input " + quoted(corpus) + " --output " + quoted(dir_ / "v.vec") + " --min-count 5",
                     "no word occurs at least 5 times, the min count");
  EXPECT_FALSE(fs::exists(dir_ / "v.vec"));
}

TEST_F(Cli, BadTrainingOptionsAreErrorsNamingTheOption) {
  const fs::path corpus = write("corpus.txt", planted_corpus(50, 1));
  const std::string base = "train --input " + quoted(corpus) + " --output " + quoted(dir_ / "v.vec") + " ";
  expect_clean_error(base + "--dim 0", "dim must be between 1 and 10,000, got 0");
  expect_clean_error(base + "--dim 10001", "dim must be between 1 and 10,000, got 10001");
  expect_clean_error(base + "--window 0", "window must be between");
  expect_clean_error(base + "--negative -1", "negative must be between");
  expect_clean_error(base + "--epochs 0", "epochs must be between");
  expect_clean_error(base + "--threads 0", "threads must be between");
  expect_clean_error(base + "--dim abc", "--dim expects a whole number, got 'abc'");
  expect_clean_error(base + "--model lstm", "--model must be 'cbow' or 'skipgram'");
  expect_clean_error(base + "--loss softmax", "--loss must be 'ns' or 'hs'");
  expect_clean_error(base + "--dim", "option --dim needs a value");
  expect_clean_error("train --input " + quoted(corpus), "train needs --output");
  expect_clean_error("train", "train needs --input and --output");
  expect_clean_error(base + "--alpha -1", "--alpha must be between 0 and 10, got -1");
  EXPECT_FALSE(fs::exists(dir_ / "v.vec"));
}

TEST_F(Cli, UnknownOptionsAndVerbsAreErrors) {
  const fs::path corpus = write("corpus.txt", planted_corpus(50, 1));
  expect_clean_error("train --input " + quoted(corpus) + " --output " + quoted(dir_ / "v.vec") + " --bogus 3",
                     "unknown option '--bogus' for 'train'");
  expect_clean_error("similar " + quoted(dir_ / "v.vec") + " king --window 3", "unknown option '--window'");
  expect_clean_error("quack", "unknown verb 'quack'");
}

TEST_F(Cli, UnknownWordIsAnError) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  expect_clean_error("similar " + quoted(vectors) + " quene", "word 'quene' is not in the vocabulary (7 words)");
  expect_clean_error("analogy " + quoted(vectors) + " king man quene", "word 'quene' is not in the vocabulary");
}

TEST_F(Cli, MalformedVectorsFileErrorNamesTheLine) {
  const fs::path short_row = write("short.vec", "2 3\na 1 2 3\nb 1 2\n");
  expect_clean_error("similar " + quoted(short_row) + " a", "line 3");
  expect_clean_error("similar " + quoted(short_row) + " a", "expected 3 numbers after 'b', found 2");
  const fs::path garbage = write("garbage.vec", "2 2\na 1 x\nb 1 2\n");
  expect_clean_error("similar " + quoted(garbage) + " a", "line 2");
  const fs::path not_vectors = write("prose.txt", "this is not a vectors file\n");
  expect_clean_error("similar " + quoted(not_vectors) + " a", "not a vectors file");
}

TEST_F(Cli, FormatOptionNamesTheVectorsFormatOnEveryVerbThatReadsVectors) {
  // "1 1\nw 0.12\n" is text; read as binary its four bytes "0.12" would be a finite float.
  const fs::path text = write("tiny.vec", "2 1\nw 0.12\nv 0.5\n");
  const fs::path glove = write("tiny.txt", "w 0.12\nv 0.5\n");
  EXPECT_EQ(run_cli("similarity " + quoted(text) + " w v --format word2vec-text").output, "1.0000\n");
  EXPECT_EQ(run_cli("similarity " + quoted(glove) + " w v --format glove").output, "1.0000\n");
  for (const std::string verb : {"similar " + quoted(text) + " w", "analogy " + quoted(text) + " w v w",
                                 "similarity " + quoted(text) + " w v", "doesnt-match " + quoted(text) + " w v w",
                                 "eval " + quoted(text) + " " + quoted(glove),
                                 "convert " + quoted(text) + " " + quoted(dir_ / "out.bin")}) {
    expect_clean_error(verb + " --format word2vec-binary", "tiny.vec");
    expect_clean_error(verb + " --format word2vec-binary", "looks like word2vec text");
  }
  expect_clean_error("similar " + quoted(text) + " w --format csv", "--format must be 'auto', 'word2vec-text'");
}

TEST_F(Cli, MissingArgumentsAreErrors) {
  expect_clean_error("similar", "missing arguments; usage: embedlab similar");
  expect_clean_error("analogy " + quoted(dir_ / "v.vec") + " king man", "missing arguments");
}

TEST_F(Cli, AlphaZeroMeansTheDefaultLearningRate) {
  const fs::path corpus = write("corpus.txt", planted_corpus(300, 5));
  const std::string base = "train --quiet --input " + quoted(corpus) + kSmallTraining;
  ASSERT_EQ(run_cli(base + " --output " + quoted(dir_ / "default.vec")).exit_code, 0);
  const CliResult r = run_cli(base + " --alpha 0 --output " + quoted(dir_ / "zero.vec"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_bytes(dir_ / "zero.vec"), read_bytes(dir_ / "default.vec"));
}

TEST_F(Cli, TokenizeWritesTheTokensTrainingSees) {
  const fs::path input = write("mixed.txt", "\xEF\xBB\xBFThe King, the QUEEN!\n\n  \"Hello\"   world...\n");
  const fs::path output = dir_ / "mixed.tok";
  const CliResult r = run_cli("tokenize " + quoted(input) + " " + quoted(output));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  EXPECT_EQ(read_bytes(output), "the king the queen\n\nhello world\n");
  ASSERT_EQ(run_cli("tokenize --keep-case --keep-punctuation " + quoted(input) + " " + quoted(output)).exit_code, 0);
  EXPECT_EQ(read_bytes(output), "The King, the QUEEN!\n\n\"Hello\" world...\n");
  const char kBinary[] = "fine\nbad \0 byte\n";
  const fs::path binary = write("binary.txt", std::string(kBinary, sizeof(kBinary) - 1));
  expect_clean_error("tokenize " + quoted(binary) + " " + quoted(dir_ / "never.tok"), "binary.txt line 2: NUL byte");
  EXPECT_FALSE(fs::exists(dir_ / "never.tok"));
}

TEST_F(Cli, BpeTrainsATokenizerThatEncodesAndDecodes) {
  const fs::path corpus = write("corpus.txt", planted_corpus(400, 7));
  const fs::path tok = dir_ / "tok.model";
  const CliResult trained = run_cli("bpe train --input " + quoted(corpus) + " --output " + quoted(tok) + " --vocab-size 300");
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_TRUE(contains(trained.output, "learning 39 merges")) << trained.output;
  EXPECT_TRUE(contains(trained.output, "trained 300 tokens (39 merges) in ")) << trained.output;
  ASSERT_TRUE(fs::exists(tok));

  const CliResult encoded = run_cli("bpe encode --tokenizer " + quoted(tok) + " 'the king' 'and the queen'");
  ASSERT_EQ(encoded.exit_code, 0) << encoded.output;
  std::string ids = encoded.output.substr(0, encoded.output.size() - 1);
  EXPECT_LT(std::count(ids.begin(), ids.end(), ' ') + 1, 22) << "fewer tokens than bytes: " << ids;
  const CliResult decoded = run_cli("bpe decode --tokenizer " + quoted(tok) + " " + ids);
  ASSERT_EQ(decoded.exit_code, 0) << decoded.output;
  EXPECT_EQ(decoded.output, "the king and the queen\n");
  const CliResult pieces = run_cli("bpe encode --tokenizer " + quoted(tok) + " --pieces --merges 0 'a b'");
  EXPECT_EQ(pieces.output, "a Ġ b\n");  // no merges: the bytes
  const CliResult special = run_cli("bpe encode --tokenizer " + quoted(tok) + " --allow-special '[MASK]<|endoftext|>'");
  EXPECT_EQ(special.output, "298 295\n");

  expect_clean_error("bpe encode --tokenizer " + quoted(tok) + " --allow-special 'a [FOO]'", "unknown special token '[FOO]'");
  expect_clean_error("bpe decode --tokenizer " + quoted(tok) + " 1 300", "token id 300 is outside the vocabulary (ids 0 to 299)");
  expect_clean_error("bpe decode --tokenizer " + quoted(corpus) + " 1", "not an embedlab model");
  expect_clean_error("bpe train --input " + quoted(corpus) + " --output " + quoted(dir_ / "never.model") + " --vocab-size 5000",
                     "the text supports at most");
  expect_clean_error("bpe train --input " + quoted(corpus) + " --output " + quoted(dir_ / "never.model") + " --vocab-size 99",
                     "--vocab-size must be between 261 and 16,777,216, got 99");
  EXPECT_FALSE(fs::exists(dir_ / "never.model"));
}

TEST_F(Cli, LongUserTextIsCutInMessages) {
  const fs::path vectors = write("family.vec", kFamilyVectors);
  const CliResult r = run_cli("similar " + quoted(vectors) + " " + std::string(5000, 'q'));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "embedlab: error: word '" + std::string(60, 'q') + "\u2026' (5,000 bytes) is not in the vocabulary (7 words)\n");
}

TEST_F(Cli, HelpOnEveryVerbExitsZeroAndPrintsUsage) {
  for (const char* verb : {"train", "similar", "analogy", "eval", "similarity", "doesnt-match", "convert", "tokenize",
                           "bpe train", "bpe encode", "bpe decode"}) {
    for (const char* flag : {"--help", "-h"}) {
      const CliResult r = run_cli(std::string(verb) + " " + flag);
      EXPECT_EQ(r.exit_code, 0) << verb << " " << flag << ": " << r.output;
      EXPECT_TRUE(contains(r.output, "usage: embedlab " + std::string(verb))) << verb << ": " << r.output;
    }
  }
  // --help wins over other (even bad) arguments.
  const CliResult r = run_cli("train --dim 0 --help");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "usage"));

  const CliResult main_help = run_cli("--help");
  EXPECT_EQ(main_help.exit_code, 0);
  EXPECT_TRUE(contains(main_help.output, "usage: embedlab VERB"));
  const CliResult nothing = run_cli("");
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_TRUE(contains(nothing.output, "usage"));
  const CliResult version = run_cli("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind(std::string("embedlab ") + EMBEDLAB_VERSION + " (kernels: ", 0), 0u) << version.output;
}

}  // namespace
}  // namespace embedlab

// ---- language models ----------------------------------------------------------------------------

namespace embedlab {
namespace {

// A tiny language model configuration: seconds of training, not minutes.
const char* kTinyLanguageModel = " --vocab-size 300 --width 16 --heads 2 --context 16 --batch 4 --warmup 5 --seed 2";

TEST_F(Cli, LmTrainWritesAModelThatSamplesShowsItsInputsAndExports) {
  const fs::path corpus = write("corpus.txt", planted_corpus(800, 1));
  const fs::path model = dir_ / "lm.model";
  const CliResult r = run_cli("lm train --input " + quoted(corpus) + " --output " + quoted(model) + kTinyLanguageModel +
                              " --steps 30 --validate-every 10 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "trained a byte-level BPE of 300 tokens")) << r.output;
  EXPECT_TRUE(contains(r.output, "step 30/30")) << r.output;
  EXPECT_TRUE(contains(r.output, "trained 30 steps in")) << r.output;
  EXPECT_TRUE(contains(r.output, "bigram baseline")) << r.output;
  EXPECT_TRUE(contains(r.output, "{\"steps\":30,\"threads\":1,")) << r.output;
  std::ifstream in(model, std::ios::binary);
  const Model loaded = Model::load(in, "lm.model");
  EXPECT_EQ(loaded.kind(), "transformer");
  EXPECT_EQ(loaded.option("width"), "16");
  EXPECT_EQ(loaded.option("steps"), "30");

  const std::string sample = "lm sample --model " + quoted(model) + " --prompt 'the king' --tokens 6 --seed 4";
  const CliResult first = run_cli(sample);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output.rfind("the king", 0), 0u) << first.output;
  EXPECT_EQ(run_cli(sample).output, first.output) << "the same seed gives the same text";

  const CliResult inputs = run_cli("lm inputs --model " + quoted(model) + " 'the king'");
  ASSERT_EQ(inputs.exit_code, 0) << inputs.output;
  EXPECT_TRUE(contains(inputs.output, "x width 16; positional learned")) << inputs.output;
  for (const char* row : {"\n  token ", "\n  position ", "\n  segment ", "\n  sum "}) EXPECT_TRUE(contains(inputs.output, row));

  const fs::path weights = dir_ / "w.safetensors";
  ASSERT_EQ(run_cli("lm export --model " + quoted(model) + " --output " + quoted(weights)).exit_code, 0);
  std::ifstream st(weights, std::ios::binary);
  EXPECT_EQ(read_safetensors(st, "w.safetensors").tensors.size(), loaded.matrices().size());
  EXPECT_EQ(run_cli("similar " + quoted(model) + " Ġthe --top 3").exit_code, 0) << "the token embeddings answer queries";
  expect_clean_error("lm fill --model " + quoted(model) + " 'the [MASK]'", "needs a masked-word model");
}

TEST_F(Cli, LmMaskedModelsFillMasksAndShowSegments) {
  const fs::path corpus = write("corpus.txt", planted_corpus(800, 1));
  const fs::path model = dir_ / "masked.model";
  const CliResult r = run_cli("lm train --objective masked --positional rope --input " + quoted(corpus) + " --output " +
                              quoted(model) + kTinyLanguageModel + " --steps 10 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "") << "--quiet";
  const CliResult fill = run_cli("lm fill --model " + quoted(model) + " 'the [MASK] was' --top-k 3");
  ASSERT_EQ(fill.exit_code, 0) << fill.output;
  EXPECT_TRUE(contains(fill.output, "[MASK] at token ")) << fill.output;
  EXPECT_TRUE(contains(fill.output, ":\n  1  '")) << fill.output;
  EXPECT_TRUE(contains(fill.output, "\n  3  '")) << fill.output;
  const CliResult inputs = run_cli("lm inputs --model " + quoted(model) + " king --pair queen");
  ASSERT_EQ(inputs.exit_code, 0) << inputs.output;
  EXPECT_TRUE(contains(inputs.output, "'[CLS]'")) << inputs.output;
  EXPECT_TRUE(contains(inputs.output, "segment B")) << inputs.output;
  expect_clean_error("lm sample --model " + quoted(model), "needs a next-word model");
  expect_clean_error("lm fill --model " + quoted(model) + " 'no mask here'", "no [MASK]");
}

TEST_F(Cli, LmTrainReportsTheInitialParityLossAndExportsTheInitialWeights) {
  const fs::path corpus = write("corpus.txt", planted_corpus(800, 1));
  const fs::path init = dir_ / "init.safetensors";
  const CliResult r = run_cli("lm train --input " + quoted(corpus) + " --output " + quoted(dir_ / "m.model") +
                              kTinyLanguageModel + " --steps 0 --report-initial --export-init " + quoted(init) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  double loss = 0, norm = 0;
  ASSERT_EQ(std::sscanf(r.output.c_str(), "initial loss %lf grad-norm %lf", &loss, &norm), 2) << r.output;
  EXPECT_NEAR(loss, std::log(300.0), 0.1) << "GPT-2's initialisation predicts nearly uniformly";
  EXPECT_GT(norm, 0.0);
  std::ifstream st(init, std::ios::binary);
  EXPECT_EQ(read_safetensors(st, "init").tensors.size(), 28u);  // wte, wpe, ln_f x 2, 12 per layer
}

// The benchmark's shared data: the same ids for every tool, so step 0 can be compared exactly. The
// parity batch is row b = ids[b*context, (b+1)*context) (docs/transformer.md): changing an id past
// the batch's last target leaves the initial loss as it was; changing one inside changes it.
TEST_F(Cli, LmTrainOnTokenIdsUsesTheParityBatchOfTheIdsAndNamesABadId) {
  std::string ids, later_changed, early_changed;
  for (int i = 0; i < 400; ++i) ids += std::to_string((i * 37 + i / 7) % 50) + (i % 20 == 19 ? "\n" : " ");
  const auto report = [&](const std::string& train) {
    const fs::path file = write("train.ids", train);
    const fs::path validation = write("val.ids", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n");
    const CliResult r = run_cli("lm train --ids --input " + quoted(file) + " --validation " + quoted(validation) +
                                " --vocab-size 50 --width 16 --heads 2 --context 8 --batch 4 --steps 0 --report-initial"
                                " --quiet --output " + quoted(dir_ / "ids.model"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  };
  const std::string base = report(ids);
  EXPECT_EQ(base.rfind("initial loss ", 0), 0u) << base;
  std::string changed = ids;
  changed.replace(changed.rfind(' ') + 1, std::string::npos, "0\n");  // the last id: far past the batch
  EXPECT_EQ(report(changed), base);
  changed = ids;
  changed[0] = changed[0] == '1' ? '2' : '1';  // the first input of row 0
  EXPECT_NE(report(changed), base);

  const fs::path bad = write("bad.ids", "1 2 3\n4 50 6\n");
  expect_clean_error("lm train --ids --input " + quoted(bad) + " --validation " + quoted(bad) +
                         " --vocab-size 50 --output " + quoted(dir_ / "never.model"),
                     "bad.ids line 2: expected a token id from 0 to 49, got '50'");
  expect_clean_error("lm train --ids --input " + quoted(bad) + " --vocab-size 50 --output " + quoted(dir_ / "never.model"),
                     "--ids needs --validation");
}

TEST_F(Cli, LmBadSizesAreErrorsNamingTheProblem) {
  const fs::path corpus = write("corpus.txt", planted_corpus(300, 1));
  const std::string base = "lm train --input " + quoted(corpus) + " --output " + quoted(dir_ / "never.model");
  const std::pair<const char*, const char*> cases[] = {
      {" --width 0", "--width must be between"},
      {" --heads 3 --width 16", "3 heads do not divide its width"},
      {" --context 100000", "--context must be between"},
      {" --layers 1000", "--layers must be between"},
      {" --batch 0", "--batch must be between"},
      {" --lr 5", "--lr must be between"},
      {" --positional alibi", "--positional must be"},
      {" --vocab-size 60000 --steps 1", "the text supports at most"},
  };
  for (const auto& [options, message] : cases) expect_clean_error(base + options, message);
  const fs::path short_text = write("short.txt", planted_corpus(20, 1));
  expect_clean_error("lm train --input " + quoted(short_text) + " --output x.model --context 2000 --vocab-size 270",
                     "needs at least 2,001 tokens");
  expect_clean_error("lm sample --model " + quoted(corpus), "");
  expect_clean_error("lm train --input " + quoted(dir_ / "missing.txt") + " --output x.model", "cannot open");
  EXPECT_FALSE(fs::exists(dir_ / "never.model"));
}

}  // namespace
}  // namespace embedlab
