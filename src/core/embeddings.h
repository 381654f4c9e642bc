// A set of word vectors and the queries users run on them. Queries use unit-length rows,
// computed once when the set is made. Sets of kCompactFloats numbers or more are kept compact:
// only the unit rows and each row's length (1x the floats instead of 2x); their vectors are
// rebuilt as unit row x length (within a float rounding of the originals).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/matrix.h"
#include "core/tokenizer.h"

namespace embedlab {

class NeighborIndex;

struct Neighbour {
  std::int32_t id;
  std::string word;
  float similarity;  // cosine (3CosMul: the 3CosMul score)
};

enum class AnalogyMethod { kAdd, kMul };  // 3CosAdd, 3CosMul (Levy & Goldberg 2014)

class Embeddings {
 public:
  // 2^23 numbers (32 MB): e.g. 28,000 x 300 or 84,000 x 100.
  static constexpr std::size_t kCompactFloats = std::size_t{1} << 23;

  Embeddings() = default;
  // Rows in frequency order (most frequent first); `data` holds words.size() * dim floats.
  // Throws Error on dim 0, a size mismatch, a duplicate or empty word, or a NaN/Inf value.
  Embeddings(std::vector<std::string> words, std::size_t dim, std::vector<float> data,
             std::vector<std::int64_t> counts = {});
  // Row i of `vectors` is the vector of words[i]. With a `tokenizer` (the one that made the words,
  // ids = rows) words are looked up through it, so a query is normalised as the training text was.
  Embeddings(std::vector<std::string> words, Matrix vectors, std::vector<std::int64_t> counts = {},
             std::shared_ptr<const Tokenizer> tokenizer = nullptr);

  std::size_t size() const { return words_.size(); }
  std::size_t dim() const { return dim_; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::int64_t>& counts() const { return counts_; }  // empty when unknown
  const std::string& word(std::int32_t id) const { return words_[id]; }
  // The stored vector; only for sets that are not compact (Error otherwise): use copy_vector.
  const float* vector(std::int32_t id) const;
  // All stored vectors, row-major; only for sets that are not compact (Error otherwise).
  const std::vector<float>& data() const;
  // Writes the vector of row `id` (dim() floats) to `out`; works for every set.
  void copy_vector(std::int32_t id, float* out) const;
  const float* unit_vector(std::int32_t id) const { return unit_.row(id); }
  // Unit-length rows, row-major (size() x dim()).
  const Matrix& unit_vectors() const { return unit_; }
  bool compact() const { return compact_; }

  // Big sets (compact ones: kCompactFloats numbers or more, where an exact top-10 takes about 2 ms
  // in wasm) answer nearest(), most_similar() and analogy() by 3CosAdd through an approximate-
  // neighbour index once one is attached (built over unit_vectors(), which it may borrow: it must
  // not outlive this set); its candidates are re-ranked exactly. Restricted searches, 3CosMul and
  // smaller sets always search exactly.
  void attach_index(std::shared_ptr<const NeighborIndex> index);
  bool indexed() const { return static_cast<bool>(neighbor_index_); }
  // Beam width of indexed searches (wider: slower, closer to exact).
  static constexpr std::size_t kSearchBreadth = 400;

  // Id of `word`: through the tokenizer when there is one; otherwise trying it as given and then
  // lowercased. -1 when absent.
  std::int32_t find(std::string_view word) const;
  // Like find() but throws "word 'x' is not in the vocabulary (N words)".
  std::int32_t id(std::string_view word) const;
  // id(), also throwing Error when the word's vector is all zeros (a similarity to it means nothing).
  std::int32_t direction_id(std::string_view word) const;

  float similarity(std::string_view a, std::string_view b) const;

  // Nearest words to the mean of the unit vectors of `positive` minus those of `negative`
  // (gensim's most_similar). Query words are excluded. `restrict_to` > 0 searches only the
  // that many most frequent words.
  std::vector<Neighbour> most_similar(const std::vector<std::string>& positive,
                                      const std::vector<std::string>& negative = {}, std::size_t topn = 10,
                                      std::size_t restrict_to = 0) const;
  // Nearest words to an arbitrary vector (need not be unit length), skipping ids in `exclude`.
  std::vector<Neighbour> nearest(const float* query, std::size_t topn, const std::vector<std::int32_t>& exclude = {},
                                 std::size_t restrict_to = 0) const;
  // "a is to b as c is to ?": b - a + c (3CosAdd) or 3CosMul; a, b and c are excluded.
  std::vector<Neighbour> analogy(std::string_view a, std::string_view b, std::string_view c,
                                 AnalogyMethod method = AnalogyMethod::kAdd, std::size_t topn = 10,
                                 std::size_t restrict_to = 0) const;
  // The word furthest from the mean of the others (gensim's doesnt_match); needs two known words.
  std::string doesnt_match(const std::vector<std::string>& words) const;

 private:
  std::vector<Neighbour> top(const std::vector<float>& scores, std::size_t topn,
                             const std::vector<std::int32_t>& exclude) const;
  void check_and_index();
  std::vector<Neighbour> nearest_indexed(const float* unit_query, std::size_t topn,
                                         const std::vector<std::int32_t>& exclude) const;

  std::vector<std::string> words_;
  std::vector<std::int64_t> counts_;
  std::size_t dim_ = 0;
  Matrix data_;  // empty when compact_
  Matrix unit_;
  std::vector<float> norms_;  // row lengths, when compact_
  bool compact_ = false;
  std::unordered_map<std::string, std::int32_t> index_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::shared_ptr<const NeighborIndex> neighbor_index_;
};

}  // namespace embedlab
