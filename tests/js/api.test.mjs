// The public JS API (src/js/index.js, documented in index.d.ts) on small generated corpora.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { init, Embedlab, Model } from '../../src/js/node.js';
import { VARIANT, plantedCorpus, zipfCorpus } from './helpers.mjs';

const PLANTED = plantedCorpus();
const PLANTED_OPTIONS = { dim: 20, epochs: 10, minCount: 1, window: 5, sample: 0, seed: 1 };
let el;
let model; // trained once on the planted corpus, shared by the query tests

before(async () => {
  el = await init();
  model = await el.train(PLANTED, PLANTED_OPTIONS);
});

after(() => model?.dispose());

const decode = (bytes) => new TextDecoder().decode(bytes);
const bytesOf = (floats) => new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);

test('init() is memoised and reports the SIMD kernels', async () => {
  const p1 = init();
  const p2 = init();
  assert.equal(p1, p2, 'init() returns the same promise');
  const [a, b] = await Promise.all([p1, p2]);
  assert.equal(a, b);
  assert.equal(a, el);
  assert.ok(a instanceof Embedlab);
  assert.equal(a.isa, 'wasm-simd128');
  assert.equal(a.variant, VARIANT, 'EMBEDLAB_VARIANT picks the build (pthreads by default in Node)');
  assert.equal(a.threads, VARIANT === 'mt');
  assert.ok(VARIANT === 'mt' ? a.maxThreads >= 1 : a.maxThreads === 1);
  assert.ok(a.heapSize() > 0);
});

test('train() resolves to a Model with training statistics', () => {
  assert.ok(model instanceof Model);
  assert.equal(model.dim, 20);
  assert.equal(model.size, 36, '4 targets + 4 x 8 context words');
  assert.equal(model.words.length, model.size);
  assert.equal(model.disposed, false);
  assert.equal(model.training.vocabularySize, 36);
  assert.equal(model.training.lines, 4000);
  assert.equal(model.training.tokens, 4000 * 7);
  assert.equal(model.training.epochs, 10);
  assert.equal(model.training.threads, 1);
  assert.ok(model.training.wordsPerSecond > 0);
  assert.ok(model.has('king'));
  assert.ok(!model.has('emperor'));
});

test('analogy: man is to king as woman is to queen', () => {
  const result = model.analogy('man', 'king', 'woman');
  assert.equal(result[0].word, 'queen');
  assert.equal(result.length, 10);
  for (const w of ['man', 'king', 'woman']) assert.ok(!result.some((n) => n.word === w), `${w} is excluded`);
  const mul = model.analogy('man', 'king', 'woman', { method: '3cosmul', topn: 3 });
  assert.equal(mul.length, 3);
  assert.equal(mul[0].word, 'queen');
});

test('mostSimilar({positive, negative}) finds queen', () => {
  const result = model.mostSimilar({ positive: ['king', 'woman'], negative: ['man'] });
  assert.equal(result[0].word, 'queen');
  const withTopn = model.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 2 });
  assert.equal(withTopn.length, 2);
  assert.equal(withTopn[0].word, 'queen');
});

test('mostSimilar(word, {topn}) returns topn sorted neighbours without the word', () => {
  const result = model.mostSimilar('king', { topn: 5 });
  assert.equal(result.length, 5);
  assert.ok(!result.some((n) => n.word === 'king'));
  assert.equal(new Set(result.map((n) => n.word)).size, 5);
  for (let i = 1; i < result.length; i++) assert.ok(result[i - 1].similarity >= result[i].similarity, 'sorted by similarity');
  for (const { word, similarity } of result) {
    assert.deepEqual(Object.keys(result[0]).sort(), ['similarity', 'word']);
    assert.ok(Math.abs(similarity - model.similarity('king', word)) < 1e-5, 'the similarity is the cosine');
  }
  // The array form is the same query, and restrict limits the search to the most frequent words.
  assert.deepEqual(model.mostSimilar(['king'], { topn: 5 }).map((n) => n.word), result.map((n) => n.word));
  const top4 = new Set(model.words.slice(0, 4));
  for (const n of model.mostSimilar('king', { restrict: 4 })) assert.ok(top4.has(n.word));
  assert.deepEqual(model.mostSimilar('king', { topn: 0 }), []);
});

test('similarity is symmetric and 1 for a word with itself', () => {
  const ab = model.similarity('king', 'queen');
  assert.equal(ab, model.similarity('queen', 'king'));
  assert.ok(ab > -1 && ab < 1);
  assert.ok(Math.abs(model.similarity('woman', 'woman') - 1) < 1e-5);
  // Royal words are closer to each other than to common ones.
  assert.ok(model.similarity('crown', 'throne') > model.similarity('crown', 'farm'));
});

