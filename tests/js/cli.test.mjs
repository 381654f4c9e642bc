// The Node CLI (src/js/cli.js, `npx embedlab`): verbs, output files, errors and progress.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { init } from '../../src/js/node.js';
import { CLI, plantedCorpus, zipfCorpus, tempDir } from './helpers.mjs';

let el;
let dir;
let corpus;
let vectors; // trained once by the CLI (word2vec text)

function run(...args) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(...args) {
  const r = run(...args);
  assert.equal(r.code, 0, `embedlab ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  return r;
}

// Neighbour lines: "  1  queen                    0.9960".
function neighbours(stdout) {
  return stdout.trim().split('\n').map((line) => {
    const m = /^\s*(\d+)\s+(\S+)\s+(-?\d+\.\d{4})$/.exec(line);
    assert.ok(m, `a neighbour line: '${line}'`);
    return { rank: Number(m[1]), word: m[2], similarity: Number(m[3]) };
  });
}

before(async () => {
  el = await init();
  dir = tempDir('embedlab-cli-');
  corpus = path.join(dir, 'corpus.txt');
  fs.writeFileSync(corpus, plantedCorpus());
  vectors = path.join(dir, 'planted.vec');
  ok('train', '--input', corpus, '--output', vectors, '--dim', '20', '--epochs', '10', '--min-count', '1', '--sample', '0', '--quiet');
});

test('train writes word2vec text that load() reads', () => {
  const text = fs.readFileSync(vectors, 'utf8');
  assert.match(text, /^36 20\n/);
  const m = el.load(text);
  try {
    assert.equal(m.size, 36);
    assert.equal(m.dim, 20);
    assert.ok(m.has('queen'));
    assert.equal(m.analogy('man', 'king', 'woman')[0].word, 'queen');
  } finally {
    m.dispose();
  }
  assert.ok(!fs.existsSync(`${vectors}.tmp`), 'no temporary file left behind');
});

test('train --binary writes word2vec binary with the same vectors', () => {
  const out = path.join(dir, 'planted.bin');
  const r = ok('train', '--input', corpus, '--output', out, '--binary', '--dim', '20', '--epochs', '10', '--min-count', '1',
    '--sample', '0', '--quiet');
  assert.equal(r.stderr, '', '--quiet prints nothing');
  const bytes = fs.readFileSync(out);
  assert.equal(bytes.subarray(0, 6).toString(), '36 20\n');
  // Each row: the word, a space, 20 little-endian floats, a newline.
  const words = fs.readFileSync(vectors, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(' ')[0]);
  assert.equal(bytes.length, 6 + words.reduce((n, w) => n + Buffer.byteLength(w) + 1 + 20 * 4 + 1, 0));
  const binary = el.load(bytes, { format: 'word2vec-binary' });
  const text = el.load(fs.readFileSync(vectors));
  try {
    assert.deepEqual(binary.words, text.words);
    const a = binary.vectors();
    const b = text.vectors();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.abs(a[i]) + 1e-30);
  } finally {
    binary.dispose();
    text.dispose();
  }
});

test('similar lists neighbours', () => {
  const list = neighbours(ok('similar', vectors, 'king', '--top', '5').stdout);
  assert.equal(list.length, 5);
  assert.deepEqual(list.map((n) => n.rank), [1, 2, 3, 4, 5]);
  assert.ok(!list.some((n) => n.word === 'king'));
  for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].similarity >= list[i].similarity);
  const sum = neighbours(ok('similar', vectors, 'king', 'woman', '--minus', 'man', '--top', '3').stdout);
  assert.equal(sum[0].word, 'queen');
});

test('analogy A B C gives A - B + C', () => {
  const list = neighbours(ok('analogy', vectors, 'king', 'man', 'woman').stdout);
  assert.equal(list.length, 10);
  assert.equal(list[0].word, 'queen');
  assert.equal(neighbours(ok('analogy', vectors, 'king', 'man', 'woman', '--method', 'mul', '--top', '1').stdout)[0].word, 'queen');
});

test('similarity and doesnt-match', () => {
  const s = ok('similarity', vectors, 'king', 'queen').stdout.trim();
  assert.match(s, /^-?\d\.\d{4}$/);
  assert.equal(ok('similarity', vectors, 'queen', 'king').stdout.trim(), s);
  assert.equal(ok('doesnt-match', vectors, 'crown', 'throne', 'palace', 'farm').stdout.trim(), 'farm');
});

test('eval scores analogy questions and word pairs', () => {
  const questions = path.join(dir, 'questions.txt');
  fs.writeFileSync(questions, ': royalty\nman king woman queen\nwoman queen man king\nman king woman emperor\n: gram-made-up\nhe she his her\n');
  const out = ok('eval', vectors, questions).stdout;
  assert.match(out, /^royalty\s+100\.00%\s+2 \/ 2\s+coverage\s+66\.67%$/m);
  assert.match(out, /^gram-made-up\s/m);
  assert.match(out, /^total\s/m);
  const pairs = path.join(dir, 'pairs.tsv');
  fs.writeFileSync(pairs, 'crown\tthrone\t9\ncrown\tfarm\t1\nking\tqueen\t7\nking\tunicorn\t5\n');
  assert.match(ok('eval', vectors, pairs).stdout, /^spearman -?\d\.\d{4}\s+pairs 3\s+oov 1$/m);
});

test('convert writes binary, text and projector files', () => {
  const bin = path.join(dir, 'converted.bin');
  ok('convert', vectors, bin, '--to', 'binary');
  const text = path.join(dir, 'converted.vec');
  ok('convert', bin, text, '--to', 'text', '--precision', '6');
  assert.equal(fs.readFileSync(text, 'utf8'), fs.readFileSync(vectors, 'utf8'), 'text -> binary -> text is lossless');
  const projector = path.join(dir, 'projector');
  const r = ok('convert', vectors, projector, '--to', 'projector');
  assert.match(r.stderr, /wrote .*projector \(36 words x 20\)/);
  const rows = fs.readFileSync(path.join(projector, 'vectors.tsv'), 'utf8').trimEnd().split('\n');
  const names = fs.readFileSync(path.join(projector, 'metadata.tsv'), 'utf8').trimEnd().split('\n');
  assert.equal(rows.length, 36);
  assert.equal(names.length, 36);
  assert.ok(rows.every((row) => row.split('\t').length === 20));
  assert.ok(names.includes('queen'));
});

function fails(args, pattern) {
  const r = run(...args);
  assert.equal(r.code, 1, `embedlab ${args.join(' ')} exits 1 (got ${r.code}; stderr: ${r.stderr})`);
  assert.match(r.stderr, /^embedlab: error: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(r.stdout, '');
}

test('errors exit 1 with one "embedlab: error:" line and no stack trace', () => {
  const out = path.join(dir, 'never.vec');
  fails(['train', '--output', out], /train needs --input \(see: embedlab train --help\)/);
  fails(['train', '--input', path.join(dir, 'missing.txt'), '--output', out], /cannot open '.*missing\.txt': No such file/);
  fails(['train', '--input', corpus, '--output', out, '--dim', '0'], /--dim must be between 1 and 10,000, got 0/);
  fails(['train', '--input', corpus, '--output', out, '--dim', 'ten'], /--dim expects a whole number/);
  fails(['train', '--input', corpus, '--output', out, '--colour'], /unknown option '--colour'/);
  fails(['similar', vectors, 'unicorn'], /word 'unicorn' is not in the vocabulary/);
  fails(['analogy', vectors, 'king', 'man', 'unicorn'], /word 'unicorn' is not in the vocabulary/);
  fails(['similar', vectors], /missing arguments/);
  fails(['similar', corpus, 'king'], /not a vectors file/);
  fails(['frobnicate'], /unknown verb 'frobnicate'/);
  assert.ok(!fs.existsSync(out), 'no output written');
});

test('--help on every verb exits 0 with usage', () => {
  for (const verb of ['train', 'similar', 'analogy', 'similarity', 'doesnt-match', 'eval', 'convert', 'tokenize']) {
    const r = ok(verb, '--help');
    assert.match(r.stdout, new RegExp(`^usage: embedlab ${verb} `), verb);
  }
  assert.match(ok('--help').stdout, /usage: embedlab VERB/);
  const bare = run();
  assert.equal(bare.code, 2, 'no verb: usage on stderr, exit 2');
  assert.match(bare.stderr, /usage/);
  assert.match(ok('--version').stdout, /^embedlab \d+\.\d+\.\d+ \(WebAssembly .*wasm-simd128\)/);
});

test('tokenize writes the text as train sees it', () => {
  const input = path.join(dir, 'mixed.txt');
  fs.writeFileSync(input, '\uFEFFThe King, the QUEEN!\n\n  "Hello"   world...\n');
  const out = path.join(dir, 'mixed.tok');
  assert.equal(ok('tokenize', input, out).stdout, '');
  assert.equal(fs.readFileSync(out, 'utf8'), 'the king the queen\n\nhello world\n');
  ok('tokenize', input, out, '--keep-case', '--keep-punctuation');
  assert.equal(fs.readFileSync(out, 'utf8'), 'The King, the QUEEN!\n\n"Hello" world...\n');
  fs.writeFileSync(input, 'fine\nbad \0 byte\n');
  fails(['tokenize', input, out], /mixed\.txt line 2: NUL byte/);
});

test('without a TTY, train prints progress lines with words/s and ETA', () => {
  // A million words, so training takes several 50 ms slices.
  const bigger = path.join(dir, 'bigger.txt');
  fs.writeFileSync(bigger, zipfCorpus({ lines: 20000, vocabulary: 2000, length: 10 }));
  const out = path.join(dir, 'progress.vec');
  const r = ok('train', '--input', bigger, '--output', out, '--dim', '50', '--epochs', '5', '--min-count', '1');
  const lines = r.stderr.trimEnd().split('\n');
  assert.doesNotMatch(r.stderr, /\r/, 'no carriage returns when stderr is not a terminal');
  const progress = lines.filter((l) => l.startsWith('['));
  assert.ok(progress.length >= 2, `progress lines:\n${r.stderr}`);
  for (const line of progress) {
    assert.match(line, /words\/s/);
    assert.match(line, /ETA \d+:\d\d|ETA --:--/);
    assert.match(line, /epoch [1-5]\/5/);
  }
  assert.match(progress.at(-1), /100\.0%/);
  assert.match(lines[0], /^read .*bigger\.txt: 20,000 lines, 200,000 tokens, 2,000 words \(min-count 1\); kernels: wasm-simd128$/);
  assert.match(lines.at(-1), /^trained 2,000 x 50 in .* wrote .*progress\.vec$/);
  assert.equal(r.stdout, '');
});
