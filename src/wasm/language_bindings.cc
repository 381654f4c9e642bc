// The Embind registrations of the language-model half (language_api.h), and nothing else; like
// bindings.cc, every function goes through checked<> (guard.h) and src/js/init.js checks each call.
#include <emscripten/bind.h>

#include "wasm/guard.h"
#include "wasm/language_api.h"

EMSCRIPTEN_BINDINGS(embedlab_language) {
  using namespace emscripten;
  using namespace embedlab::wasm;
  class_<TokenizerTools>("TokenizerTools")
      .class_function("fromHuggingface", checked<&TokenizerTools::from_huggingface>, allow_raw_pointers())
      .class_function("merges", checked<&TokenizerTools::merges>)
      .class_function("encode", checked<&TokenizerTools::encode>)
      .class_function("sinusoidalPositions", checked<&TokenizerTools::sinusoidal_positions>);
  class_<LanguageModelHandle>("LanguageModel")
      .class_function("create", checked<&LanguageModelHandle::create>, allow_raw_pointers())
      .class_function("load", checked<&LanguageModelHandle::load>, allow_raw_pointers())
      .function("runFor", checked<&LanguageModelHandle::run_for>)
      .function("cancel", checked<&LanguageModelHandle::cancel>)
      .function("progress", checked<&LanguageModelHandle::progress>)
      .function("baseline", checked<&LanguageModelHandle::baseline>)
      .function("config", checked<&LanguageModelHandle::config>)
      .function("tokenizer", checked<&LanguageModelHandle::tokenizer>, allow_raw_pointers())
      .function("inputs", checked<&LanguageModelHandle::inputs>)
      .function("outputs", checked<&LanguageModelHandle::outputs>)
      .function("next", checked<&LanguageModelHandle::next>)
      .function("generate", checked<&LanguageModelHandle::generate>)
      .function("fill", checked<&LanguageModelHandle::fill>)
      .function("tokenEmbeddings", checked<&LanguageModelHandle::token_embeddings>, allow_raw_pointers())
      .function("positionalEmbeddings", checked<&LanguageModelHandle::positional_embeddings>)
      .function("attention", checked<&LanguageModelHandle::attention>)
      .function("attentionScore", checked<&LanguageModelHandle::attention_score>)
      .function("save", checked<&LanguageModelHandle::save>)
      .function("exportSafetensors", checked<&LanguageModelHandle::export_safetensors>);
}