test('doesntMatch picks the odd one out', () => {
  assert.equal(model.doesntMatch(['crown', 'throne', 'palace', 'farm']), 'farm');
  assert.equal(model.doesntMatch(['he', 'his', 'him', 'crown']), 'crown');
});

test('words are in frequency order', () => {
  const counts = new Map();
  for (const w of PLANTED.split(/\s+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  assert.deepEqual([...model.words].sort(), [...counts.keys()].sort());
  for (let i = 1; i < model.words.length; i++) {
    assert.ok(counts.get(model.words[i - 1]) >= counts.get(model.words[i]), `${model.words[i - 1]} before ${model.words[i]}`);
  }
  assert.ok(Object.isFrozen(model.words));
});

test('vector() returns a Float32Array copy that survives memory growth', async () => {
  const v = model.vector('queen');
  assert.ok(v instanceof Float32Array);
  assert.equal(v.length, model.dim);
  assert.equal(v.buffer.byteLength, model.dim * 4, 'a copy, not a view into the wasm heap');
  const saved = Float32Array.from(v);
  v.fill(123);
  assert.deepEqual(model.vector('queen'), saved, 'writing to the copy does not change the model');
  v.set(saved);

  const all = model.vectors();
  const row = model.words.indexOf('queen');
  assert.equal(all.length, model.size * model.dim);
  assert.deepEqual(all.subarray(row * model.dim, (row + 1) * model.dim), saved);

  // 3000 words x 3000 dims: two 36 MB matrices, more than the initial heap, so memory grows.
  const heapBefore = el.heapSize();
  const wide = Array.from({ length: 3000 }, (_, i) => `u${i}`).join(' ');
  const big = await el.train(`${wide}\n`, { dim: 3000, epochs: 1, minCount: 1, window: 1, negative: 1, sample: 0 });
  try {
    assert.ok(el.heapSize() > heapBefore, `the heap grew (${heapBefore} -> ${el.heapSize()})`);
    assert.equal(big.size, 3000);
  } finally {
    big.dispose();
  }
  assert.deepEqual(v, saved, 'the earlier copy is unchanged');
  assert.equal(v.length, model.dim, 'not detached');
  assert.deepEqual(bytesOf(model.vector('queen')), bytesOf(saved), 'the model still holds the same vector');
});

test("save('word2vec-binary') -> load() is bit-exact", () => {
  const bytes = model.save('word2vec-binary');
  assert.ok(bytes instanceof Uint8Array);
  assert.ok(decode(bytes.subarray(0, 10)).startsWith(`${model.size} ${model.dim}\n`));
  const loaded = el.load(bytes);
  try {
    assert.deepEqual(loaded.words, model.words);
    assert.equal(loaded.dim, model.dim);
    assert.equal(loaded.training, undefined);
    assert.deepEqual(bytesOf(loaded.vectors()), bytesOf(model.vectors()));
    // The format can be forced, and an ArrayBuffer works too.
    const forced = el.load(bytes.slice().buffer, { format: 'word2vec-binary' });
    assert.deepEqual(bytesOf(forced.vectors()), bytesOf(model.vectors()));
    forced.dispose();
  } finally {
    loaded.dispose();
  }
});

test("save('word2vec-text') -> load() keeps 6 significant digits", () => {
  const bytes = model.save('word2vec-text');
  const text = decode(bytes);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], `${model.size} ${model.dim}`);
  assert.equal(lines.length, model.size + 1);
  const loaded = el.load(text); // strings are accepted too
  try {
    assert.deepEqual(loaded.words, model.words);
    const a = model.vectors();
    const b = loaded.vectors();
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.abs(a[i]) + 1e-30, `value ${i}: ${a[i]} vs ${b[i]}`);
    }
  } finally {
    loaded.dispose();
  }
  // Higher precision round-trips exactly (9 significant digits identify a float).
  const exact = el.load(model.save('word2vec-text', { precision: 9 }));
  assert.deepEqual(bytesOf(exact.vectors()), bytesOf(model.vectors()));
  exact.dispose();
});

test("save('projector-tsv') gives vectors and metadata for the Embedding Projector", () => {
  const { vectors, metadata } = model.save('projector-tsv');
  assert.ok(vectors instanceof Uint8Array && metadata instanceof Uint8Array);
  const rows = decode(vectors).trimEnd().split('\n');
  const names = decode(metadata).trimEnd().split('\n');
  assert.equal(rows.length, model.size);
  assert.equal(names.length, model.size);
  assert.deepEqual(names, model.words);
  for (const row of rows) {
    const values = row.split('\t').map(Number);
    assert.equal(values.length, model.dim);
    assert.ok(values.every(Number.isFinite));
  }
  const row = model.words.indexOf('king');
  const king = model.vector('king');
  rows[row].split('\t').map(Number).forEach((x, i) => assert.ok(Math.abs(x - king[i]) <= 1e-5 * Math.abs(king[i]) + 1e-30));
});

