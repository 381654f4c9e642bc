#include "wasm/convert.h"

#include <algorithm>
#include <cstring>

#include "core/bpe.h"
#include "core/error.h"

namespace embedlab::wasm {

std::string describe(const val& value) {
  if (value.isUndefined()) return "undefined";
  if (value.isNull()) return "null";
  if (value.isString()) return quote(value.as<std::string>());
  if (value.isArray()) return "an array";
  const std::string type = value.typeOf().as<std::string>();
  if (type == "function") return "a function";
  if (type == "object") {
    const val constructor = value["constructor"];
    const val name = constructor.isUndefined() || constructor.isNull() ? val::undefined() : constructor["name"];
    const std::string text = name.isString() ? name.as<std::string>() : "";
    if (text.empty() || text == "Object") return "an object";
    return (std::strchr("AEIOU", text[0]) != nullptr ? "an " : "a ") + text;
  }
  return val::global("String")(value).as<std::string>();  // numbers, booleans, bigints, symbols
}

std::string bytes_to_string(const val& bytes) {
  if (!bytes.instanceof(val::global("Uint8Array"))) throw Error("bytes must be a Uint8Array, got " + describe(bytes));
  const auto length = bytes["length"].as<std::size_t>();
  std::string out(length, '\0');
  if (length > 0) {
    val(emscripten::typed_memory_view(length, reinterpret_cast<unsigned char*>(out.data()))).call<void>("set", bytes);
  }
  return out;
}

val string_to_bytes(const std::string& bytes) {
  // A view into the heap, sliced at once: the copy survives later memory growth.
  return val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const unsigned char*>(bytes.data())))
      .call<val>("slice");
}

val floats_to_array(const float* data, std::size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

std::vector<float> array_to_floats(const val& array) {
  if (!array.instanceof(val::global("Float32Array"))) throw Error("data must be a Float32Array, got " + describe(array));
  const auto n = array["length"].as<std::size_t>();
  std::vector<float> values(n);
  if (n > 0) val(emscripten::typed_memory_view(n, values.data())).call<void>("set", array);
  return values;
}

val ids_to_array(const std::vector<std::int32_t>& ids) {
  return val(emscripten::typed_memory_view(ids.size(), ids.data())).call<val>("slice");
}

std::vector<std::int32_t> ids_from_js(const val& ids) {
  if (!ids.isArray() && !ids.instanceof(val::global("Int32Array"))) {
    throw Error("token ids must be an array or an Int32Array, got " + describe(ids));
  }
  const auto n = ids["length"].as<std::size_t>();
  std::vector<std::string> texts(n);
  for (std::size_t i = 0; i < n; ++i) {
    const val item = ids[i];
    const bool whole = item.isNumber() && val::global("Number").call<bool>("isSafeInteger", item);
    if (!whole && !item.isString()) throw Error("token id " + std::to_string(i + 1) + " must be a whole number, got " + describe(item));
    texts[i] = whole ? val::global("String").new_(item).call<std::string>("toString") : item.as<std::string>();
  }
  return parse_token_ids(texts);
}

std::vector<std::string> string_array(const val& array, const std::string& what) {
  if (!array.isArray()) throw Error(what + " must be an array of words, got " + describe(array));
  const auto n = array["length"].as<std::size_t>();
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const val item = array[i];
    if (!item.isString()) throw Error(what + "[" + std::to_string(i) + "] must be a string, got " + describe(item));
    out.push_back(item.as<std::string>());
  }
  return out;
}

val strings_to_js(const std::vector<std::string>& strings) {
  val out = val::array();
  for (const auto& s : strings) out.call<void>("push", val(s));
  return out;
}

val neighbours_to_js(const std::vector<Neighbour>& neighbours) {
  val out = val::array();
  for (const auto& n : neighbours) {
    val item = val::object();
    item.set("word", n.word);
    item.set("similarity", n.similarity);
    out.call<void>("push", item);
  }
  return out;
}

