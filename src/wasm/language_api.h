// The language-model half of the wasm module (registered by language_bindings.cc): byte-pair
// tokenizers' merges and pieces, and transformer language models trained, queried and saved. Each is
// a core call between conversions (convert.h); every one is registered through checked<> (guard.h).
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/language_model.h"
#include "core/model.h"
#include "core/training_loop.h"
#include "core/transformer.h"
#include "wasm/api.h"

namespace embedlab::wasm {

using emscripten::val;

// What a tokenizer shows a person: its merges, its pieces, and text encoded piece by piece.
struct TokenizerTools {
  // GPT-2's Hugging Face files (vocab.json and merges.txt as text).
  static TokenizerHandle* from_huggingface(std::string vocab_json, std::string merges_txt);
  // [{ left, right, id, count }] in order (merge i makes id 256 + i); [] for a word tokenizer.
  static val merges(const TokenizerHandle& tokenizer);
  // { ids: Int32Array, pieces: [GPT-2's printable spelling], texts: [each token's own text] }.
  static val encode(const TokenizerHandle& tokenizer, val text, bool allow_special, double merges);
  // sinusoidal_positions (transformer.h) as a Float32Array of rows × width.
  static val sinusoidal_positions(double rows, double width);
};

// A transformer language model: trained here from text (in slices driven from JS) or loaded.
class LanguageModelHandle {
 public:
  // Trains on `text` (one sentence a line) with `tokenizer`; `options` is the JS layer's checked
  // { objective, positional, layers, heads, width, context, batch, steps, learningRate, warmup,
  // seed, threads, validateEvery }. With steps 0 nothing is trained and the text is not read.
  static LanguageModelHandle* create(const TokenizerHandle& tokenizer, val text, val options);
  // A model file (Uint8Array) as save() writes it; `name` names it in errors.
  static LanguageModelHandle* load(val bytes, std::string name);
  ~LanguageModelHandle();

  // Trains for about `budget_ms`; true once finished or cancelled (the training state is then freed).
  bool run_for(double budget_ms);
  void cancel();
  // { step, steps, loss, validationLoss?, validationAccuracy?, validationStep, tokensPerSecond,
  //   learningRate, elapsedMs, finished, cancelled }
  val progress() const;
  // The count-based baseline, measured once while the data is there: the bigram model's
  // validation cross-entropy (next-word) or the unigram entropy of the training tokens (masked).
  double baseline();

  // { vocab, width, layers, heads, context, positional, objective, segments, parameters }
  val config() const;
  TokenizerHandle* tokenizer() const;
  // { ids, segments, pieces, texts, width, token, position, segment, sum } (Float32Array rows).
  val inputs(std::string text, val pair) const;
  // { ids, segments, pieces, texts, width, hidden }: the final hidden states (after ln_f).
  val outputs(std::string text, val pair);
  // [{ id, piece, text, probability }] of the most likely next tokens.
  val next(std::string text, double top_k);
  // { ids, pieces, text }: `tokens` tokens continuing `prompt`.
  val generate(std::string prompt, double tokens, double temperature, double top_k, double seed);
  // [{ position, candidates: [{ id, piece, text, probability }] }] per [MASK].
  val fill(std::string text, val pair, double top_k);
  // The token embeddings (wte) as word vectors, tokens spelt as pieces.
  ModelHandle* token_embeddings() const;
  // { rows, width, data, kind }: wpe (learned), the sinusoid (sinusoidal), 0 rows (none, rope).
  val positional_embeddings() const;
  // { ids, pieces, heads, length, data }: layer `layer`'s attention, [head][query][key].
  val attention(std::string text, val pair, double layer);
  // attention_score (transformer.h).
  double attention_score(double head, double query, double query_position, double key, double key_position) const;
  val save() const;
  val export_safetensors() const;

 private:
  struct Training;
  LanguageModelHandle(std::unique_ptr<Model> model);
  const Transformer& transformer() const;
  ModelInput input(const std::string& text, const val& pair) const;
  // Runs `input` forward; the workspace then holds its activations.
  void forward(const ModelInput& input, Transformer::Workspace& workspace);
  val described(const ModelInput& input) const;
  val candidates(const std::vector<std::pair<std::int32_t, double>>& ranked) const;

  std::unique_ptr<Model> model_;
  TransformerConfig config_;
  std::unique_ptr<Transformer> transformer_;
  SpecialTokens special_;
  std::unique_ptr<Training> training_;
  TrainProgress last_;
  double baseline_;
};

}  // namespace embedlab::wasm
