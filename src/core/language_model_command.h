// The `lm` verbs' work for both command-line tools (native src/cli, and src/js/cli.js through
// wasm), without file I/O: the tool passes a way to read files, runs the verb (lm train in slices,
// so progress and Ctrl-C stay prompt), prints the events it reports in order and writes the files
// it made. Both tools so print the same text from the same code.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/command_line.h"

namespace embedlab {

class LanguageModelCommand {
 public:
  // The bytes of a file; throws Error ("cannot open 'x': ...") when it cannot.
  using ReadFile = std::function<std::string(const std::string& path)>;

  // What to print, in order. kStatus is a progress line: a terminal redraws it in place, other
  // outputs print it once per tenth of the run (and the last one).
  struct Event {
    enum class Kind { kStdout, kStderr, kStatus } kind;
    std::string text;         // kStdout / kStderr: whole lines with their '\n'; kStatus: one line without
    double fraction = 0.0;    // kStatus: share of the run done
    bool finished = false;    // kStatus: the last one
  };

  // `command` is a parsed lm verb (lm train, sample, fill, inputs, export). Reads what it needs;
  // the short verbs do all their work here. Throws Error on bad input.
  LanguageModelCommand(const CommandLine& command, const ReadFile& read);
  ~LanguageModelCommand();
  LanguageModelCommand(const LanguageModelCommand&) = delete;
  LanguageModelCommand& operator=(const LanguageModelCommand&) = delete;

  // Works for about `budget_ms`; true once finished (or cancelled). Throws Error on a failure.
  bool run_for(double budget_ms);
  // Stops lm train promptly; nothing is to be written then. Thread-safe.
  void cancel();
  bool cancelled() const;
  // The events since the previous call.
  std::vector<Event> take_events();
  // Once finished (not cancelled): the files to write, path and bytes, in order.
  const std::vector<std::pair<std::string, std::string>>& outputs() const;

 private:
  struct Training;
  void add(Event::Kind kind, std::string text);
  void run_short_verb(const CommandLine& command, const ReadFile& read);
  void finish_training();

  std::vector<Event> events_;
  std::vector<std::pair<std::string, std::string>> outputs_;
  std::unique_ptr<Training> training_;
  bool finished_ = false;
};

}  // namespace embedlab
