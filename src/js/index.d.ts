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
  /** Whether queries go through the approximate-neighbour index (after buildIndex() on a big model). */
  readonly indexed: boolean;
  /** Whether the model is big enough (2^23 numbers or more, e.g. 28,000 x 300) for buildIndex() to build one. */
  readonly wantsIndex: boolean;
  /**
   * Builds the approximate-neighbour index that answers mostSimilar() and analogy() (3CosAdd,
   * unrestricted) of big models; candidates are re-ranked exactly. Resolves to whether an index was
   * built (false for small models, which keep exact search).
   */
  buildIndex(options?: BuildIndexOptions): Promise<boolean>;
}

export type VectorsFormat = 'auto' | 'word2vec-text' | 'word2vec-binary' | 'glove';

export interface ProjectOptions {
  /** Other words to place on the same axes (their coordinates follow the count words'). */
  include?: string[];
}

export type MapMethod = 'pca' | 'tsne' | 'umap' | 'axes';

export interface MapOptions {
  /**
   * 'umap' (default), 'tsne' (exact up to 2,000 words, then Barnes-Hut or FFT-interpolated: see
   * `repulsion`), 'pca', or 'axes' (needs `axes`).
   */
  method?: MapMethod;
  /** Map the N most frequent words (10000); ignored when `words` is given. */
  limit?: number;
  /** Map exactly these words (in this order; an unknown word is an error). */
  words?: string[];
  /** t-SNE: effective number of neighbours (30); at least 1 and below the number of words. */
  perplexity?: number;
  /**
   * t-SNE above 2,000 words: how the repulsive forces are computed. 'barnes-hut' (a quadtree),
   * 'interpolated' (FIt-SNE: charges on a grid convolved by FFT; faster on big maps), or 'auto'
   * (default: interpolated from 10,000 words).
   */
  repulsion?: 'auto' | 'barnes-hut' | 'interpolated';
  /** UMAP: neighbours per word, counting itself (15). */
  neighbors?: number;
  /** UMAP: how tightly neighbours may pack, 0 to 1 (0.1). */
  minDist?: number;
  /**
   * t-SNE steps or UMAP epochs; 0 = 1000 for t-SNE (750 with the interpolated repulsion), 500 for
   * UMAP (400 above 10,000 words).
   */
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

export interface BuildIndexOptions {
  /** Threads of the build (pthreads build only; 1 by default). */
  threads?: number;
  seed?: number;
  onProgress?: (progress: { stage: string; fraction: number }) => void;
  signal?: AbortSignal;
}

/** Progress of loadStream() / loadInWorker(). */
export interface LoadProgress {
  bytes: number;
  /** The file's size (0 when unknown). */
  total: number;
  rows: number;
  fraction: number;
  bytesPerSecond: number;
  etaSeconds: number;
  elapsedMs: number;
}

export interface StreamLoadOptions extends LoadOptions {
  /** The file's size in bytes when the source cannot tell (sizes the matrix once). */
  size?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Aborting rejects with an AbortError before the next 1 MB chunk is parsed. */
  signal?: AbortSignal;
}

export type VectorsSource = ReadableStream<Uint8Array> | Blob | AsyncIterable<Uint8Array | ArrayBuffer | string>
  | Iterable<Uint8Array | ArrayBuffer | string> | string;

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
  /**
   * Loads vectors in chunks (never the whole file at once) from a ReadableStream, a Blob or File,
   * an (async) iterable of bytes or, in Node, a file path.
   */
  loadStream(source: VectorsSource, options?: StreamLoadOptions): Promise<Model>;
  /** loadStream() of a File or Blob parsed in the Worker (browsers); rows come to this instance in batches. */
  loadInWorker(file: Blob, options?: StreamLoadOptions): Promise<Model>;
  /** Wraps row-major vectors made elsewhere. */
  fromVectors(words: string[], dim: number, data: Float32Array): Model;
  /** `text` as train() tokenizes it: one line per input line, tokens separated by single spaces. */
  tokenize(text: string | Uint8Array | ArrayBuffer, options?: TokenizeOptions): string;
  /** Learns a byte-pair tokenizer (GPT-2's kind) on `text`, in slices; aborting rejects with an AbortError. */
  trainTokenizer(text: string | Uint8Array | ArrayBuffer, options?: TrainTokenizerOptions): Promise<Tokenizer>;
  /** trainTokenizer() in the Web Worker (browsers). */
  trainTokenizerInWorker(text: string | Uint8Array | ArrayBuffer, options?: TrainTokenizerOptions): Promise<Tokenizer>;
  /**
   * A tokenizer from: an embedlab tokenizer (or model) file; GPT-2's ranks as a .tiktoken file
   * (text or bytes) or js-tiktoken's `{ bpe_ranks }`; Hugging Face's GPT-2 files `{ vocab, merges }`
   * (vocab.json as text, bytes or the parsed object; merges.txt as text or bytes). GPT-2's files give
   * GPT-2's ids.
   */
  loadTokenizer(input: TokenizerSource, options?: { name?: string }): Tokenizer;
  /** Trains a transformer language model on `text` (one sentence a line), on the calling thread in slices. */
  trainLanguageModel(text: string | Uint8Array | ArrayBuffer, options?: LanguageModelOptions): Promise<LanguageModel>;
  /** trainLanguageModel() in the Web Worker (browsers); progress and probes arrive through onProgress. */
  trainLanguageModelInWorker(text: string | Uint8Array | ArrayBuffer, options?: LanguageModelOptions): Promise<LanguageModel>;
  /** A language model file (LanguageModel.save()). */
  loadLanguageModel(bytes: Uint8Array | ArrayBuffer, options?: { name?: string; training?: LanguageTrainingStats }): LanguageModel;
  /** The sinusoidal positional table as the engine adds it: P[i][2k] = sin(i / 10000^(2k/width)), P[i][2k+1] = cos(same). */
  sinusoidalPositions(rows: number, width: number): PositionalRows;
}

