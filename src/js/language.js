// How language models embed text: byte-pair tokenizers (Tokenizer) and small transformer language
// models (LanguageModel), over the raw wasm handles of src/wasm/language_api.h. Training runs in
// slices like word2vec's (training.js): progress, live probes and aborts between slices.
import { Model } from './model.js';
import { abortError, yieldToEventLoop } from './training.js';
import { checkCount, checkThreads, checkWord, checkWords, describe, fail, isPlainObject, toBytes } from './validation.js';

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((raw) => { try { raw.delete(); } catch { /* already gone */ } })
  : null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const utf8 = new TextDecoder();
const now = () => (typeof performance === 'object' ? performance.now() : Date.now());

// Options a method accepts: unknown names are mistakes, named with the ones it knows.
function checkOptionNames(options, known, method) {
  if (options === undefined) return {};
  if (!isPlainObject(options)) fail(`${method} options must be an object, got ${describe(options)}`);
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) fail(`unknown option '${name}' for ${method} (known: ${known.join(', ')})`);
  }
  return options;
}

function checkNumber(value, name, { min = -Infinity, max = Infinity } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${name} must be a number, got ${describe(value)}`);
  if (value < min || value > max) fail(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function checkText(value, name) {
  if (typeof value !== 'string') fail(`${name} must be a string, got ${describe(value)}`);
  return value;
}

function checkSignal(signal) {
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean')) {
    fail(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
}

function checkCallback(value, name) {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function, got ${describe(value)}`);
}

// ---- tokenizers ------------------------------------------------------------------------------------

/** A tokenizer (byte-pair or word). Owns wasm memory: call dispose() when done. */
export class Tokenizer {
  #raw;
  #module;
  #merges = null;

  /** @internal `raw` is a wasm Tokenizer handle of `module`. */
  constructor(module, raw) {
    this.#module = module;
    this.#raw = raw;
    registry?.register(this, raw, this);
  }

