#include "core/command_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstddef>

#include "core/error.h"
#include "core/language_model.h"

#ifndef EMBEDLAB_VERSION
#error "EMBEDLAB_VERSION must be defined (CMake reads it from package.json)"
#endif

namespace embedlab {
namespace {

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

// "--model cbow|skipgram", "--dim N", "--binary".
std::string option_usage(const OptionSpec& spec) {
  std::string usage = option_name(spec, Naming::kCli);
  if (spec.type == OptionType::kFlag) return usage;
  usage += ' ';
  if (spec.type != OptionType::kEnum) return usage + spec.metavar;
  for (std::size_t i = 0; i < spec.choices.size(); ++i) usage += (i > 0 ? "|" : "") + std::string(spec.choices[i].cli);
  return usage;
}

std::string usage_line(const VerbSpec& verb) {
  std::string line = std::string("embedlab ") + verb.name;
  if (*verb.arguments != '\0') line += std::string(" ") + verb.arguments;
  bool optional = false;
  for (const OptionSpec* spec : verb_options(verb.name)) {
    if (spec->flags & kRequired) {
      line += " " + option_usage(*spec);
    } else {
      optional = true;
    }
  }
  return optional ? line + " [options]" : line;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text + ' ';
}

OptionValues parse_options(const VerbSpec& verb, const std::vector<std::string>& args, std::vector<std::string>& positional) {
  const std::vector<const OptionSpec*> specs = verb_options(verb.name);
  OptionValues values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() <= 2 || arg.compare(0, 2, "--") != 0) {
      positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    const std::size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) value = name.substr(eq + 1), name.resize(eq);
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec* s) { return name == s->cli; });
    if (spec == specs.end()) {
      throw Error("unknown option " + quote(arg) + " for '" + verb.name + "' (see: embedlab " + verb.name + " --help)");
    }
    if ((*spec)->type == OptionType::kFlag) {
      if (inline_value) throw Error("option --" + name + " takes no value");
    } else if (!inline_value) {
      if (i + 1 >= args.size()) throw Error("option --" + name + " needs a value");
      value = args[++i];
    }
    OptionValue parsed = parse_cli_value(**spec, value);
    parsed.given = true;
    values.set(**spec, std::move(parsed));
  }
  std::string missing;
  for (const OptionSpec* spec : specs) {
    if ((spec->flags & kRequired) && !values.has(spec->js)) {
      missing += (missing.empty() ? "" : " and ") + option_name(*spec, Naming::kCli);
    }
  }
  if (!missing.empty()) throw Error(std::string(verb.name) + " needs " + missing + " (see: embedlab " + verb.name + " --help)");
  fill_defaults(values, specs);
  if (std::string_view(verb.name) == "train") validate(train_options(values));  // rules across options
  if (std::string_view(verb.name) == "lm train") {  // heads dividing the width, rope's even head size...
    transformer_config(values, static_cast<int>(values.integer("vocabularySize")));
  }
  return values;
}

}  // namespace

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
  if (!std::isfinite(seconds)) return "--:--";
  const long s = std::lround(std::max(0.0, seconds));
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", s / 60, s % 60);
  }
  return buffer;
}

std::string progress_bar(double fraction) {
  const int width = 30;
  const int filled = std::min(width, static_cast<int>(fraction * width));
  std::string drawn(static_cast<std::size_t>(filled), '=');
  if (filled < width) drawn += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
  return drawn;
}

std::string version_line(std::string_view build) {
  return std::string("embedlab ") + EMBEDLAB_VERSION + " (" + std::string(build) + ")\n";
}

std::string main_help() {
  std::string text =
      "embedlab: train and explore word embeddings\n\n"
      "usage: embedlab VERB [arguments] (embedlab VERB --help for details)\n\n";
  for (const VerbSpec& verb : verb_schema()) text += "  " + pad(verb.name, 13) + verb.summary + "\n";
  return text + "\n  " + pad("--version", 13) + "the version and what runs it\n";
}

std::string verb_help(const VerbSpec& verb) {
  std::string text = "usage: " + usage_line(verb) + "\n\n" + verb.description + "\n";
  const std::vector<const OptionSpec*> specs = verb_options(verb.name);
  if (!specs.empty()) text += "\n";
  for (const OptionSpec* spec : specs) {
    const std::string usage = option_usage(*spec);
    text += "  " + (usage.size() < 24 ? pad(usage, 24) : usage + "\n" + std::string(27, ' ')) + spec->help;
    if (spec->flags & kRequired) {
      text += " (required)";
    } else if (spec->fallback != nullptr && *spec->fallback != '\0') {
      text += std::string(" (") + spec->fallback + ")";
    }
    text += "\n";
  }
  return text;
}

CommandLine parse_command_line(const std::vector<std::string>& args, std::string_view build) {
  CommandLine command;
  if (args.empty() || is_help(args[0]) || args[0] == "help") {
    command.action = CommandLine::Action::kPrint;
    command.text = main_help();
    command.to_stderr = args.empty();  // no verb at all is a usage error
    command.exit_code = args.empty() ? 2 : 0;
    return command;
  }
  if (args[0] == "--version") {
    command.action = CommandLine::Action::kPrint;
    command.text = version_line(build);
    return command;
  }
  const VerbSpec* verb = find_verb(args[0]);
  std::size_t verb_words = 1;
  if (verb == nullptr && args.size() > 1 && (verb = find_verb(args[0] + " " + args[1])) != nullptr) verb_words = 2;
  if (verb == nullptr) {
    // The first word of verbs of two words ("bpe" of "bpe train") names its group.
    std::string group;
    for (const VerbSpec& v : verb_schema()) {
      const std::string_view name(v.name);
      if (name.size() > args[0].size() && name.compare(0, args[0].size(), args[0]) == 0 && name[args[0].size()] == ' ') {
        group += std::string(group.empty() ? "" : ", ") + std::string(name.substr(args[0].size() + 1));
      }
    }
    if (group.empty()) throw Error("unknown verb " + quote(args[0]) + " (see: embedlab --help)");
    if (args.size() > 1 && is_help(args[1])) {
      command.action = CommandLine::Action::kPrint;
      command.text = main_help();
      return command;
    }
    throw Error(quote(args[0]) + " needs one of: " + group + (args.size() > 1 ? ", got " + quote(args[1]) : std::string()) +
                " (see: embedlab --help)");
  }
  const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(verb_words), args.end());
  if (std::any_of(rest.begin(), rest.end(), is_help)) {  // help wins over any other (even bad) argument
    command.action = CommandLine::Action::kPrint;
    command.text = verb_help(*verb);
    return command;
  }
  command.verb = verb->name;
  command.options = parse_options(*verb, rest, command.arguments);
  if (command.arguments.size() < verb->min_arguments) throw Error("missing arguments; usage: " + usage_line(*verb));
  return command;
}

}  // namespace embedlab
