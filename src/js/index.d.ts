// Type declarations for the embedlab npm package (hand-written; checked with `tsc --noEmit`).

/** One result of a nearest-neighbour query. */
export interface Neighbour {
  word: string;
  /** Cosine similarity (3CosMul analogies: the 3CosMul score). */
  similarity: number;
}

/** A progress report during training, about every `sliceMs`. */
export interface TrainProgress {
  /** Corpus tokens processed so far (before subsampling), over all epochs. */
  wordsDone: number;
  /** Tokens times epochs. */
  wordsTotal: number;
  /** wordsDone / wordsTotal, 0..1. */
  fraction: number;
  /** 1-based epoch in progress. */
  epoch: number;
  learningRate: number;
  /** Mean loss per training example since the previous report. */
  averageLoss: number;
  /** Average rate since the start. */
  wordsPerSecond: number;
  etaSeconds: number;
  elapsedMs: number;
  vocabularySize: number;
  /** Tokens of the corpus (after minCount), and its lines. */
  tokens: number;
  lines: number;
  finished: boolean;
  cancelled: boolean;
}

/** How train() splits text into tokens; tokenize() shows the result. */
export interface TokenizeOptions {
  /** Lowercase tokens (true). */
  lowercase?: boolean;
  /** Strip leading/trailing punctuation from tokens (true). */
  stripPunctuation?: boolean;
  /** Invalid UTF-8 in byte input: replace with U+FFFD (default) or reject with the line number. */
  invalidUtf8?: 'replace' | 'reject';
  /**
   * Control characters (ESC and the rest of U+0001-U+001F but tab, line feed and carriage return;
   * U+007F): 'replace' with a word break (default), 'strip' them, or 'reject' naming the line.
   */
  controlCharacters?: 'replace' | 'strip' | 'reject';
  /** Names the text in error messages ('corpus' for train(), 'text' for tokenize()). */
  name?: string;
}

export interface TrainOptions extends TokenizeOptions {
  /** 'cbow' (default) or 'skipgram'. */
  model?: 'cbow' | 'skipgram';
  /** Negative sampling ('ns', default) or hierarchical softmax ('hs'). */
  loss?: 'ns' | 'hs';
  /** Vector size, 1..10000 (100). */
  dim?: number;
  /** Maximum context radius (5). */
  window?: number;
  /** Negative samples per example (5; with loss 'hs' the default is 0, the only place 0 is allowed). */
  negative?: number;
  /** Passes over the corpus (5). */
  epochs?: number;
  /** Words seen fewer times are dropped (5). */
  minCount?: number;
  /** Keep only this many most frequent words; 0 = all. */
  maxVocabulary?: number;
  /** Subsampling threshold of frequent words; 0 = off (1e-3). */
  sample?: number;
  /** Starting learning rate; 0 = default (0.05 CBOW, 0.025 skip-gram). */
  learningRate?: number;
  /** Training threads (1). More than 1 needs the threaded build (Node, cross-origin-isolated pages). */
  threads?: number;
  /** Random seed (1). One thread + the same seed gives identical vectors. */
  seed?: number;
  /** Milliseconds of training between progress reports and abort checks (50). */
  sliceMs?: number;
  onProgress?: (progress: TrainProgress) => void;
  /** Aborting rejects the promise with an Error named 'AbortError' within about sliceMs. */
  signal?: AbortSignal;
  /** Words whose current top-5 neighbours are reported through onProbe while training. */
  probes?: string[];
  /** Report probes every this fraction of the training (0.05). */
  probeEvery?: number;
  onProbe?: (neighbours: Record<string, Neighbour[]>, progress: TrainProgress) => void;
}

/** What train() and trainInWorker() take besides the schema's options: JS-only (no CLI twin). */
export interface LiveMapOptions {
  /**
   * The map while training: every `every` of the run (0.02), PCA of the current vectors of the
   * `words` most frequent words (2000), turned onto the previous frame (Procrustes) so points move
   * only as far as their words moved, goes to onFrame (and once more at the end).
   */
  liveMap?: { words?: number; every?: number; onFrame?: (frame: MapFrame, progress: TrainProgress) => void };
}

/** One frame of the map while training. */
export interface MapFrame {
  /** The most frequent words, the same list in every frame of a run. */
  words: string[];
  /** x, y per word, aligned to the previous frame. */
  coordinates: Float32Array;
  /** Root mean square distance left between this frame and the previous one after aligning (0 for the first). */
  rmsError: number;
}

/** alignLayout()'s result. */
export interface Alignment {
  /** The source points moved onto the target. */
  points: Float32Array;
  scale: number;
  /** Root mean square distance between the moved points and the target. */
  rmsError: number;
}

export interface TrainingStats {
  vocabularySize: number;
  tokens: number;
  lines: number;
  epochs: number;
  elapsedMs: number;
  wordsPerSecond: number;
  threads: number;
}

export interface QueryOptions {
  /** How many results (10). */
  topn?: number;
  /** Search only the N most frequent words; 0 = all. */
  restrict?: number;
}

