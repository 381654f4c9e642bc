// Training options and the one option schema. Every option of the two command-line tools and of
// the JS API (its names, type, default, range or choices, help and where it is used) is written
// once, in option_schema(); validate(), the CLI parser and help (command_line.h), the wasm
// bindings and src/js all read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/loss.h"

namespace embedlab {

struct CorpusOptions;
struct TokenizerOptions;
enum class AnalogyMethod;
enum class VectorFormat;

enum class ModelKind { kCbow, kSkipGram };

struct TrainOptions {
  ModelKind model = ModelKind::kCbow;
  LossKind loss = LossKind::kNegativeSampling;
  int dim = 100;
  int window = 5;                // maximum context radius; each position draws 1..window
  int negative = 5;              // negative samples per example (negative sampling only)
  int epochs = 5;
  double sample = 1e-3;          // subsampling threshold; 0 disables it
  double learning_rate = 0.0;    // starting rate; 0 = word2vec's default (0.05 CBOW, 0.025 skip-gram)
  int threads = 1;               // 1 = deterministic inline path
  std::uint64_t seed = 1;
};

// Throws Error naming the first unusable parameter (ranges come from the schema).
void validate(const TrainOptions& options);
// The starting learning rate `options` implies.
double starting_learning_rate(const TrainOptions& options);

// ---- the schema ----------------------------------------------------------------------------------

enum class OptionType {
  kInt,       // a whole number in [min, max]
  kNumber,    // a finite number in [min, max]
  kEnum,      // one of `choices`
  kFlag,      // CLI: --name without a value; JS: true or false
  kString,    // any text
  kWords,     // CLI: words separated by commas; JS: an array of strings
  kFunction,  // JS only: a callback
  kSignal,    // JS only: an AbortSignal
};

// One value of an enum option, spelt for each front end ("add" / "3cosadd").
struct OptionChoice {
  const char* cli;
  const char* js;
  const char* aliases = "";  // other CLI spellings, space-separated ("skip-gram sg")
};

enum OptionFlags : unsigned {
  kRequired = 1,  // CLI: the verb fails without it
  kNegated = 2,   // a flag whose CLI name says the opposite of its JS name (--keep-case: lowercase false)
};

struct OptionSpec {
  const char* cli;        // CLI name without "--" ("min-count"); nullptr: JS API only
  const char* js;         // JS name ("minCount"), also the key of OptionValues
  OptionType type;
  const char* metavar;    // what the CLI help shows after the name ("N", "FILE"); enums show their choices
  const char* fallback;   // the default as the CLI spells it ("5", "cbow"); nullptr: none
  double min;             // kInt, kNumber: the range
  double max;
  std::vector<OptionChoice> choices;  // kEnum
  const char* verbs;      // CLI verbs that take it, space-separated, two words joined by - ("train lm-train")
  const char* methods;    // JS API methods that take it, space-separated ("train tokenize")
  const char* help;       // one line, without the default (help adds it)
  unsigned flags = 0;     // OptionFlags
};

// A CLI verb: its arguments and its help.
struct VerbSpec {
  const char* name;            // "doesnt-match"
  const char* arguments;       // positional arguments in the usage line ("VECTORS WORD WORD [WORD ...]")
  std::size_t min_arguments;   // how many positional arguments it needs
  const char* summary;         // one line in the main help
  const char* description;     // the paragraph of `embedlab VERB --help`
};

// "No upper limit" for kInt options: the largest integer a JS number holds exactly.
constexpr double kNoLimit = 9007199254740991.0;

const std::vector<OptionSpec>& option_schema();
const std::vector<VerbSpec>& verb_schema();
// The verb called `name` ("bpe train", or as option lists spell it, "bpe-train"), or nullptr.
const VerbSpec* find_verb(std::string_view name);
// The options a CLI verb / a JS method takes, in schema order.
std::vector<const OptionSpec*> verb_options(std::string_view verb);
std::vector<const OptionSpec*> method_options(std::string_view method);
// The option of `verb` / `method` whose JS name is `js`; throws Error (a programming error) when absent.
const OptionSpec& verb_option(std::string_view verb, std::string_view js);
const OptionSpec& method_option(std::string_view method, std::string_view js);
// The items of a space-separated list ("train tokenize"), and whether it holds `name`.
std::vector<std::string_view> list_items(const char* list);
bool listed(const char* list, std::string_view name);

// How a message names an option: as the CLI ("--min-count"), the JS API ("minCount") or in prose
// ("min count", for the core's own messages, which serve both).
enum class Naming { kCli, kJs, kPlain };
std::string option_name(const OptionSpec& spec, Naming naming);
// What a JS method is called in messages ("training" for train).
std::string method_label(std::string_view method);

// Numbers as messages show them: limits with separators ("10,000"), values as typed ("10001", "0.025").
std::string format_number(double value);
std::string plain_number(double value);

// ---- values ----------------------------------------------------------------------------------------

// The value of one option: kInt, kNumber and kFlag (1 = true, in the JS sense) use `number`; kEnum
// (the CLI spelling) and kString use `text`; kWords uses `words`.
struct OptionValue {
  double number = 0.0;
  std::string text;
  std::vector<std::string> words;
  bool given = false;  // set by the user, not a default
};

// The values of one verb's or method's options, keyed by JS name, defaults filled in.
class OptionValues {
 public:
  bool has(std::string_view js) const { return values_.find(js) != values_.end(); }
  bool given(std::string_view js) const;
  double number(std::string_view js) const;
  long long integer(std::string_view js) const;
  bool flag(std::string_view js) const;
  const std::string& text(std::string_view js) const;
  const std::vector<std::string>& words(std::string_view js) const;
  void set(const OptionSpec& spec, OptionValue value);
  const std::map<std::string, OptionValue, std::less<>>& all() const { return values_; }

 private:
  const OptionValue& at(std::string_view js) const;
  std::map<std::string, OptionValue, std::less<>> values_;
};

// Throws Error unless `value` is in the range of `spec` (and whole for kInt).
void check_number(const OptionSpec& spec, double value, Naming naming);
// The choice of `spec` spelt `value` (the CLI spelling or an alias with kCli, the JS one with kJs);
// throws Error listing the choices otherwise.
const OptionChoice& find_choice(const OptionSpec& spec, std::string_view value, Naming naming);
// "'cbow' or 'skipgram'", for messages.
std::string choices_text(const OptionSpec& spec, Naming naming);
// Parses a CLI value (or a schema default) of `spec`; throws Error naming the option.
OptionValue parse_cli_value(const OptionSpec& spec, const std::string& text);
// Adds the default of every option in `specs` that `values` lacks, then the defaults that depend on
// other options (negative is 0 with the hs loss unless given).
void fill_defaults(OptionValues& values, const std::vector<const OptionSpec*>& specs);

// Core settings from option values (those of the train verb or method, or the tokenize ones).
TrainOptions train_options(const OptionValues& values);
CorpusOptions corpus_options(const OptionValues& values);
TokenizerOptions tokenizer_options(const OptionValues& values);
AnalogyMethod analogy_method(const OptionValues& values);
VectorFormat vector_format(const OptionValues& values);

}  // namespace embedlab
