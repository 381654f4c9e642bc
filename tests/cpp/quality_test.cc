// Real text: CBOW with the default settings on the page's default corpus (the WordNet glosses, about
// 1.4 million kept tokens) and on the mix of the corpus library must answer king - man + woman with
// queen first and rank girl for boy - man + woman in the top three.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "core/embeddings.h"
#include "core/corpus.h"
#include "core/trainer.h"

namespace embedlab {
namespace {

std::string top_words(const std::vector<Neighbour>& neighbours) {
  std::string out;
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    char line[96];
    std::snprintf(line, sizeof(line), "%s%zu. %s %.4f", i ? ", " : "", i + 1, neighbours[i].word.c_str(),
                  static_cast<double>(neighbours[i].similarity));
    out += line;
  }
  return out;
}

// 1-based rank of `word` in `neighbours`, 0 when absent.
std::size_t rank_of(const std::vector<Neighbour>& neighbours, const std::string& word) {
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    if (neighbours[i].word == word) return i + 1;
  }
  return 0;
}

// Trains the corpus data/NAME.txt (made by `node scripts/prepare-corpus.mjs`, which `npm test` runs)
// with the default settings and seed, the page's and the CLI's: CBOW, negative sampling, dim 100,
// window 5, 5 epochs, min count 5, sample 1e-3, one thread, seed 1.
Embeddings train_default(const std::string& name) {
  const std::string corpus_path = EMBEDLAB_CORPUS_PATH;  // data/wordnet-glosses.txt
  const std::string path = corpus_path.substr(0, corpus_path.rfind('/') + 1) + name + ".txt";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot open the test corpus " << path
                  << "; create it with `node scripts/prepare-corpus.mjs` (from the repository root)";
    return Embeddings();
  }
  const Corpus corpus = build_corpus(in, CorpusOptions{}, path);
  EXPECT_GT(corpus.tokens.size(), 1000000u) << path << " looks truncated; rerun `node scripts/prepare-corpus.mjs`";
  const Embeddings e = train(corpus, TrainOptions{});
  std::printf("[          ] %s: %zu tokens, %zu words\n", name.c_str(), corpus.tokens.size(), e.size());
  return e;
}

void expect_analogies(const Embeddings& e) {
  ASSERT_GT(e.size(), 0u);
  const auto queen = e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 5);
  const auto girl = e.analogy("man", "boy", "woman", AnalogyMethod::kAdd, 5);
  const auto smaller = e.analogy("big", "bigger", "small", AnalogyMethod::kAdd, 5);
  std::printf("[          ] king - man + woman:   %s\n", top_words(queen).c_str());
  std::printf("[          ] boy - man + woman:    %s\n", top_words(girl).c_str());
  std::printf("[          ] bigger - big + small: %s\n", top_words(smaller).c_str());
  EXPECT_EQ(rank_of(queen, "queen"), 1u) << "'queen' is not first: " << top_words(queen);
  const std::size_t girl_rank = rank_of(girl, "girl");
  EXPECT_TRUE(girl_rank >= 1 && girl_rank <= 3) << "'girl' not in the top 3: " << top_words(girl);
}

// The page's default corpus: the seed example (man : king :: woman : ?) must answer queen first.
TEST(Quality, DefaultCorpusAnswersQueenFirst) { expect_analogies(train_default("wordnet-glosses")); }

// The mix of the whole corpus library (4.6 M words), which the page offers beside it.
TEST(Quality, MixCorpusAnswersQueenFirst) {
  const Embeddings e = train_default("mix");
  expect_analogies(e);
  if (e.size() == 0) return;
  const auto smaller = e.analogy("big", "bigger", "small", AnalogyMethod::kAdd, 5);
  EXPECT_EQ(rank_of(smaller, "smaller"), 1u) << "big : bigger :: small : ? " << top_words(smaller);
}

}  // namespace
}  // namespace embedlab
