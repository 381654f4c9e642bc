#!/usr/bin/env node
// Byte-pair tokenizers: training a 4,000-token BPE on the WordNet glosses (native CLI and wasm in
// Node), and encoding the glosses with GPT-2's ranks (embedlab wasm against js-tiktoken).
//   node scripts/bench/bpe.mjs [--repeat N] [--vocab-size N]
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { init } from '../../src/js/node.js';
import { rawModule } from '../../src/js/embedlab.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const repeat = option('repeat', 3);
const vocabularySize = option('vocab-size', 4000);
const corpus = path.join(root, 'data/wordnet-glosses.txt');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

const raw = rawModule(await init());
const bytes = fs.readFileSync(corpus);
const text = bytes.toString('utf8');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'embedlab-bpe-bench-'));
const rows = [];

const native = [];
const wasm = [];
for (let r = 0; r < repeat; r++) {
  native.push(time(() => execFileSync(path.join(root, 'build/embedlab'), ['bpe', 'train', '--input', corpus,
    '--output', path.join(out, 'tok.model'), '--vocab-size', String(vocabularySize), '--quiet'])));
  wasm.push(time(() => {
    const trainer = raw.BpeTrainer.create(bytes, vocabularySize);
    while (!trainer.run(1e9));
    trainer.tokenizer().delete();
    trainer.delete();
  }));
}
rows.push([`train ${vocabularySize.toLocaleString('en-US')} tokens`, 'embedlab (native CLI, whole run)', median(native)]);
rows.push([`train ${vocabularySize.toLocaleString('en-US')} tokens`, 'embedlab (wasm in Node)', median(wasm)]);

const tokenizer = raw.Tokenizer.fromTiktoken(gpt2.bpe_ranks, 'gpt2');
const reference = new Tiktoken(gpt2);
let count = 0;
rows.push(['encode with GPT-2 ranks', 'embedlab (wasm in Node)',
  median(Array.from({ length: repeat }, () => time(() => { count = tokenizer.encode(bytes, false, -1).length; })))]);
rows.push(['encode with GPT-2 ranks', 'js-tiktoken 1.0.21',
  median(Array.from({ length: repeat }, () => time(() => reference.encode(text))))]);
tokenizer.delete();
fs.rmSync(out, { recursive: true, force: true });

const mb = (bytes.length / 1e6).toFixed(1);
const table = [`corpus: WordNet glosses, ${mb} MB, ${count.toLocaleString('en-US')} GPT-2 tokens; median of ${repeat}`, '',
  '| task | tool | ms |', '|---|---|---|',
  ...rows.map(([task, tool, ms]) => `| ${task} | ${tool} | ${Math.round(ms).toLocaleString('en-US')} |`)].join('\n');
console.log(table);
fs.mkdirSync(path.join(root, 'bench-out'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-out', 'bpe.md'), table + '\n');
