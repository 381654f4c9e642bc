// embedlab: the native command-line tool over the core library. The core parses the command line
// and writes the help (core/command_line.h), as it does for the Node CLI (src/js/cli.js) through
// wasm; this file does the file work and prints results in the same format as the Node CLI.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/bpe.h"
#include "core/command_line.h"
#include "core/error.h"
#include "core/evaluation.h"
#include "core/formats.h"
#include "core/kernels.h"
#include "core/language_model_command.h"
#include "core/map.h"
#include "core/model.h"
#include "core/options.h"
#include "core/text.h"
#include "core/trainer.h"
#include "core/corpus.h"

namespace embedlab {
namespace {

// Ctrl-C while training: the training stops, nothing is written, and the tool says so and exits 130,
// as the Node CLI does. A second Ctrl-C kills it.
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int) { interrupted = true; }

struct Cancelled {};
constexpr const char* kCancelledMessage = "training was cancelled";
constexpr int kCancelledExitCode = 130;

// ---- output helpers ---------------------------------------------------------------------------

// Refuses, before any work is done, an output that is a folder, one of the inputs (the same file by
// any path) or a place where no file can be made.
void check_output(const std::string& output, const std::vector<std::string>& inputs) {
  struct stat out {};
  if (stat(output.c_str(), &out) == 0) {
    if (S_ISDIR(out.st_mode)) throw Error("cannot write '" + output + "': it is a folder (name a file in it)");
    for (const std::string& input : inputs) {
      struct stat in {};
      if (stat(input.c_str(), &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
        throw Error("the output '" + output + "' is the input '" + input + "': writing it would destroy the input");
      }
    }
  }
  const std::string tmp = output + ".tmp";
  if (!std::ofstream(tmp, std::ios::binary)) throw Error("cannot write '" + output + "': " + std::strerror(errno));
  std::remove(tmp.c_str());
}

// Writes through a temporary file and renames it, so a failed write never clobbers `path`.
void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw Error("cannot write '" + path + "': " + std::strerror(errno));
    write(out);
    out.flush();
    if (!out) {
      const int error = errno;
      std::remove(tmp.c_str());
      throw Error("writing '" + path + "' failed: " + std::strerror(error));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "': " + std::strerror(error));
  }
}

// `text` padded with spaces to `width` characters (not bytes), as the Node CLI pads.
std::string padded(const std::string& text, std::size_t width) {
  const auto characters = static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  return characters >= width ? text : text + std::string(width - characters, ' ');
}

void print_neighbours(const std::vector<Neighbour>& neighbours) {
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    std::printf("%3zu  %s %.4f\n", i + 1, padded(neighbours[i].word, 24).c_str(), static_cast<double>(neighbours[i].similarity));
  }
}

std::size_t count_option(const CommandLine& c, const char* js) { return static_cast<std::size_t>(c.options.integer(js)); }

// ---- verbs ------------------------------------------------------------------------------------

int run_train(const CommandLine& c) {
  const OptionValues& o = c.options;
  const std::string& input = o.text("input");
  const std::string& output = o.text("output");
  const TrainOptions options = train_options(o);  // validated by parse_command_line()
  const int precision = static_cast<int>(o.integer("precision"));
  const bool quiet = o.flag("quiet");
  check_output(output, {input});  // now, not after a long training run

  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  std::ifstream in(input, std::ios::binary);
  if (!in) throw Error("cannot open '" + input + "': " + std::strerror(errno));
  const Corpus corpus = build_corpus(in, corpus_options(o), input);
  if (!quiet) {
    std::fprintf(stderr, "read %s: %s lines, %s tokens, %s words (min-count %lld); kernels: %s\n", input.c_str(),
                 with_commas(corpus.line_count).c_str(), with_commas(static_cast<long long>(corpus.tokens.size())).c_str(),
                 with_commas(static_cast<long long>(corpus.vocabulary.size())).c_str(), o.integer("minCount"),
                 kernels::active_isa());
  }
  const bool tty = isatty(2) != 0;
  int last_decile = -1;
  TrainProgress last;
  const auto report = [&](const TrainProgress& p) {
    if (interrupted) return;  // no report after Ctrl-C
    last = p;
    if (quiet) return;
    const double fraction = p.words_total > 0 ? static_cast<double>(p.words_done) / static_cast<double>(p.words_total) : 0;
    const double eta = p.words_per_second > 0 ? static_cast<double>(p.words_total - p.words_done) / p.words_per_second
                                              : std::nan("");
    char line[200];
    std::snprintf(line, sizeof(line), "[%s] %5.1f%%  epoch %d/%d  %s words/s  loss %.4f  lr %.5f  ETA %s", progress_bar(fraction).c_str(),
                  100.0 * fraction, p.epoch, options.epochs, human_rate(p.words_per_second).c_str(), p.average_loss,
                  p.learning_rate, clock_time(eta).c_str());
    if (tty) {
      std::fprintf(stderr, "\r%s", line);
    } else if (static_cast<int>(fraction * 10) != last_decile || p.finished) {
      last_decile = static_cast<int>(fraction * 10);
      std::fprintf(stderr, "%s\n", line);
    }
  };
  const Embeddings embeddings = train(corpus, options, report, &interrupted, 100.0);
  std::signal(SIGINT, SIG_DFL);
  if (!quiet && tty) std::fprintf(stderr, "\n");
  if (interrupted) throw Cancelled{};
  write_file(output, [&](std::ostream& out) {
    if (o.flag("binary")) {
      write_word2vec_binary(embeddings, out);
    } else {
      write_word2vec_text(embeddings, out, precision);
    }
  });
  if (!quiet) {
    std::fprintf(stderr, "trained %s x %d in %.2f s (%s words/s, %s words/s/thread); wrote %s\n",
                 with_commas(static_cast<long long>(embeddings.size())).c_str(), options.dim, last.elapsed_ms / 1000.0,
                 human_rate(last.words_per_second).c_str(), human_rate(last.words_per_second / options.threads).c_str(),
                 output.c_str());
  }
  return 0;
}