namespace {

val section_to_js(const AnalogySection& s) {
  val o = val::object();
  o.set("name", s.name);
  o.set("questions", static_cast<double>(s.questions));
  o.set("answered", static_cast<double>(s.answered));
  o.set("correct", static_cast<double>(s.correct));
  o.set("accuracy", s.accuracy());
  o.set("coverage", s.coverage());
  return o;
}

const char* type_name(OptionType type) {
  switch (type) {
    case OptionType::kInt: return "int";
    case OptionType::kNumber: return "number";
    case OptionType::kEnum: return "enum";
    case OptionType::kFlag: return "flag";
    case OptionType::kString: return "string";
    case OptionType::kWords: return "words";
    case OptionType::kFunction: return "function";
    case OptionType::kSignal: return "signal";
  }
  return "unknown";
}

val list_to_js(const char* list) {
  val out = val::array();
  for (const std::string_view item : list_items(list)) out.call<void>("push", val(std::string(item)));
  return out;
}

val value_to_js(const OptionSpec& spec, const OptionValue& value) {
  switch (spec.type) {
    case OptionType::kInt:
    case OptionType::kNumber: return val(value.number);
    case OptionType::kFlag: return val(value.number != 0.0);
    case OptionType::kEnum: return val(std::string(find_choice(spec, value.text, Naming::kCli).js));
    case OptionType::kString: return val(value.text);
    case OptionType::kWords: return strings_to_js(value.words);
    case OptionType::kFunction:
    case OptionType::kSignal: break;
  }
  return val::undefined();
}

// One JS value of `spec`, checked as the schema says.
OptionValue value_from_js(const OptionSpec& spec, const val& v) {
  const std::string name = option_name(spec, Naming::kJs);
  const std::string type = v.typeOf().as<std::string>();
  OptionValue value;
  switch (spec.type) {
    case OptionType::kInt:
    case OptionType::kNumber:
      if (type != "number") {
        throw Error(name + (spec.type == OptionType::kInt ? " must be a whole number, got " : " must be a number, got ") +
                    describe(v));
      }
      value.number = v.as<double>();
      check_number(spec, value.number, Naming::kJs);
      break;
    case OptionType::kFlag:
      if (type != "boolean") throw Error(name + " must be true or false, got " + describe(v));
      value.number = v.as<bool>() ? 1.0 : 0.0;
      break;
    case OptionType::kEnum:
      value.text = choice_from_js(spec, v).cli;
      break;
    case OptionType::kString:
      if (type != "string") throw Error(name + " must be a string, got " + describe(v));
      value.text = v.as<std::string>();
      break;
    case OptionType::kWords:
      value.words = string_array(v, name);
      break;
    case OptionType::kFunction:
      if (type != "function") throw Error(name + " must be a function, got " + describe(v));
      break;
    case OptionType::kSignal:
      if (type != "object" || v.isNull() || v["aborted"].typeOf().as<std::string>() != "boolean") {
        throw Error(name + " must be an AbortSignal, got " + describe(v));
      }
      break;
  }
  return value;
}

}  // namespace

val analogy_report_to_js(const AnalogyReport& report) {
  val sections = val::array();
  for (const auto& s : report.sections) sections.call<void>("push", section_to_js(s));
  val out = val::object();
  out.set("sections", sections);
  out.set("semantic", section_to_js(report.semantic));
  out.set("syntactic", section_to_js(report.syntactic));
  out.set("total", section_to_js(report.total));
  return out;
}

val similarity_report_to_js(const SimilarityReport& report) {
  val out = val::object();
  out.set("spearman", report.spearman);
  out.set("pairs", static_cast<double>(report.pairs));
  out.set("oovPairs", static_cast<double>(report.oov_pairs));
  return out;
}

val progress_to_js(const TrainProgress& p) {
  val out = val::object();
  out.set("wordsDone", static_cast<double>(p.words_done));
  out.set("wordsTotal", static_cast<double>(p.words_total));
  out.set("epoch", p.epoch);
  out.set("learningRate", p.learning_rate);
  out.set("averageLoss", p.average_loss);
  out.set("wordsPerSecond", p.words_per_second);
  out.set("elapsedMs", p.elapsed_ms);
  out.set("finished", p.finished);
  out.set("cancelled", p.cancelled);
  return out;
}

val corpus_stats_to_js(const Corpus& c) {
  val out = val::object();
  out.set("vocabularySize", static_cast<double>(c.vocabulary.size()));
  out.set("tokens", static_cast<double>(c.tokens.size()));
  out.set("rawTokens", static_cast<double>(c.raw_token_count));
  out.set("lines", static_cast<double>(c.line_count));
  out.set("sentences", static_cast<double>(c.sentence_count()));
  return out;
}

val projection_to_js(const Projection& projection, std::vector<float> coordinates, const std::vector<std::string>& extra) {
  val out = val::object();
  out.set("count", static_cast<double>(projection.count));
  out.set("coordinates", floats_to_array(coordinates.data(), coordinates.size()));
  out.set("extraWords", strings_to_js(extra));
  val variance = val::array();
  variance.call<void>("push", projection.explained_variance[0]);
  variance.call<void>("push", projection.explained_variance[1]);
  out.set("explainedVariance", variance);
  return out;
}