/** Loads the module once (memoised). Threads are used where available unless `threads: false`. */
export declare function init(options?: { threads?: boolean }): Promise<Embedlab>;

// ---- tokenizers and language models ----

export type TokenizerSource =
  | Uint8Array
  | ArrayBuffer
  | string
  | { bpe_ranks: string }
  | { vocab: string | Uint8Array | Record<string, number>; merges: string | Uint8Array };

export interface TokenizerTrainProgress {
  mergesDone: number;
  mergesTotal: number;
  /** Pre-tokenized pieces of the text, and how many distinct ones training works on. */
  pieces: number;
  distinctPieces: number;
  elapsedMs: number;
  /** mergesDone / mergesTotal. */
  fraction: number;
  etaSeconds: number;
  finished: boolean;
}

export interface TrainTokenizerOptions {
  /** Tokens: 256 bytes + merges + 5 special tokens (4000); at most what the text supports. */
  vocabSize?: number;
  /** Milliseconds of training between progress reports and abort checks (50). */
  sliceMs?: number;
  onProgress?: (progress: TokenizerTrainProgress) => void;
  signal?: AbortSignal;
}

/** One merge: tokens `left` and `right` became token `id` (= 256 + its index). */
export interface TokenMerge {
  left: number;
  right: number;
  id: number;
  /** The new token as GPT-2 prints it ('Ġthe'). */
  piece: string;
  /** How often the pair occurred when it was merged (0 for loaded GPT-2 files). */
  count: number;
}

export interface Encoding {
  ids: Uint32Array;
  /** GPT-2's printable spelling of each token: a space is 'Ġ', a newline 'Ċ'. */
  pieces: string[];
  /** Each token's own text, whitespace as it is (a token cut inside a character shows U+FFFD). */
  texts: string[];
}

/**
 * A tokenizer: byte-level BPE (trained, or GPT-2's) or word. Ids: the 256 bytes, then one per merge,
 * then <|endoftext|> [CLS] [SEP] [MASK] [PAD]. Owns wasm memory: call dispose().
 */
export declare class Tokenizer {
  private constructor();
  readonly kind: 'bpe' | 'word';
  /** Tokens in the vocabulary. */
  readonly size: number;
  /** The merges in the order they were learnt (replay them with encode's `merges`). */
  readonly merges: readonly TokenMerge[];
  readonly disposed: boolean;
  /** `merges`: apply only the first N merges; `allowSpecial`: read [MASK], <|endoftext|>... as special tokens. */
  encode(text: string | Uint8Array, options?: { merges?: number; allowSpecial?: boolean }): Encoding;
  /** The text of token ids. */
  decode(ids: ArrayLike<number>): string;
  /** The exact bytes of token ids. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** How token `id` reads, as GPT-2 prints it. */
  piece(id: number): string;
  /** An embedlab tokenizer file. */
  save(): Uint8Array;
  dispose(): void;
}

