#include "core/bpe.h"

#include <algorithm>
#include <chrono>
#include <queue>
#include <utility>

#include "core/error.h"
#include "core/json.h"
#include "core/pretokenizer.h"
#include "core/text.h"

namespace embedlab {
namespace {

using PairMap = std::unordered_map<std::uint64_t, std::int32_t>;

std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}
std::int32_t key_left(std::uint64_t key) { return static_cast<std::int32_t>(key >> 32); }
std::int32_t key_right(std::uint64_t key) { return static_cast<std::int32_t>(key & 0xFFFFFFFFu); }

std::string count_text(std::size_t n) { return with_commas(static_cast<long long>(n)); }

// Joins every occurrence of the pair (left, right) in `symbols`, left to right, into `merged`.
void merge_pair(std::vector<std::int32_t>& symbols, std::int32_t left, std::int32_t right, std::int32_t merged) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < symbols.size(); ++out) {
    if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
      symbols[out] = merged;
      i += 2;
    } else {
      symbols[out] = symbols[i++];
    }
  }
  symbols.resize(out);
}

// Byte-pair encoding of one piece's symbols: again and again, the adjacent pair with the earliest
// merge (below `limit`) is joined everywhere in the piece, until no pair has a merge.
void apply_merges(std::vector<std::int32_t>& symbols, const PairMap& merge_of_pair, std::size_t limit) {
  while (symbols.size() > 1) {
    std::size_t best = limit;
    std::int32_t left = 0, right = 0;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = merge_of_pair.find(pair_key(symbols[i], symbols[i + 1]));
      if (it != merge_of_pair.end() && static_cast<std::size_t>(it->second) < best) {
        best = static_cast<std::size_t>(it->second);
        left = symbols[i];
        right = symbols[i + 1];
      }
    }
    if (best == limit) return;
    merge_pair(symbols, left, right, static_cast<std::int32_t>(BpeTokenizer::kByteTokens + best));
  }
}

// GPT-2's printable stand-in for each byte (its bytes_to_unicode): printable Latin-1 bytes stand for
// themselves, the others (controls, space, soft hyphen) for U+0100 onwards, in byte order.
const std::array<char32_t, 256>& printable_bytes() {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      t[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
    }
    return t;
  }();
  return table;
}

