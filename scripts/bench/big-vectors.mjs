#!/usr/bin/env node
// Big pretrained vectors: a generated GloVe text file of 400,000 x 300 clustered vectors (about
// 1 GB, scripts/bench/glove-file.mjs, cached in bench-out/) loaded by embedlab natively (CLI) and in
// Node (wasm, loadStream from the path), and by gensim's KeyedVectors; peak memory of each; top-10
// query latency (median, p95) exact and through the approximate-neighbour index, with recall@10
// against exact search; the index's build time.
//   node scripts/bench/big-vectors.mjs [--rows N] [--dim N] [--queries N] [--variants mt,st]
//   (child mode: node big-vectors.mjs --wasm FILE WORDS_FILE, prints JSON)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../src/js/node.js';
import { writeClusteredGlove } from './glove-file.mjs';
import { seededRandom } from './random.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'bench-out');
const MB = 1 << 20;
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const percentile = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const median = (values) => percentile(values, 0.5);

// Times `run(query)` over the queries; returns { ms (per query), answers }.
function timeQueries(queries, run) {
  const ms = [];
  const answers = [];
  for (const q of queries) {
    const t = performance.now();
    answers.push(run(q).map((n) => n.word));
    ms.push(performance.now() - t);
  }
  return { ms, answers };
}

const recallAt10 = (exact, approx) => exact.reduce((sum, e, i) => sum + e.filter((w) => approx[i].includes(w)).length / e.length, 0) / exact.length;

