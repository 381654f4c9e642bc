// The malformed-input table: every input that once crashed, hung, wasted a run or misled (issue 11),
// run through each surface that takes it: the native CLI (build/embedlab), the Node CLI
// (src/js/cli.js) and the npm API. Each case asserts the clear error (or the right result); every
// CLI error is one "embedlab: error:" line with no raw control byte.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { init } from '../../src/js/node.js';
import { CLI, NATIVE_CLI, plantedCorpus, tempDir } from './helpers.mjs';

let el;
before(async () => { el = await init(); });

const CORPUS = plantedCorpus({ lines: 300 });
const TRAIN = ['--quiet', '--min-count', '1', '--epochs', '1', '--dim', '8'];
const TRAIN_OPTIONS = { minCount: 1, epochs: 1, dim: 8 };

/** word2vec binary bytes of `rows` ([word, [floats]]), as `train --binary` writes them. */
function binary(rows, count = rows.length) {
  const parts = [Buffer.from(`${count} ${rows[0][1].length}\n`)];
  for (const [word, values] of rows) {
    parts.push(Buffer.from(`${word} `), Buffer.from(new Float32Array(values).buffer), Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}
// A float whose bytes are 'A' 'B' '\n' 0x3F: up to its 0x0A the first record reads like a text line.
const TRICKY = new Float32Array(new Uint8Array([0x41, 0x42, 0x0a, 0x3f]).buffer)[0];
const LONG_WORD = 'ä'.repeat(1500); // 3,000 bytes: over the old binary reader's 1,000
const TOO_LONG = 'x'.repeat(65537);

// One row per case. `cli`: arguments for both CLIs, run in a folder holding `files`; `api`: the
// same through the package, given the files as Buffers. `error`: what the message must say (a
// RegExp), or `check` for the right result (stdout of a CLI, the value the API returned).
const CASES = [
  {
    name: '1: a binary file whose first float holds a line break after printable bytes loads back',
    files: { 'tricky.bin': binary([['w', [TRICKY, 1.5]], ['v', [TRICKY, 1.5]]]) },
    cli: ['similarity', 'tricky.bin', 'w', 'v'],
    api: (f) => [...el.load(f['tricky.bin']).vector('w')],
    check: { cli: /^1\.0000\n$/, api: (v) => assert.deepEqual(v, [TRICKY, 1.5]) },
  },
  {
    name: '1: text named as word2vec binary is refused, not loaded as garbage',
    files: { 'tiny.vec': '2 1\nw 0.12\nv 0.5\n' },
    cli: ['similarity', 'tiny.vec', 'w', 'v', '--format', 'word2vec-binary'],
    api: (f) => el.load(f['tiny.vec'], { format: 'word2vec-binary', name: 'tiny.vec' }),
    error: /tiny\.vec .*looks like word2vec text: use the format 'word2vec-text' or 'auto'/,
  },
  {
    name: '1: --format glove reads GloVe whose first row looks like a header',
    files: { 'nums.txt': '1 5\n2 3\n' },
    cli: ['similarity', 'nums.txt', '1', '2', '--format', 'glove'],
    api: (f) => el.load(f['nums.txt'], { format: 'glove' }).words,
    check: { cli: /^1\.0000\n$/, api: (words) => assert.deepEqual([...words], ['1', '2']) },
  },
  {
    name: '2: a word over 1,000 bytes round-trips through binary',
    files: { 'long.vec': `2 2\n${LONG_WORD} 0.5 1\nshort 1 0.5\n` },
    cli: ['convert', 'long.vec', 'long.bin', '--to', 'binary'],
    after: (dir) => {
      const r = spawnSync(NATIVE_CLI, ['similarity', 'long.bin', LONG_WORD, 'short'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.stdout, '0.8000\n', r.stderr);
    },
    api: (f) => el.load(el.load(f['long.vec']).save('word2vec-binary')).words,
    check: { cli: /^$/, api: (words) => assert.deepEqual([...words], [LONG_WORD, 'short']) },
  },
  {
    name: '2: a word over the 65,536-byte limit is refused by the readers, naming the line',
    files: { 'huge.vec': `1 2\n${TOO_LONG} 0.5 1\n` },
    cli: ['similar', 'huge.vec', 'x'],
    api: (f) => el.load(f['huge.vec'], { name: 'huge.vec' }),
    error: /huge\.vec line 2: the word 'x+…' \(65,537 bytes\) is longer than 65,536 bytes, the limit of words/,
  },
  {
    name: '2 and 7: a corpus word over the limit fails before training, naming the file and line',
    files: { 'corpus.txt': `short words\nand then ${TOO_LONG}\n` },
    cli: ['train', '--input', 'corpus.txt', '--output', 'out.vec', ...TRAIN],
    api: (f) => el.train(f['corpus.txt'], { ...TRAIN_OPTIONS, name: 'corpus.txt' }),
    error: /corpus\.txt line 2: a word is longer than 65,536 bytes, the limit of words/,
    noFile: 'out.vec',
  },
  {
    name: '3: a binary header promising fewer vectors than the file holds',
    files: { 'fewer.bin': binary([['a', [1, 2]], ['b', [3, 4]], ['c', [5, 6]]], 2) },
    cli: ['similar', 'fewer.bin', 'a'],
    api: (f) => el.load(f['fewer.bin'], { name: 'fewer.bin' }),
    error: /fewer\.bin: the header promises 2 vectors, but more data follows/,
  },
  {
    name: '4: control characters (ANSI colours) are word breaks by default: training succeeds',
    files: { 'log.txt': `${CORPUS}\x1b[31mking\x1b[0m queen\n` },
    cli: ['train', '--input', 'log.txt', '--output', 'out.vec', ...TRAIN],
    after: (dir) => assert.doesNotMatch(fs.readFileSync(path.join(dir, 'out.vec'), 'latin1'), /\x1b/),
    api: async (f) => (await el.train(f['log.txt'], TRAIN_OPTIONS)).words,
    check: { cli: /^$/, api: (words) => assert.ok(!words.some((w) => /[\x00-\x1f\x7f]/.test(w))) },
  },
  {
    name: '4: --control-chars reject names the file, line and character (escaped) before training',
    files: { 'log.txt': `fine line\n\x1b[31mred\n` },
    cli: ['train', '--input', 'log.txt', '--output', 'out.vec', '--control-chars', 'reject', ...TRAIN],
    api: (f) => el.train(f['log.txt'], { ...TRAIN_OPTIONS, controlCharacters: 'reject', name: 'log.txt' }),
    error: /log\.txt line 2: control character '\\x1B' at byte 1 of the line/,
    noFile: 'out.vec',
  },
  {
    name: '4: tokenize strips control characters when asked',
    files: { 'log.txt': 'dis\x1bk full\x07\n' },
    cli: ['tokenize', 'log.txt', 'tokens.txt', '--control-chars', 'strip'],
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'tokens.txt'), 'utf8'), 'disk full\n'),
    api: (f) => el.tokenize(f['log.txt'], { controlCharacters: 'strip' }),
    check: { cli: /^$/, api: (text) => assert.equal(text, 'disk full\n') },
  },
  {
    name: '4: messages never print raw control bytes or NULs, and cut long input',
    files: { 'ctl.vec': `w\x1b[2J\x00 ${'9'.repeat(100)}x\n` },
    cli: ['similar', 'ctl.vec', 'w'],
    api: (f) => el.load(f['ctl.vec'], { name: 'ctl.vec' }),
    error: /ctl\.vec line 1: not a vectors file: .*found 'w\\x1B\[2J\\x00 9{53}…' \(108 bytes\)/,
  },
  {
    name: '4: a file name with control characters is escaped in messages',
    files: {},
    cli: ['similar', 'missing\x1b[31m.vec', 'a'],
    error: /^cannot open 'missing\\x1B\[31m\.vec': No such file or directory$/,
  },
  {
    name: '6: hexadecimal numbers are refused in every build',
    files: { 'hex.vec': '1 2\nw 0x1p-2 1.5\n' },
    cli: ['similar', 'hex.vec', 'w'],
    api: (f) => el.load(f['hex.vec'], { name: 'hex.vec' }),
    error: /hex\.vec line 2: '0x1p-2' is not a number/,
  },
  {
    name: '6: decimals of any length are read in every build',
    files: { 'long.vec': `2 1\nw 0.${'2'.repeat(70)}\nv 1\n` },
    cli: ['similarity', 'long.vec', 'w', 'v'],
    api: (f) => el.load(f['long.vec']).vector('w')[0],
    check: { cli: /^1\.0000\n$/, api: (v) => assert.equal(v, Math.fround(0.2222222222222222)) },
  },
  {
    name: '8: --output equal to --input (by another path) is refused before training',
    files: { 'corpus.txt': CORPUS },
    cli: ['train', '--input', 'corpus.txt', '--output', './sub/../corpus.txt', ...TRAIN],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'sub')),
    after: (dir) => assert.equal(fs.readFileSync(path.join(dir, 'corpus.txt'), 'utf8'), CORPUS),
    error: /the output '\.\/sub\/\.\.\/corpus\.txt' is the input 'corpus\.txt': writing it would destroy the input/,
  },
  {
    name: '8: --output a folder is refused before training and leaves no .tmp',
    files: { 'corpus.txt': CORPUS },
    cli: ['train', '--input', 'corpus.txt', '--output', 'folder', ...TRAIN],
    setup: (dir) => fs.mkdirSync(path.join(dir, 'folder')),
    after: (dir) => assert.deepEqual(fs.readdirSync(dir).sort(), ['corpus.txt', 'folder']),
    error: /cannot write 'folder': it is a folder \(name a file in it\)/,
  },
  {
    name: "8: a header '-4 3' is named as a malformed header",
    files: { 'neg.vec': '-4 3\nw 1 2 3\n' },
    cli: ['similar', 'neg.vec', 'w'],
    api: (f) => el.load(f['neg.vec'], { name: 'neg.vec' }),
    error: /neg\.vec line 1: expected a header 'count dim' \(two whole numbers: .*\), found '-4 3'/,
  },
  {
    name: "8: a header '4 3 1' is named as a malformed header",
    files: { 'three.vec': '4 3 1\nw 1 2 3\n' },
    cli: ['similar', 'three.vec', 'w'],
    api: (f) => el.load(f['three.vec'], { name: 'three.vec' }),
    error: /three\.vec line 1: expected a header 'count dim' .*found '4 3 1' \(3 numbers\)/,
  },
  {
    name: "8: GloVe whose first row is '1 5' gets a hint to name the format",
    files: { 'nums.txt': '1 5\n2 3\n' },
    cli: ['similar', 'nums.txt', '1'],
    api: (f) => el.load(f['nums.txt'], { name: 'nums.txt' }),
    error: /nums\.txt line 2: expected 5 numbers after '2', found 1 \(the first line was read as a header .*name the format glove\)/,
  },
  {
    name: '8: train --input /dev/zero fails at once on the NUL',
    files: {},
    cli: ['train', '--input', '/dev/zero', '--output', 'out.vec', ...TRAIN],
    api: () => el.train(new Uint8Array(1 << 22), { ...TRAIN_OPTIONS, name: '/dev/zero' }),
    error: /\/dev\/zero line 1: NUL byte; this looks like a binary file/,
  },
  {
    name: '8: errors name the corpus file, not "corpus"',
    files: { 'tiny.txt': 'one two three\n' },
    cli: ['train', '--input', 'tiny.txt', '--output', 'out.vec', '--quiet'],
    error: /^tiny\.txt: no word occurs at least 5 times/,
  },
  {
    name: '8: errors name the questions file, not "questions"',
    files: { 'family.vec': '2 2\nman 1 0\nwoman 0 1\n', 'q.txt': ': s\nman woman\n' },
    cli: ['eval', 'family.vec', 'q.txt'],
    error: /^q\.txt line 2: expected four words/,
  },
  {
    name: '8: a query on an all-zero vector says it means nothing',
    files: { 'zero.vec': '2 2\nzero 0 0\nw 1 0\n' },
    cli: ['similarity', 'zero.vec', 'zero', 'w'],
    api: (f) => el.load(f['zero.vec']).similarity('zero', 'w'),
    error: /the vector of 'zero' is all zeros: it has no direction/,
  },
  {
    name: '8: a query whose positive and negative words cancel says so',
    files: { 'v.vec': '2 2\na 1 0\nb 0 1\n' },
    cli: ['similar', 'v.vec', 'a', '--minus', 'a'],
    api: (f) => el.load(f['v.vec']).mostSimilar({ positive: ['a'], negative: ['a'] }),
    error: /the query words cancel out \(their vectors sum to zero\): no neighbour means anything/,
  },
  {
    name: '8: an evaluation that answers no question says so instead of 0.00%',
    files: { 'v.vec': '2 2\na 1 0\nb 0 1\n', 'q.txt': ': capitals\nx y z w\n' },
    cli: ['eval', 'v.vec', 'q.txt'],
    api: (f) => el.load(f['v.vec']).evaluateAnalogies(f['q.txt'].toString(), { name: 'q.txt' }),
    error: /q\.txt: none of its 1 questions can be answered/,
  },
  {
    name: '8: an evaluation section with no answered question prints n/a',
    files: { 'v.vec': '4 2\na 1 0\nb 0 1\nc 1 1\nd 1 2\n', 'q.txt': ': known\na b c d\n: unknown\nx y z w\n' },
    cli: ['eval', 'v.vec', 'q.txt'],
    check: { cli: /^unknown +n\/a +0 \/ 0 +coverage +0\.00%$/m },
  },
];

