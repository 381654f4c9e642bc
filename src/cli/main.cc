// embedlab: the native command-line tool over the core library.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/evaluation.h"
#include "core/formats.h"
#include "core/kernels.h"
#include "core/text.h"
#include "core/trainer.h"
#include "core/corpus.h"

namespace embedlab {
namespace {

// ---- argument parsing -------------------------------------------------------------------------

struct Args {
  std::string verb;
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // --name value
  std::set<std::string> flags;                // --name
  bool has(const std::string& name) const { return values.count(name) > 0 || flags.count(name) > 0; }
};

Args parse_args(const std::string& verb, int argc, char** argv, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options) {
  Args args;
  args.verb = verb;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const auto eq = name.find('=');
      const bool inline_value = eq != std::string::npos;
      if (inline_value) value = name.substr(eq + 1), name = name.substr(0, eq);
      if (flag_options.count(name)) {
        if (inline_value) throw Error("option --" + name + " takes no value");
        args.flags.insert(name);
      } else if (value_options.count(name)) {
        if (!inline_value) {
          if (i + 1 >= argc) throw Error("option --" + name + " needs a value");
          value = argv[++i];
        }
        args.values[name] = value;
      } else {
        throw Error("unknown option '" + a + "' for '" + verb + "' (see: embedlab " + verb + " --help)");
      }
    } else {
      args.positional.push_back(a);
    }
  }
  return args;
}

long long int_option(const Args& args, const std::string& name, long long fallback) {
  const auto it = args.values.find(name);
  if (it == args.values.end()) return fallback;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno != 0) {
    throw Error("--" + name + " expects a whole number, got '" + it->second + "'");
  }
  return v;
}

double double_option(const Args& args, const std::string& name, double fallback) {
  const auto it = args.values.find(name);
  if (it == args.values.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v)) {
    throw Error("--" + name + " expects a number, got '" + it->second + "'");
  }
  return v;
}

int checked_int(long long v, const std::string& name) {
  if (v < -1000000000LL || v > 1000000000LL) throw Error("--" + name + " is out of range: " + std::to_string(v));
  return static_cast<int>(v);
}

void need_positional(const Args& args, std::size_t count, const char* usage) {
  if (args.positional.size() < count) throw Error(std::string("missing arguments; usage: ") + usage);
}

// ---- output helpers ---------------------------------------------------------------------------

// Writes through a temporary file and renames it, so a failed write never clobbers `path`.
void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error("cannot write '" + path + "': " + std::strerror(errno));
    write(out);
    out.flush();
    if (!out) throw Error("writing '" + path + "' failed: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error("cannot rename '" + tmp + "' to '" + path + "'");
}

std::string human_rate(double per_second) {
  char buffer[32];
  if (per_second >= 1e6) {
    std::snprintf(buffer, sizeof(buffer), "%.2fM", per_second / 1e6);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%.0fk", per_second / 1e3);
  }
  return buffer;
}

std::string clock_time(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

void print_neighbours(const std::vector<Neighbour>& neighbours) {
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    std::printf("%3zu  %-24s %.4f\n", i + 1, neighbours[i].word.c_str(), static_cast<double>(neighbours[i].similarity));
  }
}

// ---- verbs ------------------------------------------------------------------------------------

TokenizerOptions tokenizer_options(const Args& args);

const char* kTrainHelp = R"(usage: embedlab train --input corpus.txt --output vectors.vec [options]

Trains word vectors (word2vec: CBOW or skip-gram) on a text file, one sentence per line.

  --input FILE         UTF-8 text (required)
  --output FILE        where to write the vectors (required); word2vec text unless --binary
  --binary             write word2vec binary instead of text
  --model cbow|skipgram   (cbow)
  --loss ns|hs         negative sampling or hierarchical softmax (ns)
  --dim N              vector size, 1..10000 (100)
  --window N           maximum context radius (5)
  --negative N         negative samples per example (5)
  --epochs N           passes over the corpus (5)
  --min-count N        drop words seen fewer times (5)
  --max-vocab N        keep only the N most frequent words (0 = all)
  --sample T           subsampling threshold, 0 = off (1e-3)
  --alpha R            starting learning rate (0.05 cbow, 0.025 skipgram)
  --threads N          training threads (1 = deterministic for a given seed)
  --seed N             random seed (1)
  --precision N        significant digits in text output (6)
  --keep-case          do not lowercase
  --keep-punctuation   do not strip leading/trailing punctuation from tokens
  --invalid-utf8 replace|reject   what to do with invalid UTF-8 (replace with U+FFFD)
  --quiet              no progress bar
)";

