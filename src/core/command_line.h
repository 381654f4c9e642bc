// The command line of both CLIs (native src/cli and Node src/js/cli.js, which calls this through
// wasm): verbs, flags, help and --version, all read from the option schema. No I/O: the result says
// what to run or what to print, and each CLI does the file work.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/options.h"

namespace embedlab {

struct CommandLine {
  enum class Action { kRun, kPrint };
  Action action = Action::kRun;
  // kRun: the verb, its positional arguments and every option of the verb (defaults filled in).
  std::string verb;
  std::vector<std::string> arguments;
  OptionValues options;
  // kPrint: help or the version, where to print it and the exit code.
  std::string text;
  bool to_stderr = false;
  int exit_code = 0;
};

// Parses the arguments after the program name. `build` says what runs (for --version, e.g.
// "kernels: avx2"). Throws Error, naming the culprit, for an unknown verb or option, a bad value,
// a missing value, option or argument.
CommandLine parse_command_line(const std::vector<std::string>& args, std::string_view build);

// Pieces of the progress lines both CLIs print: "21k" / "1.20M" (per second), "1:05" / "1:02:03"
// ("--:--" when unknown), and a bar 30 characters wide ("=====>    ") for `fraction` done.
std::string human_rate(double per_second);
std::string clock_time(double seconds);
std::string progress_bar(double fraction);

// The text of `embedlab --help` and of `embedlab VERB --help`.
std::string main_help();
std::string verb_help(const VerbSpec& verb);
// "embedlab X.Y.Z (kernels: avx2)": the version comes from package.json through the build.
std::string version_line(std::string_view build);

}  // namespace embedlab
