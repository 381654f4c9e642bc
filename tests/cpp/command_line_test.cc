// The command line both CLIs share: what each argument list runs or prints, the help written from
// the option schema, and the usage errors.
#include "core/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "test_support.h"

namespace embedlab {
namespace {

CommandLine parse(const std::vector<std::string>& args) { return parse_command_line(args, "kernels: test"); }

std::string parse_error(const std::vector<std::string>& args) {
  return error_of([&] { parse(args); });
}

TEST(CommandLine, PrintsTheMainHelpAndTheVersion) {
  const CommandLine bare = parse({});
  EXPECT_EQ(bare.action, CommandLine::Action::kPrint);
  EXPECT_TRUE(bare.to_stderr) << "no verb is a usage error";
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_EQ(bare.text, main_help());
  for (const char* help : {"--help", "-h", "help"}) {
    const CommandLine c = parse({help});
    EXPECT_EQ(c.action, CommandLine::Action::kPrint);
    EXPECT_FALSE(c.to_stderr);
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_EQ(c.text, main_help());
  }
  const CommandLine version = parse({"--version"});
  EXPECT_EQ(version.text, std::string("embedlab ") + EMBEDLAB_VERSION + " (kernels: test)\n");
  EXPECT_EQ(version.exit_code, 0);
}

TEST(CommandLine, MainHelpListsEveryVerb) {
  const std::string help = main_help();
  for (const VerbSpec& verb : verb_schema()) {
    EXPECT_TRUE(Contains(help, "  " + std::string(verb.name) + std::string(14 - std::string(verb.name).size(), ' ') + verb.summary))
        << verb.name;
  }
}

TEST(CommandLine, VerbHelpIsWrittenFromTheSchema) {
  for (const VerbSpec& verb : verb_schema()) {
    SCOPED_TRACE(verb.name);
    for (const char* flag : {"--help", "-h"}) {
      const CommandLine c = parse({verb.name, "--bogus", flag});  // help wins over bad arguments
      EXPECT_EQ(c.action, CommandLine::Action::kPrint);
      EXPECT_EQ(c.exit_code, 0);
      EXPECT_EQ(c.text, verb_help(verb));
    }
    const std::string help = verb_help(verb);
    EXPECT_EQ(help.rfind("usage: embedlab " + std::string(verb.name), 0), 0u) << help;
    EXPECT_TRUE(Contains(help, verb.description));
    for (const OptionSpec* spec : verb_options(verb.name)) {
      EXPECT_TRUE(Contains(help, "--" + std::string(spec->cli))) << spec->cli;
      EXPECT_TRUE(Contains(help, spec->help)) << spec->cli;
    }
  }
  const std::string train = verb_help(*find_verb("train"));
  EXPECT_EQ(train.substr(0, train.find('\n')), "usage: embedlab train --input FILE --output FILE [options]");
  EXPECT_TRUE(Contains(train, "  --dim N                  vector size (100)\n"));
  EXPECT_TRUE(Contains(train, "  --model cbow|skipgram    "));
  EXPECT_TRUE(Contains(train, "(required)"));
  const std::string similarity = verb_help(*find_verb("similarity"));
  EXPECT_EQ(similarity,
            "usage: embedlab similarity VECTORS WORD1 WORD2 [options]\n\nCosine similarity of two words.\n\n"
            "  --format auto|word2vec-text|word2vec-binary|glove\n"
            "                           the format of the vectors file; auto detects it (auto)\n");
}

TEST(CommandLine, ParsesVerbsArgumentsAndOptions) {
  const CommandLine c = parse({"similar", "v.vec", "--top=3", "king", "--minus", "man,boy", "woman"});
  EXPECT_EQ(c.action, CommandLine::Action::kRun);
  EXPECT_EQ(c.verb, "similar");
  EXPECT_EQ(c.arguments, (std::vector<std::string>{"v.vec", "king", "woman"}));
  EXPECT_EQ(c.options.integer("topn"), 3);
  EXPECT_TRUE(c.options.given("topn"));
  EXPECT_EQ(c.options.integer("restrict"), 0);
  EXPECT_FALSE(c.options.given("restrict"));
  EXPECT_EQ(c.options.words("minus"), (std::vector<std::string>{"man", "boy"}));

  const CommandLine train = parse({"train", "--input", "c.txt", "--output", "v.vec", "--keep-case", "--model", "sg", "--alpha", "0"});
  EXPECT_EQ(train.options.text("input"), "c.txt");
  EXPECT_FALSE(train.options.flag("lowercase"));
  EXPECT_TRUE(train.options.flag("stripPunctuation"));
  const TrainOptions o = train_options(train.options);
  EXPECT_EQ(o.model, ModelKind::kSkipGram);
  EXPECT_EQ(o.learning_rate, 0.0) << "--alpha 0 means the model's default rate";
  EXPECT_EQ(starting_learning_rate(o), 0.025);
  EXPECT_EQ(parse({"eval", "v.vec", "q.txt"}).options.integer("restrict"), 30000);
  EXPECT_EQ(parse({"convert", "a", "b", "--to", "projector"}).options.text("to"), "projector");
}

TEST(CommandLine, VerbsOfTwoWordsTakeTheirOwnOptions) {
  const CommandLine train = parse({"bpe", "train", "--input", "c.txt", "--output", "tok.model"});
  EXPECT_EQ(train.verb, "bpe train");
  EXPECT_EQ(train.options.integer("vocabularySize"), 4000);
  EXPECT_FALSE(train.options.flag("quiet"));
  const CommandLine encode = parse({"bpe", "encode", "--tokenizer", "t", "--pieces", "--allow-special", "a", "b"});
  EXPECT_EQ(encode.arguments, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(encode.options.flag("pieces"));
  EXPECT_FALSE(encode.options.flag("ids"));
  EXPECT_TRUE(encode.options.flag("allowSpecial"));
  EXPECT_FALSE(encode.options.has("merges"));  // all merges
  EXPECT_EQ(parse({"bpe", "encode", "--tokenizer", "t", "--merges", "0"}).options.integer("merges"), 0);
  EXPECT_EQ(parse({"bpe", "decode", "--tokenizer", "t", "1", "2"}).arguments, (std::vector<std::string>{"1", "2"}));
  const CommandLine help = parse({"bpe", "--help"});
  EXPECT_EQ(help.action, CommandLine::Action::kPrint);
  EXPECT_EQ(help.text, main_help());
  EXPECT_TRUE(Contains(parse({"bpe", "train", "--help"}).text, "usage: embedlab bpe train --input FILE --output FILE [options]"));

  EXPECT_EQ(parse_error({"bpe"}), "'bpe' needs one of: train, encode, decode (see: embedlab --help)");
  EXPECT_EQ(parse_error({"bpe", "split"}), "'bpe' needs one of: train, encode, decode, got 'split' (see: embedlab --help)");
  EXPECT_EQ(parse_error({"bpe", "train", "--input", "c", "--output", "t", "--vocab-size", "260"}),
            "--vocab-size must be between 261 and 16,777,216, got 260");
  EXPECT_EQ(parse_error({"bpe", "train", "--input", "c", "--output", "t", "--dim", "3"}),
            "unknown option '--dim' for 'bpe train' (see: embedlab bpe train --help)");
  EXPECT_EQ(parse_error({"bpe", "encode", "x"}), "bpe encode needs --tokenizer (see: embedlab bpe encode --help)");
  EXPECT_EQ(parse_error({"bpe", "decode", "--tokenizer", "t"}), "missing arguments; usage: embedlab bpe decode ID [ID ...] --tokenizer FILE");
  EXPECT_EQ(parse_error({"bpe", "encode", "--tokenizer", "t", "--merges", "-1"}), "--merges must be between 0 and 16,777,216, got -1");
}

TEST(CommandLine, UsageErrorsNameTheCulprit) {
  EXPECT_EQ(parse_error({"quack"}), "unknown verb 'quack' (see: embedlab --help)");
  EXPECT_EQ(parse_error({"similar", "v.vec", "king", "--window", "3"}),
            "unknown option '--window' for 'similar' (see: embedlab similar --help)");
  EXPECT_EQ(parse_error({"train", "--binary=1"}), "option --binary takes no value");
  EXPECT_EQ(parse_error({"train", "--input", "c.txt", "--dim"}), "option --dim needs a value");
  EXPECT_EQ(parse_error({"train", "--input", "c.txt"}), "train needs --output (see: embedlab train --help)");
  EXPECT_EQ(parse_error({"train"}), "train needs --input and --output (see: embedlab train --help)");
  EXPECT_EQ(parse_error({"similar", "v.vec"}), "missing arguments; usage: embedlab similar VECTORS WORD [WORD ...] [options]");
  EXPECT_EQ(parse_error({"similarity", "v.vec", "a"}), "missing arguments; usage: embedlab similarity VECTORS WORD1 WORD2 [options]");
  EXPECT_EQ(parse_error({"train", "--input", "c", "--output", "v", "--dim", "0"}), "--dim must be between 1 and 10,000, got 0");
  EXPECT_TRUE(Contains(parse_error({"train", "--input", "c", "--output", "v", "--negative", "0"}),
                       "negative sampling needs at least one negative sample"));
  EXPECT_EQ(parse_error({"train", "--" + std::string(500, 'z')}),
            "unknown option '--" + std::string(58, 'z') + "\u2026' (502 bytes) for 'train' (see: embedlab train --help)");
}

}  // namespace
}  // namespace embedlab
