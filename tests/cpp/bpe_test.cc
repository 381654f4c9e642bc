// The byte-pair tokenizer: merges learnt on text worked out by hand, exact round trips of any bytes,
// replaying the merge list, special tokens, saving inside a model file, and every malformed file or
// option rejected with a message naming it. GPT-2 parity with js-tiktoken is tests/js/bpe.test.mjs.
#include "core/bpe.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/model.h"
#include "core/pretokenizer.h"
#include "core/random.h"
#include "core/text.h"
#include "test_support.h"

namespace embedlab {
namespace {

using Ids = std::vector<std::int32_t>;

Ids encode(const BpeTokenizer& t, const std::string& text, BpeEncodeOptions options = {}) {
  Ids ids;
  t.encode(text, ids, options);
  return ids;
}

std::shared_ptr<const BpeTokenizer> train(const std::string& text, std::size_t vocabulary_size) {
  return train_bpe(text, BpeTrainOptions{vocabulary_size});
}

// Random text: code points from every plane (and, with `invalid`, stray bytes, NUL and cut sequences).
std::string random_text(Rng& rng, bool invalid) {
  std::string text;
  const std::uint32_t n = rng.below(30);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t kind = rng.below(invalid ? 6 : 4);
    if (kind == 0) text += static_cast<char>(' ' + rng.below(95));
    if (kind == 1) text += " ";
    if (kind == 2 || kind == 3) {
      char32_t cp;
      do {
        cp = kind == 2 ? 0x80 + rng.below(0x800) : rng.below(0x110000);
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      append_utf8(cp, text);
    }
    if (kind == 4) text += static_cast<char>(rng.below(256));
    if (kind == 5) text += std::string("\0\xe2\x82", 1 + rng.below(3));
  }
  return text;
}

// ---- training ---------------------------------------------------------------------------------------

// "aaabdaaabac", one piece. Pairs: aa 4 (two in each "aaab"), ab 2, and the others once. aa is
// merged (256); then Z=aa: Za 2, ab 2 -> ab (257) wins the tie as the smaller pair; then Z+ab 2
// ("aaab", 258); then all pairs count 1 and the smallest, a+c (97, 99), goes next.
TEST(BpeTraining, LearnsTheMergesWorkedOutByHand) {
  const auto t = train("aaabdaaabac", 265);
  const std::vector<TokenMerge> expected = {{97, 97, 4}, {97, 98, 2}, {256, 257, 2}, {97, 99, 1}};
  EXPECT_EQ(t->merges(), expected);
  EXPECT_EQ(t->vocabulary().word(258), "aaab");
  EXPECT_EQ(t->vocabulary().word(259), "ac");
  EXPECT_EQ(encode(*t, "aaabdaaabac"), (Ids{258, 'd', 258, 259}));
  EXPECT_EQ(t->size(), 265u);
  EXPECT_EQ(t->vocabulary().word(260), "<|endoftext|>");
  EXPECT_EQ(t->vocabulary().word(264), "[PAD]");
  // The counts are how often each token occurs in the training text as it encodes.
  EXPECT_EQ(t->vocabulary().count(258), 2);
  EXPECT_EQ(t->vocabulary().count('d'), 1);
  EXPECT_EQ(t->vocabulary().count('a'), 0);
}

TEST(BpeTraining, NeverMergesAcrossPieces) {
  const auto t = train("ab ab ab. ab, ab", 263);  // two merges, then every piece is one token
  for (std::size_t i = 0; i < t->merges().size(); ++i) {
    const std::string& token = t->vocabulary().word(static_cast<std::int32_t>(256 + i));
    EXPECT_EQ(token.find(' ', 1), std::string::npos) << "'" << token << "' spans a space";
    EXPECT_TRUE(token.find_first_of(".,") == std::string::npos || token.find_first_of("ab") == std::string::npos) << token;
  }
  EXPECT_EQ(t->vocabulary().word(256), "ab");
  EXPECT_EQ(t->vocabulary().word(257), " ab");
}

TEST(BpeTraining, IsDeterministicAndCountsMatchTheEncodedText) {
  const std::string text = planted_corpus(300, 2);
  const auto a = train(text, 400);
  const auto b = train(text, 400);
  EXPECT_EQ(a->merges(), b->merges());
  EXPECT_EQ(a->vocabulary().words(), b->vocabulary().words());
  std::map<std::int32_t, std::int64_t> seen;
  for (const std::int32_t id : encode(*a, text)) ++seen[id];
  for (std::size_t id = 0; id < a->size(); ++id) {
    const auto it = seen.find(static_cast<std::int32_t>(id));
    EXPECT_EQ(a->vocabulary().count(static_cast<std::int32_t>(id)), it == seen.end() ? 0 : it->second) << "token " << id;
  }
  // Merge counts never grow: each merge is the most frequent pair left.
  for (std::size_t i = 1; i < a->merges().size(); ++i) EXPECT_GE(a->merges()[i - 1].count, a->merges()[i].count);
}

TEST(BpeTraining, InStepsEqualsInOneGo) {
  const std::string text = planted_corpus(200, 4);
  BpeTrainer trainer(text, BpeTrainOptions{350});
  EXPECT_EQ(trainer.progress().merges_total, 350u - 261u);
  EXPECT_TRUE(ContainsAll(error_of([&] { trainer.tokenizer(); }), {"not trained yet", "0 of 89 merges"}));
  std::size_t steps = 0;
  while (!trainer.run(7)) ++steps;
  EXPECT_EQ(steps, 89u / 7u);
  EXPECT_TRUE(trainer.progress().finished);
  EXPECT_EQ(trainer.tokenizer()->merges(), train(text, 350)->merges());
}

TEST(BpeTraining, RefusesAVocabularyTheTextCannotFill) {
  // "aaabdaaabac" ends as one token after 7 merges: 256 + 7 + 5 = 268 tokens at most.
  EXPECT_EQ(train("aaabdaaabac", 268)->size(), 268u);
  EXPECT_TRUE(ContainsAll(error_of([] { train("aaabdaaabac", 269); }),
                          {"the text supports at most 268 tokens", "after 7 merges", "vocabulary size up to 268"}));
  EXPECT_TRUE(ContainsAll(error_of([] { train("abc", 260); }), {"vocabulary size must be between 261 and", "got 260"}));
  EXPECT_TRUE(Contains(error_of([] { train("", 300); }), "the text is empty"));
  EXPECT_EQ(train("x", 261)->merges().size(), 0u);  // bytes and special tokens only
}

// ---- encoding -----------------------------------------------------------------------------------------

class TrainedBpe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { tokenizer_ = train(planted_corpus(500, 1) + "Ünïcödé ½ 日本語 ok's", 400); }
  static void TearDownTestSuite() { tokenizer_.reset(); }
  static std::shared_ptr<const BpeTokenizer> tokenizer_;
};
std::shared_ptr<const BpeTokenizer> TrainedBpe::tokenizer_;

TEST_F(TrainedBpe, RoundTripsAnyUnicodeText) {
  Rng rng(11);
  for (int trial = 0; trial < 500; ++trial) {
    const std::string text = random_text(rng, false);
    ASSERT_TRUE(is_valid_utf8(text));
    EXPECT_EQ(tokenizer_->decode(encode(*tokenizer_, text)), text);
  }
  const std::string prose = "the king's crown, his palace: 12.5% of Ωμέγα 😀\n\n  end ";
  EXPECT_EQ(tokenizer_->decode(encode(*tokenizer_, prose)), prose);
  EXPECT_LT(encode(*tokenizer_, "the king and the queen").size(), 10u);  // merges were applied
}

// Byte-level: invalid UTF-8, NUL bytes and cut sequences are kept exactly, not replaced or refused
// (the word tokenizer replaces them by U+FFFD or refuses: its words must be readable text).
TEST_F(TrainedBpe, RoundTripsInvalidUtf8AndNulBytesExactly) {
  Rng rng(12);
  for (int trial = 0; trial < 500; ++trial) {
    const std::string bytes = random_text(rng, true);
    EXPECT_EQ(tokenizer_->decode(encode(*tokenizer_, bytes)), bytes);
  }
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(tokenizer_->decode(encode(*tokenizer_, all)), all);
  EXPECT_TRUE(encode(*tokenizer_, "").empty());
}

// Replaying the merge list by hand, one merge at a time over every piece, gives what encode gives
// with that many merges; the tokens are the merges' pairs joined.
TEST_F(TrainedBpe, MergeListReplaysToTheSameEncoding) {
  const std::string text = "the crown of the king; a little girl at school, 42 times.\n";
  std::vector<std::string_view> pieces;
  split_gpt2(text, pieces);
  std::vector<Ids> replay;
  for (const std::string_view piece : pieces) {
    Ids ids;
    for (const char c : piece) ids.push_back(tokenizer_->byte_id(static_cast<unsigned char>(c)));
    replay.push_back(ids);
  }
  const auto& merges = tokenizer_->merges();
  for (std::size_t k = 0; k <= merges.size(); ++k) {
    Ids joined;
    for (const Ids& ids : replay) joined.insert(joined.end(), ids.begin(), ids.end());
    BpeEncodeOptions first_k;
    first_k.merges = k;
    ASSERT_EQ(encode(*tokenizer_, text, first_k), joined) << "after " << k << " merges";
    if (k == merges.size()) {
      EXPECT_EQ(joined, encode(*tokenizer_, text));
      break;
    }
    const auto made = static_cast<std::int32_t>(256 + k);
    EXPECT_EQ(tokenizer_->vocabulary().word(made),
              tokenizer_->vocabulary().word(merges[k].left) + tokenizer_->vocabulary().word(merges[k].right));
    for (Ids& ids : replay) {
      Ids next;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == merges[k].left && ids[i + 1] == merges[k].right) {
          next.push_back(made);
          ++i;
        } else {
          next.push_back(ids[i]);
        }
      }
      ids = next;
    }
  }
  BpeEncodeOptions none;
  none.merges = 0;
  EXPECT_EQ(encode(*tokenizer_, "ab", none), (Ids{'a', 'b'}));
}

