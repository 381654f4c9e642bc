// Embedlab: an initialised wasm module and what it offers (load, train, the worker, tokenize).
import { checkLanguageTraining, loadLanguageModel, loadTokenizer, sinusoidalPositions, trainLanguageModel, trainTokenizer } from './language.js';
import { loadStream, splitLoadOptions } from './loading.js';
import { Model } from './model.js';
import { abortError, checkTraining, train as trainHere } from './training.js';
import { checkCount, checkWords, describe, fail, toBytes } from './validation.js';
import { WorkerClient } from './worker-client.js';
import { mapOptions } from './projection.js';

const raws = new WeakMap(); // Embedlab -> its raw Embind module

/** @internal The raw Embind module of `el` (for the Node CLI and the tests). */
export function rawModule(el) {
  return raws.get(el);
}

export function hardwareThreads() {
  if (typeof navigator === 'object' && navigator.hardwareConcurrency) return navigator.hardwareConcurrency;
  return 4;
}

export function threadsAvailable() {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (typeof process === 'object' && process.versions?.node) return true;
  return globalThis.crossOriginIsolated === true;
}

export class Embedlab {
  #workers = new WorkerClient();
  #platform;

  /** @internal */
  constructor(raw, variant, platform) {
    raws.set(this, raw);
    this.#platform = platform;
    /** 'mt' (pthreads) or 'st' (single-threaded). */
    this.variant = variant;
    /** Whether training can use more than one thread here. */
    this.threads = variant === 'mt';
    /** How many training threads make sense here. */
    this.maxThreads = variant === 'mt' ? hardwareThreads() : 1;
    /** Instruction set of the vector kernels ('wasm-simd128'). */
    this.isa = raw.Library.activeIsa();
  }

  /** Current size of the wasm heap in bytes (it grows, never shrinks). */
  heapSize() {
    return raws.get(this).HEAP8.buffer.byteLength;
  }

  /** Loads vectors (word2vec text or binary, GloVe, fastText .vec); the format is detected. */
  load(bytes, options) {
    if (typeof bytes === 'string') bytes = new TextEncoder().encode(bytes);
    return new Model(raws.get(this).Model.load(toBytes(bytes, 'bytes'), options), { maxThreads: this.maxThreads });
  }

  /**
   * Loads a vectors file in chunks from a ReadableStream, a Blob or File, an (async) iterable of
   * bytes or, in Node, a file path: never holding the whole file, with `onProgress` and `signal`.
   */
  loadStream(source, options = {}) {
    return loadStream(raws.get(this), source, options, (path) => this.#platform.openFile(path));
  }

  /**
   * Like loadStream() for a Blob or File, but the parsing runs in the Worker (browsers): its rows
   * come over in batches into one buffer of this instance, sized once, so the page never freezes.
   */
  loadInWorker(file, options = {}) {
    let split;
    try {
      if (typeof Blob !== 'function' || !(file instanceof Blob)) fail(`loadInWorker needs a File or Blob, got ${describe(file)}`);
      split = splitLoadOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { core, onProgress, signal } = split;
    const raw = raws.get(this);
    let builder = null;
    let failure = null;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const addRows = ({ dim, expectedRows, words, vectors }) => {
      if (failure) return;
      try {
        builder ??= raw.VectorsBuilder.create(dim, expectedRows);
        builder.add(words, new Float32Array(vectors));
      } catch (error) {
        failure = error;
        controller.abort(error); // the worker stops reading
      }
    };
    return this.#workers.request({ type: 'load', init: this.#workerInit(), file, options: core }, {
      signal: controller.signal,
      progress: onProgress,
      rows: addRows,
    }).then((reply) => {
      if (failure) throw failure;
      if (signal?.aborted) throw abortError(signal, 'loading');
      addRows(reply.rows);
      if (failure) throw failure;
      return new Model(builder.finish());
    }, (error) => { throw failure ?? error; }).finally(() => {
      builder?.delete(); // the model owns its copy; a cancelled load frees what it had
      signal?.removeEventListener('abort', onAbort);
    });
  }

  /** Wraps vectors made elsewhere (e.g. by the worker trainer): row-major size x dim floats. */
  fromVectors(words, dim, data, info) {
    checkWords(words, 'words');
    checkCount(dim, 'dim', { min: 1, max: 10000 });
    if (!(data instanceof Float32Array)) fail(`data must be a Float32Array, got ${describe(data)}`);
    if (data.length !== words.length * dim) {
      fail(`data has ${data.length} numbers; ${words.length} words of dimension ${dim} need ${words.length * dim}`);
    }
    return new Model(raws.get(this).Model.fromVectors(words, dim, data), { ...info, maxThreads: this.maxThreads });
  }

  /**
   * Trains word vectors on `text` (a string, or UTF-8 bytes). Resolves to a Model; rejects with
   * an Error named 'AbortError' when `signal` aborts (within about `sliceMs`).
   */
  train(text, options = {}) {
    return trainHere(raws.get(this), text, options, this);
  }