// The special-token syntax: "[" capitals "]" or "<|" lowercase letters and _ "|>". The length of
// the one at `pos`, or 0.
std::size_t special_syntax_at(std::string_view text, std::size_t pos) {
  const auto run = [&](std::size_t from, bool (*ok)(char)) {
    std::size_t end = from;
    while (end < text.size() && ok(text[end])) ++end;
    return end;
  };
  if (text[pos] == '[') {
    const std::size_t end = run(pos + 1, [](char c) { return c >= 'A' && c <= 'Z'; });
    return end > pos + 1 && end < text.size() && text[end] == ']' ? end + 1 - pos : 0;
  }
  if (text.compare(pos, 2, "<|") == 0) {
    const std::size_t end = run(pos + 2, [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    return end > pos + 2 && text.compare(end, 2, "|>") == 0 ? end + 2 - pos : 0;
  }
  return 0;
}

std::string special_list() {
  std::string list;
  for (const char* s : BpeTokenizer::special_tokens()) list += std::string(list.empty() ? "" : " ") + s;
  return list;
}

}  // namespace

// ---- the tokenizer --------------------------------------------------------------------------------

const std::array<const char*, BpeTokenizer::kSpecialTokens>& BpeTokenizer::special_tokens() {
  static const std::array<const char*, kSpecialTokens> tokens = {"<|endoftext|>", "[CLS]", "[SEP]", "[MASK]", "[PAD]"};
  return tokens;
}

BpeTokenizer::BpeTokenizer(const std::array<std::int32_t, kByteTokens>& byte_ids, std::vector<TokenMerge> merges,
                           std::vector<std::int64_t> token_counts)
    : byte_ids_(byte_ids), merges_(std::move(merges)) {
  const std::size_t size = kByteTokens + merges_.size() + kSpecialTokens;
  if (size > kMaxVocabularySize) {
    throw Error("a byte-pair tokenizer has at most " + count_text(kMaxVocabularySize) + " tokens, this one " +
                count_text(size));
  }
  std::vector<std::string> tokens(size);
  std::vector<bool> seen(kByteTokens, false);
  for (std::size_t b = 0; b < kByteTokens; ++b) {
    const std::int32_t id = byte_ids_[b];
    if (id < 0 || id >= static_cast<std::int32_t>(kByteTokens) || seen[static_cast<std::size_t>(id)]) {
      throw Error("the byte tokens must have the ids 0 to 255, each once (byte " + std::to_string(b) + " has id " +
                  std::to_string(id) + ")");
    }
    seen[static_cast<std::size_t>(id)] = true;
    tokens[static_cast<std::size_t>(id)] = std::string(1, static_cast<char>(b));
  }
  merge_of_pair_.reserve(merges_.size());
  for (std::size_t i = 0; i < merges_.size(); ++i) {
    const TokenMerge& m = merges_[i];
    const auto made = static_cast<std::int32_t>(kByteTokens + i);
    const std::string which = "merge " + count_text(i + 1) + " of " + count_text(merges_.size());
    for (const std::int32_t part : {m.left, m.right}) {
      if (part < 0 || part >= made) {
        throw Error(which + " joins token id " + std::to_string(part) + ", which is not made before it (ids 0 to " +
                    std::to_string(made - 1) + ")");
      }
    }
    if (m.count < 0) throw Error(which + " has a negative count");
    if (!merge_of_pair_.emplace(pair_key(m.left, m.right), static_cast<std::int32_t>(i)).second) {
      throw Error(which + " joins " + std::to_string(m.left) + " and " + std::to_string(m.right) + " again");
    }
    tokens[static_cast<std::size_t>(made)] = tokens[static_cast<std::size_t>(m.left)] + tokens[static_cast<std::size_t>(m.right)];
  }
  for (std::size_t s = 0; s < kSpecialTokens; ++s) tokens[kByteTokens + merges_.size() + s] = special_tokens()[s];
  if (!token_counts.empty() && token_counts.size() != size) {
    throw Error("expected " + count_text(size) + " token counts, got " + count_text(token_counts.size()));
  }
  vocabulary_ = Vocabulary(std::move(tokens), std::move(token_counts));
  for (std::size_t id = 0; id < size; ++id) {
    const std::string& token = vocabulary_.word(static_cast<std::int32_t>(id));
    const std::int32_t first = vocabulary_.find(token);
    if (first != static_cast<std::int32_t>(id)) {
      throw Error("token id " + std::to_string(id) + " (" + quote(token) + ") is the same as token id " +
                  std::to_string(first) + (id >= kByteTokens && id < kByteTokens + merges_.size()
                                                ? " (made by merge " + count_text(id - kByteTokens + 1) + ")"
                                                : std::string()));
    }
  }
}

Settings BpeTokenizer::settings() const { return {{"pretokenizer", "gpt2"}}; }

void BpeTokenizer::check_id(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= vocabulary_.size()) {
    throw Error("token id " + std::to_string(id) + " is outside the vocabulary (ids 0 to " +
                std::to_string(vocabulary_.size() - 1) + ")");
  }
}

void BpeTokenizer::encode_piece(std::string_view piece, std::size_t merge_limit, std::vector<std::int32_t>& ids) const {
  std::vector<std::int32_t> symbols(piece.size());
  for (std::size_t i = 0; i < piece.size(); ++i) symbols[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
  apply_merges(symbols, merge_of_pair_, merge_limit);
  ids.insert(ids.end(), symbols.begin(), symbols.end());
}

void BpeTokenizer::encode_plain(std::string_view text, std::size_t merge_limit, std::vector<std::int32_t>& ids) const {
  // Text repeats its pieces ("Ġthe"): each distinct one is encoded once per call (up to a bound).
  constexpr std::size_t kMaxCached = 1 << 16;
  std::unordered_map<std::string_view, std::pair<std::size_t, std::size_t>> seen;  // piece -> ids[first, last)
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = gpt2_piece_end(text, pos);
    const std::string_view piece = text.substr(pos, end - pos);
    pos = end;
    const auto it = seen.find(piece);
    if (it != seen.end()) {
      for (std::size_t i = it->second.first; i < it->second.second; ++i) {
        const std::int32_t id = ids[i];  // copied first: push_back may move the vector
        ids.push_back(id);
      }
      continue;
    }
    const std::size_t first = ids.size();
    encode_piece(piece, merge_limit, ids);
    if (seen.size() < kMaxCached) seen.emplace(piece, std::make_pair(first, ids.size()));
  }
}