const OptionChoice& choice_from_js(const OptionSpec& spec, const val& value) {
  if (!value.isString()) {
    throw Error(option_name(spec, Naming::kJs) + " must be " + choices_text(spec, Naming::kJs) + ", got " + describe(value));
  }
  return find_choice(spec, value.as<std::string>(), Naming::kJs);
}

OptionValues options_from_js(std::string_view method, const val& object) {
  const std::vector<const OptionSpec*> specs = method_options(method);
  OptionValues values;
  if (!object.isUndefined()) {
    if (object.isNull() || object.isArray() || object.typeOf().as<std::string>() != "object") {
      throw Error(method_label(method) + " options must be an object, got " + describe(object));
    }
    const val keys = val::global("Object").call<val>("keys", object);
    const auto n = keys["length"].as<std::size_t>();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = keys[i].as<std::string>();
      const auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec* s) { return key == s->js; });
      if (spec == specs.end()) {
        std::string known;
        for (const OptionSpec* s : specs) known += (known.empty() ? "" : ", ") + std::string(s->js);
        throw Error("unknown " + method_label(method) + " option " + quote(key) + " (known: " + known + ")");
      }
      const val value = object[key];
      if (value.isUndefined()) continue;
      OptionValue parsed = value_from_js(**spec, value);
      parsed.given = true;
      values.set(**spec, std::move(parsed));
    }
  }
  fill_defaults(values, specs);
  return values;
}

val options_to_js(const OptionValues& values, const std::vector<const OptionSpec*>& specs) {
  val out = val::object();
  for (const OptionSpec* spec : specs) {
    if (!values.has(spec->js) || spec->type == OptionType::kFunction || spec->type == OptionType::kSignal) continue;
    out.set(spec->js, value_to_js(*spec, values.all().find(spec->js)->second));
  }
  return out;
}

val schema_to_js() {
  val options = val::array();
  for (const OptionSpec& spec : option_schema()) {
    val o = val::object();
    o.set("cli", spec.cli == nullptr ? val::null() : val(std::string(spec.cli)));
    o.set("js", std::string(spec.js));
    o.set("type", std::string(type_name(spec.type)));
    o.set("metavar", std::string(spec.metavar));
    if (spec.fallback != nullptr) o.set("default", value_to_js(spec, parse_cli_value(spec, spec.fallback)));
    if (spec.type == OptionType::kFlag) o.set("default", (spec.flags & kNegated) != 0);
    if (spec.type == OptionType::kInt || spec.type == OptionType::kNumber) {
      o.set("min", spec.min);
      o.set("max", spec.max);
    }
    val choices = val::array(), cli_choices = val::array();
    for (const OptionChoice& c : spec.choices) {
      choices.call<void>("push", val(std::string(c.js)));
      cli_choices.call<void>("push", val(std::string(c.cli)));
    }
    o.set("choices", choices);
    o.set("cliChoices", cli_choices);
    o.set("verbs", list_to_js(spec.verbs));
    o.set("methods", list_to_js(spec.methods));
    o.set("help", std::string(spec.help));
    o.set("required", (spec.flags & kRequired) != 0);
    o.set("negated", (spec.flags & kNegated) != 0);
    options.call<void>("push", o);
  }
  val verbs = val::array();
  for (const VerbSpec& spec : verb_schema()) {
    val v = val::object();
    v.set("name", std::string(spec.name));
    v.set("arguments", std::string(spec.arguments));
    v.set("minArguments", static_cast<double>(spec.min_arguments));
    v.set("summary", std::string(spec.summary));
    v.set("help", verb_help(spec));
    verbs.call<void>("push", v);
  }
  val out = val::object();
  out.set("options", options);
  out.set("verbs", verbs);
  out.set("help", main_help());
  return out;
}

val command_to_js(const CommandLine& command) {
  val out = val::object();
  const bool run = command.action == CommandLine::Action::kRun;
  out.set("action", std::string(run ? "run" : "print"));
  if (run) {
    out.set("verb", command.verb);
    out.set("arguments", strings_to_js(command.arguments));
    out.set("options", options_to_js(command.options, verb_options(command.verb)));
  } else {
    out.set("text", command.text);
    out.set("stream", std::string(command.to_stderr ? "stderr" : "stdout"));
    out.set("exitCode", command.exit_code);
  }
  return out;
}

}  // namespace embedlab::wasm