int run_similar(const CommandLine& c) {
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  const std::vector<std::string> positive(c.arguments.begin() + 1, c.arguments.end());
  print_neighbours(e.most_similar(positive, c.options.words("minus"), count_option(c, "topn"), count_option(c, "restrict")));
  return 0;
}

int run_analogy(const CommandLine& c) {
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  // A - B + C is "B is to A as C is to ?".
  print_neighbours(e.analogy(c.arguments[2], c.arguments[1], c.arguments[3], analogy_method(c.options),
                             count_option(c, "topn"), count_option(c, "restrict")));
  return 0;
}

// A word-pairs file: its first line that is not empty or a '#' comment has a tab and is no ': section'.
bool looks_like_pairs(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    return line[0] != ':' && line.find('\t') != std::string::npos;
  }
  return false;
}

int run_eval(const CommandLine& c) {
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  const std::string& path = c.arguments[1];
  std::ifstream in(path);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  if (c.options.flag("pairs") || looks_like_pairs(path)) {
    const SimilarityReport r = evaluate_similarity(e, in, path);
    std::printf("spearman %.4f  pairs %lld  oov %lld\n", r.spearman, static_cast<long long>(r.pairs),
                static_cast<long long>(r.oov_pairs));
    return 0;
  }
  const AnalogyReport r = evaluate_analogies(e, in, path, count_option(c, "restrict"), analogy_method(c.options));
  const auto row = [](const AnalogySection& s) {
    char accuracy[16] = "    n/a";  // no question of the section answered: no accuracy, not 0 %
    if (s.answered > 0) std::snprintf(accuracy, sizeof(accuracy), "%6.2f%%", 100.0 * s.accuracy());
    std::printf("%s %s  %6lld / %-6lld coverage %6.2f%%\n", padded(s.name, 28).c_str(), accuracy,
                static_cast<long long>(s.correct), static_cast<long long>(s.answered), 100.0 * s.coverage());
  };
  for (const auto& s : r.sections) row(s);
  std::printf("\n");
  row(r.semantic);
  row(r.syntactic);
  row(r.total);
  return 0;
}

int run_similarity(const CommandLine& c) {
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  std::printf("%.4f\n", static_cast<double>(e.similarity(c.arguments[1], c.arguments[2])));
  return 0;
}

int run_doesnt_match(const CommandLine& c) {
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  std::printf("%s\n", e.doesnt_match(std::vector<std::string>(c.arguments.begin() + 1, c.arguments.end())).c_str());
  return 0;
}

int run_convert(const CommandLine& c) {
  const std::string& to = c.options.text("to");
  if (to != "projector") check_output(c.arguments[1], {c.arguments[0]});  // a projector output is a folder
  const Embeddings e = load_vectors(c.arguments[0], vector_format(c.options));
  const int precision = static_cast<int>(c.options.integer("precision"));
  const std::string& out = c.arguments[1];
  if (to == "binary") {
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
    write_file(out, [&](std::ostream& o) { write_word2vec_text(e, o, precision); });
  }
  std::fprintf(stderr, "wrote %s (%s words x %zu)\n", out.c_str(), with_commas(static_cast<long long>(e.size())).c_str(), e.dim());
  return 0;
}

