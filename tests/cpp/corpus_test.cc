// Building the vocabulary and the token-id corpus from text.
#include "core/corpus.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

CorpusOptions options_with_min_count(std::int64_t min_count) {
  CorpusOptions options;
  options.min_count = min_count;
  return options;
}

// The corpus as lists of words, one list per sentence.
std::vector<std::vector<std::string>> sentences(const Corpus& corpus) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t s = 0; s < corpus.sentence_count(); ++s) {
    out.emplace_back();
    for (auto t = corpus.sentence_offsets[s]; t < corpus.sentence_offsets[s + 1]; ++t) {
      out.back().push_back(corpus.vocabulary.word(corpus.tokens[static_cast<std::size_t>(t)]));
    }
  }
  return out;
}

// The message of the Error that building a corpus from `text` raises, or "<no error>".
std::string corpus_error(std::string_view text, const CorpusOptions& options, const std::string& source = "corpus.txt") {
  try {
    build_corpus(text, options, source);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}


void expect_same_corpus(const Corpus& actual, const Corpus& expected) {
  EXPECT_EQ(actual.vocabulary.words(), expected.vocabulary.words());
  EXPECT_EQ(actual.vocabulary.counts(), expected.vocabulary.counts());
  EXPECT_EQ(actual.tokens, expected.tokens);
  EXPECT_EQ(actual.sentence_offsets, expected.sentence_offsets);
  EXPECT_EQ(actual.raw_token_count, expected.raw_token_count);
  EXPECT_EQ(actual.line_count, expected.line_count);
}

using Words = std::vector<std::string>;
using Sentences = std::vector<std::vector<std::string>>;

TEST(Vocabulary, SortsWordsByDescendingFrequency) {
  const Corpus corpus = build_corpus("dog cat the\nthe cat the\n", options_with_min_count(1));
  EXPECT_EQ(corpus.vocabulary.words(), (Words{"the", "cat", "dog"}));
  EXPECT_EQ(corpus.vocabulary.counts(), (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_EQ(corpus.vocabulary.total_count(), 6);
}

TEST(Vocabulary, BreaksFrequencyTiesByFirstAppearance) {
  const Corpus corpus = build_corpus("zeta alpha mid\nmid alpha zeta omega\n", options_with_min_count(1));
  // zeta, alpha and mid occur twice each, in that first-seen order; omega once.
  EXPECT_EQ(corpus.vocabulary.words(), (Words{"zeta", "alpha", "mid", "omega"}));
}

TEST(Vocabulary, TokensAreIdsInTextOrder) {
  const Corpus corpus = build_corpus("b a b\nc b\n", options_with_min_count(1));
  ASSERT_EQ(corpus.vocabulary.words(), (Words{"b", "a", "c"}));
  EXPECT_EQ(corpus.tokens, (std::vector<std::int32_t>{0, 1, 0, 2, 0}));
  EXPECT_EQ(corpus.sentence_offsets, (std::vector<std::int64_t>{0, 3, 5}));
}

TEST(Vocabulary, FindReturnsIdsAndMinusOneForUnknownWords) {
  const Corpus corpus = build_corpus("the cat the\n", options_with_min_count(1));
  EXPECT_EQ(corpus.vocabulary.find("the"), 0);
  EXPECT_EQ(corpus.vocabulary.find("cat"), 1);
  EXPECT_EQ(corpus.vocabulary.find("dog"), -1);
  EXPECT_EQ(corpus.vocabulary.find(""), -1);
  EXPECT_EQ(corpus.vocabulary.find("The"), -1);  // the vocabulary itself is case-sensitive
}

TEST(Vocabulary, ConstructedDirectlyKeepsOrderAndSumsCounts) {
  const Vocabulary vocabulary({"x", "y", "z"}, {7, 5, 1});
  EXPECT_EQ(vocabulary.size(), 3u);
  EXPECT_EQ(vocabulary.word(1), "y");
  EXPECT_EQ(vocabulary.count(2), 1);
  EXPECT_EQ(vocabulary.total_count(), 13);
  EXPECT_EQ(vocabulary.find("z"), 2);
  EXPECT_EQ(vocabulary.find("w"), -1);
}

TEST(Vocabulary, RefusesCountsThatAddUpPastTheLargestCount) {
  const std::int64_t most = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(Vocabulary({"x", "y"}, {most - 1, 1}).total_count(), most);
  try {
    Vocabulary({"x", "y", "z"}, {0, most, 1});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_TRUE(ContainsAll(e.what(), {"add up to more than 9,223,372,036,854,775,807", "word 3 of 3"})) << e.what();
  }
}

TEST(Vocabulary, TokensAreLowercasedAndStrippedByDefault) {
  const Corpus corpus = build_corpus("The cat, THE Cat.\n", options_with_min_count(1));
  EXPECT_EQ(corpus.vocabulary.words(), (Words{"the", "cat"}));
  EXPECT_EQ(corpus.vocabulary.counts(), (std::vector<std::int64_t>{2, 2}));
}

TEST(Corpus, MinCountDropsRareWordsAndTheirTokens) {
  const Corpus corpus = build_corpus("a b a c\nc d\n", options_with_min_count(2));
  EXPECT_EQ(corpus.vocabulary.words(), (Words{"a", "c"}));
  EXPECT_EQ(sentences(corpus), (Sentences{{"a", "a", "c"}, {"c"}}));
  EXPECT_EQ(corpus.raw_token_count, 6);
  EXPECT_EQ(corpus.vocabulary.total_count(), 4);
  EXPECT_EQ(static_cast<std::int64_t>(corpus.tokens.size()), corpus.vocabulary.total_count());
  EXPECT_EQ(corpus.line_count, 2);
}

TEST(Corpus, MaxVocabularySizeKeepsTheMostFrequentWords) {
  CorpusOptions options = options_with_min_count(1);
  options.max_vocabulary_size = 2;
  const Corpus corpus = build_corpus("rare common often\ncommon often common\n", options);
  EXPECT_EQ(corpus.vocabulary.words(), (Words{"common", "often"}));
  EXPECT_EQ(sentences(corpus), (Sentences{{"common", "often"}, {"common", "often", "common"}}));
  EXPECT_EQ(corpus.raw_token_count, 6);
  EXPECT_EQ(corpus.vocabulary.total_count(), 5);
}

TEST(Corpus, MaxVocabularySizeLargerThanTheVocabularyKeepsEverything) {
  CorpusOptions options = options_with_min_count(1);
  options.max_vocabulary_size = 100;
  EXPECT_EQ(build_corpus("a b c\n", options).vocabulary.size(), 3u);
}

TEST(Corpus, SentencesFollowLinesAndSkipEmptyOnes) {
  const Corpus corpus = build_corpus("one two\n\n   \n!!! ...\nthree\r\nfour five six", options_with_min_count(1));
  EXPECT_EQ(sentences(corpus), (Sentences{{"one", "two"}, {"three"}, {"four", "five", "six"}}));
  EXPECT_EQ(corpus.sentence_offsets, (std::vector<std::int64_t>{0, 2, 3, 6}));
  EXPECT_EQ(corpus.sentence_count(), 3u);
  EXPECT_EQ(corpus.line_count, 6);  // the last line has no '\n' but still counts
  EXPECT_EQ(corpus.raw_token_count, 6);
}

TEST(Corpus, LinesEmptiedByMinCountAreNotSentences) {
  const Corpus corpus = build_corpus("a a\nrare words only\na\n", options_with_min_count(2));
  EXPECT_EQ(sentences(corpus), (Sentences{{"a", "a"}, {"a"}}));
  EXPECT_EQ(corpus.sentence_offsets, (std::vector<std::int64_t>{0, 2, 3}));
  EXPECT_EQ(corpus.line_count, 3);
}

TEST(Corpus, LongLinesAreSplitIntoSentencesOfAtMostMaxTokens) {
  CorpusOptions options = options_with_min_count(1);
  options.max_sentence_tokens = 3;
  const Corpus corpus = build_corpus("a b c d e f g\nh i j k l m\nn\n", options);
  EXPECT_EQ(sentences(corpus), (Sentences{{"a", "b", "c"}, {"d", "e", "f"}, {"g"}, {"h", "i", "j"}, {"k", "l", "m"}, {"n"}}));
  EXPECT_EQ(corpus.line_count, 3);
}

TEST(Corpus, TextSplitIntoChunksAnywhereGivesTheSameCorpus) {
  const std::string text = "the cat sat\non the mat\n\nthe end of the cat\r\nno newline at the end";
  const CorpusOptions options = options_with_min_count(2);
  const Corpus whole = build_corpus(text, options);
  ASSERT_GT(whole.sentence_count(), 1u);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    CorpusBuilder builder(options);
    builder.add_text(std::string_view(text).substr(0, cut));
    builder.add_text(std::string_view(text).substr(cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_same_corpus(builder.finish(), whole);
  }
  CorpusBuilder bytewise(options);
  for (char c : text) bytewise.add_text(std::string_view(&c, 1));
  expect_same_corpus(bytewise.finish(), whole);
}

TEST(Corpus, StreamAndStringGiveTheSameCorpus) {
  const std::string text = "alpha beta\nbeta gamma alpha\nbeta\n";
  std::istringstream in(text);
  expect_same_corpus(build_corpus(in, options_with_min_count(1), "stream"), build_corpus(text, options_with_min_count(1)));
}

TEST(Corpus, RejectsEmptyText) {
  EXPECT_TRUE(Contains(corpus_error("", options_with_min_count(1)), "no words"));
  const std::string message = corpus_error("\n  \n... !!!\n", options_with_min_count(1), "blank.txt");
  EXPECT_TRUE(Contains(message, "no words"));
  EXPECT_TRUE(Contains(message, "blank.txt"));
}

TEST(Corpus, RejectsTextThatMinCountEmpties) {
  const std::string message = corpus_error("a b c a\n", options_with_min_count(5));
  EXPECT_TRUE(Contains(message, "min count"));
  EXPECT_TRUE(Contains(message, "5"));
  EXPECT_TRUE(Contains(message, "'a'"));  // names the most frequent word
}

TEST(Corpus, RejectsBinaryInput) {
  const std::string elf("\x7F" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", 20);
  const std::string message = corpus_error(elf, options_with_min_count(1), "a.out");
  EXPECT_TRUE(Contains(message, "binary"));
  EXPECT_TRUE(Contains(message, "a.out"));
  EXPECT_TRUE(Contains(message, "line 1"));
}

TEST(Corpus, RejectsInvalidUtf8WithTheRejectPolicyNamingTheLine) {
  CorpusOptions options = options_with_min_count(1);
  options.tokenizer.invalid_utf8 = InvalidUtf8::kReject;
  const std::string message = corpus_error("fine\nalso fine\nbad \xC3\x28 here\n", options, "latin1.txt");
  EXPECT_TRUE(Contains(message, "latin1.txt"));
  EXPECT_TRUE(Contains(message, "line 3"));
  // The replace policy accepts the same text.
  options.tokenizer.invalid_utf8 = InvalidUtf8::kReplace;
  EXPECT_EQ(corpus_error("fine\nalso fine\nbad \xC3\x28 here\n", options), "<no error>");
}

TEST(Corpus, ErrorLineNumbersCountLinesAcrossChunks) {
  CorpusOptions options = options_with_min_count(1);
  options.tokenizer.invalid_utf8 = InvalidUtf8::kReject;
  CorpusBuilder builder(options, "chunks.txt");
  builder.add_text("one\ntwo\nth");
  std::string message = "<no error>";
  try {
    builder.add_text("ree \xFF\n");
    builder.finish();
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_TRUE(Contains(message, "line 3"));
}

TEST(Corpus, RejectsInvalidOptions) {
  EXPECT_THROW(CorpusBuilder(options_with_min_count(0)), Error);
  CorpusOptions options;
  options.max_sentence_tokens = 0;
  EXPECT_THROW(CorpusBuilder{options}, Error);
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

TEST(CorpusByteOrderMark, IsSkippedAtTheStartOnly) {
  CorpusOptions options;
  options.min_count = 1;
  const Corpus corpus = build_corpus("\xEF\xBB\xBF" "the cat\nthe dog\n", options);
  EXPECT_EQ(corpus.vocabulary.find("the"), 0);
  EXPECT_EQ(corpus.vocabulary.size(), 3u);
}

TEST(CorpusByteOrderMark, IsSkippedWhenChunksEndInsideIt) {
  const std::string text = "\xEF\xBB\xBF" "the cat\nthe dog\n";
  const Corpus whole = build_corpus(text, options_with_min_count(1));
  ASSERT_EQ(whole.vocabulary.words(), (Words{"the", "cat", "dog"}));
  for (std::size_t cut = 0; cut <= 4; ++cut) {
    CorpusBuilder builder(options_with_min_count(1));
    builder.add_text(std::string_view(text).substr(0, cut));
    builder.add_text(std::string_view(text).substr(cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_same_corpus(builder.finish(), whole);
  }
  CorpusBuilder bytewise(options_with_min_count(1));
  for (char c : text) bytewise.add_text(std::string_view(&c, 1));
  expect_same_corpus(bytewise.finish(), whole);
  // A text that only starts like a mark keeps its bytes.
  CorpusBuilder partial(options_with_min_count(1));
  partial.add_text("\xEF\xBB");
  partial.add_text("x y\n");
  EXPECT_EQ(partial.finish().vocabulary.words(), (Words{"\xEF\xBF\xBD\xEF\xBF\xBDx", "y"}));
  // So does a whole text shorter than a mark (found by the tokenizer fuzz harness: "\xEF" alone
  // was held back and lost, while write_tokens wrote it as U+FFFD).
  CorpusBuilder short_text(options_with_min_count(1));
  short_text.add_text("\xEF");
  EXPECT_EQ(short_text.finish().vocabulary.words(), (Words{"\xEF\xBF\xBD"}));
}

}  // namespace
}  // namespace embedlab

namespace embedlab {
namespace {

// The message of the Error that add_text() (not finish()) raises on the chunks, or "<no error>".
std::string error_while_adding(const std::vector<std::string>& chunks, const CorpusOptions& options, std::size_t* chunks_taken) {
  CorpusBuilder builder(options, "stream.txt");
  *chunks_taken = 0;
  try {
    for (const std::string& chunk : chunks) {
      builder.add_text(chunk);
      ++*chunks_taken;
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(CorpusLimits, ANulFailsInTheChunkThatHoldsItWithoutWaitingForALineBreak) {
  // /dev/zero: megabytes of NUL bytes and never a line break.
  const std::vector<std::string> zeros(8, std::string(1 << 20, '\0'));
  std::size_t taken = 0;
  EXPECT_EQ(error_while_adding({"first line\nsecond", std::string(1 << 20, '\0')}, options_with_min_count(1), &taken),
            "stream.txt line 2: NUL byte; this looks like a binary file, expected plain UTF-8 text");
  EXPECT_EQ(taken, 1u);
  EXPECT_TRUE(Contains(error_while_adding(zeros, options_with_min_count(1), &taken), "line 1: NUL byte"));
  EXPECT_EQ(taken, 0u);
}

TEST(CorpusLimits, AWordOverTheLimitFailsBeforeItsLineEnds) {
  // One 50 MB token arriving in 1 MiB chunks: refused after a couple of chunks, never stored.
  const std::string chunk(1 << 20, 'a');
  std::vector<std::string> chunks = {"fine words\nthen "};
  for (int i = 0; i < 50; ++i) chunks.push_back(chunk);
  std::size_t taken = 0;
  const std::string message = error_while_adding(chunks, options_with_min_count(1), &taken);
  EXPECT_TRUE(ContainsAll(message, {"stream.txt line 2: a word is longer than 65,536 bytes"})) << message;
  EXPECT_LE(taken, 3u);
}

TEST(CorpusLimits, AVeryLongLineInChunksGivesTheSameCorpusAsInOnePiece) {
  // Lines past 1 MiB are taken word by word as they arrive (memory stays bounded): the same result.
  Rng rng(5);
  std::string line;
  while (line.size() < (3u << 20)) line += "w" + std::to_string(rng.below(500)) + (rng.below(7) == 0 ? "\t" : " ");
  const std::string text = "short line\n" + line + "\nlast line\n" + line;
  CorpusOptions options = options_with_min_count(1);
  options.max_sentence_tokens = 1000;
  const Corpus whole = build_corpus(text, options);
  EXPECT_EQ(whole.line_count, 4);
  for (const std::size_t size : {std::size_t{4096}, std::size_t{65536}, std::size_t{1} << 20}) {
    CorpusBuilder builder(options);
    for (std::size_t start = 0; start < text.size(); start += size) builder.add_text(std::string_view(text).substr(start, size));
    SCOPED_TRACE("chunks of " + std::to_string(size));
    expect_same_corpus(builder.finish(), whole);
  }
}

TEST(CorpusLimits, BytePositionsInMessagesCountFromTheStartOfALongLine) {
  // Past 1 MiB a line is taken in pieces; the byte a message names is still the line's.
  std::string line;
  while (line.size() < 1500000) line += "word ";
  line += "\x1b";
  CorpusOptions options = options_with_min_count(1);
  options.tokenizer.control_characters = ControlCharacters::kReject;
  const std::string text = "first\n" + line + "\n";
  std::size_t taken = 0;
  std::vector<std::string> chunks;
  for (std::size_t start = 0; start < text.size(); start += 65536) chunks.push_back(text.substr(start, 65536));
  EXPECT_TRUE(Contains(error_while_adding(chunks, options, &taken),
                       "stream.txt line 2: control character '\\x1B' at byte " + std::to_string(line.size()) + " of the line"));
}

TEST(CorpusLimits, ControlCharactersAreDecidedWhenTheCorpusIsRead) {
  CorpusOptions options = options_with_min_count(1);
  EXPECT_EQ(build_corpus("\x1b[1mbold\x1b[0m text\n", options).vocabulary.words(), (Words{"1mbold", "0m", "text"}));
  options.tokenizer.control_characters = ControlCharacters::kReject;
  EXPECT_EQ(corpus_error("clean\nalso clean\n\x1b[1mbold\n", options, "log.txt"),
            "log.txt line 3: control character '\\x1B' at byte 1 of the line (choose to strip or replace control "
            "characters to train on it)");
}

}  // namespace
}  // namespace embedlab