/**
 * Live probes taken on the current weights while training (in the worker too): once before the
 * first step (the untrained state; a probe the model cannot run, e.g. a fill text longer than the
 * context, rejects training there), then at most every `everyMs`, and after the last step. They
 * ride on the progress events as `progress.probe`. With threads, training goes on while a probe
 * reads the weights.
 */
export interface LanguageProbe {
  /** Next-word models: continue this prompt (`tokens` tokens at `temperature`, `topK`, `seed`). */
  prompt?: string;
  /** Masked-word models: fill the [MASK]s of this text (and `pair`, its sentence B). */
  fill?: string;
  pair?: string;
  /** Words whose nearest token embeddings are reported (' word' is looked up first, then 'word'). */
  neighbours?: string[];
  /** Report the positional rows' similarity matrix: true (all), a number of positions, false (default). */
  positions?: boolean | number;
  /** Milliseconds between probes (1000). */
  everyMs?: number;
  tokens?: number;
  temperature?: number;
  /** Candidates per [MASK] and neighbours per word (5); sampling's top-k. */
  topK?: number;
  seed?: number;
}

export interface Candidate {
  /** The token as GPT-2 prints it. */
  token: string;
  /** Its own text. */
  text: string;
  id: number;
  probability: number;
}

export interface ProbeResult {
  samples?: { prompt: string; text: string; tokens: string[] }[];
  /** Per fill text: per [MASK], the candidates. */
  fills?: { text: string; masks: Candidate[][] }[];
  /** Per probe word: its token and its nearest tokens, or null when the word is not one token. */
  neighbours?: Record<string, { token: string; neighbours: Neighbour[] } | null>;
  /** Cosine similarity of the positional rows (rows × rows); null for positional none and rope. */
  positionalSimilarity?: { rows: number; data: Float32Array } | null;
}

export interface LanguageTrainProgress {
  /** 'tokenizer' while the tokenizer trains (when none is given; `tokenizer` holds its progress), then 'model'. */
  phase: 'tokenizer' | 'model';
  step: number;
  steps: number;
  /** step / steps. */
  fraction: number;
  /** Mean training cross-entropy (nats per prediction) since the previous report. */
  loss?: number;
  /** Mean cross-entropy on the held-out last tenth of the lines, every validateEvery steps. */
  validationLoss?: number;
  /** Share of the held-out predictions whose most likely token was right. */
  validationAccuracy?: number;
  validationStep?: number;
  /** Count-based baseline in the same unit: a bigram model's validation cross-entropy (next) or the unigram entropy (masked). */
  baseline?: number;
  tokensPerSecond?: number;
  learningRate?: number;
  elapsedMs?: number;
  etaSeconds?: number;
  finished?: boolean;
  cancelled?: boolean;
  tokenizer?: TokenizerTrainProgress;
  probe?: ProbeResult;
}

export interface LanguageModelOptions {
  /** 'next' (GPT: causal, predicts the next token) or 'masked' (BERT: sentence pairs, 15% predicted). */
  objective?: 'next' | 'masked';
  /** Where order comes from ('learned'): nowhere, a fixed sinusoid, a learned table, or RoPE inside attention. */
  positional?: 'none' | 'sinusoidal' | 'learned' | 'rope';
  /** Transformer blocks (2). */
  layers?: number;
  /** Attention heads (4); they must divide the width. */
  heads?: number;
  /** Width of every token's vector (64). */
  width?: number;
  /** Tokens per sequence (64). */
  context?: number;
  /** Sequences per step (16). */
  batch?: number;
  /** Optimizer steps (1000); 0 gives the initialised, untrained model at once (the text is then not read). */
  steps?: number;
  /** Peak learning rate (3e-3). */
  learningRate?: number;
  /** Warm-up steps (100). */
  warmup?: number;
  /** Steps between validation losses (100). */
  validateEvery?: number;
  threads?: number;
  seed?: number;
  /** The tokenizer; without it a byte-pair tokenizer of vocabSize tokens (1024) is trained on the text first. */
  tokenizer?: Tokenizer;
  vocabSize?: number;
  /** Milliseconds between progress reports and abort checks (50); aborting rejects with an AbortError. */
  sliceMs?: number;
  onProgress?: (progress: LanguageTrainProgress) => void;
  signal?: AbortSignal;
  probe?: LanguageProbe;
}