int run_project(const CommandLine& c) {
  const OptionValues& o = c.options;
  const std::string& out = o.text("out");
  check_output(out, {c.arguments[0]});
  const Embeddings e = load_vectors(c.arguments[0], vector_format(o));
  MapRun run(e, map_options(o));
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  const bool tty = isatty(2) != 0 && !o.flag("quiet");
  try {
    while (!run.run_for(100.0)) {
      if (interrupted) run.cancel();
      if (tty) {
        std::fprintf(stderr, "\r[%s] %5.1f%%  %s  iteration %d/%d", progress_bar(run.fraction()).c_str(), 100.0 * run.fraction(),
                     run.stage(), run.iteration(), run.iterations());
      }
    }
  } catch (const CancelledError&) {
    throw Cancelled{};
  }
  std::signal(SIGINT, SIG_DFL);
  if (tty) std::fprintf(stderr, "\n");
  write_file(out, [&](std::ostream& stream) { stream << map_tsv(run.words(), run.coordinates()); });
  if (!o.flag("quiet")) {
    std::fprintf(stderr, "wrote %s (%s words, %s, %d iterations)\n", out.c_str(), with_commas(static_cast<long long>(run.rows().size())).c_str(),
                 o.text("method").c_str(), run.iterations());
  }
  return 0;
}

