#include "core/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/embeddings.h"
#include "core/error.h"
#include "core/formats.h"
#include "core/text.h"
#include "core/corpus.h"

namespace embedlab {

const std::vector<OptionSpec>& option_schema() {
  using T = OptionType;
  // cli, js, type, metavar, default, min, max, choices, CLI verbs, JS methods, help[, flags]
  static const std::vector<OptionSpec> schema = {
      // ---- training ----
      {"input", "input", T::kString, "FILE", nullptr, 0, 0, {}, "train bpe-train lm-train", "",
       "UTF-8 text, one sentence per line", kRequired},
      {"output", "output", T::kString, "FILE", nullptr, 0, 0, {}, "train", "",
       "where to write the vectors (word2vec text; binary with --binary)", kRequired},
      {"binary", "binary", T::kFlag, "", nullptr, 0, 0, {}, "train", "", "write word2vec binary instead of text"},
      {"model", "model", T::kEnum, "", "cbow", 0, 0, {{"cbow", "cbow"}, {"skipgram", "skipgram", "skip-gram sg"}},
       "train", "train", "cbow predicts a word from its context, skipgram the context from a word"},
      {"loss", "loss", T::kEnum, "", "ns", 0, 0, {{"ns", "ns"}, {"hs", "hs"}}, "train", "train",
       "negative sampling or hierarchical softmax"},
      {"dim", "dim", T::kInt, "N", "100", 1, 10000, {}, "train", "train", "vector size"},
      {"window", "window", T::kInt, "N", "5", 1, 1000, {}, "train", "train",
       "maximum context radius; each position draws 1 to N"},
      {"negative", "negative", T::kInt, "N", "5", 0, 1000, {}, "train", "train",
       "negative samples per example; the hs loss needs none and defaults to 0"},
      {"epochs", "epochs", T::kInt, "N", "5", 1, 10000, {}, "train", "train", "passes over the corpus"},
      {"min-count", "minCount", T::kInt, "N", "5", 1, kNoLimit, {}, "train", "train", "drop words seen fewer times"},
      {"max-vocab", "maxVocabulary", T::kInt, "N", "0", 0, kNoLimit, {}, "train", "train",
       "keep only the N most frequent words, 0 = all"},
      {"sample", "sample", T::kNumber, "T", "1e-3", 0, 1, {}, "train", "train",
       "subsampling threshold of frequent words, 0 = off"},
      {"alpha", "learningRate", T::kNumber, "R", "0", 0, 10, {}, "train", "train",
       "starting learning rate; 0 picks 0.05 for cbow, 0.025 for skipgram"},
      {"threads", "threads", T::kInt, "N", "1", 1, 256, {}, "train lm-train", "train",
       "training threads; 1 gives the same vectors for the same seed"},
      {"seed", "seed", T::kInt, "N", "1", 0, 4294967295.0, {}, "train lm-train lm-sample", "train", "random seed"},
      {"precision", "precision", T::kInt, "N", "6", 1, 9, {}, "train convert", "save",
       "significant digits of each number in text output"},
      {"keep-case", "lowercase", T::kFlag, "", nullptr, 0, 0, {}, "train tokenize", "train tokenize",
       "do not lowercase", kNegated},
      {"keep-punctuation", "stripPunctuation", T::kFlag, "", nullptr, 0, 0, {}, "train tokenize", "train tokenize",
       "keep punctuation at the start and end of tokens", kNegated},
      {"invalid-utf8", "invalidUtf8", T::kEnum, "", "replace", 0, 0, {{"replace", "replace"}, {"reject", "reject"}},
       "train tokenize", "train tokenize", "replace invalid UTF-8 with U+FFFD, or reject it naming the line"},
      {"control-chars", "controlCharacters", T::kEnum, "", "replace", 0, 0,
       {{"replace", "replace"}, {"strip", "strip"}, {"reject", "reject"}}, "train tokenize", "train tokenize",
       "control characters (ESC, U+0001-U+001F but tab, U+007F): a word break, removed, or an error naming the line"},
      {"quiet", "quiet", T::kFlag, "", nullptr, 0, 0, {}, "train bpe-train lm-train", "", "no progress output"},
      {nullptr, "sliceMs", T::kNumber, "", "50", 1, 10000, {}, "", "train project",
       "milliseconds of training between progress reports and abort checks"},
      {nullptr, "probes", T::kWords, "", "", 0, 0, {}, "", "train",
       "words whose nearest neighbours onProbe reports while training"},
      {nullptr, "probeEvery", T::kNumber, "", "0.05", 0.001, 1, {}, "", "train",
       "report the probes every this fraction of the training"},
      {nullptr, "onProgress", T::kFunction, "", nullptr, 0, 0, {}, "", "train project", "called with the progress every sliceMs"},
      {nullptr, "signal", T::kSignal, "", nullptr, 0, 0, {}, "", "train project", "aborting it rejects with an AbortError"},
      {nullptr, "onProbe", T::kFunction, "", nullptr, 0, 0, {}, "", "train", "called with the probes' neighbours"},
      // ---- byte-pair tokenizers (bpe.h) ----
      {"output", "output", T::kString, "FILE", nullptr, 0, 0, {}, "bpe-train", "", "where to write the tokenizer",
       kRequired},
      {"vocab-size", "vocabularySize", T::kInt, "N", "4000", 261, 16777216, {}, "bpe-train", "",
       "tokens: 256 bytes + merges + 5 special (at most what the text supports)"},
      {"tokenizer", "tokenizer", T::kString, "FILE", nullptr, 0, 0, {}, "bpe-encode bpe-decode", "",
       "a tokenizer from bpe train (or any embedlab model file: its tokenizer)", kRequired},
      {"ids", "ids", T::kFlag, "", nullptr, 0, 0, {}, "bpe-encode", "", "print the token ids (what prints without --pieces)"},
      {"pieces", "pieces", T::kFlag, "", nullptr, 0, 0, {}, "bpe-encode", "",
       "print the tokens, bytes as GPT-2 shows them (a space is \u0120); with --ids too, ids first"},
      {"allow-special", "allowSpecial", T::kFlag, "", nullptr, 0, 0, {}, "bpe-encode", "",
       "read <|endoftext|> [CLS] [SEP] [MASK] [PAD] in the text as special tokens; others like [FOO] are errors"},
      {"merges", "merges", T::kInt, "N", nullptr, 0, 16777216, {}, "bpe-encode", "",
       "apply only the first N merges, to watch training replay (all by default)"},
      // ---- language models ----
      {"output", "output", T::kString, "FILE", nullptr, 0, 0, {}, "lm-train lm-export", "",
       "where to write the model (lm train) or its weights as safetensors (lm export)", kRequired},
      {"model", "model", T::kString, "FILE", nullptr, 0, 0, {}, "lm-sample lm-fill lm-inputs lm-export", "",
       "a language model file (from embedlab lm train)", kRequired},
      {"objective", "objective", T::kEnum, "", "next", 0, 0, {{"next", "next"}, {"masked", "masked"}}, "lm-train", "",
       "predict the next token (GPT) or masked tokens of sentence pairs (BERT)"},
      {"positional", "positional", T::kEnum, "", "learned", 0, 0,
       {{"none", "none"}, {"sinusoidal", "sinusoidal"}, {"learned", "learned"}, {"rope", "rope"}}, "lm-train", "",
       "where token order comes from: nowhere, a fixed sinusoid, a learned table, or rotary attention"},
      {"layers", "layers", T::kInt, "N", "2", 1, 48, {}, "lm-train", "", "transformer blocks"},
      {"heads", "heads", T::kInt, "N", "4", 1, 64, {}, "lm-train", "", "attention heads; they must divide the width"},
      {"width", "width", T::kInt, "N", "64", 2, 2048, {}, "lm-train", "", "model width: the size of every token's vector"},
      {"context", "context", T::kInt, "N", "64", 2, 2048, {}, "lm-train", "", "tokens per sequence the model sees"},
      {"batch", "batch", T::kInt, "N", "16", 1, 4096, {}, "lm-train", "", "sequences per optimizer step"},
      {"steps", "steps", T::kInt, "N", "1000", 0, 100000000, {}, "lm-train", "", "optimizer steps (AdamW)"},
      {"lr", "learningRate", T::kNumber, "R", "3e-3", 1e-6, 1, {}, "lm-train", "",
       "peak learning rate; warm-up to it, then cosine decay to a tenth"},
      {"warmup", "warmup", T::kInt, "N", "100", 0, 100000000, {}, "lm-train", "", "steps of linear learning-rate warm-up"},
      {"validate-every", "validateEvery", T::kInt, "N", "100", 1, 100000000, {}, "lm-train", "",
       "steps between two measures of the validation loss (the last tenth of the lines)"},
      {"tokenizer", "tokenizer", T::kString, "FILE", nullptr, 0, 0, {}, "lm-train", "",
       "a tokenizer file (embedlab bpe train); without it a byte-level BPE is trained on the input"},
      {"vocab-size", "vocabularySize", T::kInt, "N", "1024", 2, 65536, {}, "lm-train", "",
       "tokens of the BPE trained on the input when no --tokenizer is given (at least 261), or the ids of --ids"},
      {"ids", "ids", T::kFlag, "", nullptr, 0, 0, {}, "lm-train", "",
       "--input (and --validation) hold token ids 0 to vocab-size - 1 separated by whitespace, not text: one stream, no tokenizer (the benchmark's shared data)"},
      {"validation", "validation", T::kString, "FILE", nullptr, 0, 0, {}, "lm-train", "",
       "held-out data in the form of --input (default: the last tenth of the input's lines)"},
      {"report-initial", "reportInitial", T::kFlag, "", nullptr, 0, 0, {}, "lm-train", "",
       "print 'initial loss X grad-norm Y' of the parity batch (docs/transformer.md) before training"},
      {"export-init", "exportInit", T::kString, "FILE", nullptr, 0, 0, {}, "lm-train", "",
       "write the initial weights as safetensors before training"},
      {"json", "json", T::kFlag, "", nullptr, 0, 0, {}, "lm-train", "",
       "end with a one-line JSON summary on stdout (tokens/s, ms/step, losses) for scripts"},
      {"prompt", "prompt", T::kString, "TEXT", "", 0, 0, {}, "lm-sample", "", "the text to continue"},
      {"tokens", "tokens", T::kInt, "N", "20", 1, 100000, {}, "lm-sample", "", "how many tokens to generate"},
      {"temperature", "temperature", T::kNumber, "T", "0.8", 0, 100, {}, "lm-sample", "",
       "sharpens (< 1) or flattens (> 1) the distribution; 0 always takes the most likely token"},
      {"top-k", "topK", T::kInt, "N", "40", 0, 1000000, {}, "lm-sample", "", "draw among the N most likely tokens, 0 = all"},
      {"top-k", "topK", T::kInt, "N", "5", 1, 1000000, {}, "lm-fill", "", "candidates shown for each [MASK]"},
      {"pair", "pair", T::kString, "TEXT", nullptr, 0, 0, {}, "lm-inputs", "",
       "a second sentence (segment B): the input is [CLS] TEXT [SEP] PAIR [SEP]"},
      // ---- queries ----
      {"top", "topn", T::kInt, "N", "10", 0, 1e7, {}, "similar analogy", "mostSimilar analogy", "how many words"},
      {"restrict", "restrict", T::kInt, "N", "0", 0, 1e9, {}, "similar analogy", "mostSimilar analogy",
       "search only the N most frequent words, 0 = all"},
      {"minus", "minus", T::kWords, "WORD,...", "", 0, 0, {}, "similar", "", "subtract these words (man,boy)"},
      {"method", "method", T::kEnum, "", "add", 0, 0, {{"add", "3cosadd"}, {"mul", "3cosmul"}}, "analogy eval",
       "analogy evaluateAnalogies", "3CosAdd, or 3CosMul (Levy and Goldberg)"},
      {"restrict", "restrict", T::kInt, "N", "30000", 0, 1e9, {}, "eval", "evaluateAnalogies",
       "use only the N most frequent words, 0 = all"},
      {"pairs", "pairs", T::kFlag, "", nullptr, 0, 0, {}, "eval", "",
       "FILE holds word pairs with scores (detected when its first line has a tab)"},
      // ---- files ----
      {"to", "to", T::kEnum, "", "text", 0, 0,
       {{"text", "word2vec-text"}, {"binary", "word2vec-binary"}, {"projector", "projector-tsv"}}, "convert", "",
       "the output format; projector writes a folder of vectors.tsv and metadata.tsv"},
      {"format", "format", T::kEnum, "", "auto", 0, 0,
       {{"auto", "auto"}, {"word2vec-text", "word2vec-text"}, {"word2vec-binary", "word2vec-binary"}, {"glove", "glove"}},
       "similar analogy similarity doesnt-match eval convert project", "load",
       "the format of the vectors file; auto detects it"},
      {nullptr, "include", T::kWords, "", "", 0, 0, {}, "", "project2d", "other words to place on the same axes"},
      // ---- maps (map.h) ----
      {"method", "method", T::kEnum, "", "umap", 0, 0, {{"pca", "pca"}, {"tsne", "tsne", "t-sne"}, {"umap", "umap"}, {"axes", "axes"}},
       "project", "project", "PCA, t-SNE, UMAP, or semantic axes (--x-axis, --y-axis)"},
      {"out", "out", T::kString, "FILE", nullptr, 0, 0, {}, "project", "", "where to write the map: word, x, y per line (TSV)",
       kRequired},
      {"limit", "limit", T::kInt, "N", "10000", 2, kNoLimit, {}, "project", "project", "map the N most frequent words"},
      {"words", "words", T::kWords, "WORD,...", "", 0, 0, {}, "project", "project", "map these words instead of the most frequent"},
      {"perplexity", "perplexity", T::kNumber, "P", "30", 1, 1000, {}, "project", "project",
       "t-SNE: the effective number of neighbours each word keeps (below the number of words)"},
      {"repulsion", "repulsion", T::kEnum, "", "auto", 0, 0,
       {{"auto", "auto"}, {"barnes-hut", "barnes-hut", "bh barnes_hut"}, {"interpolated", "interpolated", "fft fit-sne"}},
       "project", "project",
       "t-SNE repulsion above 2,000 words: Barnes-Hut, FFT-interpolated (FIt-SNE), or auto (interpolated from 10,000 words)"},
      {"neighbors", "neighbors", T::kInt, "N", "15", 2, 1000, {}, "project", "project", "UMAP: neighbours per word, counting itself"},
      {"min-dist", "minDist", T::kNumber, "D", "0.1", 0, 1, {}, "project", "project", "UMAP: how tightly neighbours may pack"},
      {"iterations", "iterations", T::kInt, "N", "0", 0, 100000, {}, "project", "project",
       "t-SNE steps or UMAP epochs; 0 = 1000 for t-SNE (750 when interpolated), 500 for UMAP (400 above 10,000 words)"},
      {"x-axis", "xAxis", T::kWords, "A,B", "", 0, 0, {}, "project", "project", "axes: x = A - B (A to the right)"},
      {"y-axis", "yAxis", T::kWords, "C,D", "", 0, 0, {}, "project", "project", "axes: y = C - D (C at the top)"},
      {"threads", "threads", T::kInt, "N", "1", 1, 256, {}, "project", "project", "threads for the neighbour search and the layout"},
      {"seed", "seed", T::kInt, "N", "1", 0, 4294967295.0, {}, "project", "project", "random seed"},
      {"quiet", "quiet", T::kFlag, "", nullptr, 0, 0, {}, "project", "", "no progress output"},
      {nullptr, "every", T::kInt, "", "10", 1, 100000, {}, "", "project", "iterations between two intermediate layouts (onProgress)"},

      {nullptr, "name", T::kString, "", nullptr, 0, 0, {}, "", "train load evaluateAnalogies evaluateSimilarity tokenize",
       "names the input in error messages"},
  };
  return schema;
}

const std::vector<VerbSpec>& verb_schema() {
  static const std::vector<VerbSpec> verbs = {
      {"train", "", 0, "train vectors on a text corpus (CBOW or skip-gram)",
       "Trains word vectors (word2vec: CBOW or skip-gram) on a text file, one sentence per line."},
      {"similar", "VECTORS WORD [WORD ...]", 2, "nearest neighbours of a word (or of a sum of words)",
       "Nearest neighbours by cosine similarity of the sum of the given words (minus the --minus ones)."},
      {"analogy", "VECTORS A B C", 4, "A - B + C, e.g. king man woman",
       "Words closest to A - B + C (for example: king man woman -> queen), excluding A, B and C."},
      {"similarity", "VECTORS WORD1 WORD2", 3, "cosine similarity of two words", "Cosine similarity of two words."},
      {"doesnt-match", "VECTORS WORD WORD [WORD ...]", 3, "the odd one out among several words",
       "The word that fits least with the others."},
      {"eval", "VECTORS FILE", 2, "analogy accuracy (questions-words) or word-pair similarity (Spearman)",
       "Analogy accuracy on a questions-words file (': section' lines, then 'a b c d'), per section with\n"
       "coverage, like word2vec's compute-accuracy; or, for a file of 'word1<TAB>word2<TAB>score' lines,\n"
       "the Spearman correlation of cosine similarities with the scores."},
      {"convert", "INPUT OUTPUT", 2, "word2vec text <-> binary, GloVe, Embedding Projector TSV",
       "Converts vectors between formats (the input format is detected: word2vec text or binary, GloVe,\n"
       "fastText .vec). The projector format is for the TensorFlow Embedding Projector\n"
       "(projector.tensorflow.org: Load, then pick both files)."},
      {"tokenize", "INPUT OUTPUT", 2, "write a corpus as train sees it (lowercased, punctuation stripped)",
       "Writes INPUT as train sees it: one line per input line, tokens lowercased, stripped of leading and\n"
       "trailing punctuation and separated by single spaces. Useful to feed other tools the same tokens."},
      {"project", "VECTORS", 1, "a 2-D map of the words: PCA, t-SNE, UMAP or semantic axes",
       "Writes a 2-D map of the most frequent words (--limit) or of --words: PCA, t-SNE (exact up to 2,000\n"
       "words, then Barnes-Hut, or FFT-interpolated from 10,000 words: see --repulsion), UMAP, or semantic\n"
       "axes where x is the cosine with --x-axis A,B (A - B) and y with --y-axis C,D. One line per word:\n"
       "word, x and y separated by tabs."},
      {"bpe train", "", 0, "learn a byte-pair tokenizer (GPT-2 style) from a text file",
       "Learns a byte-level byte-pair encoding from a text file: GPT-2's pre-tokenizer cuts the text into\n"
       "pieces, then the most frequent adjacent pair of tokens becomes a new token, again and again, until\n"
       "the vocabulary has --vocab-size tokens. Writes an embedlab model file holding only the tokenizer."},
      {"bpe encode", "[TEXT ...]", 0, "token ids (or pieces) of a text, by a trained tokenizer",
       "Prints the token ids of TEXT (the arguments joined by spaces; standard input when there are none)."},
      {"bpe decode", "ID [ID ...]", 1, "the text of token ids",
       "Prints the text of the token ids, byte for byte as they encode it, then a newline."},
      {"lm train", "", 0, "train a small transformer language model (next-word or masked-word)",
       "Trains a small GPT-2-style transformer on a text file (one sentence per line): next-word prediction\n"
       "(GPT) or masked-word prediction on sentence pairs (BERT), with AdamW, reporting the validation loss\n"
       "on the last tenth of the lines beside a bigram baseline. Writes the model (tokenizer, settings and\n"
       "weights). Ctrl-C stops it and writes nothing."},
      {"lm sample", "", 0, "continue a prompt with a next-word language model",
       "Generates tokens after --prompt with a next-word model, each drawn from the model's distribution\n"
       "(sharpened by --temperature, cut to the --top-k most likely); the same --seed gives the same text."},
      {"lm fill", "TEXT", 1, "the likeliest tokens for each [MASK] (masked-word model)",
       "Shows, for each [MASK] in TEXT, the most likely tokens of a masked-word model with their probabilities."},
      {"lm inputs", "TEXT", 1, "a text's input embedding: token, position, segment and their sum",
       "Prints the input embedding of TEXT as the model's first layer sees it, token by token: its token\n"
       "embedding, positional embedding, segment embedding and their sum (first numbers of each)."},
      {"lm export", "", 0, "a language model's weights as safetensors (for PyTorch)",
       "Writes the weights of a language model as a safetensors file, with docs/transformer.md's tensor\n"
       "names; the README shows how to load them in PyTorch."},
  };
  return verbs;
}

std::vector<std::string_view> list_items(const char* list) {
  std::vector<std::string_view> items;
  const std::string_view all(list);
  for (std::size_t start = 0; start < all.size();) {
    const std::size_t end = std::min(all.find(' ', start), all.size());
    if (end > start) items.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

bool listed(const char* list, std::string_view name) {
  const std::vector<std::string_view> items = list_items(list);
  return std::find(items.begin(), items.end(), name) != items.end();
}

namespace {

// A verb of two words ("bpe train") is listed in the schema as one ("bpe-train").
std::string verb_key(std::string_view verb) {
  std::string key(verb);
  std::replace(key.begin(), key.end(), ' ', '-');
  return key;
}

}  // namespace

const VerbSpec* find_verb(std::string_view name) {
  for (const VerbSpec& verb : verb_schema()) {
    if (name == verb.name || verb_key(name) == verb_key(verb.name)) return &verb;
  }
  return nullptr;
}

namespace {

std::vector<const OptionSpec*> options_where(const char* OptionSpec::*list, std::string_view name) {
  std::vector<const OptionSpec*> out;
  for (const OptionSpec& spec : option_schema()) {
    if (listed(spec.*list, name)) out.push_back(&spec);
  }
  return out;
}

const OptionSpec& option_where(const char* OptionSpec::*list, std::string_view name, std::string_view js) {
  for (const OptionSpec* spec : options_where(list, name)) {
    if (js == spec->js) return *spec;
  }
  throw Error("the option schema has no option '" + std::string(js) + "' for '" + std::string(name) + "'");
}

}  // namespace

std::vector<const OptionSpec*> verb_options(std::string_view verb) {
  return options_where(&OptionSpec::verbs, verb_key(verb));
}
std::vector<const OptionSpec*> method_options(std::string_view method) {
  return options_where(&OptionSpec::methods, method);
}
const OptionSpec& verb_option(std::string_view verb, std::string_view js) {
  return option_where(&OptionSpec::verbs, verb_key(verb), js);
}
const OptionSpec& method_option(std::string_view method, std::string_view js) {
  return option_where(&OptionSpec::methods, method, js);
}

std::string option_name(const OptionSpec& spec, Naming naming) {
  if (naming == Naming::kCli && spec.cli != nullptr) return std::string("--") + spec.cli;
  if (naming != Naming::kPlain) return spec.js;
  std::string words;  // "learningRate" -> "learning rate"
  for (const char* c = spec.js; *c != '\0'; ++c) {
    if (*c >= 'A' && *c <= 'Z') {
      words += ' ';
      words += static_cast<char>(*c - 'A' + 'a');
    } else {
      words += *c;
    }
  }
  return words;
}

std::string method_label(std::string_view method) { return method == "train" ? "training" : std::string(method); }

// A value as the user would type it: "10001", "0.025".
std::string plain_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {  // the shortest form that reads back the same
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return with_commas(static_cast<long long>(value));
  return plain_number(value);
}

// ---- values ----------------------------------------------------------------------------------------

const OptionValue& OptionValues::at(std::string_view js) const {
  const auto it = values_.find(js);
  if (it == values_.end()) throw Error("no value for the option '" + std::string(js) + "'");
  return it->second;
}
bool OptionValues::given(std::string_view js) const { return has(js) && at(js).given; }
double OptionValues::number(std::string_view js) const { return at(js).number; }
long long OptionValues::integer(std::string_view js) const { return static_cast<long long>(at(js).number); }
bool OptionValues::flag(std::string_view js) const { return at(js).number != 0.0; }
const std::string& OptionValues::text(std::string_view js) const { return at(js).text; }
const std::vector<std::string>& OptionValues::words(std::string_view js) const { return at(js).words; }
void OptionValues::set(const OptionSpec& spec, OptionValue value) { values_[spec.js] = std::move(value); }

void check_number(const OptionSpec& spec, double value, Naming naming) {
  const std::string name = option_name(spec, naming);
  if (!std::isfinite(value)) throw Error(name + " must be a finite number, got " + (std::isnan(value) ? "NaN" : "infinity"));
  if (spec.type == OptionType::kInt && std::floor(value) != value) {
    throw Error(name + " must be a whole number, got " + plain_number(value));
  }
  if (value >= spec.min && value <= spec.max) return;
  if (spec.max == kNoLimit) {
    throw Error(name + " must be at least " + format_number(spec.min) + ", got " + plain_number(value));
  }
  throw Error(name + " must be between " + format_number(spec.min) + " and " + format_number(spec.max) + ", got " +
              plain_number(value));
}

const OptionChoice& find_choice(const OptionSpec& spec, std::string_view value, Naming naming) {
  for (const OptionChoice& choice : spec.choices) {
    if (naming == Naming::kJs ? value == choice.js : (value == choice.cli || listed(choice.aliases, value))) {
      return choice;
    }
  }
  throw Error(option_name(spec, naming) + " must be " + choices_text(spec, naming) + ", got " + quote(value));
}

std::string choices_text(const OptionSpec& spec, Naming naming) {
  std::string list;
  for (std::size_t i = 0; i < spec.choices.size(); ++i) {
    if (i > 0) list += i + 1 == spec.choices.size() ? " or " : ", ";
    list += std::string("'") + (naming == Naming::kJs ? spec.choices[i].js : spec.choices[i].cli) + "'";
  }
  return list;
}

OptionValue parse_cli_value(const OptionSpec& spec, const std::string& text) {
  OptionValue value;
  value.text = text;
  const std::string name = option_name(spec, Naming::kCli);
  switch (spec.type) {
    case OptionType::kInt: {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      const bool digits = !text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'));
      if (!digits || *end != '\0' || errno != 0) throw Error(name + " expects a whole number, got " + quote(text));
      value.number = static_cast<double>(v);
      check_number(spec, value.number, Naming::kCli);
      break;
    }
    case OptionType::kNumber: {
      char* end = nullptr;
      value.number = std::strtod(text.c_str(), &end);
      const bool blank = text.empty() || text[0] == ' ' || text[0] == '\t';
      if (blank || *end != '\0' || !std::isfinite(value.number)) {
        throw Error(name + " expects a number, got " + quote(text));
      }
      check_number(spec, value.number, Naming::kCli);
      break;
    }
    case OptionType::kEnum:
      value.text = find_choice(spec, text, Naming::kCli).cli;
      break;
    case OptionType::kWords:
      for (std::size_t start = 0; start <= text.size();) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        if (comma > start) value.words.push_back(text.substr(start, comma - start));
        start = comma + 1;
      }
      break;
    case OptionType::kFlag:
      value.number = (spec.flags & kNegated) ? 0.0 : 1.0;  // the flag is present
      break;
    case OptionType::kString:
    case OptionType::kFunction:
    case OptionType::kSignal:
      break;
  }
  return value;
}

void fill_defaults(OptionValues& values, const std::vector<const OptionSpec*>& specs) {
  for (const OptionSpec* spec : specs) {
    if (values.has(spec->js)) continue;
    if (spec->type == OptionType::kFlag) {
      OptionValue absent;
      absent.number = (spec->flags & kNegated) ? 1.0 : 0.0;
      values.set(*spec, absent);
    } else if (spec->fallback != nullptr) {
      OptionValue value = parse_cli_value(*spec, spec->fallback);
      value.given = false;
      values.set(*spec, value);
    }
  }
  // Hierarchical softmax draws no negative samples: its default is 0.
  if (!values.has("loss") || values.text("loss") != "hs" || values.given("negative")) return;
  for (const OptionSpec* spec : specs) {
    if (std::string_view(spec->js) == "negative") values.set(*spec, OptionValue{});
  }
}

TrainOptions train_options(const OptionValues& v) {
  TrainOptions o;
  o.model = v.text("model") == "skipgram" ? ModelKind::kSkipGram : ModelKind::kCbow;
  o.loss = v.text("loss") == "hs" ? LossKind::kHierarchicalSoftmax : LossKind::kNegativeSampling;
  o.dim = static_cast<int>(v.integer("dim"));
  o.window = static_cast<int>(v.integer("window"));
  o.negative = static_cast<int>(v.integer("negative"));
  o.epochs = static_cast<int>(v.integer("epochs"));
  o.sample = v.number("sample");
  o.learning_rate = v.number("learningRate");
  o.threads = static_cast<int>(v.integer("threads"));
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  return o;
}

TokenizerOptions tokenizer_options(const OptionValues& v) {
  TokenizerOptions o;
  o.lowercase = v.flag("lowercase");
  o.strip_punctuation = v.flag("stripPunctuation");
  o.invalid_utf8 = v.text("invalidUtf8") == "reject" ? InvalidUtf8::kReject : InvalidUtf8::kReplace;
  const std::string& control = v.text("controlCharacters");
  o.control_characters = control == "reject"  ? ControlCharacters::kReject
                         : control == "strip" ? ControlCharacters::kStrip
                                              : ControlCharacters::kReplace;
  return o;
}

CorpusOptions corpus_options(const OptionValues& v) {
  CorpusOptions o;
  o.tokenizer = tokenizer_options(v);
  o.min_count = v.integer("minCount");
  o.max_vocabulary_size = static_cast<std::size_t>(v.integer("maxVocabulary"));
  return o;
}

AnalogyMethod analogy_method(const OptionValues& v) {
  return v.text("method") == "mul" ? AnalogyMethod::kMul : AnalogyMethod::kAdd;
}

VectorFormat vector_format(const OptionValues& v) {
  const std::string& format = v.text("format");
  if (format == "word2vec-text") return VectorFormat::kWord2VecText;
  if (format == "word2vec-binary") return VectorFormat::kWord2VecBinary;
  if (format == "glove") return VectorFormat::kGloveText;
  return VectorFormat::kAuto;
}

// ---- training options ------------------------------------------------------------------------------

void validate(const TrainOptions& o) {
  const auto check = [](const char* js, double value) { check_number(method_option("train", js), value, Naming::kPlain); };
  check("dim", o.dim);
  check("window", o.window);
  check("negative", o.negative);
  check("epochs", o.epochs);
  check("sample", o.sample);
  check("learningRate", o.learning_rate);
  check("threads", o.threads);
  check("seed", static_cast<double>(o.seed));
  if (o.loss == LossKind::kNegativeSampling && o.negative < 1) {
    throw Error("negative sampling needs at least one negative sample (negative >= 1), or choose the hierarchical "
                "softmax loss (hs)");
  }
}

double starting_learning_rate(const TrainOptions& o) {
  if (o.learning_rate > 0.0) return o.learning_rate;
  return o.model == ModelKind::kCbow ? 0.05 : 0.025;
}

}  // namespace embedlab
