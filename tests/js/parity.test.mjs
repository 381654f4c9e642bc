// Native/wasm parity: the native CLI with its SSE2 kernels and the WebAssembly build (SIMD128 via
// the same SSE2 code) train the same vectors for the same options, one thread and seed.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { init } from '../../src/js/node.js';
import { ROOT, CLI, NATIVE_CLI, tempDir, maxAbsDiff } from './helpers.mjs';

const CORPUS_LINES = 20000;
const TOLERANCE = 1e-4;
const PROBES = ['king', 'woman', 'water', 'city', 'music', 'red'];
const OPTIONS = ['--model', 'cbow', '--dim', '50', '--epochs', '2', '--threads', '1', '--seed', '1', '--precision', '9', '--quiet'];

let el;
let dir;
let corpusFile;
let native; // Model loaded from the native CLI's output
let wasm; // Model trained in this process

before(async () => {
  assert.ok(fs.existsSync(NATIVE_CLI), `the native CLI ${NATIVE_CLI} is missing; build it first (bash scripts/build.sh --native-only)`);
  const source = path.join(ROOT, 'data/wordnet-glosses.txt');
  assert.ok(fs.existsSync(source), `the corpus ${source} is missing; run npm run corpus`);
  dir = tempDir('embedlab-parity-');
  corpusFile = path.join(dir, 'corpus.txt');
  const text = fs.readFileSync(source, 'utf8');
  let end = 0;
  for (let i = 0; i < CORPUS_LINES && end >= 0; i++) end = text.indexOf('\n', end + 1);
  fs.writeFileSync(corpusFile, end < 0 ? text : text.slice(0, end + 1));

  const nativeFile = path.join(dir, 'native.vec');
  execFileSync(NATIVE_CLI, ['train', '--input', corpusFile, '--output', nativeFile, ...OPTIONS], {
    env: { ...process.env, EMBEDLAB_ISA: 'sse2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  el = await init();
  native = el.load(fs.readFileSync(nativeFile));
  wasm = await el.train(fs.readFileSync(corpusFile), { model: 'cbow', dim: 50, epochs: 2, threads: 1, seed: 1 });
});

after(() => {
  native?.dispose();
  wasm?.dispose();
});

test('the same vocabulary in the same order', () => {
  assert.ok(native.size > 4000, `a real vocabulary (${native.size} words)`);
  assert.equal(native.dim, 50);
  assert.equal(wasm.size, native.size);
  assert.deepEqual(wasm.words, native.words);
});

test(`every vector within ${TOLERANCE} of the native one`, (t) => {
  const a = native.vectors();
  const b = wasm.vectors();
  assert.equal(a.length, b.length);
  let worst = 0;
  let worstRow = 0;
  for (let row = 0; row < native.size; row++) {
    const d = maxAbsDiff(a.subarray(row * 50, row * 50 + 50), b.subarray(row * 50, row * 50 + 50));
    if (d > worst) {
      worst = d;
      worstRow = row;
    }
  }
  t.diagnostic(`max |native - wasm| = ${worst}${worst > 0 ? ` (word '${native.words[worstRow]}')` : ''}`);
  assert.ok(worst <= TOLERANCE, `max difference ${worst} at '${native.words[worstRow]}'`);
});

test('the same top-10 neighbours for probe words', () => {
  for (const word of PROBES) {
    assert.ok(native.has(word), `'${word}' is in the vocabulary`);
    const expected = native.mostSimilar(word, { topn: 10 }).map((n) => n.word);
    const actual = wasm.mostSimilar(word, { topn: 10 }).map((n) => n.word);
    assert.deepEqual(actual, expected, `neighbours of '${word}'`);
  }
});

test('the Node CLI trains the same vectors as the native CLI', () => {
  const out = path.join(dir, 'node-cli.vec');
  execFileSync(process.execPath, [CLI, 'train', '--input', corpusFile, '--output', out, ...OPTIONS], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = el.load(fs.readFileSync(out));
  try {
    assert.deepEqual(m.words, native.words);
    assert.ok(maxAbsDiff(m.vectors(), native.vectors()) <= TOLERANCE);
  } finally {
    m.dispose();
  }
});
