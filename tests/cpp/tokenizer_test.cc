// The word tokenizer behind the Tokenizer interface: text to ids and back, query lookups that
// normalise as the training text was normalised, rebuilding from saved settings, and mapping a
// corpus onto a model's vocabulary.
#include "core/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace embedlab {
namespace {

using Ids = std::vector<std::int32_t>;

TokenizerOptions lowercasing() { return TokenizerOptions{}; }

TokenizerOptions keeping_case() {
  TokenizerOptions o;
  o.lowercase = false;
  return o;
}

const Vocabulary& royal_words() {
  static const Vocabulary words({"the", "king", "queen", "e.g", "naïve", "日本"}, {9, 5, 4, 2, 2, 1});
  return words;
}

TEST(WordTokenizer, EncodesTextAsVocabularyIdsSkippingUnknownWords) {
  const WordTokenizer tokenizer(lowercasing(), royal_words());
  Ids ids = {42};
  tokenizer.encode("The King, the QUEEN and a jester.\nNaïve 日本!", ids);
  EXPECT_EQ(ids, (Ids{0, 1, 0, 2, 4, 5}));
  tokenizer.encode("", ids);
  EXPECT_TRUE(ids.empty()) << "the output is cleared first";
}

TEST(WordTokenizer, DecodesIdsToWordsAndRefusesUnknownIds) {
  const WordTokenizer tokenizer(lowercasing(), royal_words());
  EXPECT_EQ(tokenizer.decode({1, 0, 2}), "king the queen");
  EXPECT_EQ(tokenizer.decode({}), "");
  EXPECT_TRUE(ContainsAll(error_of([&] { tokenizer.decode({1, 6}); }), {"token id 6", "6 words"}));
  EXPECT_TRUE(Contains(error_of([&] { tokenizer.decode({-1}); }), "token id -1"));
}

TEST(WordTokenizer, RefusesBinaryTextAsTheCorpusReaderDoes) {
  const WordTokenizer tokenizer(lowercasing(), royal_words());
  Ids ids;
  EXPECT_TRUE(Contains(error_of([&] { tokenizer.encode(std::string("king\0queen", 10), ids); }), "NUL"));
}

TEST(WordTokenizer, ALowercasingModelFindsCapitalisedQueries) {
  const WordTokenizer tokenizer(lowercasing(), royal_words());
  EXPECT_EQ(tokenizer.find("king"), 1);
  EXPECT_EQ(tokenizer.find("King"), 1);
  EXPECT_EQ(tokenizer.find("KING"), 1);
  EXPECT_EQ(tokenizer.find("NAÏVE"), 4);
  EXPECT_EQ(tokenizer.find("king,"), 1) << "punctuation is stripped as in the training text";
  EXPECT_EQ(tokenizer.find("E.G."), 3);
  EXPECT_EQ(tokenizer.find("jester"), -1);
  EXPECT_EQ(tokenizer.find("king queen"), -1) << "two words are not one token";
  EXPECT_EQ(tokenizer.find(""), -1);
  EXPECT_EQ(tokenizer.find(std::string("king\0", 5)), -1);
  EXPECT_EQ(tokenizer.find("\xff"), -1);
}

TEST(WordTokenizer, AKeepCaseModelDoesNotLowercaseQueries) {
  const WordTokenizer tokenizer(keeping_case(), Vocabulary({"King", "king", "queen"}, {3, 2, 1}));
  EXPECT_EQ(tokenizer.find("King"), 0);
  EXPECT_EQ(tokenizer.find("king"), 1);
  EXPECT_EQ(tokenizer.find("Queen"), -1) << "only 'queen' was seen; a keep-case model keeps them apart";
  Ids ids;
  tokenizer.encode("King king KING queen", ids);
  EXPECT_EQ(ids, (Ids{0, 1, 2}));
}

TEST(WordTokenizer, AKeepPunctuationModelDoesNotStripQueries) {
  TokenizerOptions o;
  o.strip_punctuation = false;
  const WordTokenizer tokenizer(o, Vocabulary({"king", "king,"}, {2, 1}));
  EXPECT_EQ(tokenizer.find("King,"), 1);
  EXPECT_EQ(tokenizer.find("king."), -1);
}

TEST(WordTokenizer, RebuildsFromItsSavedSettings) {
  TokenizerOptions o;
  o.lowercase = false;
  o.strip_punctuation = false;
  o.invalid_utf8 = InvalidUtf8::kReject;
  const WordTokenizer original(o, royal_words());
  EXPECT_EQ(original.kind(), "word");
  EXPECT_EQ(original.settings(),
            (Settings{{"lowercase", "false"}, {"strip_punctuation", "false"}, {"invalid_utf8", "reject"}}));
  const auto rebuilt = make_tokenizer(original.kind(), original.settings(), original.vocabulary());
  EXPECT_EQ(rebuilt->kind(), "word");
  EXPECT_EQ(rebuilt->settings(), original.settings());
  EXPECT_EQ(rebuilt->vocabulary().words(), royal_words().words());
  EXPECT_EQ(rebuilt->vocabulary().counts(), royal_words().counts());
  EXPECT_EQ(rebuilt->find("King"), -1);
}

TEST(WordTokenizer, RefusesUnknownKindsAndBadSettings) {
  const Settings good = WordTokenizer(lowercasing(), royal_words()).settings();
  const auto error_with = [&](const std::string& kind, const Settings& settings) {
    return error_of([&] { make_tokenizer(kind, settings, royal_words()); });
  };
  EXPECT_TRUE(ContainsAll(error_with("unigram", good), {"unknown tokenizer kind 'unigram'", "word", "bpe"}));
  Settings extra = good;
  extra.emplace_back("stemming", "true");
  EXPECT_TRUE(Contains(error_with("word", extra), "unknown word tokenizer setting 'stemming'"));
  Settings missing(good.begin(), good.end() - 1);
  EXPECT_TRUE(Contains(error_with("word", missing), "'invalid_utf8' is missing"));
  Settings twice = good;
  twice.push_back(good[0]);
  EXPECT_TRUE(Contains(error_with("word", twice), "'lowercase' appears twice"));
  Settings bad = good;
  bad[0].second = "yes";
  EXPECT_TRUE(ContainsAll(error_with("word", bad), {"'lowercase'", "'true' or 'false'", "'yes'"}));
  bad = good;
  bad[2].second = "ignore";
  EXPECT_TRUE(ContainsAll(error_with("word", bad), {"'invalid_utf8'", "'ignore'"}));
}

TEST(WordTokenizer, RefusesVocabulariesItCouldNotHaveMade) {
  const Settings settings = WordTokenizer(lowercasing(), royal_words()).settings();
  const auto error_with = [&](std::vector<std::string> words, std::vector<std::int64_t> counts) {
    return error_of([&] { make_tokenizer("word", settings, Vocabulary(words, counts)); });
  };
  EXPECT_TRUE(Contains(error_with({}, {}), "the vocabulary is empty"));
  EXPECT_TRUE(ContainsAll(error_with({"a", "b", "a"}, {3, 2, 1}), {"word 3", "'a'", "appears twice", "first as word 1"}));
  EXPECT_TRUE(Contains(error_with({"a", ""}, {2, 1}), "word 2 is empty"));
  EXPECT_TRUE(ContainsAll(error_with({"a b"}, {1}), {"word 1", "whitespace"}));
  EXPECT_TRUE(ContainsAll(error_with({"ok", "\xc3("}, {2, 1}), {"word 2", "UTF-8"}));
  EXPECT_TRUE(ContainsAll(error_with({"a"}, {-4}), {"word 1", "negative count"}));
}

TEST(MapCorpus, LooksEachWordUpThroughTheTokenizerAndDropsUnknownOnes) {
  CorpusOptions keep_case;
  keep_case.min_count = 1;
  keep_case.tokenizer.lowercase = false;
  const Corpus corpus = build_corpus("King jester Queen\njester\nthe king\n", keep_case, "new text");
  const WordTokenizer tokenizer(lowercasing(), royal_words());
  const Corpus mapped = map_corpus(corpus, tokenizer);
  EXPECT_EQ(mapped.vocabulary.words(), royal_words().words()) << "the vocabulary stays the tokenizer's";
  EXPECT_EQ(mapped.vocabulary.counts(), royal_words().counts());
  EXPECT_EQ(mapped.tokens, (Ids{1, 2, 0, 1})) << "King -> king, Queen -> queen, jester skipped";
  EXPECT_EQ(mapped.sentence_offsets, (std::vector<std::int64_t>{0, 2, 4})) << "the all-unknown line is dropped";
  EXPECT_EQ(mapped.line_count, 3);
  EXPECT_EQ(mapped.raw_token_count, corpus.raw_token_count);
}

TEST(MapCorpus, ACorpusOfUnknownWordsMapsToNothing) {
  CorpusOptions options;
  options.min_count = 1;
  const Corpus corpus = build_corpus("jester fool\n", options, "new text");
  const Corpus mapped = map_corpus(corpus, WordTokenizer(lowercasing(), royal_words()));
  EXPECT_TRUE(mapped.tokens.empty());
  EXPECT_EQ(mapped.sentence_count(), 0u);
}

}  // namespace
}  // namespace embedlab
