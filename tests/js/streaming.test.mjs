// Big pretrained vectors: a vectors file loaded in chunks (loadStream) gives exactly what load()
// gives, from a path, a ReadableStream or an iterable; a 28,000 x 300 GloVe stream (8.4 M numbers,
// a "big" set: compact) grows the wasm heap by at most 1.3x its floats plus one growth step (16 MB);
// cancelling stops reading at once and frees what was read.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { init } from '../../src/js/node.js';
import { clusteredGlove } from '../../scripts/bench/glove-file.mjs';
import { VARIANT } from './helpers.mjs';

const MB = 1 << 20;
const BIG = { rows: 28000, dim: 300, clusters: 300, seed: 7 };
const GROWTH_STEP = 16 * MB; // the heap grows by at most this much at a time (src/wasm/CMakeLists.txt)
let el;
let bigBytes; // the chunks of the big file
let bigSize;

before(async () => {
  el = await init();
  assert.equal(el.variant, VARIANT);
  bigBytes = [...clusteredGlove(BIG)];
  bigSize = bigBytes.reduce((n, c) => n + c.length, 0);
});

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, at), at += c.length;
  return out;
}

test('loadStream from a file path, a ReadableStream and an async iterable gives exactly what load() gives', async () => {
  const small = concat([...clusteredGlove({ rows: 2000, dim: 50, seed: 3, chunkRows: 300 })]);
  const reference = el.load(small, { name: 'small.txt' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedlab-stream-'));
  const file = path.join(dir, 'small.txt');
  fs.writeFileSync(file, small);
  const sources = {
    path: file,
    ReadableStream: new Blob([small]).stream(),
    'async iterable of odd-sized pieces': (async function* pieces() {
      for (let i = 0; i < small.length; i += 777) yield small.subarray(i, i + 777);
    }()),
  };
  try {
    for (const [kind, source] of Object.entries(sources)) {
      const seen = [];
      const model = await el.loadStream(source, { name: 'small.txt', onProgress: (p) => seen.push(p) });
      assert.deepEqual(model.words, reference.words, kind);
      assert.deepEqual(model.vectors(), reference.vectors(), kind);
      const last = seen.at(-1);
      assert.equal(last.bytes, small.length, kind);
      assert.equal(last.rows, 2000, kind);
      if (kind === 'path') assert.equal(last.fraction, 1);
      model.dispose();
    }
  } finally {
    reference.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(el.loadStream(path.join(dir, 'missing.vec')), /cannot open .*missing\.vec.*no such file/);
  await assert.rejects(el.loadStream((async function* bad() { yield new Uint8Array([104, 32, 49, 10]); yield new Uint8Array([120, 32, 121, 10]); }())),
    /line 2.*is not a number/);
});

test('a 28,000 x 300 GloVe stream: heap growth within 1.3x the floats (+ one 16 MB growth step); cancelling stops at once and frees the rows', async () => {
  const floats = BIG.rows * BIG.dim * 4;
  const bound = 1.3 * floats + GROWTH_STEP;
  const heapBefore = el.heapSize();

  // Cancel a third of the way: no more than one more chunk is read, and the promise rejects.
  const controller = new AbortController();
  let pulledAfterAbort = 0;
  const source = (async function* chunks() {
    for (const c of bigBytes) {
      if (controller.signal.aborted) pulledAfterAbort++;
      yield c;
    }
  }());
  const cancelled = el.loadStream(source, {
    size: bigSize,
    signal: controller.signal,
    onProgress: (p) => { if (p.bytes > bigSize / 3) controller.abort(); },
  });
  await assert.rejects(cancelled, { name: 'AbortError', message: 'loading was cancelled' });
  assert.ok(pulledAfterAbort <= 1, `${pulledAfterAbort} chunks were read after the abort`);

  // The whole file then fits in the same bound: what the cancelled load held was freed.
  const model = await el.loadStream(bigBytes, { size: bigSize });
  const growth = el.heapSize() - heapBefore;
  assert.equal(model.size, BIG.rows);
  assert.equal(model.dim, BIG.dim);
  assert.ok(growth <= bound, `the heap grew by ${(growth / MB).toFixed(1)} MB for ${(floats / MB).toFixed(1)} MB of floats (bound ${(bound / MB).toFixed(1)} MB)`);
  // Its vectors read back as written (5 decimals), though a big set keeps only unit rows and lengths.
  const firstLine = new TextDecoder().decode(bigBytes[0].subarray(0, bigBytes[0].indexOf(10))).split(' ');
  const v = model.vector(firstLine[0]);
  for (let i = 0; i < BIG.dim; i++) assert.ok(Math.abs(v[i] - Number(firstLine[i + 1])) < 1e-5, `value ${i + 1}`);

  // The approximate-neighbour index: recall@10 of at least 0.95 against exact search, on words
  // and on analogies (quality, not time: timings are in the benchmark).
  assert.equal(model.wantsIndex, true);
  assert.equal(model.indexed, false);
  const words = Array.from({ length: 100 }, (_, i) => `w${(i * 277) % BIG.rows}`);
  const triples = Array.from({ length: 30 }, (_, i) => [`w${i * 31}`, `w${i * 53 + 7}`, `w${i * 97 + 11}`]);
  const answers = () => [
    ...words.map((w) => model.mostSimilar(w, { topn: 10 }).map((n) => n.word)),
    ...triples.map(([a, b, c]) => model.analogy(a, b, c, { topn: 10 }).map((n) => n.word)),
  ];
  const exact = answers();
  const stages = new Set();
  assert.equal(await model.buildIndex({ threads: VARIANT === 'mt' ? 2 : 1, onProgress: (p) => stages.add(p.stage) }), true);
  assert.equal(model.indexed, true);
  assert.ok(stages.has('done') && stages.size > 1, [...stages].join(', '));
  const indexed = answers();
  const recall = exact.reduce((sum, e, i) => sum + e.filter((w) => indexed[i].includes(w)).length / 10, 0) / exact.length;
  assert.ok(recall >= 0.95, `recall@10 ${recall.toFixed(3)}`);
  // 3CosMul and restricted searches stay exact.
  assert.deepEqual(model.mostSimilar(words[0], { topn: 10, restrict: BIG.rows }).map((n) => n.word), exact[0]);
  model.dispose();
});

test('small models keep exact search: buildIndex builds nothing', async () => {
  const model = el.load('a 1 0\nb 0 1\nc 1 1\n');
  assert.equal(model.wantsIndex, false);
  assert.equal(await model.buildIndex(), false);
  assert.equal(model.indexed, false);
  model.dispose();
});