export interface AnalogyOptions extends QueryOptions {
  /** '3cosadd' (default) or '3cosmul' (Levy & Goldberg). */
  method?: '3cosadd' | '3cosmul';
}

export interface AnalogySection {
  name: string;
  questions: number;
  answered: number;
  correct: number;
  /** correct / answered. */
  accuracy: number;
  /** answered / questions. */
  coverage: number;
}

export interface AnalogyReport {
  sections: AnalogySection[];
  semantic: AnalogySection;
  syntactic: AnalogySection;
  total: AnalogySection;
}

export interface SimilarityReport {
  spearman: number;
  pairs: number;
  oovPairs: number;
}

export interface EvaluateOptions {
  /** Use only the N most frequent words; 0 = all (30000). */
  restrict?: number;
  /** '3cosadd' (default) or '3cosmul'. */
  method?: '3cosadd' | '3cosmul';
  name?: string;
}


export type SaveFormat = 'word2vec-text' | 'word2vec-binary' | 'projector-tsv';

export interface SaveOptions {
  /** Significant digits of each number in word2vec text and projector TSV (6). */
  precision?: number;
}

export interface SimilarityOptions {
  /** Names the pairs in error messages ('pairs'). */
  name?: string;
}

/** Word vectors and the queries users run on them. Owns wasm memory: call dispose(). */
export declare class Model {
  private constructor();
  /** Vocabulary in row order (most frequent first for trained models). */
  readonly words: readonly string[];
  readonly dim: number;
  readonly size: number;
  readonly disposed: boolean;
  /** Statistics of the training run (undefined for loaded models). */
  readonly training?: TrainingStats;
  has(word: string): boolean;
  /** A copy of the vector of `word`; throws for an unknown word. */
  vector(word: string): Float32Array;
  /** A copy of all vectors, row-major (size x dim). */
  vectors(): Float32Array;
  similarity(a: string, b: string): number;
  /** Neighbours of one word (query words excluded). */
  mostSimilar(word: string, options?: QueryOptions): Neighbour[];
  /** Neighbours of the sum of several words. */
  mostSimilar(words: string[], options?: QueryOptions): Neighbour[];
  /** Neighbours of mean(positive) - mean(negative), gensim-style. */
  mostSimilar(query: { positive?: string[]; negative?: string[] } & QueryOptions, options?: QueryOptions): Neighbour[];
  /** "a is to b as c is to ?": b - a + c. analogy('man', 'king', 'woman') -> queen. */
  analogy(a: string, b: string, c: string, options?: AnalogyOptions): Neighbour[];
  /** The word that fits least with the others. */
  doesntMatch(words: string[]): string;
  save(format?: 'word2vec-text' | 'word2vec-binary', options?: SaveOptions): Uint8Array;
  save(format: 'projector-tsv', options?: SaveOptions): { vectors: Uint8Array; metadata: Uint8Array };
  /**
   * A 2-D PCA map of the `count` most frequent words; `include` places other known words on the same
   * axes (appended after the first `count` points, listed in extraWords).
   */
  project2d(count?: number, options?: ProjectOptions): {
    count: number;
    coordinates: Float32Array;
    extraWords: string[];
    explainedVariance: [number, number];
  };
  /**
   * k-means clusters (k-means++ seeding) of the unit vectors of the `count` most frequent words (all):
   * one label 0..k-1 per word in row order. Same seed (1), same clusters.
   */
  clusterWords(k: number, options?: { count?: number; seed?: number }): Int32Array;
  /**
   * A 2-D map of the `limit` most frequent words (or of `words`): PCA, t-SNE, UMAP or semantic axes.
   * Runs in slices on this thread (use Embedlab.projectInWorker in pages); rejects with an
   * AbortError when `signal` aborts. The run copies what it maps: disposing the model meanwhile is safe.
   */
  project(options?: MapOptions): Promise<MapResult>;
  /** Accuracy on questions-words text; restrict defaults to 30000; `name` names it in errors. */
  evaluateAnalogies(questions: string, options?: EvaluateOptions): AnalogyReport;
  /** Spearman correlation with 'word1<TAB>word2<TAB>score' lines; `name` names them in errors. */
  evaluateSimilarity(pairs: string, options?: SimilarityOptions): SimilarityReport;
  /** Frees the wasm memory; later calls throw. Safe to call twice. */
  dispose(): void;
}

export type VectorsFormat = 'auto' | 'word2vec-text' | 'word2vec-binary' | 'glove';

export interface ProjectOptions {
  /** Other words to place on the same axes (their coordinates follow the count words'). */
  include?: string[];
}

export type MapMethod = 'pca' | 'tsne' | 'umap' | 'axes';

