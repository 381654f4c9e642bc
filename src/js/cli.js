#!/usr/bin/env node
// `npx embedlab`: the native CLI's verbs and flags, running the WebAssembly core in Node.
import fs from 'node:fs';
import path from 'node:path';
import { init } from './index.js';

const HELP = {
  main: `embedlab (WebAssembly build): train and explore word embeddings

usage: embedlab VERB [arguments] (embedlab VERB --help for details)

  train         train vectors on a text corpus (CBOW or skip-gram)
  similar       nearest neighbours of a word (or of a sum of words)
  analogy       A - B + C, e.g. king man woman
  similarity    cosine similarity of two words
  doesnt-match  the odd one out among several words
  eval          analogy accuracy (questions-words) or word-pair similarity (Spearman)
  convert       word2vec text <-> binary, Embedding Projector TSV
`,
  train: `usage: embedlab train --input corpus.txt --output vectors.vec [options]

Trains word vectors (word2vec: CBOW or skip-gram) on a text file, one sentence per line.

  --input FILE         UTF-8 text (required)
  --output FILE        where to write the vectors (required); word2vec text unless --binary
  --binary             write word2vec binary instead of text
  --model cbow|skipgram   (cbow)
  --loss ns|hs         negative sampling or hierarchical softmax (ns)
  --dim N              vector size, 1..10000 (100)
  --window N           maximum context radius (5)
  --negative N         negative samples per example (5)
  --epochs N           passes over the corpus (5)
  --min-count N        drop words seen fewer times (5)
  --max-vocab N        keep only the N most frequent words (0 = all)
  --sample T           subsampling threshold, 0 = off (1e-3)
  --alpha R            starting learning rate (0.05 cbow, 0.025 skipgram)
  --threads N          training threads (1 = deterministic for a given seed)
  --seed N             random seed (1)
  --precision N        significant digits in text output (6)
  --keep-case          do not lowercase
  --keep-punctuation   do not strip leading/trailing punctuation from tokens
  --invalid-utf8 replace|reject   what to do with invalid UTF-8 (replace with U+FFFD)
  --quiet              no progress bar
`,
  similar: `usage: embedlab similar VECTORS WORD [WORD ...] [--minus WORD,WORD] [--top N] [--restrict N]

Nearest neighbours by cosine similarity of the sum of the given words (minus --minus ones).
`,
  analogy: `usage: embedlab analogy VECTORS A B C [--top N] [--method add|mul] [--restrict N]

Words closest to A - B + C (for example: king man woman -> queen), excluding A, B and C.
`,
  similarity: 'usage: embedlab similarity VECTORS WORD1 WORD2\n\nCosine similarity of two words.\n',
  'doesnt-match': 'usage: embedlab doesnt-match VECTORS WORD WORD [WORD ...]\n\nThe word that fits least with the others.\n',
  eval: `usage: embedlab eval VECTORS FILE [--restrict N] [--method add|mul] [--pairs]

Analogy accuracy on a questions-words file, per section with coverage (--restrict 30000 by default),
or the Spearman correlation for 'word1<TAB>word2<TAB>score' lines (detected, or forced with --pairs).
`,
  convert: `usage: embedlab convert INPUT OUTPUT [--to text|binary|projector] [--precision N]

Converts vectors between formats; --to projector writes OUTPUT/vectors.tsv and OUTPUT/metadata.tsv.
`,
};

const VERBS = {
  train: { values: ['input', 'output', 'model', 'loss', 'dim', 'window', 'negative', 'epochs', 'min-count', 'max-vocab',
    'sample', 'alpha', 'threads', 'seed', 'precision', 'invalid-utf8'], flags: ['binary', 'quiet', 'keep-case', 'keep-punctuation'] },
  similar: { values: ['top', 'restrict', 'minus'], flags: [] },
  analogy: { values: ['top', 'method', 'restrict'], flags: [] },
  similarity: { values: [], flags: [] },
  'doesnt-match': { values: [], flags: [] },
  eval: { values: ['restrict', 'method'], flags: ['pairs'] },
  convert: { values: ['to', 'precision'], flags: [] },
};

class UsageError extends Error {}

function parse(verb, argv) {
  const spec = VERBS[verb];
  const args = { positional: [], values: {}, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.length > 2 && a.startsWith('--')) {
      let [name, value] = a.slice(2).split(/=(.*)/s);
      if (spec.flags.includes(name)) {
        if (value !== undefined) throw new UsageError(`option --${name} takes no value`);
        args.flags.add(name);
      } else if (spec.values.includes(name)) {
        if (value === undefined) {
          if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
          value = argv[++i];
        }
        args.values[name] = value;
      } else {
        throw new UsageError(`unknown option '${a}' for '${verb}' (see: embedlab ${verb} --help)`);
      }
    } else {
      args.positional.push(a);
    }
  }
  return args;
}