  /**
   * Like train(), but in a Web Worker (browsers), so the page stays responsive. The vectors come
   * back as a transferred buffer and are wrapped in a Model owned by this (the page's) instance.
   */
  trainInWorker(text, options = {}) {
    try {
      text = checkTraining(raws.get(this), text, options, this.maxThreads).text;
    } catch (error) {
      return Promise.reject(error);
    }
    const { onProgress, onProbe, signal, liveMap, ...plain } = options;
    const { onFrame, ...mapOptions } = liveMap ?? {};
    return this.#workers.request({ type: 'train', init: this.#workerInit(), text, options: plain, liveMap: onFrame && mapOptions }, {
      signal,
      progress: onProgress,
      probe: onProbe,
      frame: onFrame,
    }).then((m) => this.fromVectors(m.words, m.dim, new Float32Array(m.vectors), { training: m.training }));
  }

  /** Model.evaluateAnalogies() in the worker, for pages: the vectors are copied to it. */
  evaluateInWorker(model, questions, options = {}) {
    if (!(model instanceof Model)) return Promise.reject(new Error('evaluateInWorker needs a Model'));
    if (typeof questions !== 'string') return Promise.reject(new Error(`questions must be a string, got ${describe(questions)}`));
    const vectors = model.vectors();
    return this.#workers.request(
      { type: 'evaluate', init: this.#workerInit(), words: [...model.words], dim: model.dim, vectors: vectors.buffer, questions, options },
      {}, [vectors.buffer],
    ).then((m) => m.report);
  }

  /** Model.clusterWords() in the worker, for pages: the vectors are copied to it. */
  clusterInWorker(model, k, options = {}) {
    if (!(model instanceof Model)) return Promise.reject(new Error('clusterInWorker needs a Model'));
    const vectors = model.vectors();
    return this.#workers.request(
      { type: 'cluster', init: this.#workerInit(), words: [...model.words], dim: model.dim, vectors: vectors.buffer, k, options },
      {}, [vectors.buffer],
    ).then((m) => m.labels);
  }

  /**
   * Moves the points of `source` onto those of `target` (Float32Arrays of `dims`-coordinate points,
   * row i matching row i) by the best rotation or reflection, uniform scale and shift (orthogonal
   * Procrustes). Returns { points, scale, rmsError }.
   */
  alignLayout(source, target, dims = 2) {
    if (!(source instanceof Float32Array) || !(target instanceof Float32Array)) {
      fail(`alignLayout needs two Float32Arrays, got ${describe(source)} and ${describe(target)}`);
    }
    return raws.get(this).MapTools.align(source, target, dims);
  }

  /**
   * Model.project() in the worker, for pages: the vectors are copied to it; onProgress gets the
   * intermediate layouts (coords arrive as transferred Float32Arrays); aborting `signal` cancels.
   */
  projectInWorker(model, options = {}) {
    if (!(model instanceof Model)) return Promise.reject(new Error('projectInWorker needs a Model'));
    let checked;
    try {
      checked = mapOptions(options, this.maxThreads);
    } catch (error) {
      return Promise.reject(error);
    }
    const { plain, onProgress, signal } = checked;
    const vectors = model.vectors();
    return this.#workers.request(
      { type: 'project', init: this.#workerInit(), words: [...model.words], dim: model.dim, vectors: vectors.buffer, options: plain },
      { signal, progress: onProgress }, [vectors.buffer],
    ).then((m) => m.result);
  }

  // The worker loads the same build as this instance: init({ threads: false }) holds there too.
  #workerInit() {
    return { threads: this.variant === 'mt' };
  }

  /** Stops the training worker (a new one starts on the next call); pending requests reject. */
  closeWorker() {
    this.#workers.close(new Error('the worker was closed'));
  }

  /** `text` as training tokenizes it: one line per input line, tokens separated by single spaces. */
  tokenize(text, options) {
    return raws.get(this).Library.tokenize(typeof text === 'string' ? text : toBytes(text, 'text'), options);
  }

  // ---- tokenizers and language models (language.js) ----

  /** Learns a byte-pair tokenizer on `text`; resolves to a Tokenizer. */
  trainTokenizer(text, options) {
    return trainTokenizer(raws.get(this), text, options);
  }

  /** trainTokenizer() in the worker (browsers); the tokenizer comes back as its file. */
  trainTokenizerInWorker(text, options = {}) {
    const { onProgress, signal, ...plain } = options;
    return this.#workers.request({ type: 'trainTokenizer', init: this.#workerInit(), text, options: plain }, { signal, progress: onProgress })
      .then((m) => this.loadTokenizer(new Uint8Array(m.bytes)));
  }

  /** A tokenizer file, GPT-2's ranks (.tiktoken) or Hugging Face's { vocab, merges }. */
  loadTokenizer(input, options) {
    return loadTokenizer(raws.get(this), input, options);
  }

  /** Trains a transformer language model on `text` (one sentence a line); resolves to a LanguageModel. */
  trainLanguageModel(text, options = {}) {
    return trainLanguageModel(raws.get(this), text, options, this);
  }

  /** trainLanguageModel() in the worker (browsers): progress and probes come back as messages, the model as its file. */
  trainLanguageModelInWorker(text, options = {}) {
    let plain;
    try {
      text = checkLanguageTraining(raws.get(this), text, options, this.maxThreads).text;
      const { onProgress, signal, tokenizer, ...rest } = options;
      plain = { ...rest, tokenizer: tokenizer?.save() };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#workers.request({ type: 'trainLanguageModel', init: this.#workerInit(), text, options: plain },
      { signal: options.signal, progress: options.onProgress })
      .then((m) => this.loadLanguageModel(new Uint8Array(m.bytes), { training: m.training }));
  }

  /** A language model file (LanguageModel.save()). */
  loadLanguageModel(bytes, options) {
    return loadLanguageModel(raws.get(this), bytes, options);
  }

  /** The sinusoidal positional table (rows × width) exactly as the engine adds it. */
  sinusoidalPositions(rows, width) {
    return sinusoidalPositions(raws.get(this), rows, width);
  }
}
