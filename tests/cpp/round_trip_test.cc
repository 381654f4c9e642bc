// What we write, we read: thousands of small models, trained with random seeds on random words
// (long ones, Unicode, the awkward bytes the tokenizer lets through), saved in every format and
// loaded back identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "core/corpus.h"
#include "core/formats.h"
#include "core/model.h"
#include "core/random.h"
#include "core/text.h"
#include "core/trainer.h"
#include "test_support.h"

namespace embedlab {
namespace {

// Pieces of words: plain letters, Unicode of every UTF-8 length, C1 controls (U+0085), U+FFFD,
// inner punctuation, quotes, backslashes and digits (a word may be a number).
const char* const kPieces[] = {"a", "zz", "é", "ß", "日本", "🙂", "e\xCC\x81", "\xC2\x85", "\xEF\xBF\xBD", "'", "\"",
                               "\\", "#", ":", "-", "1", "0.5", "e+7", "nan", "%s", "<>", "Ω", "ж", "\xE2\x80\x8B"};

std::string random_word(Rng& rng) {
  std::string word;
  if (rng.below(400) == 0) {  // now and then a long word, up to the limit
    const std::size_t bytes = 1000 + rng.below(static_cast<std::uint32_t>(kMaxWordBytes - 1000));
    while (word.size() < bytes) word += static_cast<char>('a' + rng.below(26));
    return word.substr(0, bytes);
  }
  const std::size_t pieces = 1 + rng.below(5);
  for (std::size_t i = 0; i < pieces; ++i) word += kPieces[rng.below(sizeof(kPieces) / sizeof(kPieces[0]))];
  return word;
}

// A small corpus of random words; the tokenizer (punctuation kept, case kept) decides the words.
std::string random_corpus(Rng& rng) {
  std::vector<std::string> vocabulary(2 + rng.below(6));
  for (auto& word : vocabulary) word = random_word(rng);
  std::string text;
  for (std::size_t line = 0; line < 3; ++line) {
    for (std::size_t i = 0; i < 6; ++i) text += vocabulary[rng.below(static_cast<std::uint32_t>(vocabulary.size()))] + " ";
    text += "\n";
  }
  return text;
}

bool same_floats(const Embeddings& a, const Embeddings& b) {
  return a.data().size() == b.data().size() &&
         std::memcmp(a.data().data(), b.data().data(), a.data().size() * sizeof(float)) == 0;
}

TEST(RoundTrip, TenThousandTrainedModelsLoadBackIdenticalInEveryFormat) {
  Rng rng(20261129);
  int long_words = 0, checked = 0;
  for (int m = 0; m < 10000; ++m) {
    CorpusOptions corpus_options;
    corpus_options.min_count = 1;
    corpus_options.tokenizer.lowercase = false;
    corpus_options.tokenizer.strip_punctuation = false;
    const Corpus corpus = build_corpus(random_corpus(rng), corpus_options, "random.txt");
    TrainOptions options;
    options.dim = 1 + static_cast<int>(rng.below(6));
    options.epochs = 1;
    options.negative = 2;
    options.sample = 0;
    options.seed = rng.next();
    Trainer trainer(corpus, options);
    while (!trainer.run_for(1000)) {
    }
    const Embeddings trained = trainer.embeddings();
    for (const auto& word : trained.words()) long_words += word.size() >= 1000;
    const std::string trace = "model " + std::to_string(m) + " (seed " + std::to_string(options.seed) + ")";

    // word2vec binary: bit-exact, with the format named and detected.
    std::ostringstream binary;
    write_word2vec_binary(trained, binary);
    for (const VectorFormat format : {VectorFormat::kAuto, VectorFormat::kWord2VecBinary}) {
      const Embeddings loaded = parse_vectors(binary.str(), "m.bin", format);
      ASSERT_EQ(loaded.words(), trained.words()) << trace;
      ASSERT_TRUE(same_floats(loaded, trained)) << trace;
    }
    // word2vec text with 9 significant digits: bit-exact (9 digits identify every float32).
    std::ostringstream text;
    write_word2vec_text(trained, text, 9);
    for (const VectorFormat format : {VectorFormat::kAuto, VectorFormat::kWord2VecText}) {
      const Embeddings loaded = parse_vectors(text.str(), "m.vec", format);
      ASSERT_EQ(loaded.words(), trained.words()) << trace;
      ASSERT_TRUE(same_floats(loaded, trained)) << trace;
    }
    // GloVe is word2vec text without its header: bit-exact when named (a first word that is a
    // number would make its first row look like a header).
    const std::string glove = text.str().substr(text.str().find('\n') + 1);
    const Embeddings from_glove = parse_vectors(glove, "m.txt", VectorFormat::kGloveText);
    ASSERT_EQ(from_glove.words(), trained.words()) << trace;
    ASSERT_TRUE(same_floats(from_glove, trained)) << trace;
    // The projector pair has no reader; row i of vectors.tsv with word i of metadata.tsv is GloVe.
    std::ostringstream vectors, metadata;
    write_projector_tsv(trained, vectors, metadata, 9);
    std::istringstream vector_rows(vectors.str()), metadata_rows(metadata.str());
    std::string joined;
    for (std::string row, word; std::getline(vector_rows, row) && std::getline(metadata_rows, word);) joined += word + "\t" + row + "\n";
    const Embeddings from_projector = parse_vectors(joined, "projector", VectorFormat::kGloveText);
    ASSERT_EQ(from_projector.words(), trained.words()) << trace;
    ASSERT_TRUE(same_floats(from_projector, trained)) << trace;
    // The model file: the whole model, bit-exact.
    std::ostringstream saved(std::ios::binary);
    trainer.model().save(saved);
    std::istringstream in(saved.str(), std::ios::binary);
    const Model loaded = Model::load(in, "m.model");
    ASSERT_EQ(loaded.vocabulary().words(), trainer.model().vocabulary().words()) << trace;
    ASSERT_EQ(loaded.options(), trainer.model().options()) << trace;
    for (const char* name : {"input", "output"}) {
      const Matrix& a = loaded.matrix(name);
      const Matrix& b = trainer.model().matrix(name);
      ASSERT_EQ(a.rows(), b.rows()) << trace;
      ASSERT_EQ(std::memcmp(a.data(), b.data(), a.rows() * a.cols() * sizeof(float)), 0) << trace << " " << name;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 10000);
  EXPECT_GT(long_words, 10) << "the generator should make long words now and then";
}

TEST(RoundTrip, DefaultTextPrecisionKeepsSixSignificantDigits) {
  // The default (6 digits, as fastText) is not bit-exact: each value is within half a unit of its
  // sixth digit. Precision 9 is exact (above).
  Rng rng(7);
  std::vector<float> data;
  for (int i = 0; i < 3000; ++i) data.push_back((static_cast<float>(rng.below(1u << 24)) / (1u << 23) - 1.0f) * std::ldexp(1.0f, static_cast<int>(rng.below(40)) - 20));
  const Embeddings original({"x", "y", "z"}, 1000, data);
  std::ostringstream text;
  write_word2vec_text(original, text);
  const Embeddings loaded = parse_vectors(text.str(), "six.vec");
  for (std::size_t i = 0; i < data.size(); ++i) {
    ASSERT_LE(std::fabs(loaded.data()[i] - data[i]), 5e-6 * std::fabs(data[i]) + 1e-30) << i;
  }
}

}  // namespace
}  // namespace embedlab
