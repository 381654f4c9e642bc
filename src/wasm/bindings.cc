// The Embind registrations, and nothing else: the bound objects are in api.h, conversions in
// convert.h. Every function is registered through checked<> (guard.h), so no C++ exception leaves a
// call; src/js/init.js checks every method of every class registered here for the error it left.
// takeLastError, the one free function, is that check.
#include <emscripten/bind.h>

#include "wasm/api.h"
#include "wasm/guard.h"

EMSCRIPTEN_BINDINGS(embedlab) {
  using namespace emscripten;
  using namespace embedlab::wasm;
  function("takeLastError", &take_last_error);
  class_<Library>("Library")
      .class_function("activeIsa", checked<&Library::active_isa>)
      .class_function("hasThreads", checked<&Library::has_threads>)
      .class_function("optionSchema", checked<&Library::option_schema>)
      .class_function("normaliseOptions", checked<&Library::normalise_options>)
      .class_function("parseCommandLine", checked<&Library::parse_command_line>)
      .class_function("describe", checked<&Library::describe>)
      .class_function("tokenize", checked<&Library::tokenize>);
  class_<CorpusHandle>("Corpus")
      .class_function("create", checked<&CorpusHandle::create>, allow_raw_pointers())
      .function("addText", checked<&CorpusHandle::add_text>)
      .function("addBytes", checked<&CorpusHandle::add_bytes>)
      .function("finish", checked<&CorpusHandle::finish>)
      .function("stats", checked<&CorpusHandle::stats>);
  class_<ModelHandle>("Model")
      .class_function("load", checked<&ModelHandle::load>, allow_raw_pointers())
      .class_function("fromVectors", checked<&ModelHandle::from_vectors>, allow_raw_pointers())
      .function("size", checked<&ModelHandle::size>)
      .function("dim", checked<&ModelHandle::dim>)
      .function("words", checked<&ModelHandle::words>)
      .function("vector", checked<&ModelHandle::vector>)
      .function("vectors", checked<&ModelHandle::vectors>)
      .function("find", checked<&ModelHandle::find>)
      .function("similarity", checked<&ModelHandle::similarity>)
      .function("mostSimilar", checked<&ModelHandle::most_similar>)
      .function("analogy", checked<&ModelHandle::analogy>)
      .function("doesntMatch", checked<&ModelHandle::doesnt_match>)
      .function("save", checked<&ModelHandle::save>)
      .function("project2d", checked<&ModelHandle::project_2d>)
      .function("evaluateAnalogies", checked<&ModelHandle::evaluate_analogies>)
      .function("evaluateSimilarity", checked<&ModelHandle::evaluate_similarity>)
      .function("indexed", checked<&ModelHandle::indexed>)
      .function("wantsIndex", checked<&ModelHandle::wants_index>)
      .function("indexBuild", checked<&ModelHandle::index_build>, allow_raw_pointers());
  class_<IndexBuildHandle>("IndexBuild")
      .function("background", checked<&IndexBuildHandle::background>)
      .function("runFor", checked<&IndexBuildHandle::run_for>)
      .function("fraction", checked<&IndexBuildHandle::fraction>)
      .function("stage", checked<&IndexBuildHandle::stage>)
      .function("cancel", checked<&IndexBuildHandle::cancel>);
  class_<VectorStreamHandle>("VectorStream")
      .class_function("create", checked<&VectorStreamHandle::create>, allow_raw_pointers())
      .function("feed", checked<&VectorStreamHandle::feed>)
      .function("finish", checked<&VectorStreamHandle::finish>, allow_raw_pointers())
      .function("takeBatch", checked<&VectorStreamHandle::take_batch>)
      .function("bytesRead", checked<&VectorStreamHandle::bytes_read>)
      .function("rows", checked<&VectorStreamHandle::rows>)
      .function("dim", checked<&VectorStreamHandle::dim>)
      .function("expectedRows", checked<&VectorStreamHandle::expected_rows>);
  class_<VectorsBuilderHandle>("VectorsBuilder")
      .class_function("create", checked<&VectorsBuilderHandle::create>, allow_raw_pointers())
      .function("add", checked<&VectorsBuilderHandle::add>)
      .function("finish", checked<&VectorsBuilderHandle::finish>, allow_raw_pointers());
  class_<TrainerHandle>("Trainer")
      .class_function("create", checked<&TrainerHandle::create>, allow_raw_pointers())
      .function("runFor", checked<&TrainerHandle::run_for>)
      .function("cancel", checked<&TrainerHandle::cancel>)
      .function("progress", checked<&TrainerHandle::progress>)
      .function("model", checked<&TrainerHandle::model>, allow_raw_pointers());
  class_<TokenizerHandle>("Tokenizer")
      .class_function("load", checked<&TokenizerHandle::load>, allow_raw_pointers())
      .class_function("fromTiktoken", checked<&TokenizerHandle::from_tiktoken>, allow_raw_pointers())
      .function("kind", checked<&TokenizerHandle::kind>)
      .function("size", checked<&TokenizerHandle::size>)
      .function("encode", checked<&TokenizerHandle::encode>)
      .function("decode", checked<&TokenizerHandle::decode>)
      .function("pieces", checked<&TokenizerHandle::pieces>)
      .function("save", checked<&TokenizerHandle::save>);
  class_<LanguageModelCommandHandle>("LanguageModelCommand")
      .class_function("create", checked<&LanguageModelCommandHandle::create>, allow_raw_pointers())
      .function("runFor", checked<&LanguageModelCommandHandle::run_for>)
      .function("cancel", checked<&LanguageModelCommandHandle::cancel>)
      .function("cancelled", checked<&LanguageModelCommandHandle::cancelled>)
      .function("takeEvents", checked<&LanguageModelCommandHandle::take_events>)
      .function("outputs", checked<&LanguageModelCommandHandle::outputs>);
  class_<BpeTrainerHandle>("BpeTrainer")
      .class_function("create", checked<&BpeTrainerHandle::create>, allow_raw_pointers())
      .function("run", checked<&BpeTrainerHandle::run>)
      .function("progress", checked<&BpeTrainerHandle::progress>)
      .function("tokenizer", checked<&BpeTrainerHandle::tokenizer>, allow_raw_pointers());
}