function int(args, name, fallback) {
  const v = args.values[name];
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} expects a whole number, got '${v}'`);
  return Number(v);
}

function num(args, name, fallback) {
  const v = args.values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got '${v}'`);
  return n;
}

function need(args, count, usage) {
  if (args.positional.length < count) throw new UsageError(`missing arguments; usage: ${usage}`);
}

function readFile(file) {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`cannot open '${file}': ${error.code === 'ENOENT' ? 'No such file or directory' : error.message}`);
  }
}

// Writes through a temporary file, so a failed write never clobbers `file`.
function writeFile(file, bytes) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

async function loadModel(el, file) {
  return el.load(readFile(file), { name: file });
}

function printNeighbours(neighbours) {
  neighbours.forEach(({ word, similarity }, i) => {
    process.stdout.write(`${String(i + 1).padStart(3)}  ${word.padEnd(24)} ${similarity.toFixed(4)}\n`);
  });
}

function rate(perSecond) {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M` : `${Math.round(perSecond / 1e3)}k`;
}

function clock(seconds) {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${Math.floor(s / 60)}:${ss}`;
}

function progressBar(p, epochs) {
  const width = 30;
  const filled = Math.min(width, Math.floor(p.fraction * width));
  const bar = '='.repeat(filled) + (filled < width ? '>' + ' '.repeat(width - filled - 1) : '');
  return `[${bar}] ${(100 * p.fraction).toFixed(1).padStart(5)}%  epoch ${p.epoch}/${epochs}  ${rate(p.wordsPerSecond)} words/s` +
    `  loss ${p.averageLoss.toFixed(4)}  lr ${p.learningRate.toFixed(5)}  ETA ${clock(p.etaSeconds)}`;
}

async function train(el, args) {
  if (!args.values.input || !args.values.output) throw new UsageError('train needs --input and --output (see: embedlab train --help)');
  const options = {
    model: args.values.model === 'skip-gram' || args.values.model === 'sg' ? 'skipgram' : (args.values.model ?? 'cbow'),
    loss: args.values.loss ?? 'ns',
    dim: int(args, 'dim', 100),
    window: int(args, 'window', 5),
    negative: args.values.negative === undefined ? undefined : int(args, 'negative'),
    epochs: int(args, 'epochs', 5),
    minCount: int(args, 'min-count', 5),
    maxVocabulary: int(args, 'max-vocab', 0),
    sample: num(args, 'sample', 1e-3),
    learningRate: num(args, 'alpha', 0),
    threads: int(args, 'threads', 1),
    seed: int(args, 'seed', 1),
    lowercase: !args.flags.has('keep-case'),
    stripPunctuation: !args.flags.has('keep-punctuation'),
    invalidUtf8: args.values['invalid-utf8'] ?? 'replace',
  };
  const precision = int(args, 'precision', 6);
  if (precision < 1 || precision > 9) throw new UsageError('--precision must be between 1 and 9');
  try { // fail now, not after a long training run, when the output cannot be written
    fs.writeFileSync(`${args.values.output}.tmp`, '');
    fs.rmSync(`${args.values.output}.tmp`);
  } catch (error) {
    throw new Error(`cannot write '${args.values.output}': ${error.code === 'ENOENT' ? 'No such file or directory' : error.message}`);
  }
  const quiet = args.flags.has('quiet');
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  let last = null;
  const text = readFile(args.values.input);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const model = await el.train(text, {
    ...options,
    signal: controller.signal,
    onProgress: (p) => {
      last = p;
      if (quiet) return;
      const line = progressBar(p, options.epochs);
      if (tty) {
        process.stderr.write(`\r${line}`);
      } else if (Math.floor(p.fraction * 10) !== lastDecile || p.finished) {
        lastDecile = Math.floor(p.fraction * 10);
        process.stderr.write(`${line}\n`);
      }
    },
  });
  try {
    if (!quiet && tty) process.stderr.write('\n');
    writeFile(args.values.output, args.flags.has('binary') ? model.save('word2vec-binary') : model.save('word2vec-text', { precision }));
    if (!quiet) {
      const t = model.training;
      process.stderr.write(`trained ${t.vocabularySize.toLocaleString('en-US')} x ${model.dim} in ${(t.elapsedMs / 1000).toFixed(2)} s ` +
        `(${rate(t.wordsPerSecond)} words/s, ${rate(t.wordsPerSecond / t.threads)} words/s/thread; ${el.variant === 'mt' ? 'wasm pthreads' : 'wasm'}, ${el.isa}); ` +
        `wrote ${args.values.output}\n`);
    }
  } finally {
    model.dispose();
  }
  void last;
}

