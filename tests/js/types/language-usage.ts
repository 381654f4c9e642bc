// A consumer's view of the tokenizer and language-model typings: must compile under --strict
// (types.test.mjs). Lines marked @ts-expect-error must be rejected.
import { init, Tokenizer, LanguageModel, Model } from 'embedlab';
import type {
  Candidate, Encoding, InputParts, LanguageModelConfig, LanguageModelOptions, LanguageTrainProgress, ProbeResult,
  TokenMerge, TokenizerTrainProgress,
} from 'embedlab';

export async function language(corpus: string, files: { vocab: string; merges: string }, bytes: Uint8Array): Promise<void> {
  const el = await init();
  const controller = new AbortController();
  const tok: Tokenizer = await el.trainTokenizer(corpus, {
    vocabSize: 4000, sliceMs: 20, signal: controller.signal,
    onProgress: (p: TokenizerTrainProgress) => void [p.mergesDone, p.mergesTotal, p.fraction, p.etaSeconds, p.finished],
  });
  const inWorker: Promise<Tokenizer> = el.trainTokenizerInWorker(corpus, { vocabSize: 1000 });
  void inWorker;
  const merges: readonly TokenMerge[] = tok.merges;
  const first: [number, number, number, string, number] = [merges[0].left, merges[0].right, merges[0].id, merges[0].piece, merges[0].count];
  const encoding: Encoding = tok.encode(' the king', { merges: 10, allowSpecial: true });
  const ids: Uint32Array = encoding.ids;
  const text: string = tok.decode(ids) + tok.decode([1, 2]) + tok.piece(5) + encoding.pieces[0] + encoding.texts[0];
  const saved: Uint8Array = tok.save();
  const kind: 'bpe' | 'word' = tok.kind;
  void [first, text, saved, kind, tok.size, tok.disposed, tok.decodeBytes(ids)];
  const gpt2: Tokenizer = el.loadTokenizer(files);
  const fromRanks: Tokenizer = el.loadTokenizer({ bpe_ranks: 'x' });
  const fromFile: Tokenizer = el.loadTokenizer(bytes, { name: 'gpt2.tiktoken' });
  void [gpt2, fromRanks, fromFile];

  const options: LanguageModelOptions = {
    objective: 'masked', positional: 'rope', layers: 2, heads: 4, width: 64, context: 64, batch: 16, steps: 100,
    learningRate: 3e-3, warmup: 10, validateEvery: 10, threads: 1, seed: 1, tokenizer: tok, sliceMs: 50,
    signal: controller.signal,
    probe: { prompt: 'the', fill: 'the [MASK]', pair: 'b', neighbours: ['king'], positions: 16, everyMs: 500, tokens: 10, temperature: 1, topK: 5, seed: 2 },
    onProgress: (p: LanguageTrainProgress) => {
      const probe: ProbeResult | undefined = p.probe;
      const sample: string | undefined = probe?.samples?.[0].text;
      const fill: Candidate | undefined = probe?.fills?.[0].masks[0][0];
      const near = probe?.neighbours?.king?.neighbours[0].word;
      const similarity: Float32Array | undefined = probe?.positionalSimilarity?.data;
      void [p.step, p.steps, p.fraction, p.loss, p.validationLoss, p.baseline, p.tokensPerSecond, p.etaSeconds, sample, fill, near, similarity];
    },
  };
  const lm: LanguageModel = await el.trainLanguageModel(corpus, options);
  const worker: Promise<LanguageModel> = el.trainLanguageModelInWorker(corpus, { vocabSize: 512, steps: 0 });
  void worker;
  const config: LanguageModelConfig = lm.config;
  const parts: InputParts = lm.inputs('the cat sat', { pair: 'it was tired' });
  const sum: Float32Array = parts.sum;
  const hidden: Float32Array = lm.outputs('dog bites man').hidden;
  const next: Candidate[] = lm.next('the king', { topK: 5 });
  const generated: string = lm.generate('the king', { tokens: 20, temperature: 0.8, topK: 40, seed: 1 }).text;
  const filled: Candidate[][] = lm.fill('the [MASK] of france', { topK: 5 });
  const attention: Float32Array = lm.attention('the king', { layer: 0 }).data;
  const vectors: Model = lm.tokenEmbeddings();
  const positions: number = lm.positionalEmbeddings().rows + el.sinusoidalPositions(64, 64).data.length;
  const scores: number = lm.ropeScores('king', 'queen', { offset: 2, positions: 8, head: 0 })[0].score;
  const similarity = lm.positionalSimilarity({ rows: 8 });
  const files2: Uint8Array[] = [lm.save(), lm.exportSafetensors()];
  const loaded: LanguageModel = el.loadLanguageModel(files2[0]);
  void [config.positional, sum, hidden, next, generated, filled, attention, positions, scores, similarity, lm.tokenizer.size];
  for (const d of [vectors, loaded, lm, tok]) d.dispose();

  // @ts-expect-error unknown objective
  await el.trainLanguageModel(corpus, { objective: 'gpt' });
  // @ts-expect-error unknown positional kind
  await el.trainLanguageModel(corpus, { positional: 'alibi' });
  // @ts-expect-error the tokenizer is a Tokenizer, not a name
  await el.trainLanguageModel(corpus, { tokenizer: 'gpt2' });
  // @ts-expect-error fill gives candidates per mask
  const flat: Candidate[] = lm.fill('the [MASK]');
  void flat;
}