test('load() reads GloVe text (no header) and word2vec text', () => {
  const glove = el.load('the 0.1 0.2 0.3\ncat -1 0.5 2\ndog -0.9 0.6 2.1\n');
  try {
    assert.deepEqual(glove.words, ['the', 'cat', 'dog']);
    assert.equal(glove.dim, 3);
    assert.deepEqual(glove.vector('cat'), new Float32Array([-1, 0.5, 2]));
    assert.equal(glove.mostSimilar('cat', { topn: 1 })[0].word, 'dog');
  } finally {
    glove.dispose();
  }
  const forced = el.load(new TextEncoder().encode('a 1 2\nb 3 4\n'), { format: 'glove' });
  assert.deepEqual(forced.vector('b'), new Float32Array([3, 4]));
  forced.dispose();
  const w2v = el.load('2 2\na 1 2\nb 3 4\n');
  assert.deepEqual(w2v.words, ['a', 'b']);
  w2v.dispose();
});

test('fromVectors() wraps row-major vectors', () => {
  const m = el.fromVectors(['x', 'y'], 2, new Float32Array([1, 0, 0, 1]));
  assert.deepEqual(m.vector('y'), new Float32Array([0, 1]));
  assert.ok(Math.abs(m.similarity('x', 'y')) < 1e-6);
  m.dispose();
});

test('train() accepts UTF-8 bytes and an ArrayBuffer like a string', async () => {
  const text = zipfCorpus({ lines: 300, vocabulary: 50 });
  const options = { dim: 8, epochs: 1, minCount: 1 };
  const fromString = await el.train(text, options);
  const bytes = new TextEncoder().encode(text);
  const fromBytes = await el.train(bytes, options);
  const fromBuffer = await el.train(bytes.slice().buffer, options);
  assert.deepEqual(bytesOf(fromBytes.vectors()), bytesOf(fromString.vectors()));
  assert.deepEqual(bytesOf(fromBuffer.vectors()), bytesOf(fromString.vectors()));
  [fromString, fromBytes, fromBuffer].forEach((m) => m.dispose());
});

test('onProgress reports increasing wordsDone and a final finished report', async () => {
  const text = zipfCorpus({ lines: 4000, vocabulary: 300 });
  const reports = [];
  const m = await el.train(text, { dim: 32, epochs: 3, minCount: 1, sliceMs: 5, onProgress: (p) => reports.push(p) });
  m.dispose();
  assert.ok(reports.length >= 3, `several reports (${reports.length})`);
  const total = 4000 * 10 * 3;
  for (const p of reports) {
    for (const key of ['wordsDone', 'wordsTotal', 'fraction', 'epoch', 'learningRate', 'averageLoss', 'wordsPerSecond',
      'etaSeconds', 'elapsedMs', 'vocabularySize']) {
      assert.equal(typeof p[key], 'number', `${key} is a number`);
    }
    assert.equal(p.wordsTotal, total);
    assert.equal(p.vocabularySize, m.training.vocabularySize);
    assert.ok(p.fraction >= 0 && p.fraction <= 1);
    assert.ok(Math.abs(p.fraction - p.wordsDone / p.wordsTotal) < 1e-12);
    assert.ok(p.epoch >= 1 && p.epoch <= 3);
    assert.ok(p.etaSeconds >= 0);
    assert.equal(p.cancelled, false);
  }
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i].wordsDone >= reports[i - 1].wordsDone, 'wordsDone never decreases');
    assert.ok(reports[i].elapsedMs >= reports[i - 1].elapsedMs);
  }
  assert.ok(new Set(reports.map((p) => p.wordsDone)).size >= 3, 'wordsDone increases');
  assert.ok(reports.slice(0, -1).every((p) => !p.finished), 'only the last report is finished');
  const last = reports.at(-1);
  assert.equal(last.finished, true);
  assert.equal(last.wordsDone, total);
  assert.equal(last.fraction, 1);
  assert.equal(last.etaSeconds, 0);
  assert.equal(last.epoch, 3);
  assert.ok(reports.some((p) => !p.finished && p.wordsDone > 0 && Number.isFinite(p.etaSeconds) && p.etaSeconds > 0),
    'a running report has a finite ETA');
});

