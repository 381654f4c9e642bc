// The option schema: it is consistent, its defaults are the core's defaults, validate() and the
// value checks read their ranges from it, and values become the core's settings.
#include "core/options.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "core/embeddings.h"
#include "core/error.h"
#include "core/formats.h"
#include "core/text.h"
#include "core/corpus.h"
#include "test_support.h"

namespace embedlab {
namespace {

OptionValues defaults_of_method(const char* method) {
  OptionValues values;
  fill_defaults(values, method_options(method));
  return values;
}

TEST(OptionSchema, IsConsistent) {
  std::set<std::string> verbs;
  for (const VerbSpec& verb : verb_schema()) {
    EXPECT_TRUE(verbs.insert(verb.name).second) << "verb " << verb.name << " twice";
    EXPECT_NE(std::string(verb.summary), "") << verb.name;
    EXPECT_NE(std::string(verb.description), "") << verb.name;
  }
  for (const OptionSpec& spec : option_schema()) {
    SCOPED_TRACE(spec.js);
    EXPECT_NE(std::string(spec.help), "");
    EXPECT_TRUE(spec.cli != nullptr || *spec.verbs == '\0') << "CLI verbs need a CLI name";
    EXPECT_TRUE(*spec.verbs != '\0' || *spec.methods != '\0') << "used nowhere";
    EXPECT_TRUE(!(spec.flags & kNegated) || spec.type == OptionType::kFlag);
    EXPECT_TRUE(!(spec.flags & kRequired) || spec.fallback == nullptr);
    if (spec.type == OptionType::kEnum) {
      EXPECT_GE(spec.choices.size(), 2u);
      std::set<std::string> cli, js;
      for (const OptionChoice& c : spec.choices) {
        EXPECT_TRUE(cli.insert(c.cli).second) << c.cli;
        EXPECT_TRUE(js.insert(c.js).second) << c.js;
      }
    }
    if (spec.type == OptionType::kInt || spec.type == OptionType::kNumber) EXPECT_LE(spec.min, spec.max);
    // Every default parses as the CLI would parse it, within the range.
    if (spec.fallback != nullptr) EXPECT_NO_THROW(parse_cli_value(spec, spec.fallback));
    for (const std::string_view verb : list_items(spec.verbs)) EXPECT_NE(find_verb(verb), nullptr) << verb;
  }
  // Within a verb (or a method) each name means one option.
  for (const VerbSpec& verb : verb_schema()) {
    std::set<std::string> cli, js;
    for (const OptionSpec* spec : verb_options(verb.name)) {
      EXPECT_TRUE(cli.insert(spec->cli).second) << verb.name << " --" << spec->cli;
      EXPECT_TRUE(js.insert(spec->js).second) << verb.name << " " << spec->js;
    }
  }
  for (const char* method : {"train", "mostSimilar", "analogy", "evaluateAnalogies", "save", "load", "tokenize"}) {
    std::set<std::string> js;
    for (const OptionSpec* spec : method_options(method)) EXPECT_TRUE(js.insert(spec->js).second) << method << " " << spec->js;
  }
}

TEST(OptionSchema, DefaultsAreTheCoreDefaults) {
  const TrainOptions core;
  const TrainOptions schema = train_options(defaults_of_method("train"));
  EXPECT_EQ(schema.model, core.model);
  EXPECT_EQ(schema.loss, core.loss);
  EXPECT_EQ(schema.dim, core.dim);
  EXPECT_EQ(schema.window, core.window);
  EXPECT_EQ(schema.negative, core.negative);
  EXPECT_EQ(schema.epochs, core.epochs);
  EXPECT_EQ(schema.sample, core.sample);
  EXPECT_EQ(schema.learning_rate, core.learning_rate);
  EXPECT_EQ(schema.threads, core.threads);
  EXPECT_EQ(schema.seed, core.seed);
  const CorpusOptions corpus_core;
  const CorpusOptions corpus = corpus_options(defaults_of_method("train"));
  EXPECT_EQ(corpus.min_count, corpus_core.min_count);
  EXPECT_EQ(corpus.max_vocabulary_size, corpus_core.max_vocabulary_size);
  EXPECT_EQ(corpus.tokenizer.lowercase, corpus_core.tokenizer.lowercase);
  EXPECT_EQ(corpus.tokenizer.strip_punctuation, corpus_core.tokenizer.strip_punctuation);
  EXPECT_EQ(corpus.tokenizer.invalid_utf8, corpus_core.tokenizer.invalid_utf8);
  EXPECT_EQ(analogy_method(defaults_of_method("analogy")), AnalogyMethod::kAdd);
  EXPECT_EQ(vector_format(defaults_of_method("load")), VectorFormat::kAuto);
}

// validate() takes its ranges from the schema: each bound is accepted and one past it is refused,
// with a message naming the option in words.
TEST(OptionSchema, ValidateUsesTheSchemaRanges) {
  struct Field {
    const char* js;
    const char* words;
    void (*set)(TrainOptions&, double);
  };
  const Field fields[] = {
      {"dim", "dim", [](TrainOptions& o, double v) { o.dim = static_cast<int>(v); }},
      {"window", "window", [](TrainOptions& o, double v) { o.window = static_cast<int>(v); }},
      {"epochs", "epochs", [](TrainOptions& o, double v) { o.epochs = static_cast<int>(v); }},
      {"threads", "threads", [](TrainOptions& o, double v) { o.threads = static_cast<int>(v); }},
      {"sample", "sample", [](TrainOptions& o, double v) { o.sample = v; }},
      {"learningRate", "learning rate", [](TrainOptions& o, double v) { o.learning_rate = v; }},
  };
  for (const Field& field : fields) {
    SCOPED_TRACE(field.js);
    const OptionSpec& spec = method_option("train", field.js);
    for (const double bound : {spec.min, spec.max}) {
      TrainOptions o;
      field.set(o, bound);
      EXPECT_NO_THROW(validate(o));
    }
    const double step = spec.type == OptionType::kInt ? 1.0 : 0.5;
    for (const double outside : {spec.min - step, spec.max + step}) {
      TrainOptions o;
      field.set(o, outside);
      EXPECT_TRUE(ContainsAll(error_of([&] { validate(o); }), {field.words, " must be between "}));
    }
  }
  TrainOptions nan;
  nan.sample = std::nan("");
  EXPECT_EQ(error_of([&] { validate(nan); }), "sample must be a finite number, got NaN");
  TrainOptions seed;
  seed.seed = 1ull << 40;
  EXPECT_EQ(error_of([&] { validate(seed); }), "seed must be between 0 and 4,294,967,295, got 1099511627776");
  TrainOptions no_negatives;
  no_negatives.negative = 0;
  EXPECT_TRUE(Contains(error_of([&] { validate(no_negatives); }), "negative sampling needs at least one negative sample"));
  no_negatives.loss = LossKind::kHierarchicalSoftmax;
  EXPECT_NO_THROW(validate(no_negatives));
}

TEST(OptionSchema, MessagesNameTheOptionAsTheFrontEndSpellsIt) {
  const OptionSpec& min_count = method_option("train", "minCount");
  EXPECT_EQ(error_of([&] { check_number(min_count, 0, Naming::kCli); }), "--min-count must be at least 1, got 0");
  EXPECT_EQ(error_of([&] { check_number(min_count, 0, Naming::kJs); }), "minCount must be at least 1, got 0");
  EXPECT_EQ(error_of([&] { check_number(min_count, 0, Naming::kPlain); }), "min count must be at least 1, got 0");
  EXPECT_EQ(error_of([&] { check_number(min_count, 2.5, Naming::kJs); }), "minCount must be a whole number, got 2.5");
  const OptionSpec& rate = method_option("train", "learningRate");
  EXPECT_EQ(error_of([&] { check_number(rate, 10.25, Naming::kCli); }), "--alpha must be between 0 and 10, got 10.25");
  const OptionSpec& dim = method_option("train", "dim");
  EXPECT_EQ(error_of([&] { check_number(dim, 20000, Naming::kJs); }), "dim must be between 1 and 10,000, got 20000");
  const OptionSpec& method = method_option("analogy", "method");
  EXPECT_EQ(error_of([&] { find_choice(method, "add", Naming::kJs); }), "method must be '3cosadd' or '3cosmul', got 'add'");
  EXPECT_EQ(find_choice(method, "3cosmul", Naming::kJs).cli, std::string("mul"));
  EXPECT_EQ(error_of([&] { find_choice(method, "3cosmul", Naming::kCli); }), "--method must be 'add' or 'mul', got '3cosmul'");
  EXPECT_EQ(error_of([&] { find_choice(verb_option("convert", "to"), "csv", Naming::kCli); }),
            "--to must be 'text', 'binary' or 'projector', got 'csv'");
}

TEST(OptionSchema, ParsesCliValues) {
  const OptionSpec& dim = verb_option("train", "dim");
  EXPECT_EQ(parse_cli_value(dim, "50").number, 50.0);
  for (const char* bad : {"ten", "", "2.5", "1e3", " 5", "5x", "99999999999999999999"}) {
    EXPECT_EQ(error_of([&] { parse_cli_value(dim, bad); }), "--dim expects a whole number, got " + quote(bad)) << bad;
  }
  EXPECT_EQ(error_of([&] { parse_cli_value(dim, "-3"); }), "--dim must be between 1 and 10,000, got -3");
  const OptionSpec& sample = verb_option("train", "sample");
  EXPECT_EQ(parse_cli_value(sample, "1e-4").number, 1e-4);
  for (const char* bad : {"abc", "", "inf", "nan", "0.1.2", " 1"}) {
    EXPECT_EQ(error_of([&] { parse_cli_value(sample, bad); }), "--sample expects a number, got " + quote(bad)) << bad;
  }
  const OptionSpec& model = verb_option("train", "model");
  EXPECT_EQ(parse_cli_value(model, "sg").text, "skipgram");
  EXPECT_EQ(parse_cli_value(model, "skip-gram").text, "skipgram");
  EXPECT_EQ(error_of([&] { parse_cli_value(model, "lstm"); }), "--model must be 'cbow' or 'skipgram', got 'lstm'");
  EXPECT_EQ(parse_cli_value(verb_option("similar", "minus"), "man,,boy,").words, (std::vector<std::string>{"man", "boy"}));
}

TEST(OptionSchema, FillsDefaultsAndTheHierarchicalSoftmaxNegativeDefault) {
  const std::vector<const OptionSpec*> specs = verb_options("train");
  OptionValues values;
  OptionValue hs = parse_cli_value(verb_option("train", "loss"), "hs");
  hs.given = true;
  values.set(verb_option("train", "loss"), hs);
  fill_defaults(values, specs);
  EXPECT_EQ(values.integer("negative"), 0);
  EXPECT_FALSE(values.given("negative"));
  EXPECT_TRUE(values.given("loss"));
  EXPECT_EQ(values.integer("dim"), 100);
  EXPECT_TRUE(values.flag("lowercase"));   // --keep-case absent
  EXPECT_FALSE(values.flag("binary"));
  EXPECT_FALSE(values.has("input"));       // required, no default

  OptionValues given;
  OptionValue three = parse_cli_value(verb_option("train", "negative"), "3");
  three.given = true;
  given.set(verb_option("train", "negative"), three);
  given.set(verb_option("train", "loss"), hs);
  fill_defaults(given, specs);
  EXPECT_EQ(given.integer("negative"), 3);
  EXPECT_EQ(train_options(given).loss, LossKind::kHierarchicalSoftmax);
}

TEST(OptionSchema, FormatsNumbersForMessages) {
  EXPECT_EQ(format_number(10000), "10,000");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0.025), "0.025");
  EXPECT_EQ(format_number(1e-3), "0.001");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(plain_number(10001), "10001");
  EXPECT_EQ(option_name(method_option("train", "maxVocabulary"), Naming::kPlain), "max vocabulary");
  EXPECT_EQ(option_name(method_option("train", "sliceMs"), Naming::kCli), "sliceMs");  // JS only
}

}  // namespace
}  // namespace embedlab