int run_tokenize(const CommandLine& c) {
  const std::string& input = c.arguments[0];
  std::ifstream in(input, std::ios::binary);
  if (!in) throw Error("cannot open '" + input + "': " + std::strerror(errno));
  check_output(c.arguments[1], {input});
  write_file(c.arguments[1], [&](std::ostream& out) { write_tokens(in, out, tokenizer_options(c.options), input); });
  return 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The progress of bpe train: a bar and the merges learnt (no rates: they would differ between runs).
std::string bpe_progress_line(const BpeTrainProgress& p) {
  const double fraction = p.merges_total > 0 ? static_cast<double>(p.merges_done) / static_cast<double>(p.merges_total) : 1.0;
  char line[200];
  std::snprintf(line, sizeof(line), "[%s] %5.1f%%  %s / %s merges", progress_bar(fraction).c_str(), 100.0 * fraction,
                with_commas(static_cast<long long>(p.merges_done)).c_str(), with_commas(static_cast<long long>(p.merges_total)).c_str());
  return line;
}

int run_bpe_train(const CommandLine& c) {
  const OptionValues& o = c.options;
  const std::string& input = o.text("input");
  const std::string& output = o.text("output");
  const bool quiet = o.flag("quiet");
  check_output(output, {input});
  const std::string text = read_file(input);
  BpeTrainOptions options;
  options.vocabulary_size = static_cast<std::size_t>(o.integer("vocabularySize"));
  BpeTrainer trainer(text, options);
  BpeTrainProgress p = trainer.progress();
  if (!quiet) {
    std::fprintf(stderr, "read %s: %s pieces, %s distinct; learning %s merges\n", input.c_str(), with_commas(p.pieces).c_str(),
                 with_commas(p.distinct_pieces).c_str(), with_commas(static_cast<long long>(p.merges_total)).c_str());
  }
  const bool tty = isatty(2) != 0;
  const std::size_t step = std::max<std::size_t>(1, p.merges_total / 100);
  int last_decile = -1;
  for (bool done = p.merges_total == 0; !done;) {
    done = trainer.run(step);
    p = trainer.progress();
    if (quiet) continue;
    const int decile = p.merges_total > 0 ? static_cast<int>(10 * p.merges_done / p.merges_total) : 10;
    if (tty) {
      std::fprintf(stderr, "\r%s", bpe_progress_line(p).c_str());
    } else if (decile != last_decile || done) {
      last_decile = decile;
      std::fprintf(stderr, "%s\n", bpe_progress_line(p).c_str());
    }
  }
  if (!quiet && tty) std::fprintf(stderr, "\n");
  const Model model(Model::kTokenizer, trainer.tokenizer());
  write_file(output, [&](std::ostream& out) { model.save(out); });
  if (!quiet) {
    std::fprintf(stderr, "trained %s tokens (%s merges) in %.2f s; wrote %s\n",
                 with_commas(static_cast<long long>(model.vocabulary().size())).c_str(),
                 with_commas(static_cast<long long>(p.merges_total)).c_str(), p.elapsed_ms / 1000.0, output.c_str());
  }
  return 0;
}

std::shared_ptr<const Tokenizer> load_tokenizer(const std::string& path) {
  std::istringstream in(read_file(path));
  return Model::load(in, path).shared_tokenizer();
}

int run_bpe_encode(const CommandLine& c) {
  const auto tokenizer = load_tokenizer(c.options.text("tokenizer"));
  std::string text;
  if (c.arguments.empty()) {
    std::ostringstream in;
    in << std::cin.rdbuf();
    text = in.str();
  }
  for (std::size_t i = 0; i < c.arguments.size(); ++i) text += (i > 0 ? " " : "") + c.arguments[i];
  BpeEncodeOptions options;
  options.allow_special = c.options.flag("allowSpecial");
  if (c.options.has("merges")) options.merges = static_cast<std::size_t>(c.options.integer("merges"));
  std::vector<std::int32_t> ids;
  encode_with(*tokenizer, text, options, ids);
  const bool pieces = c.options.flag("pieces");
  if (c.options.flag("ids") || !pieces) {
    std::string line;
    for (const std::int32_t id : ids) line += (line.empty() ? "" : " ") + std::to_string(id);
    std::printf("%s\n", line.c_str());
  }
  if (pieces) {
    std::string line;
    for (std::size_t i = 0; i < ids.size(); ++i) line += (i > 0 ? " " : "") + token_piece(*tokenizer, ids[i]);
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

int run_bpe_decode(const CommandLine& c) {
  const auto tokenizer = load_tokenizer(c.options.text("tokenizer"));
  const std::string text = tokenizer->decode(parse_token_ids(c.arguments)) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

// Progress lines on stderr: redrawn in place on a terminal, else one per tenth of the run.
class ProgressPrinter {
 public:
  void status(const LanguageModelCommand::Event& e) {
    if (tty_) {
      std::fprintf(stderr, "\r%s", e.text.c_str());
      open_ = true;
    } else if (static_cast<int>(e.fraction * 10) != last_decile_ || e.finished) {
      last_decile_ = static_cast<int>(e.fraction * 10);
      std::fprintf(stderr, "%s\n", e.text.c_str());
    }
  }
  // Ends a line redrawn in place before other output.
  void close_line() {
    if (open_) std::fprintf(stderr, "\n");
    open_ = false;
  }

 private:
  bool tty_ = isatty(2) != 0;
  bool open_ = false;
  int last_decile_ = -1;
};

// The lm verbs: the core does the work and says what to print (core/language_model_command.h).
int run_lm(const CommandLine& c) {
  const bool training = c.verb == "lm train";
  if (training) check_output(c.options.text("output"), {c.options.text("input")});  // now, not after training
  LanguageModelCommand command(c, read_file);
  if (training) {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
  }
  ProgressPrinter printer;
  for (bool done = false; !done;) {
    done = command.run_for(100.0);
    if (interrupted) {
      command.cancel();
      break;
    }
    if (done) {  // the files first: the summary says they were written
      for (const auto& [path, bytes] : command.outputs()) write_file(path, [&](std::ostream& out) { out << bytes; });
    }
    for (const LanguageModelCommand::Event& e : command.take_events()) {
      if (e.kind == LanguageModelCommand::Event::Kind::kStatus) {
        printer.status(e);
        continue;
      }
      printer.close_line();
      std::fputs(e.text.c_str(), e.kind == LanguageModelCommand::Event::Kind::kStdout ? stdout : stderr);
      std::fflush(stdout);
    }
  }
  printer.close_line();
  if (training) std::signal(SIGINT, SIG_DFL);
  if (command.cancelled()) throw Cancelled{};
  return 0;
}

int run(int argc, char** argv) {
  const CommandLine command =
      parse_command_line(std::vector<std::string>(argv + 1, argv + argc), std::string("kernels: ") + kernels::active_isa());
  if (command.action == CommandLine::Action::kPrint) {
    std::fputs(command.text.c_str(), command.to_stderr ? stderr : stdout);
    return command.exit_code;
  }
  static const std::map<std::string, int (*)(const CommandLine&)> runners = {
      {"train", run_train},     {"similar", run_similar},           {"analogy", run_analogy},
      {"eval", run_eval},       {"similarity", run_similarity},     {"doesnt-match", run_doesnt_match},
      {"convert", run_convert}, {"tokenize", run_tokenize},       {"project", run_project},       {"bpe train", run_bpe_train},
      {"bpe encode", run_bpe_encode}, {"bpe decode", run_bpe_decode}, {"lm train", run_lm},
      {"lm sample", run_lm},  {"lm fill", run_lm},  {"lm inputs", run_lm},  {"lm export", run_lm},
  };
  const auto runner = runners.find(command.verb);
  if (runner == runners.end()) throw Error("the verb '" + command.verb + "' has no implementation in this build");
  return runner->second(command);
}

}  // namespace
}  // namespace embedlab

int main(int argc, char** argv) {
  try {
    return embedlab::run(argc, argv);
  } catch (const embedlab::Cancelled&) {
    std::fprintf(stderr, "embedlab: error: %s\n", embedlab::kCancelledMessage);
    return embedlab::kCancelledExitCode;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "embedlab: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embedlab: error: %s\n", e.what());
  }
  return 1;
}