test('an AbortSignal stops training with an AbortError before it completes; the instance still trains', async () => {
  const text = zipfCorpus({ lines: 4000, vocabulary: 300 });
  const controller = new AbortController();
  const reports = [];
  let reportsAfterAbort = 0;
  await assert.rejects(
    el.train(text, {
      dim: 64, epochs: 500, minCount: 1, signal: controller.signal,
      onProgress: (p) => {
        if (controller.signal.aborted) reportsAfterAbort++;
        reports.push(p);
        controller.abort();
      },
    }),
    (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'AbortError');
      return true;
    },
  );
  assert.equal(reports.length, 1, 'a progress report came before the abort, and none after it');
  assert.equal(reportsAfterAbort, 0);
  const [last] = reports;
  assert.ok(last.wordsDone < last.wordsTotal, `the 500 epochs did not run (${last.wordsDone} of ${last.wordsTotal} words)`);
  assert.equal(last.finished, false);

  // The abort reason is passed through when it is an Error.
  const withReason = new AbortController();
  const reason = new Error('stop now');
  await assert.rejects(
    el.train(text, { dim: 16, epochs: 500, minCount: 1, signal: withReason.signal, onProgress: () => withReason.abort(reason) }),
    (error) => error === reason,
  );

  // An already aborted signal rejects at once.
  await assert.rejects(el.train(text, { minCount: 1, signal: AbortSignal.abort() }), { name: 'AbortError' });

  const again = await el.train(PLANTED, PLANTED_OPTIONS);
  try {
    assert.equal(again.analogy('man', 'king', 'woman')[0].word, 'queen');
    assert.deepEqual(bytesOf(again.vectors()), bytesOf(model.vectors()), 'same vectors as before the aborted runs');
  } finally {
    again.dispose();
  }
});

test('one thread and the same seed give identical vectors; another seed differs', async () => {
  const text = zipfCorpus({ lines: 1500, vocabulary: 200 });
  const options = { dim: 16, epochs: 2, minCount: 1, threads: 1, seed: 7 };
  const a = await el.train(text, options);
  const b = await el.train(text, options);
  const c = await el.train(text, { ...options, seed: 8 });
  try {
    assert.deepEqual(a.words, b.words);
    assert.deepEqual(bytesOf(a.vectors()), bytesOf(b.vectors()));
    assert.notDeepEqual(bytesOf(a.vectors()), bytesOf(c.vectors()));
  } finally {
    [a, b, c].forEach((m) => m.dispose());
  }
});

test('threads: 2 works with the pthreads build; the single-threaded one refuses it', async (t) => {
  if (VARIANT === 'st') {
    await assert.rejects(el.train(PLANTED, { ...PLANTED_OPTIONS, threads: 2 }), /runs single-threaded here/);
    return;
  }
  if (el.maxThreads < 2) {
    t.skip(`this machine has ${el.maxThreads} CPU`);
    return;
  }
  const threads = 2;
  const reports = [];
  const m = await el.train(PLANTED, { ...PLANTED_OPTIONS, threads, onProgress: (p) => reports.push(p) });
  try {
    assert.equal(m.training.threads, threads);
    assert.equal(m.analogy('man', 'king', 'woman')[0].word, 'queen');
    assert.equal(reports.at(-1).finished, true);
    assert.equal(reports.at(-1).wordsDone, reports.at(-1).wordsTotal);
  } finally {
    m.dispose();
  }
  await assert.rejects(el.train(PLANTED, { ...PLANTED_OPTIONS, threads: el.maxThreads + 1 }), /threads must be at most/);
});

test('tokenize() gives the text as train() sees it', () => {
  const text = '\uFEFFThe King, the QUEEN!\n\n  "Hello"   world...\n';
  assert.equal(el.tokenize(text), 'the king the queen\n\nhello world\n');
  assert.equal(el.tokenize(new TextEncoder().encode(text).buffer, { lowercase: false, stripPunctuation: false }),
    'The King, the QUEEN!\n\n"Hello" world...\n');
  assert.equal(el.tokenize(new Uint8Array([0x61, 0xff, 0x62, 10])), 'a\uFFFDb\n');
  assert.throws(() => el.tokenize(new Uint8Array([0x61, 0xff, 10]), { invalidUtf8: 'reject', name: 'latin1.txt' }),
    { message: /^latin1\.txt line 1: invalid UTF-8/ });
  assert.throws(() => el.tokenize('ok\0\n'), { message: /^text line 1: NUL byte/ });
  assert.throws(() => el.tokenize('x', { lowercase: 'no' }), { message: /^lowercase must be true or false, got 'no'$/ });
  assert.throws(() => el.tokenize(42), { message: /^text must be a Uint8Array or ArrayBuffer, got 42$/ });
  // Its tokens are the vocabulary train() builds.
  const words = new Set(el.tokenize(PLANTED).split(/\s+/).filter(Boolean));
  assert.deepEqual([...words].sort(), [...model.words].sort());
});

test('dispose() frees the model and is safe twice', async () => {
  const m = el.load('1 2\nx 1 2\n');
  m.dispose();
  assert.equal(m.disposed, true);
  m.dispose();
  assert.throws(() => m.vector('x'), /disposed/);
});