const TOOLS = {
  native: (args, cwd) => spawnSync(NATIVE_CLI, args, { cwd, encoding: 'utf8', timeout: 60_000 }),
  node: (args, cwd) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }),
};

function folderWith(c) {
  const dir = tempDir('embedlab-malformed-');
  for (const [name, content] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, name), content);
  c.setup?.(dir);
  return dir;
}

// A clear error: one line, no raw control byte or NUL, not a wall of text.
function assertCleanMessage(message) {
  assert.doesNotMatch(message, /[\x00-\x08\x0b-\x1f\x7f]/, `raw control bytes in: ${JSON.stringify(message)}`);
  assert.ok(message.length < 1200, `message of ${message.length} characters`);
}

for (const c of CASES) {
  for (const [tool, run] of Object.entries(TOOLS)) {
    if (!c.cli) continue;
    test(`${c.name} [${tool} CLI]`, () => {
      const dir = folderWith(c);
      const r = run(c.cli, dir);
      if (c.error) {
        assert.equal(r.status, 1, `exit code; stderr: ${r.stderr}`);
        assert.match(r.stderr, /^embedlab: error: [^\n]*\n$/);
        const message = r.stderr.slice('embedlab: error: '.length, -1);
        assertCleanMessage(message);
        assert.match(message, c.error);
        if (c.noFile) assert.ok(!fs.existsSync(path.join(dir, c.noFile)), `${c.noFile} was written`);
      } else {
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, c.check.cli);
      }
      c.after?.(dir);
    });
  }
  if (!c.api) continue;
  test(`${c.name} [npm API]`, async () => {
    const files = Object.fromEntries(Object.entries(c.files).map(([name, content]) => [name, Buffer.from(content)]));
    if (c.error) {
      await assert.rejects(async () => c.api(files), (error) => {
        assert.ok(error instanceof Error, `an Error, got ${error}`);
        assert.equal(error.name, 'Error');
        assertCleanMessage(error.message);
        assert.match(error.message, c.error);
        return true;
      });
    } else {
      c.check.api(await c.api(files));
    }
  });
}