TEST_F(TrainedBpe, SpecialTokensOnlyWhenAsked) {
  const auto size = static_cast<std::int32_t>(tokenizer_->size());
  const std::int32_t eot = size - 5, cls = size - 4, sep = size - 3, mask = size - 2, pad = size - 1;
  EXPECT_EQ(tokenizer_->special_id("<|endoftext|>"), eot);
  EXPECT_EQ(tokenizer_->special_id("[PAD]"), pad);
  EXPECT_EQ(tokenizer_->special_id("[FOO]"), -1);
  BpeEncodeOptions allow;
  allow.allow_special = true;
  const std::string text = "[CLS] the king[SEP]a [MASK] queen [SEP][PAD]<|endoftext|>";
  const Ids ids = encode(*tokenizer_, text, allow);
  EXPECT_EQ(ids.front(), cls);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), sep), 2);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), mask), 1);
  EXPECT_EQ(ids.back(), eot);
  EXPECT_EQ(ids[ids.size() - 2], pad);
  EXPECT_EQ(tokenizer_->decode(ids), text);
  // Without allow_special, the same text is plain text.
  const Ids plain = encode(*tokenizer_, text);
  EXPECT_TRUE(std::none_of(plain.begin(), plain.end(), [&](std::int32_t id) { return id >= eot; }));
  EXPECT_EQ(tokenizer_->decode(plain), text);
  // Text that looks like a special token but is none is an error, naming it and where.
  EXPECT_TRUE(ContainsAll(error_of([&] { encode(*tokenizer_, "a [FOO] b", allow); }),
                          {"unknown special token '[FOO]'", "at byte 3", "[MASK]"}));
  EXPECT_TRUE(Contains(error_of([&] { encode(*tokenizer_, "<|end|>", allow); }), "'<|end|>'"));
  EXPECT_EQ(tokenizer_->decode(encode(*tokenizer_, "[mask] [1] [ A] <|x", allow)), "[mask] [1] [ A] <|x");
}