// The wasm measurements, in a child process of their own (its peak RSS is its own).
async function wasmChild(file, wordsFile) {
  const words = fs.readFileSync(wordsFile, 'utf8').split(/\s+/).filter(Boolean);
  const el = await init();
  const heapBefore = el.heapSize();
  const t0 = performance.now();
  const model = await el.loadStream(file);
  const loadSeconds = (performance.now() - t0) / 1000;
  const afterLoad = { heapMb: el.heapSize() / MB, heapGrowthMb: (el.heapSize() - heapBefore) / MB, rssMb: process.resourceUsage().maxRSS / 1024 };
  const similar = words.map((w) => (m) => m.mostSimilar(w, { topn: 10 }));
  const analogies = [];
  for (let i = 0; i + 2 < words.length && analogies.length < words.length / 2; i += 3) {
    const [a, b, c] = words.slice(i, i + 3);
    analogies.push((m) => m.analogy(a, b, c, { topn: 10 }));
  }
  const exact = { similar: timeQueries(similar, (q) => q(model)), analogy: timeQueries(analogies, (q) => q(model)) };
  const result = { variant: el.variant, loadSeconds, ...afterLoad, rows: model.size, dim: model.dim, exact: {} };
  for (const kind of ['similar', 'analogy']) result.exact[kind] = { median: median(exact[kind].ms), p95: percentile(exact[kind].ms, 0.95) };
  if (typeof model.buildIndex === 'function') {
    const t1 = performance.now();
    await model.buildIndex({ threads: el.variant === 'mt' ? 2 : 1 });
    result.indexSeconds = (performance.now() - t1) / 1000;
    result.indexHeapMb = el.heapSize() / MB;
    result.indexRssMb = process.resourceUsage().maxRSS / 1024;
    result.indexed = {};
    for (const kind of ['similar', 'analogy']) {
      const queries = kind === 'similar' ? similar : analogies;
      const timed = timeQueries(queries, (q) => q(model));
      result.indexed[kind] = { median: median(timed.ms), p95: percentile(timed.ms, 0.95), recall: recallAt10(exact[kind].answers, timed.answers) };
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  model.dispose();
}

function timed(command, args) {
  const timeFile = path.join(outDir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, command, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
  const [wall, kb] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, peakMb: kb / 1024, stdout: r.stdout };
}

async function main() {
  const rows = option('rows', 400000);
  const dim = option('dim', 300);
  const queryCount = option('queries', 200);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `glove-${rows}x${dim}.txt`);
  let t = performance.now();
  const size = writeClusteredGlove(file, { rows, dim, clusters: 2000, seed: 11 });
  console.error(`vectors file: ${file}, ${(size / 1e9).toFixed(2)} GB (made or reused in ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  const random = seededRandom(5);
  const words = Array.from({ length: queryCount }, () => `w${Math.floor(random() * rows)}`);
  const wordsFile = path.join(outDir, 'big-vectors-words.txt');
  fs.writeFileSync(wordsFile, words.join('\n'));
  const floatsMb = (rows * dim * 4) / MB;

  const native = timed(path.join(root, 'build/embedlab'), ['similar', file, words[0]]);
  const wasm = {};
  const variantsArg = process.argv.indexOf('--variants');
  const variants = variantsArg > 0 ? process.argv[variantsArg + 1].split(',') : ['mt', 'st'];
  for (const variant of variants) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--wasm', file, wordsFile], {
      encoding: 'utf8', env: { ...process.env, EMBEDLAB_VARIANT: variant }, maxBuffer: 1 << 26,
    });
    if (r.status !== 0) throw new Error(`wasm (${variant}) failed:\n${r.stderr}`);
    wasm[variant] = JSON.parse(r.stdout.trim().split('\n').pop());
  }
  let gensim = null;
  const g = spawnSync('/usr/bin/python3', [path.join(root, 'scripts/bench/gensim_vectors.py'), file, wordsFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (g.status === 0) gensim = JSON.parse(g.stdout.trim().split('\n').pop());
  else console.error(`gensim skipped: ${g.stderr.trim().split('\n').pop()}`);

  const f = (x, d = 2) => (x == null ? '' : x.toFixed(d));
  const lines = [
    `${rows.toLocaleString('en-US')} x ${dim} GloVe text (${(size / 1e9).toFixed(2)} GB, ${f(floatsMb, 0)} MB of floats; bound 1.3x = ${f(1.3 * floatsMb, 0)} MB); ${queryCount} top-10 queries (mostSimilar of a word; analogies of word triples)`,
    '',
    '| tool | load s | peak memory MB | mostSimilar exact ms (median / p95) | indexed ms (median / p95) | recall@10 | analogy exact ms | analogy indexed ms | analogy recall@10 | index build s | peak with index MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| embedlab native CLI (load + 1 query) | ${f(native.wall)} | ${f(native.peakMb, 0)} (RSS) | | | | | | | | |`,
  ];
  for (const [variant, w] of Object.entries(wasm)) {
    const i = w.indexed;
    lines.push(`| embedlab wasm ${variant} (Node) | ${f(w.loadSeconds)} | ${f(w.heapMb, 0)} heap, ${f(w.rssMb, 0)} RSS | ` +
      `${f(w.exact.similar.median)} / ${f(w.exact.similar.p95)} | ${i ? `${f(i.similar.median)} / ${f(i.similar.p95)}` : ''} | ${i ? f(i.similar.recall, 3) : ''} | ` +
      `${f(w.exact.analogy.median)} / ${f(w.exact.analogy.p95)} | ${i ? `${f(i.analogy.median)} / ${f(i.analogy.p95)}` : ''} | ${i ? f(i.analogy.recall, 3) : ''} | ` +
      `${f(w.indexSeconds, 1)} | ${w.indexHeapMb ? `${f(w.indexHeapMb, 0)} heap, ${f(w.indexRssMb, 0)} RSS` : ''} |`);
  }
  if (gensim) {
    lines.push(`| gensim 4.2 KeyedVectors (numpy, exact) | ${f(gensim.load_seconds)} | ${f(gensim.peak_mb, 0)} (RSS) | ` +
      `${f(median(gensim.query_ms))} / ${f(percentile(gensim.query_ms, 0.95))} | | | | | | | |`);
  }
  const table = lines.join('\n');
  console.log(table);
  fs.writeFileSync(path.join(outDir, 'big-vectors.md'), `${table}\n`);
}

if (process.argv[2] === '--wasm') await wasmChild(process.argv[3], process.argv[4]);
else await main();