void BpeTokenizer::encode(std::string_view text, std::vector<std::int32_t>& ids) const {
  encode(text, ids, BpeEncodeOptions{});
}

void BpeTokenizer::encode(std::string_view text, std::vector<std::int32_t>& ids, const BpeEncodeOptions& options) const {
  ids.clear();
  const std::size_t limit = std::min(options.merges, merges_.size());
  if (!options.allow_special) return encode_plain(text, limit, ids);
  std::size_t start = 0;  // of the plain text before the next special token
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] != '[' && text[pos] != '<') continue;
    const std::size_t length = special_syntax_at(text, pos);
    if (length == 0) continue;
    const std::string_view token = text.substr(pos, length);
    const std::int32_t id = special_id(token);
    if (id < 0) {
      throw Error("unknown special token " + quote(token) + " at byte " + count_text(pos + 1) + " (known: " +
                  special_list() + ")");
    }
    encode_plain(text.substr(start, pos - start), limit, ids);
    ids.push_back(id);
    start = pos + length;
    pos = start - 1;
  }
  encode_plain(text.substr(start), limit, ids);
}

std::string BpeTokenizer::decode(const std::vector<std::int32_t>& ids) const {
  std::string text;
  for (const std::int32_t id : ids) {
    check_id(id);
    text += vocabulary_.word(id);
  }
  return text;
}

std::int32_t BpeTokenizer::find(std::string_view word) const {
  std::vector<std::int32_t> ids;
  encode(word, ids);
  return ids.size() == 1 ? ids[0] : -1;
}

std::string BpeTokenizer::piece(std::int32_t id) const {
  check_id(id);
  const std::string& token = vocabulary_.word(id);
  if (static_cast<std::size_t>(id) >= kByteTokens + merges_.size()) return token;
  std::string shown;
  for (const char c : token) append_utf8(printable_bytes()[static_cast<unsigned char>(c)], shown);
  return shown;
}

std::int32_t BpeTokenizer::special_id(std::string_view text) const {
  for (std::size_t s = 0; s < kSpecialTokens; ++s) {
    if (text == special_tokens()[s]) return static_cast<std::int32_t>(kByteTokens + merges_.size() + s);
  }
  return -1;
}

std::shared_ptr<const BpeTokenizer> make_bpe_tokenizer(const Settings& settings, const Vocabulary& vocabulary,
                                                       std::vector<TokenMerge> merges) {
  if (settings.size() != 1 || settings[0].first != "pretokenizer") {
    throw Error("a bpe tokenizer has exactly one setting, 'pretokenizer'");
  }
  if (settings[0].second != "gpt2") {
    throw Error("the bpe tokenizer setting 'pretokenizer' must be 'gpt2', got " + quote(settings[0].second));
  }
  const std::size_t expected = BpeTokenizer::kByteTokens + merges.size() + BpeTokenizer::kSpecialTokens;
  if (vocabulary.size() != expected) {
    throw Error("a bpe tokenizer with " + count_text(merges.size()) + " merges has " + count_text(expected) +
                " tokens (256 bytes, one per merge, 5 special), but the vocabulary has " + count_text(vocabulary.size()));
  }
  std::array<std::int32_t, BpeTokenizer::kByteTokens> byte_ids;
  byte_ids.fill(-1);
  for (std::size_t id = 0; id < BpeTokenizer::kByteTokens; ++id) {
    const std::string& token = vocabulary.word(static_cast<std::int32_t>(id));
    if (token.size() != 1) {
      throw Error("token id " + std::to_string(id) + " (" + quote(token) + ") should be a single byte (ids 0 to 255 are bytes)");
    }
    std::int32_t& slot = byte_ids[static_cast<unsigned char>(token[0])];
    if (slot >= 0) {
      throw Error("token id " + std::to_string(id) + " (" + quote(token) + ") is the same byte as token id " +
                  std::to_string(slot));
    }
    slot = static_cast<std::int32_t>(id);
  }
  for (std::size_t id = 0; id < vocabulary.size(); ++id) {
    if (vocabulary.count(static_cast<std::int32_t>(id)) < 0) {
      throw Error("token id " + std::to_string(id) + " has a negative count");
    }
  }
  auto tokenizer = std::make_shared<const BpeTokenizer>(byte_ids, std::move(merges), vocabulary.counts());
  for (std::size_t id = BpeTokenizer::kByteTokens; id < vocabulary.size(); ++id) {
    const std::string& saved = vocabulary.word(static_cast<std::int32_t>(id));
    const std::string& made = tokenizer->vocabulary().word(static_cast<std::int32_t>(id));
    if (saved == made) continue;
    const bool special = id >= vocabulary.size() - BpeTokenizer::kSpecialTokens;
    throw Error("token id " + std::to_string(id) + " is " + quote(saved) + " but " +
                (special ? "that id is the special token " + quote(made)
                         : "merge " + count_text(id - BpeTokenizer::kByteTokens + 1) + " makes " + quote(made)));
  }
  return tokenizer;
}

