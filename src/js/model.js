// Model: word vectors and the queries users run on them, over a raw wasm Model handle.
import { abortError, yieldToEventLoop } from './training.js';
import { checkCount, checkWord, checkWords, describe, fail, isPlainObject } from './validation.js';
import { project } from './projection.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let mapTools = null; // the module's MapTools (map_bindings.cc); one module is loaded per realm

/** @internal Called by init() once the module is loaded. */
export function useMapTools(tools) {
  mapTools = tools;
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((raw) => { try { raw.delete(); } catch { /* already gone */ } })
  : null;

/** Word vectors with queries. Owns wasm memory: call dispose() when done. */
export class Model {
  #raw;
  #words = null;
  #maxThreads;
  #indexBuild = null; // the raw IndexBuild while buildIndex() runs

  /** @internal */
  constructor(raw, info = {}) {
    this.#raw = raw;
    /** Statistics of the training run that made this model (undefined for loaded models). */
    this.training = info.training;
    this.#maxThreads = info.maxThreads ?? 1;
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
    let positive;
    let negative = [];
    if (typeof query === 'string') {
      positive = [checkWord(query, 'word')];
    } else if (Array.isArray(query)) {
      positive = checkWords(query, 'words');
    } else if (isPlainObject(query)) {
      const { positive: p = [], negative: n = [], ...queryOptions } = query;
      positive = checkWords(p, 'positive');
      negative = checkWords(n, 'negative');
      // Options in the query object, overridden by the second argument (which must be an object).
      if (options === undefined || isPlainObject(options)) options = { ...queryOptions, ...options };
    } else {
      fail(`mostSimilar expects a word or { positive, negative }, got ${describe(query)}`);
    }
    if (positive.length + negative.length === 0) fail('mostSimilar needs at least one word');
    return this.#handle().mostSimilar(positive, negative, options);
  }

  /** "a is to b as c is to ?": the words closest to b - a + c (3CosAdd) or by 3CosMul. */
  analogy(a, b, c, options) {
    return this.#handle().analogy(checkWord(a, 'a'), checkWord(b, 'b'), checkWord(c, 'c'), options);
  }

  /** The word that fits least with the others. */
  doesntMatch(words) {
    checkWords(words, 'words');
    if (words.length < 2) fail(`doesntMatch needs at least two words, got ${words.length}`);
    return this.#handle().doesntMatch(words);
  }

  /**
   * Serialises the vectors: 'word2vec-text' and 'word2vec-binary' give a Uint8Array,
   * 'projector-tsv' gives { vectors, metadata } (two Uint8Arrays for the Embedding Projector).
   */
  save(format = 'word2vec-text', options) {
    return this.#handle().save(format, options);
  }

  /**
   * A 2-D PCA map of the `count` most frequent words (unit vectors); `include` adds other words
   * placed on the same axes. Returns { count, coordinates (x, y pairs), extraWords, explainedVariance }.
   */
  project2d(count = 2000, options) {
    checkCount(count, 'count', { min: 1, max: 1e7 });
    return this.#handle().project2d(count, options);
  }

  /**
   * k-means clusters of the `count` most frequent words by direction (cosine): an Int32Array of
   * labels 0..k-1, one per word in row order. Same seed, same clusters.
   */
  clusterWords(k, { count = this.size, seed = 1 } = {}) {
    checkCount(k, 'k', { min: 1, max: 1000 });
    checkCount(count, 'count', { min: 1, max: 1e7 });
    checkCount(seed, 'seed', { min: 0, max: 4294967295 });
    return mapTools.clusterWords(this.#handle(), Math.min(count, this.size), k, seed);
  }

  /**
   * A 2-D map: { method: 'pca' | 'tsne' | 'umap' | 'axes', perplexity, repulsion, neighbors, minDist,
   * iterations, axes: { x: [a, b], y: [c, d] }, limit | words, seed, threads, every, sliceMs,
   * onProgress, signal }. Resolves to { words, coords (Float32Array, x y per word), method,
   * iterations, elapsedMs }; onProgress gets { iteration, iterations, fraction, stage, coords }.
   * The run copies what it maps, so disposing the model meanwhile is safe.
   */
  project(options) {
    try {
      return project(this.#handle(), options, { maxThreads: this.#maxThreads });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Accuracy on questions-words text (': section' lines, then 'a b c d'). */
  evaluateAnalogies(questions, options) {
    if (typeof questions !== 'string') fail(`questions must be a string, got ${describe(questions)}`);
    return this.#handle().evaluateAnalogies(questions, options);
  }

  /** Spearman correlation with 'word1<TAB>word2<TAB>score' lines. */
  evaluateSimilarity(pairs, options) {
    if (typeof pairs !== 'string') fail(`pairs must be a string, got ${describe(pairs)}`);
    return this.#handle().evaluateSimilarity(pairs, options);
  }

  /**
   * Whether queries go through the approximate-neighbour index (big models, after buildIndex()).
   * Models under 2^23 numbers (e.g. 28,000 x 300) always search exactly: that takes about 2 ms.
   */
  get indexed() { return this.#handle().indexed(); }
  /** Whether buildIndex() would build an index (a model of 2^23 numbers or more). */
  get wantsIndex() { return this.#handle().wantsIndex(); }

  /**
   * Builds the approximate-neighbour index that answers mostSimilar() and analogy() (3CosAdd) of big
   * models (candidates re-ranked exactly; recall@10 about 0.95 or better). Queries stay exact until
   * it is done. Resolves to whether an index was built (false for small models). `onProgress`
   * gets { stage, fraction }; aborting `signal` rejects with an AbortError.
   */
  async buildIndex({ threads = 1, seed = 1, onProgress, signal } = {}) {
    const raw = this.#handle();
    if (!raw.wantsIndex() || raw.indexed()) return raw.indexed();
    if (this.#indexBuild) fail('an index is already being built for this model');
    if (signal?.aborted) throw abortError(signal, 'building the index');
    const build = raw.indexBuild({ threads, seed });
    this.#indexBuild = build;
    try {
      // The pthreads build works on a thread of its own and is only polled; the single-threaded
      // one works here in slices of about 50 ms.
      const background = build.background();
      for (;;) {
        if (this.#indexBuild !== build) fail('the model was disposed while its index was being built');
        if (signal?.aborted) {
          build.cancel();
          throw abortError(signal, 'building the index');
        }
        if (build.runFor(background ? 0 : 50)) break;
        onProgress?.({ stage: build.stage(), fraction: build.fraction() });
        await (background ? sleep(20) : yieldToEventLoop());
      }
      onProgress?.({ stage: 'done', fraction: 1 });
      return true;
    } finally {
      if (this.#indexBuild === build) {
        this.#indexBuild = null;
        build.delete();
      }
    }
  }

  /** Frees the wasm memory; the model is unusable afterwards. Safe to call twice. */
  dispose() {
    if (!this.#raw) return;
    this.#indexBuild?.cancel();
    this.#indexBuild?.delete(); // stops its thread before the rows it reads are freed
    this.#indexBuild = null;
    registry?.unregister(this);
    this.#raw.delete();
    this.#raw = null;
    this.#words = null;
  }
}