export interface MapOptions {
  /** 'umap' (default), 'tsne' (Barnes-Hut; exact up to 2,000 words), 'pca', or 'axes' (needs `axes`). */
  method?: MapMethod;
  /** Map the N most frequent words (10000); ignored when `words` is given. */
  limit?: number;
  /** Map exactly these words (in this order; an unknown word is an error). */
  words?: string[];
  /** t-SNE: effective number of neighbours (30); at least 1 and below the number of words. */
  perplexity?: number;
  /** UMAP: neighbours per word, counting itself (15). */
  neighbors?: number;
  /** UMAP: how tightly neighbours may pack, 0 to 1 (0.1). */
  minDist?: number;
  /** t-SNE steps or UMAP epochs; 0 = 1000 for t-SNE, 500 for UMAP (200 above 10,000 words). */
  iterations?: number;
  /**
   * Semantic axes: x = a - b, y = c - d. A word's coordinate on an axis is the cosine of its vector
   * with the direction unit(a) - unit(b), so `a` lies to the right and `c` at the top.
   */
  axes?: { x: [string, string]; y: [string, string] };
  /** The x axis as the CLI's --x-axis spells it: [a, b] (axes.x wins when both are given). */
  xAxis?: string[];
  /** The y axis as the CLI's --y-axis spells it: [c, d]. */
  yAxis?: string[];
  /** Random seed (1). */
  seed?: number;
  /** Threads for the neighbour search and the layout (1; at most Embedlab.maxThreads). */
  threads?: number;
  /** Iterations between two intermediate layouts passed to onProgress (10). */
  every?: number;
  /** Milliseconds of work between progress reports and abort checks (50). */
  sliceMs?: number;
  /** Called as the layout converges; `coords` is the current layout (null while neighbours are searched). */
  onProgress?: (progress: MapProgress) => void;
  signal?: AbortSignal;
}

export interface MapProgress {
  /** 'neighbours' (the k-nearest-neighbour search), 'layout' or 'done'. */
  stage: 'neighbours' | 'layout' | 'done';
  iteration: number;
  iterations: number;
  /** Share of the whole run done, 0 to 1. */
  fraction: number;
  /** x, y per word (same order as MapResult.words), or null before the layout starts. */
  coords: Float32Array | null;
}

export interface MapResult {
  /** The mapped words, in the order of `coords`. */
  words: string[];
  /** x0, y0, x1, y1, ... (2 per word). */
  coords: Float32Array;
  method: MapMethod;
  iterations: number;
  elapsedMs: number;
}

export interface LoadOptions {
  /** The format of the bytes ('auto': detected). */
  format?: VectorsFormat;
  /** Names the vectors in error messages ('vectors'). */
  name?: string;
}

/** An initialised WebAssembly module. */
export declare class Embedlab {
  private constructor();
  /** 'mt' (pthreads) or 'st' (single-threaded). */
  readonly variant: 'mt' | 'st';
  /** Whether training can use more than one thread here. */
  readonly threads: boolean;
  readonly maxThreads: number;
  /**
   * Set when threads were possible here but the threads build could not start its workers (for
   * example a worker file that is not served): init() then resolved with the single-threaded build
   * instead of failing, and this says why. Undefined otherwise.
   */
  readonly fallbackReason: string | undefined;
  /** Instruction set of the vector kernels ('wasm-simd128'). */
  readonly isa: string;
  /** Current size of the wasm heap in bytes. */
  heapSize(): number;
  /** Trains on `text` (a string or UTF-8 bytes) on the calling thread, in slices. */
  train(text: string | Uint8Array | ArrayBuffer, options?: TrainOptions & LiveMapOptions): Promise<Model>;
  /** Trains in a Web Worker (browsers); the vectors are transferred back. */
  trainInWorker(text: string | Uint8Array | ArrayBuffer, options?: TrainOptions & LiveMapOptions): Promise<Model>;
  /** model.evaluateAnalogies() run in the worker (browsers), so the page stays responsive. */
  evaluateInWorker(model: Model, questions: string, options?: EvaluateOptions): Promise<AnalogyReport>;
  /** model.clusterWords() run in the worker (browsers). */
  clusterInWorker(model: Model, k: number, options?: { count?: number; seed?: number }): Promise<Int32Array>;
  /**
   * Moves `source` onto `target` (points of `dims` = 1, 2 or 3 coordinates, row i matching row i) by
   * the best rotation or reflection, uniform scale and shift: orthogonal Procrustes, in the core.
   */
  alignLayout(source: Float32Array, target: Float32Array, dims?: number): Alignment;
  /**
   * Model.project() in the worker (pages): the page stays responsive; onProgress receives each
   * intermediate layout as a transferred Float32Array; aborting `signal` cancels the run.
   */
  projectInWorker(model: Model, options?: MapOptions): Promise<MapResult>;
  /** Stops the training worker. */
  closeWorker(): void;
  /** Loads word2vec text/binary, GloVe or fastText .vec bytes (format detected). */
  load(bytes: Uint8Array | ArrayBuffer | string, options?: LoadOptions): Model;
  /** Wraps row-major vectors made elsewhere. */
  fromVectors(words: string[], dim: number, data: Float32Array): Model;
  /** `text` as train() tokenizes it: one line per input line, tokens separated by single spaces. */
  tokenize(text: string | Uint8Array | ArrayBuffer, options?: TokenizeOptions): string;
}

/** Loads the module once (memoised). Threads are used where available unless `threads: false`. */
export declare function init(options?: { threads?: boolean }): Promise<Embedlab>;