// ---- GPT-2's ranks ----------------------------------------------------------------------------------

namespace {

// Standard base64 (with '=' padding); false on anything else.
bool decode_base64(std::string_view text, std::string& out) {
  out.clear();
  std::uint32_t bits = 0;
  int held = 0;
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  if (text.size() % 4 != 0 || text.size() - end > 2) return false;
  for (std::size_t i = 0; i < end; ++i) {
    const char c = text[i];
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return false;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out += static_cast<char>((bits >> held) & 0xFF);
    }
  }
  return true;
}

bool parse_rank(std::string_view text, std::size_t& rank) {
  if (text.empty() || text.size() > 9) return false;
  rank = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    rank = rank * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

}  // namespace

std::shared_ptr<const BpeTokenizer> bpe_from_tiktoken(std::string_view ranks, const std::string& source) {
  std::vector<std::string> token_of_rank;
  std::vector<bool> has_rank;
  std::string bytes;
  std::size_t line_number = 0;
  const auto place = [&](std::size_t rank, std::string_view base64) {
    const std::string where = source + " line " + count_text(line_number);
    if (!decode_base64(base64, bytes) || bytes.empty()) throw Error(where + ": " + quote(base64) + " is not a base64 token");
    if (rank >= BpeTokenizer::kMaxVocabularySize) throw Error(where + ": rank " + count_text(rank) + " is too large");
    if (rank >= token_of_rank.size()) token_of_rank.resize(rank + 1), has_rank.resize(rank + 1, false);
    if (has_rank[rank]) throw Error(where + ": rank " + count_text(rank) + " appears twice");
    has_rank[rank] = true;
    token_of_rank[rank] = bytes;
  };
  for (std::size_t start = 0; start < ranks.size();) {
    std::size_t end = std::min(ranks.find('\n', start), ranks.size());
    std::string_view line = ranks.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string_view> fields;
    for (std::size_t f = 0; f <= line.size();) {
      const std::size_t space = std::min(line.find(' ', f), line.size());
      fields.push_back(line.substr(f, space - f));
      f = space + 1;
    }
    std::size_t rank = 0;
    if (fields.size() == 2 && parse_rank(fields[1], rank)) {  // .tiktoken: token rank
      place(rank, fields[0]);
    } else if (fields.size() >= 2 && parse_rank(fields[1], rank)) {  // js-tiktoken: tag first-rank tokens...
      for (std::size_t i = 2; i < fields.size(); ++i) place(rank + i - 2, fields[i]);
    } else {
      throw Error(source + " line " + count_text(line_number) +
                  ": expected '<base64 token> <rank>' or '<tag> <first rank> <base64 token> ...'");
    }
  }
  if (token_of_rank.size() < BpeTokenizer::kByteTokens) {
    throw Error(source + " has " + count_text(token_of_rank.size()) + " ranks; the 256 bytes alone need 256");
  }
  for (std::size_t r = 0; r < token_of_rank.size(); ++r) {
    if (!has_rank[r]) throw Error(source + " has no token of rank " + count_text(r) + " (ranks must run from 0 without gaps)");
  }
  std::array<std::int32_t, BpeTokenizer::kByteTokens> byte_ids;
  byte_ids.fill(-1);
  std::unordered_map<std::string, std::int32_t> rank_of;
  for (std::size_t r = 0; r < token_of_rank.size(); ++r) {
    const std::string& token = token_of_rank[r];
    if (!rank_of.emplace(token, static_cast<std::int32_t>(r)).second) {
      throw Error(source + ": the token of rank " + count_text(r) + " (" + quote(token) + ") is also rank " +
                  count_text(static_cast<std::size_t>(rank_of[token])));
    }
    if (r < BpeTokenizer::kByteTokens) {
      if (token.size() != 1) throw Error(source + ": rank " + count_text(r) + " should be a single byte (ranks 0 to 255 are bytes)");
      byte_ids[static_cast<unsigned char>(token[0])] = static_cast<std::int32_t>(r);
    }
  }
  // Each later rank is a merge; its pair is what byte-pair encoding of its bytes with the merges
  // before it leaves (two tokens), else any split of it into two earlier tokens.
  std::vector<TokenMerge> merges;
  PairMap merge_of_pair;
  std::vector<std::int32_t> symbols;
  for (std::size_t r = BpeTokenizer::kByteTokens; r < token_of_rank.size(); ++r) {
    const std::string& token = token_of_rank[r];
    symbols.resize(token.size());
    for (std::size_t i = 0; i < token.size(); ++i) symbols[i] = byte_ids[static_cast<unsigned char>(token[i])];
    apply_merges(symbols, merge_of_pair, merges.size());
    if (symbols.size() != 2) {
      symbols.clear();
      for (std::size_t k = 1; k < token.size() && symbols.empty(); ++k) {
        const auto left = rank_of.find(token.substr(0, k));
        const auto right = rank_of.find(token.substr(k));
        if (left != rank_of.end() && right != rank_of.end() && static_cast<std::size_t>(left->second) < r &&
            static_cast<std::size_t>(right->second) < r) {
          symbols = {left->second, right->second};
        }
      }
      if (symbols.empty()) {
        throw Error(source + ": the token of rank " + count_text(r) + " (" + quote(token) +
                    ") is not two tokens of lower ranks joined");
      }
    }
    merge_of_pair.emplace(pair_key(symbols[0], symbols[1]), static_cast<std::int32_t>(merges.size()));
    merges.push_back(TokenMerge{symbols[0], symbols[1], 0});
  }
  return std::make_shared<const BpeTokenizer>(byte_ids, std::move(merges));
}