TEST_F(TrainedBpe, PiecesShowBytesAsGpt2Does) {
  EXPECT_EQ(tokenizer_->piece(' '), "Ġ");
  EXPECT_EQ(tokenizer_->piece('\n'), "Ċ");
  EXPECT_EQ(tokenizer_->piece('a'), "a");
  EXPECT_EQ(tokenizer_->piece(0xE9), "é");   // printable Latin-1 bytes stand for themselves
  EXPECT_EQ(tokenizer_->piece(0xAD), "Ń");   // the soft hyphen is not printable
  EXPECT_EQ(tokenizer_->piece(static_cast<std::int32_t>(tokenizer_->size() - 2)), "[MASK]");
  EXPECT_EQ(tokenizer_->piece(tokenizer_->find(" the")), "Ġthe");
  EXPECT_TRUE(ContainsAll(error_of([&] { tokenizer_->piece(-1); }), {"token id -1 is outside the vocabulary", "ids 0 to 399"}));
  EXPECT_TRUE(Contains(error_of([&] { tokenizer_->decode({400}); }), "token id 400 is outside"));
}

// ---- saving ----------------------------------------------------------------------------------------------

std::string saved(const std::shared_ptr<const Tokenizer>& tokenizer) {
  std::ostringstream out;
  Model(Model::kTokenizer, tokenizer).save(out);
  return out.str();
}

