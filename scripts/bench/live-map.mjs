#!/usr/bin/env node
// What the map while training costs: words/s of word2vec on the WordNet glosses with and without
// liveMap (a PCA frame of the 2,000 most frequent words, aligned to the previous one, every 2% of
// the run), runs alternated, medians of --repeat runs. Writes bench-out/live-map.md.
//   node scripts/bench/live-map.mjs [--repeat N] [--epochs N] [--threads N]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { init } from '../../src/js/node.js';

const root = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, epochs: { type: 'string', default: '1' }, threads: { type: 'string' } } });
const repeat = Number(values.repeat);
const epochs = Number(values.epochs);
const threadCounts = values.threads ? [Number(values.threads)] : [1, 2];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const el = await init();
const text = fs.readFileSync(`${root}data/wordnet-glosses.txt`);
const rows = [];
for (const threads of threadCounts) {
  const rates = { off: [], on: [] };
  let frames = 0;
  for (let r = 0; r < repeat; r++) {
    for (const mode of ['off', 'on']) {
      let count = 0;
      const liveMap = mode === 'on' ? { words: 2000, every: 0.02, onFrame: () => { count++; } } : undefined;
      const model = await el.train(text, { epochs, threads, seed: 1, liveMap });
      rates[mode].push(model.training.wordsPerSecond);
      if (mode === 'on') frames = count;
      model.dispose();
    }
  }
  const off = median(rates.off);
  const on = median(rates.on);
  rows.push(`| ${threads} | ${Math.round(off).toLocaleString('en-US')} | ${Math.round(on).toLocaleString('en-US')} | ${frames} | ${(100 * (1 - on / off)).toFixed(1)}% |`);
}
const table = [
  `Live map overhead: word2vec CBOW, ${epochs} epoch(s) on the WordNet glosses, wasm (${el.variant}) in Node, median of ${repeat}`,
  '',
  '| threads | words/s without map | words/s with live map | frames | slowdown |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);
fs.mkdirSync(`${root}bench-out`, { recursive: true });
fs.writeFileSync(`${root}bench-out/live-map.md`, `${table}\n`);
process.exit(0);