int run_train(const Args& args) {
  if (!args.has("input") || !args.has("output")) throw Error("train needs --input and --output (see: embedlab train --help)");
  const std::string input = args.values.at("input"), output = args.values.at("output");
  CorpusOptions corpus_options;
  corpus_options.min_count = int_option(args, "min-count", 5);
  const long long max_vocab = int_option(args, "max-vocab", 0);
  if (max_vocab < 0) throw Error("--max-vocab must be 0 (no limit) or positive");
  corpus_options.max_vocabulary_size = static_cast<std::size_t>(max_vocab);
  corpus_options.tokenizer = tokenizer_options(args);
  TrainOptions options;
  const std::string model = args.values.count("model") ? args.values.at("model") : "cbow";
  if (model == "cbow") {
    options.model = ModelKind::kCbow;
  } else if (model == "skipgram" || model == "skip-gram" || model == "sg") {
    options.model = ModelKind::kSkipGram;
  } else {
    throw Error("--model must be 'cbow' or 'skipgram', got '" + model + "'");
  }
  const std::string loss = args.values.count("loss") ? args.values.at("loss") : "ns";
  if (loss == "ns") {
    options.loss = LossKind::kNegativeSampling;
  } else if (loss == "hs") {
    options.loss = LossKind::kHierarchicalSoftmax;
  } else {
    throw Error("--loss must be 'ns' or 'hs', got '" + loss + "'");
  }
  options.dim = checked_int(int_option(args, "dim", 100), "dim");
  options.window = checked_int(int_option(args, "window", 5), "window");
  options.negative = checked_int(int_option(args, "negative", options.loss == LossKind::kHierarchicalSoftmax ? 0 : 5), "negative");
  options.epochs = checked_int(int_option(args, "epochs", 5), "epochs");
  options.sample = double_option(args, "sample", 1e-3);
  options.learning_rate = double_option(args, "alpha", 0.0);
  if (args.values.count("alpha") && options.learning_rate <= 0.0) throw Error("--alpha must be positive");
  options.threads = checked_int(int_option(args, "threads", 1), "threads");
  const long long seed = int_option(args, "seed", 1);
  if (seed < 0) throw Error("--seed must be zero or positive");
  options.seed = static_cast<std::uint64_t>(seed);
  const int precision = checked_int(int_option(args, "precision", 6), "precision");
  if (precision < 1 || precision > 9) throw Error("--precision must be between 1 and 9");
  validate(options);  // before reading a large corpus
  const bool quiet = args.has("quiet");
  {
    // Fail now, not after a long training run, when the output cannot be written.
    std::ofstream probe(output + ".tmp", std::ios::binary);
    if (!probe) throw Error("cannot write '" + output + "': " + std::strerror(errno));
  }
  std::remove((output + ".tmp").c_str());

  const auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(input, std::ios::binary);
  if (!in) throw Error("cannot open '" + input + "': " + std::strerror(errno));
  const Corpus corpus = build_corpus(in, corpus_options, input);
  const double read_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!quiet) {
    std::fprintf(stderr, "read %s: %s lines, %s tokens, %s words kept (min-count %lld) in %.1f s; kernels: %s\n",
                 input.c_str(), with_commas(corpus.line_count).c_str(), with_commas(corpus.raw_token_count).c_str(),
                 with_commas(static_cast<long long>(corpus.vocabulary.size())).c_str(),
                 static_cast<long long>(corpus_options.min_count), read_s, kernels::active_isa());
  }
  const bool tty = isatty(2) != 0;
  int last_decile = -1;
  TrainProgress last;
  const auto report = [&](const TrainProgress& p) {
    last = p;
    if (quiet) return;
    const double fraction = p.words_total > 0 ? static_cast<double>(p.words_done) / static_cast<double>(p.words_total) : 0;
    const double eta = p.words_per_second > 0 ? static_cast<double>(p.words_total - p.words_done) / p.words_per_second : 0;
    char line[200];
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
    std::snprintf(line, sizeof(line), "[%s] %5.1f%%  epoch %d/%d  %s words/s  loss %.4f  lr %.5f  ETA %s", bar.c_str(),
                  100.0 * fraction, p.epoch, options.epochs, human_rate(p.words_per_second).c_str(), p.average_loss,
                  p.learning_rate, clock_time(eta).c_str());
    if (tty) {
      std::fprintf(stderr, "\r%s", line);
    } else if (static_cast<int>(fraction * 10) != last_decile || p.finished) {
      last_decile = static_cast<int>(fraction * 10);
      std::fprintf(stderr, "%s\n", line);
    }
  };
  const Embeddings embeddings = train(corpus, options, report, nullptr, 100.0);
  if (!quiet && tty) std::fprintf(stderr, "\n");
  const double train_s = last.elapsed_ms / 1000.0;
  write_file(output, [&](std::ostream& out) {
    if (args.has("binary")) {
      write_word2vec_binary(embeddings, out);
    } else {
      write_word2vec_text(embeddings, out, precision);
    }
  });
  if (!quiet) {
    std::fprintf(stderr, "trained %s x %d in %.2f s (%s words/s, %s words/s/thread); wrote %s\n",
                 with_commas(static_cast<long long>(embeddings.size())).c_str(), options.dim, train_s,
                 human_rate(last.words_per_second).c_str(), human_rate(last.words_per_second / options.threads).c_str(),
                 output.c_str());
  }
  return 0;
}