Model load_saved(const std::string& bytes) {
  std::istringstream in(bytes);
  return Model::load(in, "tok.model");
}

TEST_F(TrainedBpe, SavesAndLoadsAsATokenizerFile) {
  const std::string bytes = saved(tokenizer_);
  const Model model = load_saved(bytes);
  EXPECT_EQ(model.kind(), "tokenizer");
  EXPECT_TRUE(model.matrices().empty());
  const auto& loaded = dynamic_cast<const BpeTokenizer&>(model.tokenizer());
  EXPECT_EQ(loaded.merges(), tokenizer_->merges());
  EXPECT_EQ(loaded.vocabulary().words(), tokenizer_->vocabulary().words());
  EXPECT_EQ(loaded.vocabulary().counts(), tokenizer_->vocabulary().counts());
  EXPECT_EQ(encode(loaded, "the little prince's crown"), encode(*tokenizer_, "the little prince's crown"));
  EXPECT_EQ(saved(model.shared_tokenizer()), bytes);
}

// A saved tokenizer's vocabulary and merges, edited, then rebuilt as loading does.
struct Parts {
  Vocabulary vocabulary;
  std::vector<TokenMerge> merges;
  Settings settings{{"pretokenizer", "gpt2"}};
};

std::string rebuild_error(const Parts& p) {
  return error_of([&] { make_tokenizer("bpe", p.settings, p.vocabulary, p.merges); });
}

Parts parts_of(const BpeTokenizer& t) { return {t.vocabulary(), t.merges()}; }

Parts with_word(const Parts& p, std::size_t id, const std::string& word) {
  std::vector<std::string> words = p.vocabulary.words();
  words[id] = word;
  return {Vocabulary(words, p.vocabulary.counts()), p.merges, p.settings};
}