// ---- GPT-2's Hugging Face files ---------------------------------------------------------------------

std::shared_ptr<const BpeTokenizer> bpe_from_huggingface(std::string_view vocab_json, std::string_view merges_txt,
                                                         const std::string& vocab_source, const std::string& merges_source) {
  const JsonValue vocab = parse_json(vocab_json, vocab_source);
  if (vocab.type != JsonValue::Type::kObject) {
    throw Error(vocab_source + ": expected an object of token: id, found " + std::string(json_type_name(vocab.type)));
  }
  std::unordered_map<std::string, std::int32_t> id_of;  // printable spelling -> id
  std::vector<std::string> spelling;                     // id -> printable spelling
  for (const auto& [token, value] : vocab.members) {
    const std::uint64_t id = value.as_count(vocab_source + " token " + quote(token));
    if (id >= BpeTokenizer::kMaxVocabularySize) {
      throw Error(vocab_source + ": token " + quote(token) + " has id " + std::to_string(id) + ", too large");
    }
    if (id >= spelling.size()) spelling.resize(id + 1);
    if (!spelling[id].empty()) {
      throw Error(vocab_source + ": id " + std::to_string(id) + " is both " + quote(spelling[id]) + " and " + quote(token));
    }
    spelling[id] = token;
    id_of.emplace(token, static_cast<std::int32_t>(id));
  }
  const auto id_in_vocab = [&](const std::string& token, const std::string& where) {
    const auto found = id_of.find(token);
    if (found == id_of.end()) throw Error(where + quote(token) + " is not in " + vocab_source);
    return found->second;
  };
  std::array<std::int32_t, BpeTokenizer::kByteTokens> byte_ids;
  std::string spelt;
  for (std::size_t b = 0; b < BpeTokenizer::kByteTokens; ++b) {
    spelt.clear();
    append_utf8(printable_bytes()[b], spelt);
    const std::int32_t id = id_in_vocab(spelt, "the token of byte " + std::to_string(b) + " ");
    if (id >= static_cast<std::int32_t>(BpeTokenizer::kByteTokens)) {
      throw Error(vocab_source + ": the token of byte " + std::to_string(b) + " (" + quote(spelt) + ") has id " +
                  std::to_string(id) + "; the 256 byte tokens must have the ids 0 to 255");
    }
    byte_ids[b] = id;
  }
  std::vector<TokenMerge> merges;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < merges_txt.size();) {
    const std::size_t end = std::min(merges_txt.find('\n', start), merges_txt.size());
    std::string_view line = merges_txt.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (line_number == 1 && line.substr(0, 8) == "#version")) continue;
    const std::string where = merges_source + " line " + count_text(line_number) + ": ";
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      throw Error(where + "expected two tokens separated by one space, found " + quote(line));
    }
    const std::string left(line.substr(0, space)), right(line.substr(space + 1));
    const auto made = static_cast<std::int32_t>(BpeTokenizer::kByteTokens + merges.size());
    const std::int32_t joined = id_in_vocab(left + right, where + "the merged token ");
    if (joined != made) {
      throw Error(where + quote(left) + " + " + quote(right) + " makes id " + std::to_string(joined) + " in " +
                  vocab_source + "; merge " + count_text(merges.size() + 1) + " must make id " + std::to_string(made));
    }
    merges.push_back(TokenMerge{id_in_vocab(left, where), id_in_vocab(right, where), 0});
  }
  const std::size_t made = BpeTokenizer::kByteTokens + merges.size();
  for (std::size_t id = 0; id < spelling.size(); ++id) {
    const bool end_of_text = id == made && spelling[id] == BpeTokenizer::special_tokens()[0];
    if (id >= made && !end_of_text) {
      throw Error(vocab_source + (spelling[id].empty() ? ": no token has id " + std::to_string(id)
                                                       : ": token " + quote(spelling[id]) + " (id " + std::to_string(id) +
                                                             ") is neither a byte, nor made by a merge of " +
                                                             merges_source + ", nor <|endoftext|> after them"));
    }
    if (id < made && spelling[id].empty()) throw Error(vocab_source + ": no token has id " + std::to_string(id));
  }
  return std::make_shared<const BpeTokenizer>(byte_ids, std::move(merges));
}

