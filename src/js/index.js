// embedlab: train and explore word embeddings in Node and browsers (WebAssembly + SIMD).
// A thin, friendly layer over the raw Embind module (src/wasm/bindings.cc): validation,
// ownership (dispose), progress and cancellation. See index.d.ts for the documented API.

const isNode = typeof process === 'object' && !!process.versions?.node;

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((raw) => { try { raw.delete(); } catch { /* already gone */ } })
  : null;

// ---- validation helpers ---------------------------------------------------------------------

function fail(message) {
  throw new Error(message);
}

function checkWord(value, name) {
  if (typeof value !== 'string') fail(`${name} must be a string, got ${describe(value)}`);
  if (value.length === 0) fail(`${name} must not be empty`);
  return value;
}

function checkWords(value, name) {
  if (!Array.isArray(value)) fail(`${name} must be an array of words, got ${describe(value)}`);
  value.forEach((w, i) => checkWord(w, `${name}[${i}]`));
  return value;
}

function checkCount(value, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${name} must be a whole number, got ${describe(value)}`);
  if (value < min || value > max) fail(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function checkNumber(value, name, { min = -Infinity, max = Infinity } = {}) {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${name} must be a finite number, got ${describe(value)}`);
  if (value < min || value > max) fail(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function checkChoice(value, name, choices) {
  if (!choices.includes(value)) fail(`${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  return value;
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '...' : value}'`;
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    if (!name || name === 'Object') return 'an object';
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  if (typeof value === 'function') return 'a function';
  return String(value);
}

// Checks an options argument: undefined (-> {}) or a plain object with only `known` keys.
function checkOptions(options, known, what) {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(`${what} options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(`unknown ${what} option '${key}' (known: ${known.join(', ')})`);
  }
  return options;
}

function toBytes(input, name) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  fail(`${name} must be a Uint8Array or ArrayBuffer, got ${describe(input)}`);
}

// Hands control back to the event loop (so AbortSignals fire and progress renders) cheaply.
const yieldToEventLoop = isNode
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
      if (typeof MessageChannel !== 'function') return () => new Promise((resolve) => setTimeout(resolve, 0));
      const channel = new MessageChannel();
      const queue = [];
      channel.port1.onmessage = () => queue.shift()?.();
      return () => new Promise((resolve) => { queue.push(resolve); channel.port2.postMessage(0); });
    })();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function abortError(signal) {
  if (signal?.reason instanceof Error) return signal.reason;
  const error = new Error('training was cancelled');
  error.name = 'AbortError';
  return error;
}

// ---- Model ----------------------------------------------------------------------------------

/** Word vectors with queries. Owns wasm memory: call dispose() when done. */
export class Model {
  #raw;
  #words = null;

  /** @internal */
  constructor(raw, info = {}) {
    this.#raw = raw;
    /** Statistics of the training run that made this model (undefined for loaded models). */
    this.training = info.training;
    registry?.register(this, raw, this);
  }

  #handle() {
    if (!this.#raw) fail('this model has been disposed');
    return this.#raw;
  }

  /** Vocabulary in row order (most frequent first for trained models). */
  get words() {
    if (!this.#words) this.#words = Object.freeze(this.#handle().words());
    return this.#words;
  }
  get dim() { return this.#handle().dim(); }
  get size() { return this.#handle().size(); }
  get disposed() { return this.#raw === null; }

  has(word) {
    checkWord(word, 'word');
    return this.#handle().find(word) >= 0;
  }

  /** A copy of the vector of `word`. */
  vector(word) {
    return this.#handle().vector(checkWord(word, 'word'));
  }

  /** A copy of all vectors, row-major (size x dim). */
  vectors() {
    return this.#handle().vectors();
  }

  similarity(a, b) {
    return this.#handle().similarity(checkWord(a, 'first word'), checkWord(b, 'second word'));
  }

  /**
   * mostSimilar('king', { topn }) or mostSimilar({ positive: [...], negative: [...], topn }).
   */
  mostSimilar(query, options) {
    options = checkOptions(options, ['topn', 'restrict'], 'mostSimilar');
    let positive;
    let negative = [];
    if (typeof query === 'string') {
      positive = [checkWord(query, 'word')];
    } else if (query && typeof query === 'object' && !Array.isArray(query)) {
      checkOptions(query, ['positive', 'negative', 'topn', 'restrict'], 'mostSimilar');
      options = { ...query, ...options };
      positive = checkWords(query.positive ?? [], 'positive');
      negative = checkWords(query.negative ?? [], 'negative');
      if (positive.length + negative.length === 0) fail('mostSimilar needs at least one word');
    } else if (Array.isArray(query)) {
      positive = checkWords(query, 'words');
    } else {
      fail(`mostSimilar expects a word or { positive, negative }, got ${describe(query)}`);
    }
    const { topn = 10, restrict = 0 } = options;
    checkCount(topn, 'topn', { max: 1e7 });
    checkCount(restrict, 'restrict', { max: 1e9 });
    return this.#handle().mostSimilar(positive, negative, topn, restrict).map(({ word, similarity }) => ({ word, similarity }));
  }

  /** "a is to b as c is to ?": the words closest to b - a + c (3CosAdd) or by 3CosMul. */
  analogy(a, b, c, options) {
    const { method = '3cosadd', topn = 10, restrict = 0 } = checkOptions(options, ['method', 'topn', 'restrict'], 'analogy');
    checkChoice(method, 'method', ['3cosadd', '3cosmul']);
    checkCount(topn, 'topn', { max: 1e7 });
    checkCount(restrict, 'restrict', { max: 1e9 });
    return this.#handle()
      .analogy(checkWord(a, 'a'), checkWord(b, 'b'), checkWord(c, 'c'), method, topn, restrict)
      .map(({ word, similarity }) => ({ word, similarity }));
  }

  /** The word that fits least with the others. */
  doesntMatch(words) {
    checkWords(words, 'words');
    return this.#handle().doesntMatch(words);
  }

  /**
   * Serialises the vectors: 'word2vec-text' and 'word2vec-binary' give a Uint8Array,
   * 'projector-tsv' gives { vectors, metadata } (two Uint8Arrays for the Embedding Projector).
   */
  save(format = 'word2vec-text', options) {
    const { precision = 6 } = checkOptions(options, ['precision'], 'save');
    checkChoice(format, 'format', ['word2vec-text', 'word2vec-binary', 'projector-tsv']);
    checkCount(precision, 'precision', { min: 1, max: 9 });
    return this.#handle().save(format, precision);
  }

  /**
   * A 2-D PCA map of the `count` most frequent words (unit vectors); `include` adds other words
   * placed on the same axes. Returns { count, coordinates (x, y pairs), extraWords, explainedVariance }.
   */
  project2d(count = 2000, { include = [] } = {}) {
    checkCount(count, 'count', { min: 1, max: 1e7 });
    checkWords(include, 'include');
    return this.#handle().project2d(count, include);
  }

  /** Accuracy on questions-words text (': section' lines, then 'a b c d'). */
  evaluateAnalogies(questions, options) {
    const { restrict = 30000, method = '3cosadd' } = checkOptions(options, ['restrict', 'method'], 'evaluateAnalogies');
    if (typeof questions !== 'string') fail(`questions must be a string, got ${describe(questions)}`);
    checkCount(restrict, 'restrict', { max: 1e9 });
    checkChoice(method, 'method', ['3cosadd', '3cosmul']);
    return this.#handle().evaluateAnalogies(questions, restrict, method);
  }

  /** Spearman correlation with 'word1<TAB>word2<TAB>score' lines. */
  evaluateSimilarity(pairs) {
    if (typeof pairs !== 'string') fail(`pairs must be a string, got ${describe(pairs)}`);
    return this.#handle().evaluateSimilarity(pairs);
  }

  /** Frees the wasm memory; the model is unusable afterwards. Safe to call twice. */
  dispose() {
    if (!this.#raw) return;
    registry?.unregister(this);
    this.#raw.delete();
    this.#raw = null;
    this.#words = null;
  }
}

// ---- options ----------------------------------------------------------------------------------

const TRAIN_DEFAULTS = Object.freeze({
  model: 'cbow', loss: 'ns', dim: 100, window: 5, negative: 5, epochs: 5, minCount: 5, maxVocabulary: 0,
  sample: 1e-3, learningRate: 0, threads: 1, seed: 1, lowercase: true, stripPunctuation: true,
  invalidUtf8: 'replace', sliceMs: 50,
});

/** Validates training options and fills in defaults (exported for the worker and the CLI). */
export function normaliseTrainOptions(options = {}, { maxThreads = 1 } = {}) {
  if (options === null || typeof options !== 'object') fail(`options must be an object, got ${describe(options)}`);
  const o = { ...TRAIN_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'onProgress' || key === 'signal' || key === 'onProbe' || key === 'probes' || key === 'probeEvery') continue;
    if (!(key in TRAIN_DEFAULTS)) fail(`unknown training option '${key}' (known: ${Object.keys(TRAIN_DEFAULTS).join(', ')})`);
    o[key] = value;
  }
  checkChoice(o.model, 'model', ['cbow', 'skipgram']);
  checkChoice(o.loss, 'loss', ['ns', 'hs']);
  if (options.negative === undefined && o.loss === 'hs') o.negative = 0;
  checkCount(o.dim, 'dim', { min: 1, max: 10000 });
  checkCount(o.window, 'window', { min: 1, max: 1000 });
  checkCount(o.negative, 'negative', { min: o.loss === 'ns' ? 1 : 0, max: 1000 });
  checkCount(o.epochs, 'epochs', { min: 1, max: 10000 });
  checkCount(o.minCount, 'minCount', { min: 1 });
  checkCount(o.maxVocabulary, 'maxVocabulary');
  checkNumber(o.sample, 'sample', { min: 0, max: 0.999 });
  checkNumber(o.learningRate, 'learningRate', { min: 0, max: 10 });
  checkCount(o.threads, 'threads', { min: 1, max: 256 });
  if (o.threads > maxThreads) {
    fail(maxThreads === 1
      ? `threads: ${o.threads} requested, but this build runs single-threaded here (pages need cross-origin isolation for threads)`
      : `threads must be at most ${maxThreads} here, got ${o.threads}`);
  }
  checkCount(o.seed, 'seed', { min: 0, max: 2 ** 32 - 1 });
  if (typeof o.lowercase !== 'boolean') fail('lowercase must be true or false');
  if (typeof o.stripPunctuation !== 'boolean') fail('stripPunctuation must be true or false');
  checkChoice(o.invalidUtf8, 'invalidUtf8', ['replace', 'reject']);
  checkNumber(o.sliceMs, 'sliceMs', { min: 1, max: 10000 });
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('onProgress must be a function');
  if (options.signal !== undefined && !(options.signal && typeof options.signal.aborted === 'boolean')) {
    fail('signal must be an AbortSignal');
  }
  if (options.probes !== undefined) checkWords(options.probes, 'probes');
  if (options.probeEvery !== undefined) checkNumber(options.probeEvery, 'probeEvery', { min: 1e-6, max: 1 });
  if (options.onProbe !== undefined && typeof options.onProbe !== 'function') fail('onProbe must be a function');
  return o;
}

// ---- Embedlab (an initialised module) --------------------------------------------------------

export class Embedlab {
  #raw;

  /** @internal */
  constructor(raw, variant) {
    this.#raw = raw;
    /** 'mt' (pthreads) or 'st' (single-threaded). */
    this.variant = variant;
    /** Whether training can use more than one thread here. */
    this.threads = variant === 'mt';
    /** How many training threads make sense here. */
    this.maxThreads = variant === 'mt' ? hardwareThreads() : 1;
    /** Instruction set of the vector kernels ('wasm-simd128'). */
    this.isa = raw.activeIsa();
  }

  /** Current size of the wasm heap in bytes (it grows, never shrinks). */
  heapSize() {
    return this.#raw.HEAP8.buffer.byteLength;
  }

  /** Loads vectors (word2vec text or binary, GloVe, fastText .vec); the format is detected. */
  load(bytes, options) {
    const { format = 'auto', name = 'vectors' } = checkOptions(options, ['format', 'name'], 'load');
    if (typeof bytes === 'string') bytes = new TextEncoder().encode(bytes);
    const data = toBytes(bytes, 'bytes');
    checkChoice(format, 'format', ['auto', 'word2vec-text', 'word2vec-binary', 'glove']);
    if (typeof name !== 'string') fail('name must be a string');
    return new Model(this.#raw.Model.load(data, format, name));
  }

  /** Wraps vectors made elsewhere (e.g. by the worker trainer): row-major size x dim floats. */
  fromVectors(words, dim, data, info) {
    checkWords(words, 'words');
    checkCount(dim, 'dim', { min: 1, max: 10000 });
    if (!(data instanceof Float32Array)) fail(`data must be a Float32Array, got ${describe(data)}`);
    if (data.length !== words.length * dim) {
      fail(`data has ${data.length} numbers; ${words.length} words of dimension ${dim} need ${words.length * dim}`);
    }
    return new Model(this.#raw.Model.fromVectors(words, dim, data), info);
  }

  /**
   * Trains word vectors on `text` (a string, or UTF-8 bytes). Resolves to a Model; rejects with
   * an Error named 'AbortError' when `signal` aborts (within about `sliceMs`).
   */
  async train(text, options = {}) {
    const o = normaliseTrainOptions(options, { maxThreads: this.maxThreads });
    const { onProgress, signal } = options;
    const probes = options.probes ?? [];
    const probeEvery = options.probeEvery ?? 0.05;
    if (typeof text !== 'string') text = toBytes(text, 'text');
    if (signal?.aborted) throw abortError(signal);
    const raw = this.#raw;
    const corpus = raw.Corpus.create({
      minCount: o.minCount, maxVocabulary: o.maxVocabulary, lowercase: o.lowercase,
      stripPunctuation: o.stripPunctuation, invalidUtf8: o.invalidUtf8, source: 'corpus',
    });
    let trainer = null;
    try {
      // Feed the text in chunks that end at line breaks (never inside a character).
      const chunk = 4 << 20;
      for (let start = 0; start < text.length;) {
        let end = Math.min(text.length, start + chunk);
        if (end < text.length) {
          const newline = typeof text === 'string' ? text.indexOf('\n', end) : text.indexOf(10, end);
          end = newline < 0 ? text.length : newline + 1;
        }
        if (typeof text === 'string') corpus.addText(text.slice(start, end));
        else corpus.addBytes(text.subarray(start, end));
        start = end;
      }
      corpus.finish();
      const stats = corpus.stats();
      trainer = raw.Trainer.create(corpus, o);
      let nextProbe = probeEvery;
      let last;
      // With threads, poll without blocking and sleep in JS: a blocked Emscripten main thread
      // spins (eating a core the training threads need). One thread trains inline, in slices.
      const threaded = o.threads > 1;
      const pause = threaded ? () => sleep(o.sliceMs) : yieldToEventLoop;
      for (;;) {
        const finished = trainer.runFor(threaded ? 0 : o.sliceMs);
        last = withDerived(trainer.progress(), stats);
        if (this.variant === 'mt') raw.unrefWorkers?.();
        if (finished) break;
        if (signal?.aborted) {
          trainer.cancel();
          while (!trainer.runFor(threaded ? 0 : o.sliceMs)) await sleep(5); // threads stop within ~1 ms
          throw abortError(signal);
        }
        onProgress?.(last);
        if (options.onProbe && probes.length > 0 && last.fraction >= nextProbe) {
          nextProbe = last.fraction + probeEvery;
          options.onProbe(this.#probe(trainer, probes), last);
        }
        await pause();
      }
      onProgress?.(last);
      return new Model(trainer.model(), {
        training: {
          vocabularySize: stats.vocabularySize, tokens: stats.tokens, lines: stats.lines, epochs: o.epochs,
          elapsedMs: last.elapsedMs, wordsPerSecond: last.wordsPerSecond, threads: o.threads,
        },
      });
    } finally {
      trainer?.delete();
      corpus.delete();
    }
  }

  /**
   * Like train(), but in a Web Worker (browsers), so the page stays responsive. The vectors come
   * back as a transferred buffer and are wrapped in a Model owned by this (the page's) instance.
   */
  trainInWorker(text, options = {}) {
    try {
      normaliseTrainOptions(options, { maxThreads: this.#workerMaxThreads() });
      if (typeof text !== 'string') text = toBytes(text, 'text');
    } catch (error) {
      return Promise.reject(error);
    }
    const { onProgress, onProbe, signal, ...plain } = options;
    return this.#request({ type: 'train', text, options: plain }, {
      signal,
      progress: onProgress,
      probe: onProbe,
    }).then((m) => this.fromVectors(m.words, m.dim, new Float32Array(m.vectors), { training: m.training }));
  }

  /** Model.evaluateAnalogies() in the worker, for pages: the vectors are copied to it. */
  evaluateInWorker(model, questions, options = {}) {
    if (!(model instanceof Model)) return Promise.reject(new Error('evaluateInWorker needs a Model'));
    if (typeof questions !== 'string') return Promise.reject(new Error(`questions must be a string, got ${describe(questions)}`));
    const vectors = model.vectors();
    return this.#request(
      { type: 'evaluate', words: [...model.words], dim: model.dim, vectors: vectors.buffer, questions, options },
      {}, [vectors.buffer],
    ).then((m) => m.report);
  }

  // Sends one {id, type} request to the worker; resolves with its final message.
  #request(message, { signal, ...handlers }, transfer = []) {
    if (typeof Worker !== 'function' || isNode) return Promise.reject(new Error('the worker needs a browser with Web Workers; in Node call the method directly'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const worker = this.#worker ?? this.#startWorker();
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const onAbort = () => worker.postMessage({ id, type: 'cancel' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        worker.removeEventListener('message', listener);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      // The worker died or was closed: fail instead of waiting forever.
      this.#pending.set(id, (error) => {
        finish();
        reject(error);
      });
      const listener = (event) => {
        const reply = event.data;
        if (reply?.id !== id) return;
        if (reply.type === 'progress' || reply.type === 'probe') {
          handlers[reply.type]?.(reply.type === 'probe' ? reply.neighbours : reply.progress, reply.progress);
          return;
        }
        finish();
        if (reply.type === 'error') {
          const error = new Error(reply.message);
          error.name = reply.name;
          reject(error);
        } else {
          resolve(reply);
        }
      };
      worker.addEventListener('message', listener);
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  /** Stops the training worker (a new one starts on the next call); pending requests reject. */
  closeWorker() {
    this.#stopWorker(new Error('the worker was closed'));
  }

  #worker = null;
  #nextId = 0;
  #pending = new Map(); // id -> reject, for requests the worker has not answered

  #startWorker() {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const fail = (event) => this.#stopWorker(new Error(`the worker failed: ${event?.message ?? 'it could not start or a message could not be read'}`));
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
    this.#worker = worker;
    return worker;
  }

  #stopWorker(error) {
    this.#worker?.terminate();
    this.#worker = null;
    for (const reject of [...this.#pending.values()]) reject(error);
  }

  #workerMaxThreads() {
    return threadsAvailable() ? hardwareThreads() : 1;
  }

  #probe(trainer, probes) {
    const snapshot = trainer.model();
    try {
      const out = {};
      for (const word of probes) {
        if (snapshot.find(word) < 0) continue;
        out[word] = snapshot.mostSimilar([word], [], 5, 0).map(({ word: w, similarity }) => ({ word: w, similarity }));
      }
      return out;
    } finally {
      snapshot.delete();
    }
  }
}

function withDerived(p, stats) {
  const fraction = p.wordsTotal > 0 ? p.wordsDone / p.wordsTotal : 0;
  const etaSeconds = p.wordsPerSecond > 0 ? (p.wordsTotal - p.wordsDone) / p.wordsPerSecond : Infinity;
  return { ...p, fraction, etaSeconds, vocabularySize: stats.vocabularySize };
}

function hardwareThreads() {
  if (typeof navigator === 'object' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  return 4;
}

// ---- init -------------------------------------------------------------------------------------

let initPromise = null;

function threadsAvailable() {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (isNode) return true;
  return globalThis.crossOriginIsolated === true;
}

// A failed raw call returns a neutral value and leaves its message for takeLastError() (the core
// never throws through wasm frames, which would leak); turn that message into a JS Error here.
function installErrorChecks(raw) {
  const check = (result) => {
    const message = raw.takeLastError();
    if (message) throw new Error(message);
    return result;
  };
  const wrap = (target, names) => {
    for (const name of names) {
      const original = target[name];
      target[name] = function checked(...args) { return check(original.apply(this, args)); };
    }
  };
  wrap(raw.Corpus, ['create']);
  wrap(raw.Corpus.prototype, ['addText', 'addBytes', 'finish', 'stats']);
  wrap(raw.Trainer, ['create']);
  wrap(raw.Trainer.prototype, ['runFor', 'model']);
  wrap(raw.Model, ['load', 'fromVectors']);
  wrap(raw.Model.prototype, ['vector', 'similarity', 'mostSimilar', 'analogy', 'doesntMatch', 'save', 'project2d',
    'evaluateAnalogies', 'evaluateSimilarity']);
}

async function loadVariant(variant) {
  // Static URLs and imports, so bundlers (Vite) find and copy the files.
  const wasmUrl = variant === 'mt'
    ? new URL('./wasm/embedlab-mt.wasm', import.meta.url)
    : new URL('./wasm/embedlab-st.wasm', import.meta.url);
  const { default: create } = variant === 'mt'
    ? await import('./wasm/embedlab-mt.mjs')
    : await import('./wasm/embedlab-st.mjs');
  const moduleOptions = {};
  if (isNode) {
    const fs = await import(/* @vite-ignore */ 'node:' + 'fs');
    moduleOptions.wasmBinary = fs.readFileSync(wasmUrl);
  } else {
    const workerUrl = new URL('./wasm/embedlab-mt.worker.js', import.meta.url);
    moduleOptions.locateFile = (file) => (file.endsWith('.worker.js') ? workerUrl.href : wasmUrl.href);
  }
  const raw = await create(moduleOptions);
  if (variant === 'mt') raw.unrefWorkers?.();
  installErrorChecks(raw);
  return raw;
}

/**
 * Loads the WebAssembly module once (later calls return the same promise). Uses the threaded build
 * where SharedArrayBuffer is available (Node, cross-origin-isolated pages) unless `threads: false`.
 */
export function init(options = {}) {
  if (options === null || typeof options !== 'object') return Promise.reject(new Error(`init options must be an object, got ${describe(options)}`));
  if (!initPromise) {
    const variant = options.threads !== false && threadsAvailable() ? 'mt' : 'st';
    initPromise = loadVariant(variant).then(async (raw) => {
      const el = new Embedlab(raw, variant);
      if (isNode && variant === 'mt') {
        const os = await import(/* @vite-ignore */ 'node:' + 'os');
        el.maxThreads = Math.max(1, os.cpus().length);
      }
      return el;
    });
    initPromise.catch(() => { initPromise = null; });
  }
  return initPromise;
}

export { yieldToEventLoop as _yieldToEventLoop };