TEST(BpeFile, RejectsMalformedTokenizers) {
  const auto t = train("aaabdaaabac", 265);
  const Parts good = parts_of(*t);
  EXPECT_EQ(rebuild_error(good), "<no error>");

  Parts p = good;
  p.merges[2].left = 300;
  EXPECT_TRUE(ContainsAll(rebuild_error(p), {"merge 3 of 4", "token id 300", "not made before it"}));
  p = good;
  p.merges[1].right = 257;  // itself
  EXPECT_TRUE(Contains(rebuild_error(p), "merge 2 of 4 joins token id 257"));
  p = good;
  p.merges[1] = p.merges[0];
  EXPECT_TRUE(ContainsAll(rebuild_error(p), {"merge 2 of 4 joins 97 and 97 again"}));
  p = good;
  p.merges[3].count = -1;
  EXPECT_TRUE(Contains(rebuild_error(p), "merge 4 of 4 has a negative count"));
  EXPECT_TRUE(ContainsAll(rebuild_error(with_word(good, 97, "b")), {"token id 98 ('b') is the same byte as token id 97"}));
  EXPECT_TRUE(ContainsAll(rebuild_error(with_word(good, 5, "ab")), {"token id 5", "should be a single byte"}));
  EXPECT_TRUE(ContainsAll(rebuild_error(with_word(good, 258, "aaac")), {"token id 258 is 'aaac'", "merge 3 makes 'aaab'"}));
  EXPECT_TRUE(ContainsAll(rebuild_error(with_word(good, 262, "[SEP2]")), {"token id 262", "special token '[SEP]'"}));
  p = good;
  p.merges.pop_back();
  EXPECT_TRUE(ContainsAll(rebuild_error(p), {"3 merges has 264 tokens", "vocabulary has 265"}));
  p = good;
  p.settings = {{"pretokenizer", "gpt4"}};
  EXPECT_TRUE(Contains(rebuild_error(p), "'pretokenizer' must be 'gpt2', got 'gpt4'"));
  p.settings = {};
  EXPECT_TRUE(Contains(rebuild_error(p), "exactly one setting"));
  std::vector<std::int64_t> counts = good.vocabulary.counts();
  counts[3] = -2;
  EXPECT_TRUE(Contains(rebuild_error({Vocabulary(good.vocabulary.words(), counts), good.merges}), "token id 3 has a negative count"));
  // Duplicate tokens: a merge that makes a token another id already is.
  std::vector<std::string> words = good.vocabulary.words();
  std::vector<TokenMerge> merges = good.merges;
  merges.push_back({256, 97, 0});  // "aaa"
  merges.push_back({97, 257, 0});  // "aab"... distinct; now one that repeats "aaab":
  merges.push_back({97, 261, 0});  // 'a' + "aab" = "aaab" again
  words.insert(words.begin() + 260, {"aaa", "aab", "aaab"});
  EXPECT_TRUE(ContainsAll(rebuild_error({Vocabulary(words, {}), merges}), {"token id 262", "same as token id 258", "merge 7"}));
  const std::string bytes = saved(t);
  EXPECT_TRUE(ContainsAll(error_of([&] { load_saved(bytes.substr(0, bytes.size() - 10)); }),
                          {"tok.model is truncated", "the merges", "only 58 remain"}));
}

TEST(BpeFile, ALoadedFileNamesTheBadMerge) {
  const std::string bytes = saved(train("aaabdaaabac", 265));
  // The merges are the last 4 x 16 bytes before the matrix count (u32 0).
  const std::size_t first_merge = bytes.size() - 4 - 4 * 16;
  std::string bad = bytes;
  bad[first_merge + 16 * 2] = static_cast<char>(0xFF);  // merge 3's left id becomes 0x1FF = 511
  bad[first_merge + 16 * 2 + 1] = 1;
  EXPECT_TRUE(ContainsAll(error_of([&] { load_saved(bad); }), {"tok.model", "the tokenizer", "merge 3 of 4", "token id 511"}));
}