// ---- training -------------------------------------------------------------------------------------

namespace {

// A pair's count as it was when pushed; stale entries are skipped when popped.
struct HeapEntry {
  std::int64_t count;
  std::uint64_t key;
  // The top is the largest count, then the smallest pair.
  bool operator<(const HeapEntry& o) const { return count < o.count || (count == o.count && key > o.key); }
};

bool has_pair(const std::vector<std::int32_t>& symbols, std::int32_t left, std::int32_t right) {
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
    if (symbols[i] == left && symbols[i + 1] == right) return true;
  }
  return false;
}

}  // namespace

struct BpeTrainer::State {
  std::size_t merges_total = 0;
  std::vector<std::vector<std::int32_t>> words;  // each distinct piece, as tokens
  std::vector<std::int64_t> word_counts;
  std::unordered_map<std::uint64_t, std::int64_t> pair_counts;
  std::unordered_map<std::uint64_t, std::vector<std::int32_t>> words_with_pair;  // may hold stale entries
  std::priority_queue<HeapEntry> heap;
  std::vector<TokenMerge> merges;
  std::vector<std::uint64_t> touched;
  std::int64_t pieces = 0;
  double elapsed_ms = 0.0;

  // Adds (sign +1) or takes out (-1) the pairs of `word`, times its count. Added pairs list the
  // word under them: all of them, or with `only_with` >= 0 those that hold that token.
  void add_pairs(std::int32_t word, std::int64_t sign, std::int32_t only_with = -1) {
    const std::vector<std::int32_t>& s = words[static_cast<std::size_t>(word)];
    const std::int64_t delta = sign * word_counts[static_cast<std::size_t>(word)];
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      const std::uint64_t key = pair_key(s[i], s[i + 1]);
      pair_counts[key] += delta;
      touched.push_back(key);
      if (sign > 0 && (only_with < 0 || s[i] == only_with || s[i + 1] == only_with)) words_with_pair[key].push_back(word);
    }
  }

  // Learns one merge; false when no pair is left.
  bool merge_once() {
    while (!heap.empty()) {
      const HeapEntry top = heap.top();
      const auto it = pair_counts.find(top.key);
      if (it != pair_counts.end() && it->second == top.count && top.count > 0) break;
      heap.pop();
    }
    if (heap.empty()) return false;
    const HeapEntry best = heap.top();
    heap.pop();
    const std::int32_t left = key_left(best.key), right = key_right(best.key);
    const auto merged = static_cast<std::int32_t>(BpeTokenizer::kByteTokens + merges.size());
    merges.push_back(TokenMerge{left, right, best.count});
    std::vector<std::int32_t> affected = std::move(words_with_pair[best.key]);
    words_with_pair.erase(best.key);
    touched.clear();
    for (const std::int32_t w : affected) {
      std::vector<std::int32_t>& s = words[static_cast<std::size_t>(w)];
      if (!has_pair(s, left, right)) continue;  // merged already (listed twice) or stale
      // Only the pairs around the merged ones change; the others are taken out and put back.
      add_pairs(w, -1);
      merge_pair(s, left, right, merged);
      add_pairs(w, +1, merged);
    }
    pair_counts.erase(best.key);
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (const std::uint64_t key : touched) {
      const std::int32_t a = key_left(key), b = key_right(key);
      const bool changed = a == left || a == right || a == merged || b == left || b == right || b == merged;
      if (!changed) continue;
      const auto it = pair_counts.find(key);
      if (it == pair_counts.end()) continue;
      if (it->second > 0) {
        heap.push(HeapEntry{it->second, key});
      } else {
        pair_counts.erase(it);
      }
    }
    return true;
  }
};