  /** @internal The raw handle, for the language model's training. */
  _handle() {
    if (!this.#raw) fail('this tokenizer has been disposed');
    return this.#raw;
  }

  /** 'bpe' (byte-pair) or 'word'. */
  get kind() { return this._handle().kind(); }
  /** Tokens in the vocabulary: bytes, merged tokens and the 5 special tokens. */
  get size() { return this._handle().size(); }
  get disposed() { return this.#raw === null; }

  /** The merges in the order they were learnt: merge i joins left and right into token id 256 + i. */
  get merges() {
    const raw = this._handle();
    if (!this.#merges) {
      const merges = this.#module.TokenizerTools.merges(raw);
      this.#merges = Object.freeze(merges.map((m) => Object.freeze({ ...m, piece: this.piece(m.id) })));
    }
    return this.#merges;
  }

  /**
   * The tokens of `text`: ids, pieces (GPT-2's printable spelling: a space is 'Ġ', a newline 'Ċ')
   * and texts (each token's own text, whitespace as it is). `merges` applies only the first N merges
   * (to replay training); `allowSpecial` reads [MASK], <|endoftext|>, ... as special tokens.
   */
  encode(text, options) {
    const { merges = -1, allowSpecial = false } = checkOptionNames(options, ['merges', 'allowSpecial'], 'encode');
    if (merges !== -1) checkCount(merges, 'merges', { min: 0 });
    if (typeof allowSpecial !== 'boolean') fail(`allowSpecial must be true or false, got ${describe(allowSpecial)}`);
    const input = typeof text === 'string' ? text : toBytes(text, 'text');
    const out = this.#module.TokenizerTools.encode(this._handle(), input, allowSpecial, merges);
    return { ids: new Uint32Array(out.ids.buffer), pieces: out.pieces, texts: out.texts };
  }

  /** The text of token ids (invalid UTF-8, as from a cut token, reads as U+FFFD). */
  decode(ids) {
    return utf8.decode(this.decodeBytes(ids));
  }

  /** The exact bytes of token ids. */
  decodeBytes(ids) {
    return this._handle().decode(Array.from(checkIds(ids)));
  }

  /** How token `id` reads: GPT-2's printable spelling ('Ġthe'), special tokens as they are. */
  piece(id) {
    checkCount(id, 'id', { min: 0 });
    return this._handle().pieces([id])[0];
  }

  /** An embedlab tokenizer file (loadTokenizer reads it). */
  save() {
    return this._handle().save();
  }

  /** Frees the wasm memory; later calls throw. Safe to call twice. */
  dispose() {
    if (!this.#raw) return;
    registry?.unregister(this);
    this.#raw.delete();
    this.#raw = null;
    this.#merges = null;
  }
}

function checkIds(ids) {
  if (!(ids instanceof Uint32Array || ids instanceof Int32Array || Array.isArray(ids))) {
    fail(`token ids must be an array, Uint32Array or Int32Array, got ${describe(ids)}`);
  }
  return ids;
}

/** el.trainTokenizer(): see index.d.ts. */
export async function trainTokenizer(raw, text, options) {
  const { vocabSize = 4000, onProgress, signal, sliceMs = 50 } =
    checkOptionNames(options, ['vocabSize', 'onProgress', 'signal', 'sliceMs'], 'trainTokenizer');
  checkCount(vocabSize, 'vocabSize', { min: 261, max: 1 << 24 });
  checkNumber(sliceMs, 'sliceMs', { min: 1, max: 10000 });
  checkCallback(onProgress, 'onProgress');
  checkSignal(signal);
  const input = typeof text === 'string' ? text : toBytes(text, 'text');
  if (signal?.aborted) throw abortError(signal);
  const trainer = raw.BpeTrainer.create(input, vocabSize);
  try {
    for (;;) {
      const start = now();
      let finished = false;
      while (!finished && now() - start < sliceMs) finished = trainer.run(16);
      const p = trainer.progress();
      const fraction = p.mergesTotal > 0 ? p.mergesDone / p.mergesTotal : 1;
      const rate = p.elapsedMs > 0 ? p.mergesDone / (p.elapsedMs / 1000) : 0;
      onProgress?.({ ...p, fraction, etaSeconds: rate > 0 ? (p.mergesTotal - p.mergesDone) / rate : Infinity });
      if (finished) return new Tokenizer(raw, trainer.tokenizer());
      if (signal?.aborted) throw abortError(signal);
      await yieldToEventLoop();
      if (signal?.aborted) throw abortError(signal);
    }
  } finally {
    trainer.delete();
  }
}

const EMBEDLAB_MAGIC = 'EMBEDLAB';

function textOf(value, name) {
  if (typeof value === 'string') return value;
  return utf8.decode(toBytes(value, name));
}

/**
 * el.loadTokenizer(): an embedlab tokenizer (or model) file, GPT-2's ranks (.tiktoken text, or
 * js-tiktoken's { bpe_ranks }), or Hugging Face's { vocab, merges } (vocab.json + merges.txt).
 */
export function loadTokenizer(raw, input, options) {
  const { name } = checkOptionNames(options, ['name'], 'loadTokenizer');
  if (name !== undefined) checkText(name, 'name');
  if (isPlainObject(input) && !ArrayBuffer.isView(input) && !(input instanceof ArrayBuffer)) {
    if (typeof input.bpe_ranks === 'string') return new Tokenizer(raw, raw.Tokenizer.fromTiktoken(input.bpe_ranks, name ?? 'ranks'));
    if (input.vocab === undefined || input.merges === undefined) {
      fail('loadTokenizer takes bytes, text, { vocab, merges } (Hugging Face) or { bpe_ranks } (js-tiktoken)');
    }
    const vocab = isPlainObject(input.vocab) && !ArrayBuffer.isView(input.vocab) ? JSON.stringify(input.vocab) : textOf(input.vocab, 'vocab');
    return new Tokenizer(raw, raw.TokenizerTools.fromHuggingface(vocab, textOf(input.merges, 'merges')));
  }
  if (typeof input !== 'string') {
    const bytes = toBytes(input, 'tokenizer');
    if (utf8.decode(bytes.subarray(0, EMBEDLAB_MAGIC.length)) === EMBEDLAB_MAGIC) {
      return new Tokenizer(raw, raw.Tokenizer.load(bytes, name ?? 'tokenizer file'));
    }
    input = utf8.decode(bytes);
  }
  return new Tokenizer(raw, raw.Tokenizer.fromTiktoken(input, name ?? 'ranks'));
}

// ---- language models ---------------------------------------------------------------------------------

// The options of lm train that trainLanguageModel shares with the CLI: ranges, choices and
// defaults come from the core's option schema.
const SCHEMA_OPTIONS = ['objective', 'positional', 'layers', 'heads', 'width', 'context', 'batch', 'steps', 'learningRate',
  'warmup', 'validateEvery', 'threads', 'seed'];
const TRAIN_OPTIONS = [...SCHEMA_OPTIONS, 'tokenizer', 'vocabSize', 'sliceMs', 'onProgress', 'signal', 'probe'];
const PROBE_OPTIONS = ['prompt', 'fill', 'pair', 'neighbours', 'positions', 'everyMs', 'tokens', 'temperature', 'topK', 'seed'];

let lmSchema = null;
function schemaOptions(raw) {
  if (!lmSchema) {
    lmSchema = new Map();
    for (const o of raw.Library.optionSchema().options) {
      if (o.verbs.includes('lm-train') && SCHEMA_OPTIONS.includes(o.js)) lmSchema.set(o.js, o);
    }
  }
  return lmSchema;
}

function checkSchemaOption(spec, value) {
  if (value === undefined) return spec.default;
  if (spec.type === 'enum') {
    if (!spec.choices.includes(value)) fail(`${spec.js} must be one of ${spec.choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
    return value;
  }
  if (spec.type === 'int') return checkCount(value, spec.js, { min: spec.min, max: spec.max });
  return checkNumber(value, spec.js, { min: spec.min, max: spec.max });
}

function checkProbe(probe) {
  if (probe === undefined) return null;
  checkOptionNames(probe, PROBE_OPTIONS, 'probe');
  const p = { everyMs: 1000, tokens: 20, temperature: 0.8, topK: 5, seed: 1, neighbours: [], positions: false, ...probe };
  if (p.prompt !== undefined) checkText(p.prompt, 'probe.prompt');
  if (p.fill !== undefined) checkText(p.fill, 'probe.fill');
  if (p.pair !== undefined) checkText(p.pair, 'probe.pair');
  checkWords(p.neighbours, 'probe.neighbours');
  if (typeof p.positions !== 'boolean' && !(Number.isInteger(p.positions) && p.positions >= 1)) {
    fail(`probe.positions must be true, false or a number of positions, got ${describe(p.positions)}`);
  }
  checkNumber(p.everyMs, 'probe.everyMs', { min: 0 });
  checkCount(p.tokens, 'probe.tokens', { min: 1, max: 1000 });
  checkNumber(p.temperature, 'probe.temperature', { min: 0, max: 100 });
  checkCount(p.topK, 'probe.topK', { min: 1, max: 1000 });
  checkCount(p.seed, 'probe.seed', { min: 0 });
  return p;
}

/**
 * Checks trainLanguageModel()'s options: the plain ones (schema-checked, defaults filled in), the
 * probe, and the tokenizer (a Tokenizer, or vocabSize for one trained on the text).
 */
export function checkLanguageTraining(raw, text, options, maxThreads) {
  const o = checkOptionNames(options, TRAIN_OPTIONS, 'trainLanguageModel');
  const plain = {};
  for (const [name, spec] of schemaOptions(raw)) plain[name] = checkSchemaOption(spec, o[name]);
  plain.vocabSize = checkCount(o.vocabSize ?? 1024, 'vocabSize', { min: 261, max: 65536 });
  checkThreads(plain.threads, maxThreads);
  plain.sliceMs = checkNumber(o.sliceMs ?? 50, 'sliceMs', { min: 1, max: 10000 });
  if (o.tokenizer !== undefined && !(o.tokenizer instanceof Tokenizer)) {
    fail(`tokenizer must be a Tokenizer (from trainTokenizer or loadTokenizer), got ${describe(o.tokenizer)}`);
  }
  if (plain.width % plain.heads !== 0) fail(`heads (${plain.heads}) must divide width (${plain.width})`);
  checkCallback(o.onProgress, 'onProgress');
  checkSignal(o.signal);
  plain.probe = checkProbe(o.probe);
  return { options: plain, text: typeof text === 'string' ? text : toBytes(text, 'text') };
}

// The single token a probe word stands for: ' word' (as inside a sentence), else 'word'.
function probeToken(tokenizerRaw, word) {
  for (const form of [` ${word}`, word]) {
    const ids = tokenizerRaw.encode(form, false, -1);
    if (ids.length === 1) return { id: ids[0], piece: tokenizerRaw.pieces([ids[0]])[0] };
  }
  return null;
}

// Cosine similarity between the first `count` rows of a rows × width matrix: count × count.
function rowSimilarity(data, width, count) {
  const norms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let k = 0; k < width; k++) s += data[i * width + k] ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  const out = new Float32Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = i; j < count; j++) {
      let s = 0;
      for (let k = 0; k < width; k++) s += data[i * width + k] * data[j * width + k];
      out[i * count + j] = out[j * count + i] = s / (norms[i] * norms[j]);
    }
  }
  return out;
}

// What the current weights say (probe option): samples, fills, neighbours, positional similarity.
function takeProbe(raw, tokenizerRaw, config, probe) {
  const out = {};
  if (probe.prompt !== undefined && config.objective === 'next') {
    const made = raw.generate(probe.prompt, probe.tokens, probe.temperature, probe.topK, probe.seed);
    out.samples = [{ prompt: probe.prompt, text: made.text, tokens: made.pieces }];
  }
  if (probe.fill !== undefined && config.objective === 'masked' && probe.fill.includes('[MASK]')) {
    out.fills = [{ text: probe.fill, masks: raw.fill(probe.fill, probe.pair, probe.topK).map((m) => m.candidates.map(candidate)) }];
  }
  if (probe.neighbours.length > 0) {
    const vectors = raw.tokenEmbeddings();
    try {
      out.neighbours = {};
      for (const word of probe.neighbours) {
        const token = probeToken(tokenizerRaw, word);
        out.neighbours[word] = token ? { token: token.piece, neighbours: vectors.mostSimilar([token.piece], [], { topn: probe.topK }) } : null;
      }
    } finally {
      vectors.delete();
    }
  }
  if (probe.positions !== false) out.positionalSimilarity = positionalSimilarity(raw, probe.positions === true ? Infinity : probe.positions);
  return out;
}

function positionalSimilarity(raw, maxRows) {
  const p = raw.positionalEmbeddings();
  if (p.rows === 0) return null;
  const rows = Math.min(p.rows, maxRows);
  return { rows, data: rowSimilarity(p.data, p.width, rows) };
}

function candidate(c) {
  return { token: c.piece, text: c.text, id: c.id, probability: c.probability };
}

/** el.trainLanguageModel(): see index.d.ts. `env` is { maxThreads, variant } of the instance. */
export async function trainLanguageModel(raw, input, options, env) {
  const { options: o, text } = checkLanguageTraining(raw, input, options, env.maxThreads);
  const { onProgress, signal } = options ?? {};
  if (signal?.aborted) throw abortError(signal);
  let tokenizer = options?.tokenizer;
  let ownTokenizer = null;
  if (!tokenizer) {
    ownTokenizer = tokenizer = await trainTokenizer(raw, text, {
      vocabSize: o.vocabSize, signal,
      onProgress: onProgress && ((p) => onProgress({ phase: 'tokenizer', step: 0, steps: o.steps, fraction: 0, tokenizer: p })),
    });
  }
  let lm = null;
  try {
    lm = raw.LanguageModel.create(tokenizer._handle(), text, o);
    ownTokenizer?.dispose();
    ownTokenizer = null;
    const config = lm.config();
    const baseline = lm.baseline();
    const tokenizerRaw = o.probe ? lm.tokenizer() : null;
    const threaded = o.threads > 1;
    const pause = threaded ? () => sleep(Math.min(o.sliceMs, 50)) : yieldToEventLoop;
    let lastProbe = -Infinity;
    let last;
    try {
      if (o.probe) { // the untrained state, before the first step (a bad probe text fails here)
        last = languageProgress(lm.progress(), baseline);
        last.probe = takeProbe(lm, tokenizerRaw, config, o.probe);
        lastProbe = now();
        onProgress?.(last);
      }
      for (;;) {
        if (signal?.aborted) {
          lm.cancel();
          while (!lm.runFor(threaded ? 0 : 1)) await sleep(2); // threads stop within one batch row
          throw abortError(signal);
        }
        const finished = lm.runFor(threaded ? 0 : o.sliceMs);
        if (env.variant === 'mt') raw.unrefWorkers?.();
        last = languageProgress(lm.progress(), baseline);
        if (o.probe && (finished || now() - lastProbe >= o.probe.everyMs)) {
          lastProbe = now();
          last.probe = takeProbe(lm, tokenizerRaw, config, o.probe);
        }
        if (finished) break;
        onProgress?.(last);
        await pause();
      }
    } finally {
      tokenizerRaw?.delete();
    }
    onProgress?.(last);
    const model = new LanguageModel(raw, lm, {
      training: {
        steps: last.step, elapsedMs: last.elapsedMs, tokensPerSecond: last.tokensPerSecond, threads: o.threads,
        loss: last.loss, validationLoss: last.validationLoss, baseline,
      },
    });
    lm = null;
    return model;
  } finally {
    lm?.delete();
    ownTokenizer?.dispose();
  }
}

function languageProgress(p, baseline) {
  const fraction = p.steps > 0 ? p.step / p.steps : 1;
  const etaSeconds = p.tokensPerSecond > 0 ? (p.tokensTotal - p.tokensDone) / p.tokensPerSecond : (fraction >= 1 ? 0 : Infinity);
  return { phase: 'model', ...p, fraction, etaSeconds, baseline: Number.isNaN(baseline) ? undefined : baseline };
}

/** A transformer language model (next-word or masked-word). Owns wasm memory: call dispose(). */
export class LanguageModel {
  #raw;
  #module;
  #config = null;
  #tokenizer = null;

  /** @internal `raw` is a wasm LanguageModel handle of `module`. */
  constructor(module, raw, info = {}) {
    this.#module = module;
    this.#raw = raw;
    /** Statistics of the training run that made this model (undefined for loaded models). */
    this.training = info.training;
    registry?.register(this, raw, this);
  }

  #handle() {
    if (!this.#raw) fail('this language model has been disposed');
    return this.#raw;
  }

  get disposed() { return this.#raw === null; }

  /** { vocab, width, layers, heads, context, positional, objective, segments, parameters }. */
  get config() {
    const raw = this.#handle();
    if (!this.#config) this.#config = Object.freeze(raw.config());
    return this.#config;
  }

  /** The model's tokenizer (owned by the model: disposed with it). */
  get tokenizer() {
    if (!this.#tokenizer) this.#tokenizer = new Tokenizer(this.#module, this.#handle().tokenizer());
    return this.#tokenizer;
  }

  #pair(options, method) {
    const { pair, ...rest } = checkOptionNames(options, ['pair', 'topK', 'layer'], method);
    if (pair !== undefined) checkText(pair, 'pair');
    return { pair, ...rest };
  }

  /**
   * The input embedding of `text` (and `pair`, sentence B of a masked-word model) part by part:
   * token, position, segment and their sum, each tokens × width (row-major Float32Array).
   */
  inputs(text, options) {
    const { pair } = this.#pair(options, 'inputs');
    const r = this.#handle().inputs(checkText(text, 'text'), pair);
    return { tokens: r.pieces, texts: r.texts, ids: new Uint32Array(r.ids.buffer), segments: r.segments, width: r.width,
      token: r.token, position: r.position, segment: r.segment, sum: r.sum };
  }

  /** The final hidden states (after the last LayerNorm), tokens × width. */
  outputs(text, options) {
    const { pair } = this.#pair(options, 'outputs');
    const r = this.#handle().outputs(checkText(text, 'text'), pair);
    return { tokens: r.pieces, texts: r.texts, ids: new Uint32Array(r.ids.buffer), segments: r.segments, width: r.width, hidden: r.hidden };
  }

  /** The most likely next tokens after `text` (next-word models). */
  next(text, options) {
    const { topK = 10 } = checkOptionNames(options, ['topK'], 'next');
    checkCount(topK, 'topK', { min: 1, max: 1e6 });
    return this.#handle().next(checkText(text, 'text'), topK).map(candidate);
  }

  /** Continues `prompt` by `tokens` tokens (next-word models); the same seed gives the same text. */
  generate(prompt, options) {
    const { tokens = 20, temperature = 0.8, topK = 40, seed = 1 } =
      checkOptionNames(options, ['tokens', 'temperature', 'topK', 'seed'], 'generate');
    checkCount(tokens, 'tokens', { min: 1, max: 100000 });
    checkNumber(temperature, 'temperature', { min: 0, max: 100 });
    checkCount(topK, 'topK', { min: 0, max: 1e6 });
    checkCount(seed, 'seed', { min: 0, max: 4294967295 });
    const r = this.#handle().generate(checkText(prompt, 'prompt'), tokens, temperature, topK, seed);
    return { text: r.text, tokens: r.pieces, ids: new Uint32Array(r.ids.buffer) };
  }

  /** For each [MASK] of `text`, in order, the `topK` most likely tokens (masked-word models). */
  fill(text, options) {
    const { pair, topK = 5 } = this.#pair(options, 'fill');
    checkCount(topK, 'topK', { min: 1, max: 1e6 });
    return this.#handle().fill(checkText(text, 'text'), pair, topK).map((m) => m.candidates.map(candidate));
  }

  /** Layer `layer`'s attention probabilities: heads × tokens × tokens ([head][query][key]). */
  attention(text, options) {
    const { pair, layer = 0 } = this.#pair(options, 'attention');
    checkCount(layer, 'layer', { min: 0 });
    const r = this.#handle().attention(checkText(text, 'text'), pair, layer);
    return { tokens: r.pieces, ids: new Uint32Array(r.ids.buffer), heads: r.heads, length: r.length, data: r.data };
  }

  /** The token embeddings (wte) as a Model: tokens are its words, spelt as pieces ('Ġking'). */
  tokenEmbeddings() {
    return new Model(this.#handle().tokenEmbeddings());
  }

  /**
   * The positional rows added to the input: { kind, rows, width, data }. Learned: the trained table
   * (context rows); sinusoidal: the fixed sinusoid; none and rope: 0 rows (rope rotates q and k
   * inside attention instead of adding a row: see ropeScores()).
   */
  positionalEmbeddings() {
    const p = this.#handle().positionalEmbeddings();
    if (p.kind === 'none') p.note = "positional 'none' adds no row: the model sees a bag of tokens, without order";
    if (p.kind === 'rope') p.note = "positional 'rope' adds no row to the input: it rotates q and k inside attention (see ropeScores)";
    return p;
  }

  /** Cosine similarity of every pair of positional rows: { rows, data } (rows × rows), null without rows. */
  positionalSimilarity(options) {
    const { rows = Infinity } = checkOptionNames(options, ['rows'], 'positionalSimilarity');
    if (rows !== Infinity) checkCount(rows, 'rows', { min: 1 });
    return positionalSimilarity(this.#handle(), rows);
  }

  /**
   * The first layer's attention score (q·k/√dh, before the softmax) of head `head` for `query` at
   * position p + offset against `key` at position p, for each p from 0 while both fit the context
   * (at most `positions`): with rope the scores are equal (they depend only on the offset).
   * `query` and `key` are single tokens: a word (' word' is tried first) or a token id.
   */
  ropeScores(query, key, options) {
    const { head = 0, offset = 0, positions = 16 } = checkOptionNames(options, ['head', 'offset', 'positions'], 'ropeScores');
    const raw = this.#handle();
    const context = this.config.context;
    checkCount(head, 'head', { min: 0, max: this.config.heads - 1 });
    if (!Number.isInteger(offset) || Math.abs(offset) >= context) fail(`offset must be a whole number between ${1 - context} and ${context - 1}, got ${describe(offset)}`);
    checkCount(positions, 'positions', { min: 1, max: context });
    const [q, k] = [[query, 'query'], [key, 'key']].map(([t, name]) => this.#tokenId(t, name));
    const out = [];
    for (let p = Math.max(0, -offset); out.length < positions && p + offset < context && p < context; p++) {
      out.push({ queryPosition: p + offset, keyPosition: p, score: raw.attentionScore(head, q, p + offset, k, p) });
    }
    return out;
  }

  #tokenId(token, name) {
    if (typeof token === 'number') return checkCount(token, name, { min: 0, max: this.config.vocab - 1 });
    checkWord(token, name);
    const found = probeToken(this.tokenizer._handle(), token);
    if (!found) fail(`${name} ${describe(token)} is more than one token; give a single token or its id`);
    return found.id;
  }

  /** The model file (el.loadLanguageModel reads it): configuration, tokenizer and weights. */
  save() {
    return this.#handle().save();
  }

  /** The weights as safetensors (names and metadata of docs/transformer.md), for PyTorch. */
  exportSafetensors() {
    return this.#handle().exportSafetensors();
  }

  /** Frees the wasm memory (and the tokenizer's); later calls throw. Safe to call twice. */
  dispose() {
    if (!this.#raw) return;
    registry?.unregister(this);
    this.#tokenizer?.dispose();
    this.#tokenizer = null;
    this.#raw.delete();
    this.#raw = null;
  }
}

/** el.loadLanguageModel(). */
export function loadLanguageModel(raw, bytes, options) {
  const { name = 'language model', training } = checkOptionNames(options, ['name', 'training'], 'loadLanguageModel');
  checkText(name, 'name');
  return new LanguageModel(raw, raw.LanguageModel.load(toBytes(bytes, 'bytes'), name), { training });
}

/** el.sinusoidalPositions(). */
export function sinusoidalPositions(raw, rows, width) {
  checkCount(rows, 'rows', { min: 1, max: 1 << 16 });
  checkCount(width, 'width', { min: 2, max: 1 << 13 });
  if (width % 2 !== 0) fail(`width must be even (sin and cos pairs), got ${width}`);
  return { rows, width, data: raw.TokenizerTools.sinusoidalPositions(rows, width) };
}