// ---- GPT-2's ranks --------------------------------------------------------------------------------------

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t v = 0;
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? digits[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// Ranks in GPT-2's byte order (printable bytes first), then `merged` tokens.
std::vector<std::string> gpt2_like_ranks(const std::vector<std::string>& merged) {
  std::vector<std::string> ranks;
  for (int b = '!'; b <= '~'; ++b) ranks.push_back(std::string(1, static_cast<char>(b)));
  for (int b = 0; b < 256; ++b) {
    if (b < '!' || b > '~') ranks.push_back(std::string(1, static_cast<char>(b)));
  }
  ranks.insert(ranks.end(), merged.begin(), merged.end());
  return ranks;
}

std::string js_tiktoken_format(const std::vector<std::string>& ranks) {
  std::string text = "! 0";
  for (const std::string& r : ranks) text += " " + base64(r);
  return text;
}

std::string tiktoken_file(const std::vector<std::string>& ranks) {
  std::string text;
  for (std::size_t i = 0; i < ranks.size(); ++i) text += base64(ranks[i]) + " " + std::to_string(i) + "\n";
  return text;
}

TEST(Gpt2Ranks, LoadFromBothFormatsWithRanksAsIds) {
  const std::vector<std::string> ranks = gpt2_like_ranks({" t", "he", " the", "in", " a"});
  for (const std::string& text : {js_tiktoken_format(ranks), tiktoken_file(ranks)}) {
    const auto t = bpe_from_tiktoken(text, "gpt2");
    EXPECT_EQ(t->size(), 261u + 5u);
    EXPECT_EQ(t->byte_id('!'), 0);
    EXPECT_EQ(t->byte_id(' '), 94 + 32);  // after the 94 printable ASCII bytes, bytes 0-32 in order
    EXPECT_EQ(t->special_id("<|endoftext|>"), 261);
    EXPECT_EQ(t->merges()[2], (TokenMerge{256, 257, 0}));  // " the" = " t" + "he"
    EXPECT_EQ(encode(*t, " the thin"), (Ids{258, 256, t->byte_id('h'), 259}));
    EXPECT_EQ(t->piece(258), "Ġthe");
  }
}

TEST(Gpt2Ranks, RejectsMalformedRanks) {
  const auto error = [](const std::string& text) { return error_of([&] { bpe_from_tiktoken(text, "ranks.txt"); }); };
  std::vector<std::string> ranks = gpt2_like_ranks({"ab"});
  EXPECT_TRUE(ContainsAll(error(js_tiktoken_format(ranks) + " %%%%"), {"ranks.txt line 1", "'%%%%' is not a base64 token"}));
  EXPECT_TRUE(ContainsAll(error("IQ== 0\nIg== 2\n"), {"ranks.txt has 3 ranks; the 256 bytes alone need 256"}));
  EXPECT_TRUE(ContainsAll(error(tiktoken_file(ranks) + "Yw== 5\n"), {"line 258", "rank 5 appears twice"}));
  EXPECT_TRUE(ContainsAll(error("IQ==\n"), {"ranks.txt line 1", "expected"}));
  ranks.push_back("abc!");  // not two earlier tokens
  EXPECT_TRUE(ContainsAll(error(js_tiktoken_format(ranks)), {"rank 257", "'abc!'", "not two tokens of lower ranks"}));
  ranks = gpt2_like_ranks({});
  ranks[3] = "ab";
  EXPECT_TRUE(ContainsAll(error(js_tiktoken_format(ranks)), {"rank 3 should be a single byte"}));
  std::string gap = tiktoken_file(gpt2_like_ranks({"ab"}));
  gap += base64("abab") + " 300\n";
  EXPECT_TRUE(Contains(error(gap), "no token of rank 257"));
}

// GPT-2's files as Hugging Face ships them, for `ranks` (gpt2_like_ranks) whose merged tokens are
// made of two earlier ones: vocab.json (tokens in GPT-2's printable spelling) and merges.txt.
std::pair<std::string, std::string> huggingface_files(const std::vector<std::string>& ranks,
                                                      const std::vector<std::pair<std::string, std::string>>& merges) {
  const auto t = bpe_from_tiktoken(js_tiktoken_format(ranks), "gpt2");
  std::string vocab = "{";
  for (std::size_t id = 0; id < ranks.size(); ++id) vocab += json_quote(t->piece(static_cast<std::int32_t>(id))) + ": " + std::to_string(id) + ", ";
  vocab += "\"<|endoftext|>\": " + std::to_string(ranks.size()) + "}";
  std::string merges_txt = "#version: 0.2\n";
  for (const auto& [left, right] : merges) merges_txt += left + " " + right + "\n";
  return {vocab, merges_txt};
}

TEST(Gpt2HuggingFace, LoadsWithTheSameIdsAsTheRanks) {
  const std::vector<std::string> ranks = gpt2_like_ranks({" t", "he", " the", "in"});
  const auto [vocab, merges] = huggingface_files(ranks, {{"Ġ", "t"}, {"h", "e"}, {"Ġt", "he"}, {"i", "n"}});
  const auto hf = bpe_from_huggingface(vocab, merges);
  const auto ranked = bpe_from_tiktoken(js_tiktoken_format(ranks), "gpt2");
  EXPECT_EQ(hf->size(), ranked->size());
  EXPECT_EQ(hf->special_id("<|endoftext|>"), 260);
  EXPECT_EQ(hf->merges()[2], (TokenMerge{256, 257, 0}));
  for (const std::string text : {" the thin", "hello there\n", "<|endoftext|>"}) EXPECT_EQ(encode(*hf, text), encode(*ranked, text));
  EXPECT_EQ(hf->piece(258), "Ġthe");
}

TEST(Gpt2HuggingFace, RejectsFilesThatDoNotFit) {
  const std::vector<std::string> ranks = gpt2_like_ranks({"he"});
  const auto [vocab, merges] = huggingface_files(ranks, {{"h", "e"}});
  const auto error = [](const std::string& v, const std::string& m) { return error_of([&] { bpe_from_huggingface(v, m); }); };
  EXPECT_TRUE(ContainsAll(error("[1]", merges), {"vocab.json", "expected an object"}));
  EXPECT_TRUE(ContainsAll(error("{\"a\": ", merges), {"vocab.json"}));
  EXPECT_TRUE(ContainsAll(error(vocab, "#version: 0.2\nh  e\n"), {"merges.txt line 2", "two tokens separated by one space"}));
  EXPECT_TRUE(ContainsAll(error(vocab, "#version: 0.2\ne h\n"), {"merges.txt line 2", "'eh' is not in vocab.json"}));
  EXPECT_TRUE(ContainsAll(error(vocab, "h e\ni n\n"), {"merges.txt line 2", "'in' is not in vocab.json"}));
  EXPECT_TRUE(ContainsAll(error(vocab, ""), {"'he' (id 256) is neither a byte, nor made by a merge"}));
  std::string bad_byte = vocab;
  bad_byte.replace(bad_byte.find("\"!\": 0"), 6, "\"!\": 300");
  EXPECT_TRUE(ContainsAll(error(bad_byte, merges), {"the token of byte 33 ('!') has id 300"}));
  std::string twice = vocab;
  twice.replace(twice.find("\"!\": 0"), 6, "\"!\": 1");
  EXPECT_TRUE(ContainsAll(error(twice, merges), {"id 1 is both"}));
  EXPECT_TRUE(ContainsAll(error(vocab, "#version: 0.2\ne e\n"), {"'ee' is not in vocab.json"}));
}

// ---- the command line ------------------------------------------------------------------------------------

TEST(BpeEncodeWith, WordTokenizersHaveNoSpecialTokensOrMerges) {
  const auto words = make_tokenizer("word", WordTokenizer(TokenizerOptions{}, Vocabulary({"king"}, {1})).settings(),
                                    Vocabulary({"king"}, {1}));
  Ids ids;
  encode_with(*words, "King queen", BpeEncodeOptions{}, ids);
  EXPECT_EQ(ids, (Ids{0}));
  EXPECT_EQ(token_piece(*words, 0), "king");
  BpeEncodeOptions allow;
  allow.allow_special = true;
  EXPECT_TRUE(Contains(error_of([&] { encode_with(*words, "x", allow, ids); }), "a word tokenizer has no special tokens"));
  EXPECT_EQ(parse_token_ids({"15496", "0"}), (Ids{15496, 0}));
  EXPECT_TRUE(Contains(error_of([] { parse_token_ids({"12", "-1"}); }), "token id '-1' is not a whole number"));
  EXPECT_TRUE(Contains(error_of([] { parse_token_ids({"1e3"}); }), "token id '1e3'"));
}

}  // namespace
}  // namespace embedlab