namespace {
double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

BpeTrainer::BpeTrainer(std::string_view text, const BpeTrainOptions& options) : state_(std::make_unique<State>()) {
  const auto start = std::chrono::steady_clock::now();
  if (options.vocabulary_size < BpeTokenizer::kMinVocabularySize || options.vocabulary_size > BpeTokenizer::kMaxVocabularySize) {
    throw Error("vocabulary size must be between " + count_text(BpeTokenizer::kMinVocabularySize) + " and " +
                count_text(BpeTokenizer::kMaxVocabularySize) + " (256 bytes + merges + 5 special tokens), got " +
                count_text(options.vocabulary_size));
  }
  if (text.empty()) throw Error("the text is empty: there is nothing to learn merges from");
  State& s = *state_;
  s.merges_total = options.vocabulary_size - BpeTokenizer::kMinVocabularySize;
  std::unordered_map<std::string_view, std::int32_t> index;
  for (std::size_t pos = 0; pos < text.size(); ++s.pieces) {
    const std::size_t end = gpt2_piece_end(text, pos);
    const std::string_view piece = text.substr(pos, end - pos);
    pos = end;
    const auto [it, added] = index.emplace(piece, static_cast<std::int32_t>(s.words.size()));
    if (added) {
      std::vector<std::int32_t> symbols(piece.size());
      for (std::size_t i = 0; i < piece.size(); ++i) symbols[i] = static_cast<unsigned char>(piece[i]);
      s.words.push_back(std::move(symbols));
      s.word_counts.push_back(0);
    }
    ++s.word_counts[static_cast<std::size_t>(it->second)];
  }
  for (std::size_t w = 0; w < s.words.size(); ++w) s.add_pairs(static_cast<std::int32_t>(w), +1);
  std::sort(s.touched.begin(), s.touched.end());
  s.touched.erase(std::unique(s.touched.begin(), s.touched.end()), s.touched.end());
  for (const std::uint64_t key : s.touched) s.heap.push(HeapEntry{s.pair_counts[key], key});
  s.touched.clear();
  s.elapsed_ms = ms_since(start);
}

BpeTrainer::~BpeTrainer() = default;

bool BpeTrainer::run(std::size_t max_merges) {
  State& s = *state_;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < max_merges && s.merges.size() < s.merges_total; ++n) {
    if (!s.merge_once()) {
      const std::size_t most = BpeTokenizer::kMinVocabularySize + s.merges.size();
      throw Error("the text supports at most " + count_text(most) + " tokens: after " + count_text(s.merges.size()) +
                  " merges every piece is a single token; choose a vocabulary size up to " + count_text(most) +
                  " or train on more text");
    }
  }
  s.elapsed_ms += ms_since(start);
  return s.merges.size() == s.merges_total;
}