const char* kSimilarHelp = R"(usage: embedlab similar VECTORS WORD [WORD ...] [--minus WORD,WORD] [--top N] [--restrict N]

Nearest neighbours by cosine similarity of the sum of the given words (minus the --minus ones).
  --top N        how many (10)
  --restrict N   search only the N most frequent words (0 = all)
  --minus WORD   subtract WORD (repeatable as a comma list: --minus man,boy)
)";

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::size_t size_option(const Args& args, const std::string& name, long long fallback) {
  const long long v = int_option(args, name, fallback);
  if (v < 0) throw Error("--" + name + " must not be negative, got " + std::to_string(v));
  return static_cast<std::size_t>(v);
}

int run_similar(const Args& args) {
  need_positional(args, 2, "embedlab similar VECTORS WORD [WORD ...]");
  const Embeddings e = load_vectors(args.positional[0]);
  const std::vector<std::string> positive(args.positional.begin() + 1, args.positional.end());
  const std::vector<std::string> negative = args.values.count("minus") ? split_commas(args.values.at("minus")) : std::vector<std::string>{};
  print_neighbours(e.most_similar(positive, negative, size_option(args, "top", 10), size_option(args, "restrict", 0)));
  return 0;
}

const char* kAnalogyHelp = R"(usage: embedlab analogy VECTORS A B C [--top N] [--method add|mul] [--restrict N]

Words closest to A - B + C (for example: king man woman -> queen), excluding A, B and C.
  --method add|mul   3CosAdd or 3CosMul (add)
  --top N            how many (10)
  --restrict N       search only the N most frequent words (0 = all)
)";

int run_analogy(const Args& args) {
  need_positional(args, 4, "embedlab analogy VECTORS A B C");
  const Embeddings e = load_vectors(args.positional[0]);
  const std::string method = args.values.count("method") ? args.values.at("method") : "add";
  if (method != "add" && method != "mul") throw Error("--method must be 'add' or 'mul', got '" + method + "'");
  // A - B + C is "B is to A as C is to ?".
  print_neighbours(e.analogy(args.positional[2], args.positional[1], args.positional[3],
                             method == "mul" ? AnalogyMethod::kMul : AnalogyMethod::kAdd, size_option(args, "top", 10),
                             size_option(args, "restrict", 0)));
  return 0;
}

const char* kEvalHelp = R"(usage: embedlab eval VECTORS FILE [--restrict N] [--method add|mul] [--pairs]

Analogy accuracy on a questions-words file (': section' lines, then 'a b c d'), per section with
coverage, like word2vec's compute-accuracy; or, for a file of 'word1<TAB>word2<TAB>score' lines
(detected, or forced with --pairs), the Spearman correlation of cosine similarities with the scores.
  --restrict N   use only the N most frequent words (30000; 0 = all)
  --method add|mul   3CosAdd or 3CosMul (add)
)";

bool looks_like_pairs(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    return line[0] != ':' && line.find('\t') != std::string::npos;
  }
  return false;
}