// Keys that live on every object's prototype must not slip past the unknown-option check.
test('8: unknown-option checks are not bypassed by prototype names, in every options object [npm API]', async () => {
  const model = el.load('3 2\na 1 0\nb 0 1\nc 1 1\n');
  const calls = {
    train: (o) => el.train(CORPUS, o),
    load: (o) => el.load('1 1\na 1\n', o),
    save: (o) => model.save('word2vec-text', o),
    mostSimilar: (o) => model.mostSimilar('a', o),
    analogy: (o) => model.analogy('a', 'b', 'c', o),
    evaluateAnalogies: (o) => model.evaluateAnalogies('a b c a\n', o),
    evaluateSimilarity: (o) => model.evaluateSimilarity('a\tb\t1\na\tc\t2\n', o),
    tokenize: (o) => el.tokenize('a b', o),
    project2d: (o) => model.project2d(2, o),
  };
  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
    const options = JSON.parse(`{"${key}": 5}`); // an own property, even for __proto__
    for (const [method, call] of Object.entries(calls)) {
      await assert.rejects(async () => call(options), (error) => {
        assert.equal(error.name, 'Error', `${method} ${key}: ${error}`);
        assert.match(error.message, new RegExp(`unknown .*option '${key}'`), `${method} ${key}`);
        return true;
      });
    }
  }
  model.dispose();
});

test('8: project2d(5, null) is a clear Error, not a TypeError [npm API]', () => {
  const model = el.load('3 2\na 1 0\nb 0 1\nc 1 1\n');
  assert.throws(() => model.project2d(5, null), (error) => error.constructor === Error && /project2d options must be an object, got null/.test(error.message));
  assert.deepEqual(model.project2d(3, { include: ['a'] }).extraWords, ['a']);
  model.dispose();
});
