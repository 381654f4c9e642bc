#!/usr/bin/env node
// `npx embedlab`: the native CLI (src/cli) on the WebAssembly core. The core parses the command line
// and writes the help (src/core/command_line.cc), for both CLIs; this file reads and writes files,
// calls the JS API and prints results exactly as the native CLI does (tests/js/cli-parity.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { init } from './node.js';
import { rawModule } from './embedlab.js';
import { project } from './projection.js';

// What the C library's strerror() says, so both CLIs word file errors alike.
const SYSTEM_ERRORS = {
  ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory', ENOSPC: 'No space left on device', EROFS: 'Read-only file system',
};
const systemMessage = (error) => SYSTEM_ERRORS[error.code] ?? error.message;

function readFile(file) {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`cannot open '${file}': ${systemMessage(error)}`);
  }
}

// A text file (a corpus), read in chunks up to the first chunk with a NUL byte: the core then
// names the line, and a device that never ends (/dev/zero) fails at once instead of filling memory.
function readText(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    throw new Error(`cannot open '${file}': ${systemMessage(error)}`);
  }
  try {
    const chunks = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      if (chunk.subarray(0, n).includes(0)) break;
    }
    return Buffer.concat(chunks);
  } catch (error) {
    throw new Error(`cannot read '${file}': ${systemMessage(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}

// Refuses, before any work is done, an output that is a folder, one of the inputs (the same file by
// any path) or a place where no file can be made.
function checkOutput(output, inputs) {
  const out = fs.statSync(output, { throwIfNoEntry: false, bigint: true });
  if (out?.isDirectory()) throw new Error(`cannot write '${output}': it is a folder (name a file in it)`);
  for (const input of out ? inputs : []) {
    const stat = fs.statSync(input, { throwIfNoEntry: false, bigint: true });
    if (stat && stat.dev === out.dev && stat.ino === out.ino) {
      throw new Error(`the output '${output}' is the input '${input}': writing it would destroy the input`);
    }
  }
  try {
    fs.writeFileSync(`${output}.tmp`, '');
    fs.rmSync(`${output}.tmp`);
  } catch (error) {
    throw new Error(`cannot write '${output}': ${systemMessage(error)}`);
  }
}

// Writes through a temporary file, so a failed write never clobbers `file`.
function writeFile(file, bytes) {
  const tmp = `${file}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write '${file}': ${systemMessage(error)}`);
  }
}

// `text` padded to `width` characters.
const padded = (text, width) => text + ' '.repeat(Math.max(0, width - [...text].length));

function printNeighbours(neighbours) {
  neighbours.forEach(({ word, similarity }, i) => {
    process.stdout.write(`${String(i + 1).padStart(3)}  ${padded(word, 24)} ${similarity.toFixed(4)}\n`);
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

// A progress bar 30 characters wide: "=====>    ".
function progressBar(fraction) {
  const width = 30;
  const filled = Math.min(width, Math.floor(fraction * width));
  return '='.repeat(filled) + (filled < width ? '>' + ' '.repeat(width - filled - 1) : '');
}

function trainingLine(p, epochs) {
  return `[${progressBar(p.fraction)}] ${(100 * p.fraction).toFixed(1).padStart(5)}%  epoch ${p.epoch}/${epochs}  ${rate(p.wordsPerSecond)} words/s` +
    `  loss ${p.averageLoss.toFixed(4)}  lr ${p.learningRate.toFixed(5)}  ETA ${clock(p.etaSeconds)}`;
}

const count = (n) => n.toLocaleString('en-US');

async function train(el, { input, output, binary, precision, quiet, ...options }) {
  checkOutput(output, [input]); // now, not after a long training run
  const text = readText(input);
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  let reported = false;
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt); // a second Ctrl-C kills, as in the native CLI
  let model;
  try {
    model = await el.train(text, {
      ...options,
      name: input,
      signal: controller.signal,
      onProgress: (p) => {
        if (quiet) return;
        if (!reported) {
          process.stderr.write(`read ${input}: ${count(p.lines)} lines, ${count(p.tokens)} tokens, ${count(p.vocabularySize)} ` +
            `words (min-count ${options.minCount}); kernels: ${el.isa}\n`);
          reported = true;
        }
        const line = trainingLine(p, options.epochs);
        if (tty) {
          process.stderr.write(`\r${line}`);
        } else if (Math.floor(p.fraction * 10) !== lastDecile || p.finished) {
          lastDecile = Math.floor(p.fraction * 10);
          process.stderr.write(`${line}\n`);
        }
      },
    });
  } finally {
    process.off('SIGINT', interrupt);
    if (reported && tty) process.stderr.write('\n');
  }
  try {
    writeFile(output, binary ? model.save('word2vec-binary') : model.save('word2vec-text', { precision }));
    if (!quiet) {
      const t = model.training;
      process.stderr.write(`trained ${count(t.vocabularySize)} x ${model.dim} in ${(t.elapsedMs / 1000).toFixed(2)} s ` +
        `(${rate(t.wordsPerSecond)} words/s, ${rate(t.wordsPerSecond / t.threads)} words/s/thread); wrote ${output}\n`);
    }
  } finally {
    model.dispose();
  }
}

// The progress of bpe train, as the native CLI prints it.
function bpeProgressLine(p) {
  const fraction = p.mergesTotal > 0 ? p.mergesDone / p.mergesTotal : 1;
  return `[${progressBar(fraction)}] ${(100 * fraction).toFixed(1).padStart(5)}%  ${count(p.mergesDone)} / ${count(p.mergesTotal)} merges`;
}

// Runs `use` on a wasm object, then frees it.
function using(handle, use) {
  try {
    return use(handle);
  } finally {
    handle.delete();
  }
}

// The verbs of byte-pair tokenizers (src/core/bpe.h), on the raw module.
const BPE = {
  'bpe train'(raw, args, { input, output, vocabularySize, quiet }) {
    checkOutput(output, [input]);
    const text = readText(input);
    using(raw.BpeTrainer.create(text, vocabularySize), (trainer) => {
      let p = trainer.progress();
      if (!quiet) {
        process.stderr.write(`read ${input}: ${count(p.pieces)} pieces, ${count(p.distinctPieces)} distinct; ` +
          `learning ${count(p.mergesTotal)} merges\n`);
      }
      const tty = process.stderr.isTTY;
      const step = Math.max(1, Math.floor(p.mergesTotal / 100));
      let lastDecile = -1;
      for (let done = p.mergesTotal === 0; !done;) {
        done = trainer.run(step);
        p = trainer.progress();
        if (quiet) continue;
        const decile = p.mergesTotal > 0 ? Math.floor((10 * p.mergesDone) / p.mergesTotal) : 10;
        if (tty) {
          process.stderr.write(`\r${bpeProgressLine(p)}`);
        } else if (decile !== lastDecile || done) {
          lastDecile = decile;
          process.stderr.write(`${bpeProgressLine(p)}\n`);
        }
      }
      if (!quiet && tty) process.stderr.write('\n');
      using(trainer.tokenizer(), (tokenizer) => {
        writeFile(output, tokenizer.save());
        if (!quiet) {
          process.stderr.write(`trained ${count(tokenizer.size())} tokens (${count(p.mergesTotal)} merges) in ` +
            `${(p.elapsedMs / 1000).toFixed(2)} s; wrote ${output}\n`);
        }
      });
    });
  },
  'bpe encode'(raw, args, o) {
    const text = args.length > 0 ? args.join(' ') : fs.readFileSync(0);
    using(raw.Tokenizer.load(readFile(o.tokenizer), o.tokenizer), (tokenizer) => {
      const ids = tokenizer.encode(text, o.allowSpecial, o.merges ?? -1);
      if (o.ids || !o.pieces) process.stdout.write(`${ids.join(' ')}\n`);
      if (o.pieces) process.stdout.write(`${tokenizer.pieces(ids).join(' ')}\n`);
    });
  },
  'bpe decode'(raw, args, o) {
    using(raw.Tokenizer.load(readFile(o.tokenizer), o.tokenizer), (tokenizer) => {
      process.stdout.write(Buffer.concat([tokenizer.decode(args), Buffer.from('\n')]));
    });
  },
};

// The lm verbs: the core runs them and says what to print (src/core/language_model_command.h),
// exactly as in the native CLI; this reads and writes the files and prints.
async function languageModel(raw, argv, verb, options) {
  const training = verb === 'lm train';
  if (training) checkOutput(options.output, options.input ? [options.input] : []);
  const read = (file) => {
    try {
      return readFile(file);
    } catch (error) {
      return error.message;
    }
  };
  const command = raw.LanguageModelCommand.create(argv, read);
  const tty = process.stderr.isTTY;
  let open = false; // a progress line redrawn in place
  let lastDecile = -1;
  let interrupted = false;
  const interrupt = () => { interrupted = true; };
  if (training) process.once('SIGINT', interrupt); // a second Ctrl-C kills, as in the native CLI
  // Threads train while this (the module's main thread) waits between short calls: never block it.
  const threaded = training && options.threads > 1;
  try {
    for (let done = false; !done;) {
      done = command.runFor(threaded ? 0 : 100);
      if (interrupted) {
        command.cancel();
        break;
      }
      if (done) command.outputs().forEach(({ path: file, bytes }) => writeFile(file, bytes));
      for (const { kind, bytes, fraction, finished } of command.takeEvents()) {
        if (kind === 'status') {
          if (tty) {
            process.stderr.write(`\r${Buffer.from(bytes)}`);
            open = true;
          } else if (Math.floor(fraction * 10) !== lastDecile || finished) {
            lastDecile = Math.floor(fraction * 10);
            process.stderr.write(`${Buffer.from(bytes)}\n`);
          }
          continue;
        }
        if (open) process.stderr.write('\n');
        open = false;
        (kind === 'stdout' ? process.stdout : process.stderr).write(Buffer.from(bytes));
      }
      if (!done) await new Promise((resolve) => (threaded ? setTimeout(resolve, 50) : setImmediate(resolve)));
    }
    if (open) process.stderr.write('\n');
    if (command.cancelled()) {
      const error = new Error('training was cancelled');
      error.name = 'AbortError';
      throw error;
    }
  } finally {
    process.off('SIGINT', interrupt);
    command.delete();
  }
}

// A word-pairs file: its first line that is not empty or a '#' comment has a tab and is no ': section'.
function looksLikePairs(text) {
  const first = text.split('\n').find((line) => line !== '' && !line.startsWith('#')) ?? '';
  return !first.startsWith(':') && first.includes('\t');
}

// The verbs other than train: they load VECTORS (the first argument), then query or convert it.
const QUERIES = {
  similar(model, words, o) {
    printNeighbours(model.mostSimilar({ positive: words, negative: o.minus }, { topn: o.topn, restrict: o.restrict }));
  },
  analogy(model, [a, b, c], o) {
    // A - B + C is "B is to A as C is to ?".
    printNeighbours(model.analogy(b, a, c, { method: o.method, topn: o.topn, restrict: o.restrict }));
  },
  similarity(model, [a, b]) {
    process.stdout.write(`${model.similarity(a, b).toFixed(4)}\n`);
  },
  'doesnt-match'(model, words) {
    process.stdout.write(`${model.doesntMatch(words)}\n`);
  },
  eval(model, [file], o) {
    const text = readFile(file).toString('utf8');
    if (o.pairs || looksLikePairs(text)) {
      const r = model.evaluateSimilarity(text, { name: file });
      process.stdout.write(`spearman ${r.spearman.toFixed(4)}  pairs ${r.pairs}  oov ${r.oovPairs}\n`);
      return;
    }
    const r = model.evaluateAnalogies(text, { restrict: o.restrict, method: o.method, name: file });
    // No question of a section answered: no accuracy, not 0 %.
    const accuracy = (s) => (s.answered > 0 ? `${(100 * s.accuracy).toFixed(2).padStart(6)}%` : '    n/a');
    const row = (s) => process.stdout.write(`${padded(s.name, 28)} ${accuracy(s)}  ` +
      `${String(s.correct).padStart(6)} / ${String(s.answered).padEnd(6)} coverage ${(100 * s.coverage).toFixed(2).padStart(6)}%\n`);
    r.sections.forEach(row);
    process.stdout.write('\n');
    [r.semantic, r.syntactic, r.total].forEach(row);
  },
  convert(model, [out], o) {
    if (o.to === 'projector-tsv') {
      const { vectors, metadata } = model.save(o.to, { precision: o.precision });
      try {
        fs.mkdirSync(out, { recursive: true });
      } catch (error) {
        throw new Error(`cannot create folder '${out}': ${systemMessage(error)}`);
      }
      writeFile(path.join(out, 'vectors.tsv'), vectors);
      writeFile(path.join(out, 'metadata.tsv'), metadata);
    } else {
      writeFile(out, model.save(o.to, { precision: o.precision }));
    }
    process.stderr.write(`wrote ${out} (${count(model.size)} words x ${model.dim})\n`);
  },
};

// embedlab project: the map through the core's MapRun, written as the native CLI writes it.
async function projectMap(el, raw, [vectors], o) {
  checkOutput(o.out, [vectors]);
  const handle = raw.Model.load(readFile(vectors), { name: vectors, format: o.format });
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const tty = process.stderr.isTTY && !o.quiet;
  try {
    const { method, limit, words, perplexity, repulsion, neighbors, minDist, iterations, xAxis, yAxis, threads, seed } = o;
    const r = await project(handle, {
      method, limit, words, perplexity, repulsion, neighbors, minDist, iterations, xAxis, yAxis, threads, seed, sliceMs: 100, every: 1,
      signal: controller.signal,
      onProgress: tty
        ? (p) => process.stderr.write(`\r[${progressBar(p.fraction)}] ${(100 * p.fraction).toFixed(1).padStart(5)}%  ${p.stage}  iteration ${p.iteration}/${p.iterations}`)
        : undefined,
    }, { withTsv: true, maxThreads: el.maxThreads });
    if (tty) process.stderr.write('\n');
    writeFile(o.out, r.tsv);
    if (!o.quiet) process.stderr.write(`wrote ${o.out} (${count(r.words.length)} words, ${method}, ${r.iterations} iterations)\n`);
  } finally {
    process.off('SIGINT', interrupt);
    handle.delete();
  }
}

async function run(argv) {
  const el = await init();
  const raw = rawModule(el);
  const command = raw.Library.parseCommandLine(argv);
  if (command.action === 'print') {
    process[command.stream].write(command.text);
    return command.exitCode;
  }
  const { verb, arguments: args, options } = command;
  if (BPE[verb]) {
    BPE[verb](raw, args, options);
  } else if (verb.startsWith('lm ')) {
    await languageModel(raw, argv, verb, options);
  } else if (verb === 'train') {
    await train(el, options);
  } else if (verb === 'project') {
    await projectMap(el, raw, args, options);
  } else if (verb === 'tokenize') {
    const { lowercase, stripPunctuation, invalidUtf8, controlCharacters } = options;
    const text = readText(args[0]);
    checkOutput(args[1], [args[0]]);
    writeFile(args[1], el.tokenize(text, { lowercase, stripPunctuation, invalidUtf8, controlCharacters, name: args[0] }));
  } else {
    if (verb === 'convert' && options.to !== 'projector-tsv') checkOutput(args[1], [args[0]]); // a projector output is a folder
    const model = el.load(readFile(args[0]), { name: args[0], format: options.format });
    try {
      QUERIES[verb](model, args.slice(1), options);
    } finally {
      model.dispose();
    }
  }
  return 0;
}

// As the core's Error messages (printable() in src/core/text.cc): control characters other than
// line breaks shown as \xNN, cut after 1,000 characters, so a file name cannot drive the terminal.
function printable(text) {
  const escaped = [...String(text).replace(/[\x00-\x09\x0b-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)];
  return escaped.length > 1000 ? `${escaped.slice(0, 1000).join('')}\u2026` : escaped.join('');
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`embedlab: error: ${printable(error?.message ?? error)}\n`);
    process.exit(error?.name === 'AbortError' ? 130 : 1);
  },
);