int run_eval(const Args& args) {
  need_positional(args, 2, "embedlab eval VECTORS FILE");
  const Embeddings e = load_vectors(args.positional[0]);
  const std::string& path = args.positional[1];
  std::ifstream in(path);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  if (args.has("pairs") || looks_like_pairs(path)) {
    const SimilarityReport r = evaluate_similarity(e, in, path);
    std::printf("spearman %.4f  pairs %lld  oov %lld\n", r.spearman, static_cast<long long>(r.pairs),
                static_cast<long long>(r.oov_pairs));
    return 0;
  }
  const std::string method = args.values.count("method") ? args.values.at("method") : "add";
  if (method != "add" && method != "mul") throw Error("--method must be 'add' or 'mul', got '" + method + "'");
  const AnalogyReport r = evaluate_analogies(e, in, path, size_option(args, "restrict", 30000),
                                             method == "mul" ? AnalogyMethod::kMul : AnalogyMethod::kAdd);
  const auto row = [](const AnalogySection& s) {
    std::printf("%-28s %6.2f%%  %6lld / %-6lld coverage %6.2f%%\n", s.name.c_str(), 100.0 * s.accuracy(),
                static_cast<long long>(s.correct), static_cast<long long>(s.answered), 100.0 * s.coverage());
  };
  for (const auto& s : r.sections) row(s);
  std::printf("\n");
  row(r.semantic);
  row(r.syntactic);
  row(r.total);
  return 0;
}

const char* kSimilarityHelp = "usage: embedlab similarity VECTORS WORD1 WORD2\n\nCosine similarity of two words.\n";

int run_similarity(const Args& args) {
  need_positional(args, 3, "embedlab similarity VECTORS WORD1 WORD2");
  const Embeddings e = load_vectors(args.positional[0]);
  std::printf("%.4f\n", static_cast<double>(e.similarity(args.positional[1], args.positional[2])));
  return 0;
}

const char* kDoesntMatchHelp = "usage: embedlab doesnt-match VECTORS WORD WORD [WORD ...]\n\nThe word that fits least with the others.\n";

int run_doesnt_match(const Args& args) {
  need_positional(args, 3, "embedlab doesnt-match VECTORS WORD WORD [WORD ...]");
  const Embeddings e = load_vectors(args.positional[0]);
  std::printf("%s\n", e.doesnt_match(std::vector<std::string>(args.positional.begin() + 1, args.positional.end())).c_str());
  return 0;
}

const char* kConvertHelp = R"(usage: embedlab convert INPUT OUTPUT [--to text|binary|projector] [--precision N]

Converts vectors between formats (input format detected: word2vec text/binary, GloVe, fastText .vec).
--to projector writes OUTPUT as a folder holding vectors.tsv and metadata.tsv for the TensorFlow
Embedding Projector (projector.tensorflow.org: Load, then pick both files).
)";

int run_convert(const Args& args) {
  need_positional(args, 2, "embedlab convert INPUT OUTPUT [--to text|binary|projector]");
  const Embeddings e = load_vectors(args.positional[0]);
  const std::string to = args.values.count("to") ? args.values.at("to") : "text";
  const int precision = checked_int(int_option(args, "precision", 6), "precision");
  if (precision < 1 || precision > 9) throw Error("--precision must be between 1 and 9");
  const std::string& out = args.positional[1];
  if (to == "text") {
    write_file(out, [&](std::ostream& o) { write_word2vec_text(e, o, precision); });
  } else if (to == "binary") {
    write_file(out, [&](std::ostream& o) { write_word2vec_binary(e, o); });
  } else if (to == "projector") {
    std::error_code error;
    std::filesystem::create_directories(out, error);
    if (error) throw Error("cannot create folder '" + out + "': " + error.message());
    std::string metadata;
    write_file(out + "/vectors.tsv", [&](std::ostream& o) {
      std::ostringstream m;
      write_projector_tsv(e, o, m, precision);
      metadata = m.str();
    });
    write_file(out + "/metadata.tsv", [&](std::ostream& o) { o << metadata; });
  } else {
    throw Error("--to must be 'text', 'binary' or 'projector', got '" + to + "'");
  }
  std::fprintf(stderr, "wrote %s (%s words x %zu)\n", out.c_str(), with_commas(static_cast<long long>(e.size())).c_str(), e.dim());
  return 0;
}

const char* kTokenizeHelp = R"(usage: embedlab tokenize INPUT OUTPUT [--keep-case] [--keep-punctuation] [--invalid-utf8 replace|reject]