async function run(argv) {
  const verb = argv[0];
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    (verb ? process.stdout : process.stderr).write(HELP.main);
    return verb ? 0 : 2;
  }
  if (verb === '--version') {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const el = await init();
    process.stdout.write(`embedlab ${pkg.version} (WebAssembly ${el.variant === 'mt' ? 'pthreads' : 'single-threaded'}, kernels: ${el.isa})\n`);
    return 0;
  }
  if (!VERBS[verb]) throw new UsageError(`unknown verb '${verb}' (see: embedlab --help)`);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP[verb]);
    return 0;
  }
  const args = parse(verb, argv.slice(1));
  const el = await init();
  const top = () => int(args, 'top', 10);
  const restrict = (fallback) => int(args, 'restrict', fallback);
  const method = () => {
    const m = args.values.method ?? 'add';
    if (m !== 'add' && m !== 'mul') throw new UsageError(`--method must be 'add' or 'mul', got '${m}'`);
    return m === 'mul' ? '3cosmul' : '3cosadd';
  };
  if (verb === 'train') {
    await train(el, args);
    return 0;
  }
  need(args, verb === 'similar' ? 2 : verb === 'analogy' ? 4 : verb === 'similarity' ? 3 : verb === 'doesnt-match' ? 3 : 2,
    HELP[verb].split('\n')[0].replace('usage: ', ''));
  const model = await loadModel(el, args.positional[0]);
  try {
    const words = args.positional.slice(1);
    switch (verb) {
      case 'similar': {
        const minus = (args.values.minus ?? '').split(',').filter(Boolean);
        printNeighbours(model.mostSimilar({ positive: words, negative: minus }, { topn: top(), restrict: restrict(0) }));
        break;
      }
      case 'analogy':
        printNeighbours(model.analogy(words[1], words[0], words[2], { method: method(), topn: top(), restrict: restrict(0) }));
        break;
      case 'similarity':
        process.stdout.write(`${model.similarity(words[0], words[1]).toFixed(4)}\n`);
        break;
      case 'doesnt-match':
        process.stdout.write(`${model.doesntMatch(words)}\n`);
        break;
      case 'eval': {
        const text = readFile(words[0]).toString('utf8');
        const firstLine = text.split('\n').find((l) => l.trim() && !l.startsWith('#')) ?? '';
        if (args.flags.has('pairs') || (!firstLine.startsWith(':') && firstLine.includes('\t'))) {
          const r = model.evaluateSimilarity(text);
          process.stdout.write(`spearman ${r.spearman.toFixed(4)}  pairs ${r.pairs}  oov ${r.oovPairs}\n`);
          break;
        }
        const r = model.evaluateAnalogies(text, { restrict: restrict(30000), method: method() });
        const row = (s) => process.stdout.write(`${s.name.padEnd(28)} ${(100 * s.accuracy).toFixed(2).padStart(6)}%  ` +
          `${String(s.correct).padStart(6)} / ${String(s.answered).padEnd(6)} coverage ${(100 * s.coverage).toFixed(2).padStart(6)}%\n`);
        r.sections.forEach(row);
        process.stdout.write('\n');
        [r.semantic, r.syntactic, r.total].forEach(row);
        break;
      }
      case 'convert': {
        const to = args.values.to ?? 'text';
        const precision = int(args, 'precision', 6);
        const out = args.positional[1];
        if (to === 'text') writeFile(out, model.save('word2vec-text', { precision }));
        else if (to === 'binary') writeFile(out, model.save('word2vec-binary'));
        else if (to === 'projector') {
          const { vectors, metadata } = model.save('projector-tsv', { precision });
          fs.mkdirSync(out, { recursive: true });
          writeFile(path.join(out, 'vectors.tsv'), vectors);
          writeFile(path.join(out, 'metadata.tsv'), metadata);
        } else throw new UsageError(`--to must be 'text', 'binary' or 'projector', got '${to}'`);
        process.stderr.write(`wrote ${out} (${model.size.toLocaleString('en-US')} words x ${model.dim})\n`);
        break;
      }
      default:
        break;
    }
  } finally {
    model.dispose();
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`embedlab: error: ${error?.message ?? error}\n`);
    process.exit(error?.name === 'AbortError' ? 130 : 1);
  },
);