export interface LanguageTrainingStats {
  steps: number;
  elapsedMs: number;
  tokensPerSecond: number;
  threads: number;
  loss: number;
  validationLoss?: number;
  baseline?: number;
}

export interface LanguageModelConfig {
  vocab: number;
  width: number;
  layers: number;
  heads: number;
  context: number;
  positional: 'none' | 'sinusoidal' | 'learned' | 'rope';
  objective: 'next' | 'masked';
  /** Whether the input has a segment row (masked-word models). */
  segments: boolean;
  parameters: number;
}

export interface PositionalRows {
  rows: number;
  width: number;
  /** rows × width, row-major. */
  data: Float32Array;
}

export interface ModelTokens {
  /** Pieces as GPT-2 prints them. */
  tokens: string[];
  ids: Uint32Array;
}

/**
 * The input embedding, part by part (tokens × width, row-major): sum = token + position + segment,
 * exactly what the first layer sees. `position` is zeros for positional 'none' (no order at all) and
 * for 'rope' (RoPE adds nothing to the input: it rotates q and k inside attention, see ropeScores);
 * `segment` is zeros for next-word models (they have no segments).
 */
export interface InputParts extends ModelTokens {
  texts: string[];
  /** 0 = sentence A, 1 = sentence B; masked-word inputs are [CLS] A [SEP] (B [SEP]). */
  segments: Int32Array;
  width: number;
  token: Float32Array;
  position: Float32Array;
  segment: Float32Array;
  sum: Float32Array;
}

export interface TextOptions {
  /** Sentence B (masked-word models). */
  pair?: string;
}

/** A transformer language model (docs/transformer.md). Owns wasm memory: call dispose(). */
export declare class LanguageModel {
  private constructor();
  readonly config: LanguageModelConfig;
  /** The model's tokenizer (disposed with the model). */
  readonly tokenizer: Tokenizer;
  readonly disposed: boolean;
  /** Statistics of the training run (undefined for loaded models). */
  readonly training?: LanguageTrainingStats;
  inputs(text: string, options?: TextOptions): InputParts;
  /** Final hidden states (after the last LayerNorm), tokens × width. */
  outputs(text: string, options?: TextOptions): ModelTokens & { texts: string[]; segments: Int32Array; width: number; hidden: Float32Array };
  /** Next-token distribution's `topK` (10) most likely tokens (next-word models). */
  next(text: string, options?: { topK?: number }): Candidate[];
  /** Continues `prompt` (next-word models): tokens (20), temperature (0.8; 0 = most likely), topK (40; 0 = all), seed (1). */
  generate(prompt: string, options?: { tokens?: number; temperature?: number; topK?: number; seed?: number }): ModelTokens & { text: string };
  /** Per [MASK] of the text, in order, its `topK` (5) most likely tokens (masked-word models; an Error otherwise or without [MASK]). */
  fill(text: string, options?: TextOptions & { topK?: number }): Candidate[][];
  /** Layer `layer`'s (0) attention probabilities, [head][query][key] (heads × length × length). */
  attention(text: string, options?: TextOptions & { layer?: number }): ModelTokens & { heads: number; length: number; data: Float32Array };
  /** The token embeddings as word vectors: mostSimilar, analogy, project2d work; words are pieces ('Ġking'). */
  tokenEmbeddings(): Model;
  /** Added positional rows: learned (the trained table) and sinusoidal (context rows); 0 rows for none and rope. */
  positionalEmbeddings(): PositionalRows & { kind: LanguageModelConfig['positional']; /** Why there are no rows (none, rope). */ note?: string };
  /** Cosine similarity between positional rows (the first `rows`); null when there are none. */
  positionalSimilarity(options?: { rows?: number }): { rows: number; data: Float32Array } | null;
  /**
   * RoPE's relative-offset property with the model's real weights and rotation: the first layer's
   * score q·k/√dh (head `head`, 0) of `query` at p + offset against `key` at p, for p = 0, 1, ...
   * (`positions`, 16). With rope every score is the same; with learned or sinusoidal they vary.
   */
  ropeScores(query: string | number, key: string | number, options?: { head?: number; offset?: number; positions?: number }):
    { queryPosition: number; keyPosition: number; score: number }[];
  /** The model file: configuration, tokenizer and weights. */
  save(): Uint8Array;
  /** The weights as safetensors (docs/transformer.md's names and metadata). */
  exportSafetensors(): Uint8Array;
  dispose(): void;
}