BpeTrainProgress BpeTrainer::progress() const {
  const State& s = *state_;
  BpeTrainProgress p;
  p.merges_done = s.merges.size();
  p.merges_total = s.merges_total;
  p.pieces = s.pieces;
  p.distinct_pieces = static_cast<std::int64_t>(s.words.size());
  p.elapsed_ms = s.elapsed_ms;
  p.finished = s.merges.size() == s.merges_total;
  return p;
}

std::shared_ptr<const BpeTokenizer> BpeTrainer::tokenizer() const {
  const State& s = *state_;
  if (s.merges.size() != s.merges_total) {
    throw Error("the tokenizer is not trained yet (" + count_text(s.merges.size()) + " of " +
                count_text(s.merges_total) + " merges)");
  }
  std::vector<std::int64_t> counts(BpeTokenizer::kMinVocabularySize + s.merges.size(), 0);
  for (std::size_t w = 0; w < s.words.size(); ++w) {
    for (const std::int32_t id : s.words[w]) counts[static_cast<std::size_t>(id)] += s.word_counts[w];
  }
  std::array<std::int32_t, BpeTokenizer::kByteTokens> identity;
  for (std::size_t b = 0; b < identity.size(); ++b) identity[b] = static_cast<std::int32_t>(b);
  return std::make_shared<const BpeTokenizer>(identity, s.merges, std::move(counts));
}

std::shared_ptr<const BpeTokenizer> train_bpe(std::string_view text, const BpeTrainOptions& options) {
  BpeTrainer trainer(text, options);
  trainer.run(static_cast<std::size_t>(-1));
  return trainer.tokenizer();
}

// ---- for the command lines -------------------------------------------------------------------------

void encode_with(const Tokenizer& tokenizer, std::string_view text, const BpeEncodeOptions& options,
                 std::vector<std::int32_t>& ids) {
  if (const auto* bpe = dynamic_cast<const BpeTokenizer*>(&tokenizer)) return bpe->encode(text, ids, options);
  if (options.allow_special || options.merges != BpeEncodeOptions{}.merges) {
    throw Error("a " + tokenizer.kind() + " tokenizer has no special tokens and no merges (a bpe tokenizer has)");
  }
  tokenizer.encode(text, ids);
}

std::string token_piece(const Tokenizer& tokenizer, std::int32_t id) {
  if (const auto* bpe = dynamic_cast<const BpeTokenizer*>(&tokenizer)) return bpe->piece(id);
  const Vocabulary& vocabulary = tokenizer.vocabulary();
  if (id < 0 || static_cast<std::size_t>(id) >= vocabulary.size()) {
    throw Error("token id " + std::to_string(id) + " is outside the vocabulary (ids 0 to " +
                std::to_string(vocabulary.size() - 1) + ")");
  }
  return vocabulary.word(id);
}

std::vector<std::int32_t> parse_token_ids(const std::vector<std::string>& texts) {
  std::vector<std::int32_t> ids;
  for (const std::string& text : texts) {
    std::size_t id = 0;
    if (!parse_rank(text, id)) throw Error("token id " + quote(text) + " is not a whole number from 0 to 999,999,999");
    ids.push_back(static_cast<std::int32_t>(id));
  }
  return ids;
}

}  // namespace embedlab
