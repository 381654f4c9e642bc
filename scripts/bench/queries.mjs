#!/usr/bin/env node
// Query latency: top-10 mostSimilar with embedlab (wasm SIMD, in Node) against a straightforward
// plain-JS Float32Array implementation, on a trained 20k x 100 model and a random 100k x 300 one.
//   node scripts/bench/queries.mjs [--queries N] [--repeat N]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../src/js/node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const queryCount = option('queries', 200);
const repeat = option('repeat', 5);

// The baseline: normalise rows once, then one dot product per row and a small sorted top list.
class PlainJsIndex {
  constructor(words, dim, data) {
    this.words = words;
    this.dim = dim;
    this.unit = new Float32Array(data);
    this.index = new Map(words.map((w, i) => [w, i]));
    for (let r = 0; r < words.length; r++) {
      let norm = 0;
      for (let i = r * dim; i < (r + 1) * dim; i++) norm += this.unit[i] * this.unit[i];
      norm = Math.sqrt(norm) || 1;
      for (let i = r * dim; i < (r + 1) * dim; i++) this.unit[i] /= norm;
    }
  }
  mostSimilar(word, topn = 10) {
    const { dim, unit } = this;
    const q = this.index.get(word);
    const query = unit.subarray(q * dim, (q + 1) * dim);
    const best = []; // [similarity, row], ascending
    for (let r = 0; r < this.words.length; r++) {
      if (r === q) continue;
      let s = 0;
      const base = r * dim;
      for (let i = 0; i < dim; i++) s += unit[base + i] * query[i];
      if (best.length < topn || s > best[0][0]) {
        best.push([s, r]);
        best.sort((a, b) => a[0] - b[0]);
        if (best.length > topn) best.shift();
      }
    }
    return best.reverse().map(([similarity, r]) => ({ word: this.words[r], similarity }));
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Median over `repeat` passes of the mean time per query, in milliseconds.
function timeQueries(run, queries) {
  const passes = [];
  for (let p = 0; p < repeat; p++) {
    const t0 = performance.now();
    for (const q of queries) run(q);
    passes.push((performance.now() - t0) / queries.length);
  }
  return median(passes);
}

function randomModel(rows, dim, seed) {
  let x = seed >>> 0 || 1;
  const next = () => { // xorshift32
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32 - 0.5;
  };
  const words = Array.from({ length: rows }, (_, i) => `w${i}`);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = next();
  return { words, dim, data };
}

const el = await init({ threads: false });
const cases = [];
const trained = path.join(root, 'bench-out', 'embedlab-cbow-1.vec');
if (fs.existsSync(trained)) {
  const m = el.load(fs.readFileSync(trained));
  cases.push({ name: `trained (WordNet) ${m.size.toLocaleString('en-US')} x ${m.dim}`, words: [...m.words], dim: m.dim, data: m.vectors() });
  m.dispose();
} else {
  console.error(`(no ${path.relative(root, trained)}: run the training benchmark first; using a random 20k x 100 model)`);
  cases.push({ name: 'random 20,000 x 100', ...randomModel(20000, 100, 7) });
}
cases.push({ name: 'random 100,000 x 300', ...randomModel(100000, 300, 11) });

const lines = ['| model | embedlab (wasm SIMD) ms/query | plain JS ms/query | speed-up |', '|---|---|---|---|'];
for (const c of cases) {
  const model = el.fromVectors(c.words, c.dim, c.data);
  const plain = new PlainJsIndex(c.words, c.dim, c.data);
  const queries = Array.from({ length: queryCount }, (_, i) => c.words[(i * 7919) % Math.min(c.words.length, 5000)]);
  // Same answers, or the comparison is meaningless.
  for (const q of queries.slice(0, 5)) {
    const a = model.mostSimilar(q, { topn: 10 }).map((n) => n.word);
    const b = plain.mostSimilar(q, 10).map((n) => n.word);
    if (a.join() !== b.join()) console.error(`note: answers differ for '${q}': ${a.join(' ')} vs ${b.join(' ')}`);
  }
  const wasmMs = timeQueries((q) => model.mostSimilar(q, { topn: 10 }), queries);
  const plainMs = timeQueries((q) => plain.mostSimilar(q, 10), queries.slice(0, Math.max(20, queryCount / 4)));
  lines.push(`| ${c.name} | ${wasmMs.toFixed(3)} | ${plainMs.toFixed(3)} | ${(plainMs / wasmMs).toFixed(1)}x |`);
  model.dispose();
}
const table = lines.join('\n');
console.log(`top-10 mostSimilar, mean per query, median of ${repeat} passes`);
console.log(table);
fs.mkdirSync(path.join(root, 'bench-out'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-out', 'queries.md'), table + '\n');
