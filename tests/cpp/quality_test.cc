// Real text: CBOW on the WordNet glosses (about 1.4 million kept tokens) must learn the classic
// gender analogies well enough to rank the answer in the top three.
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

TEST(Quality, CbowOnWordNetGlossesLearnsGenderAnalogies) {
  const std::string path = EMBEDLAB_CORPUS_PATH;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open the test corpus " << path
                  << "; create it with `node scripts/prepare-corpus.mjs` (from the repository root)";

  const Corpus corpus = build_corpus(in, CorpusOptions{}, path);
  ASSERT_GT(corpus.tokens.size(), 1000000u) << path << " looks truncated; rerun `node scripts/prepare-corpus.mjs`";

  TrainOptions options;
  options.model = ModelKind::kCbow;
  options.loss = LossKind::kNegativeSampling;
  options.dim = 100;
  options.window = 5;
  options.negative = 5;
  options.epochs = 5;
  options.sample = 1e-3;
  options.threads = 1;
  options.seed = 1;
  const Embeddings e = train(corpus, options);
  std::printf("[          ] %zu tokens, %zu words\n", corpus.tokens.size(), e.size());

  const auto queen = e.analogy("man", "king", "woman", AnalogyMethod::kAdd, 5);
  const auto girl = e.analogy("man", "boy", "woman", AnalogyMethod::kAdd, 5);
  std::printf("[          ] king - man + woman: %s\n", top_words(queen).c_str());
  std::printf("[          ] boy - man + woman:  %s\n", top_words(girl).c_str());

  const std::size_t queen_rank = rank_of(queen, "queen");
  const std::size_t girl_rank = rank_of(girl, "girl");
  EXPECT_TRUE(queen_rank >= 1 && queen_rank <= 3) << "'queen' not in the top 3: " << top_words(queen);
  EXPECT_TRUE(girl_rank >= 1 && girl_rank <= 3) << "'girl' not in the top 3: " << top_words(girl);
}

}  // namespace
}  // namespace embedlab
