// Leaks: the wasm heap grows and never shrinks, so after a first cycle has grown it to what a cycle
// needs, repeating the cycle must not grow it further. The cycles allocate megabytes (text copy,
// token array, two vector matrices), so leaking any of those per cycle would need more memory than
// the heap has free and make it grow.
// The two builds unwind failed calls differently (scripts/test.sh runs this file on both).
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { VARIANT, zipfCorpus } from './helpers.mjs';

const MB = 1 << 20;
// About 0.5 MB of text, 50k tokens, 3000 distinct words: a 100-dim model is 1.2 MB per matrix.
const TEXT = zipfCorpus({ lines: 5000, vocabulary: 3000, length: 10, seed: 3 });
const TRAIN = { dim: 100, epochs: 1, minCount: 1, window: 2, negative: 2 };
let el;
let binaryFile; // word2vec binary of a 3000 x 100 model, 1.2 MB
let textFile; // word2vec text of its 200 most frequent words (text parsing is slow in wasm)
let size;

before(async () => {
  el = await init();
  assert.equal(el.variant, VARIANT);
  const m = await el.train(TEXT, TRAIN);
  size = m.size;
  binaryFile = m.save('word2vec-binary');
  const lines = new TextDecoder().decode(m.save('word2vec-text')).split('\n');
  textFile = ['200 100', ...lines.slice(1, 201), ''].join('\n');
  m.dispose();
});

async function cycles(count, cycle) {
  await cycle(0);
  const afterFirst = el.heapSize();
  for (let i = 1; i < count; i++) await cycle(i);
  const final = el.heapSize();
  assert.ok(final <= afterFirst,
    `the heap grew from ${(afterFirst / MB).toFixed(1)} MB after the first cycle to ${(final / MB).toFixed(1)} MB after ${count}`);
}

test('50 train/dispose cycles do not leak', async () => {
  await cycles(50, async () => {
    const m = await el.train(TEXT, TRAIN);
    assert.equal(m.size, size);
    m.mostSimilar('w1', { topn: 5 });
    m.save('word2vec-binary');
    m.dispose();
  });
});

test('50 load/dispose cycles do not leak', async () => {
  await cycles(50, () => {
    const m = el.load(binaryFile);
    assert.equal(m.size, size);
    m.vectors();
    m.analogy('w1', 'w2', 'w3', { topn: 3 });
    m.dispose();
    const t = el.load(textFile);
    assert.equal(t.size, 200);
    t.dispose();
  });
});

test('20 aborted trainings do not leak', async () => {
  await cycles(20, async () => {
    const controller = new AbortController();
    let reports = 0;
    await assert.rejects(
      el.train(TEXT, {
        ...TRAIN, epochs: 100, sliceMs: 10, signal: controller.signal,
        onProgress: () => { if (++reports === 2) controller.abort(); },
      }),
      { name: 'AbortError' },
    );
    assert.equal(reports, 2);
  });
});

test('50 failing loads and trainings do not leak', async () => {
  // The errors come at the end, after the whole file has been copied and mostly parsed.
  const truncated = binaryFile.subarray(0, binaryFile.length - 3);
  const badText = `${textFile.trimEnd()} oops\n`;
  await cycles(50, async () => {
    assert.throws(() => el.load(truncated), /truncated/);
    assert.throws(() => el.load(badText), /line 201/);
    await assert.rejects(el.train(TEXT, { ...TRAIN, minCount: 1e6 }), /no word occurs at least/);
    await assert.rejects(el.train(`${TEXT}\0`, TRAIN), /binary/);
  });
});

test('30 failing trainings on a large text do not leak its copy', async () => {
  // 6 MB of text that fails at its last line: a leaked copy per call would grow the heap by 180 MB.
  const big = `${TEXT.repeat(12)}\0\n`;
  await cycles(30, async () => {
    await assert.rejects(el.train(big, TRAIN), /binary/);
    await assert.rejects(el.train(new TextEncoder().encode(big), TRAIN), /binary/);
  });
});