Writes INPUT as `train` sees it: one line per input line, tokens lowercased, stripped of leading and
trailing punctuation and separated by single spaces. Useful to feed other tools the same tokens.
)";

TokenizerOptions tokenizer_options(const Args& args) {
  TokenizerOptions options;
  options.lowercase = !args.has("keep-case");
  options.strip_punctuation = !args.has("keep-punctuation");
  if (args.values.count("invalid-utf8")) {
    const std::string& policy = args.values.at("invalid-utf8");
    if (policy == "reject") {
      options.invalid_utf8 = InvalidUtf8::kReject;
    } else if (policy != "replace") {
      throw Error("--invalid-utf8 must be 'replace' or 'reject', got '" + policy + "'");
    }
  }
  return options;
}

int run_tokenize(const Args& args) {
  need_positional(args, 2, "embedlab tokenize INPUT OUTPUT");
  const std::string& input = args.positional[0];
  std::ifstream in(input, std::ios::binary);
  if (!in) throw Error("cannot open '" + input + "': " + std::strerror(errno));
  const TokenizerOptions options = tokenizer_options(args);
  write_file(args.positional[1], [&](std::ostream& out) {
    std::string line, joined;
    std::vector<std::string> tokens;
    std::size_t line_number = 0;
    while (std::getline(in, line)) {
      tokenize_line(line, options, ++line_number, input, tokens);
      joined.clear();
      for (const auto& t : tokens) {
        if (!joined.empty()) joined += ' ';
        joined += t;
      }
      out << joined << '\n';
    }
  });
  return 0;
}

const char* kMainHelp = R"(embedlab: train and explore word embeddings

usage: embedlab VERB [arguments] (embedlab VERB --help for details)

  train         train vectors on a text corpus (CBOW or skip-gram)
  similar       nearest neighbours of a word (or of a sum of words)
  analogy       A - B + C, e.g. king man woman
  similarity    cosine similarity of two words
  doesnt-match  the odd one out among several words
  eval          analogy accuracy (questions-words) or word-pair similarity (Spearman)
  convert       word2vec text <-> binary, GloVe, Embedding Projector TSV
  tokenize      write a corpus as train sees it (lowercased, punctuation stripped)
)";

struct Verb {
  const char* help;
  std::set<std::string> value_options;
  std::set<std::string> flag_options;
  int (*run)(const Args&);
};

int run(int argc, char** argv) {
  const std::map<std::string, Verb> verbs = {
      {"train",
       {kTrainHelp,
        {"input", "output", "model", "loss", "dim", "window", "negative", "epochs", "min-count", "max-vocab", "sample",
         "alpha", "threads", "seed", "precision", "invalid-utf8"},
        {"binary", "quiet", "keep-case", "keep-punctuation"},
        run_train}},
      {"similar", {kSimilarHelp, {"top", "restrict", "minus"}, {}, run_similar}},
      {"analogy", {kAnalogyHelp, {"top", "method", "restrict"}, {}, run_analogy}},
      {"eval", {kEvalHelp, {"restrict", "method"}, {"pairs"}, run_eval}},
      {"similarity", {kSimilarityHelp, {}, {}, run_similarity}},
      {"doesnt-match", {kDoesntMatchHelp, {}, {}, run_doesnt_match}},
      {"convert", {kConvertHelp, {"to", "precision"}, {}, run_convert}},
      {"tokenize", {kTokenizeHelp, {"invalid-utf8"}, {"keep-case", "keep-punctuation"}, run_tokenize}},
  };
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::fputs(kMainHelp, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("embedlab 0.1.0 (kernels: %s)\n", kernels::active_isa());
    return 0;
  }
  const auto it = verbs.find(argv[1]);
  if (it == verbs.end()) throw Error(std::string("unknown verb '") + argv[1] + "' (see: embedlab --help)");
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::fputs(it->second.help, stdout);
      return 0;
    }
  }
  const Args args = parse_args(it->first, argc - 2, argv + 2, it->second.value_options, it->second.flag_options);
  return it->second.run(args);
}

}  // namespace
}  // namespace embedlab

int main(int argc, char** argv) {
  try {
    return embedlab::run(argc, argv);
  } catch (const embedlab::Error& e) {
    std::fprintf(stderr, "embedlab: error: %s\n", e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "embedlab: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embedlab: error: %s\n", e.what());
  }
  return 1;
}
