// A consumer's view of the embedlab typings: must compile under --strict (see types.test.mjs).
// It imports the package by name, so the "exports" map (types first) is what resolves it.
// Lines marked @ts-expect-error must be rejected; if the typings ever accept them, tsc fails.
import { init, Embedlab, Model } from 'embedlab';
import 'embedlab/worker'; // the worker entry has typings too (it exports nothing)
import type {
  Neighbour, TrainProgress, TrainOptions, TrainingStats, QueryOptions, AnalogyOptions, AnalogyReport,
  SimilarityReport, SaveFormat, VectorsFormat, TokenizeOptions, MapFrame, Alignment,
} from 'embedlab';

export async function main(corpus: string, bytes: Uint8Array): Promise<void> {
  const el: Embedlab = await init();
  const again: Promise<Embedlab> = init({ threads: false });
  void again;
  const variant: 'mt' | 'st' = el.variant;
  const threads: boolean = el.threads;
  const maxThreads: number = el.maxThreads;
  const isa: string = el.isa;
  const fallback: string | undefined = el.fallbackReason;
  void fallback;
  const heap: number = el.heapSize();
  void [variant, threads, maxThreads, isa, heap];

  const controller = new AbortController();
  const options: TrainOptions = {
    model: 'skipgram', loss: 'hs', dim: 100, window: 5, negative: 0, epochs: 5, minCount: 5, maxVocabulary: 0,
    sample: 1e-3, learningRate: 0.025, threads: 2, seed: 1, lowercase: true, stripPunctuation: true,
    invalidUtf8: 'reject', sliceMs: 50, signal: controller.signal, probes: ['king'], probeEvery: 0.1,
    onProgress: (p: TrainProgress) => {
      const n: number = p.wordsDone + p.wordsTotal + p.fraction + p.epoch + p.learningRate + p.averageLoss +
        p.wordsPerSecond + p.etaSeconds + p.elapsedMs + p.vocabularySize + p.tokens + p.lines;
      const flags: boolean = p.finished || p.cancelled;
      void [n, flags];
    },
    onProbe: (neighbours: Record<string, Neighbour[]>, p: TrainProgress) => void [neighbours.king?.[0]?.word, p.fraction],
  };
  const model: Model = await el.train(corpus, options);
  const fromBytes: Model = await el.train(bytes, { dim: 50 });
  const fromBuffer: Model = await el.train(bytes.buffer as ArrayBuffer);
  const inWorker: Promise<Model> = el.trainInWorker(corpus, { epochs: 1 });
  void inWorker;
  const watched: Model = await el.train(corpus, {
    epochs: 1,
    liveMap: { words: 500, every: 0.05, onFrame: (frame: MapFrame, p: TrainProgress) => void [frame.words[0], frame.coordinates[0], frame.rmsError, p.fraction] },
  });
  const labels: Int32Array = watched.clusterWords(8, { count: 100, seed: 2 });
  const clustered: Promise<Int32Array> = el.clusterInWorker(watched, 8);
  const aligned: Alignment = el.alignLayout(new Float32Array(4), new Float32Array(4), 2);
  void [labels, clustered, aligned.points, aligned.scale, aligned.rmsError];
  el.closeWorker();

  const stats: TrainingStats | undefined = model.training;
  if (stats) void [stats.vocabularySize, stats.tokens, stats.lines, stats.epochs, stats.elapsedMs, stats.wordsPerSecond, stats.threads];
  const words: readonly string[] = model.words;
  const dim: number = model.dim;
  const size: number = model.size;
  const disposed: boolean = model.disposed;
  const has: boolean = model.has('king');
  const vector: Float32Array = model.vector('king');
  const all: Float32Array = model.vectors();
  const similarity: number = model.similarity('king', 'queen');
  void [words, dim, size, disposed, has, vector, all, similarity];

  const query: QueryOptions = { topn: 5, restrict: 1000 };
  const one: Neighbour[] = model.mostSimilar('king');
  const oneTop: Neighbour[] = model.mostSimilar('king', query);
  const sum: Neighbour[] = model.mostSimilar(['king', 'woman'], { topn: 3 });
  const posNeg: Neighbour[] = model.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 });
  const negOnly: Neighbour[] = model.mostSimilar({ negative: ['man'] }, { restrict: 10 });
  const first: string = one[0].word;
  const score: number = one[0].similarity;
  void [oneTop, sum, posNeg, negOnly, first, score];

  const analogyOptions: AnalogyOptions = { method: '3cosmul', topn: 1, restrict: 30000 };
  const queen: Neighbour[] = model.analogy('man', 'king', 'woman');
  const queenMul: Neighbour[] = model.analogy('man', 'king', 'woman', analogyOptions);
  const odd: string = model.doesntMatch(['king', 'queen', 'carrot']);
  void [queen, queenMul, odd];

  const text: Uint8Array = model.save();
  const text9: Uint8Array = model.save('word2vec-text', { precision: 9 });
  const binary: Uint8Array = model.save('word2vec-binary');
  const tsv: { vectors: Uint8Array; metadata: Uint8Array } = model.save('projector-tsv', { precision: 4 });
  const format: SaveFormat = 'projector-tsv';
  void [text, text9, binary, tsv, format];

  const report: AnalogyReport = model.evaluateAnalogies(': s\na b c d\n', { restrict: 1000, method: '3cosadd' });
  const accuracy: number = report.total.accuracy + report.semantic.coverage + report.syntactic.correct + report.sections[0].questions;
  const pairs: SimilarityReport = model.evaluateSimilarity('a\tb\t1\n', { name: 'pairs.tsv' });
  const tokenizeOptions: TokenizeOptions = { lowercase: false, stripPunctuation: false, invalidUtf8: 'reject', name: 'x' };
  const tokens: string = el.tokenize(bytes, tokenizeOptions) + el.tokenize('The King');
  void tokens;
  void [accuracy, pairs.spearman, pairs.pairs, pairs.oovPairs];

  const vectorsFormat: VectorsFormat = 'glove';
  const loaded: Model = el.load(binary);
  const loadedText: Model = el.load('1 2\na 1 2\n', { format: vectorsFormat, name: 'tiny' });
  const loadedBuffer: Model = el.load(binary.buffer as ArrayBuffer, { format: 'auto' });
  const wrapped: Model = el.fromVectors(['a', 'b'], 2, new Float32Array(4));

  for (const m of [model, fromBytes, fromBuffer, loaded, loadedText, loadedBuffer, wrapped]) m.dispose();

  // Wrong usages the typings must reject:
  // @ts-expect-error analogy takes words, not numbers
  model.analogy('man', 'king', 3);
  // @ts-expect-error unknown model kind
  await el.train(corpus, { model: 'glove' });
  // @ts-expect-error misspelt option
  await el.train(corpus, { dimension: 50 });
  // @ts-expect-error projector-tsv gives two files, not one Uint8Array
  const notBytes: Uint8Array = model.save('projector-tsv');
  void notBytes;
  // @ts-expect-error unknown save format
  model.save('csv');
  // @ts-expect-error words is read-only
  model.words.push('x');
  // @ts-expect-error the constructor is private
  new Model();
  // @ts-expect-error topn is a number
  model.mostSimilar('king', { topn: '5' });
  // @ts-expect-error vector() returns a Float32Array
  const asArray: number[] = model.vector('king');
  void asArray;
}
