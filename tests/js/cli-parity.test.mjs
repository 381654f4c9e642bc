// The two command-line tools are one tool: every verb, every --help, --version, unknown verbs and
// options, bad values, missing files and Ctrl-C give the same stdout, stderr, exit code and files
// through the native build/embedlab and the Node src/js/cli.js. The differences documented in the
// README ("Two command-line tools") are the only ones allowed: --version and "kernels:" name what
// runs, and printed numbers may differ in their last digit (instruction sets round differently).
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, NATIVE_CLI, plantedCorpus, tempDir, zipfCorpus } from './helpers.mjs';

// Each tool runs in its own copy of the same folder, so relative paths in messages match and the
// files each writes can be compared.
const TOOLS = {
  native: { command: NATIVE_CLI, prefix: [] },
  node: { command: process.execPath, prefix: [CLI] },
};
// The native tool uses its SSE2 kernels, the code the wasm build compiles to SIMD128.
const ENV = { ...process.env, EMBEDLAB_ISA: 'sse2' };
let root;

const QUESTIONS = ': royalty\nman king woman queen\nwoman queen man king\nman king woman emperor\n: gram-made-up\nhe she his her\n';
const FILES = {
  'corpus.txt': plantedCorpus({ lines: 2000 }),
  'big.txt': zipfCorpus({ lines: 20000, vocabulary: 2000, length: 10 }),
  'family.vec': '5 3\nman 1 0 0\nwoman 1 0 1\nking 1 1 0\nqueen 1 1 1\ncafé 0 1 0.5\n',
  'questions.txt': QUESTIONS,
  'bad-questions.txt': ': royalty\nman king woman\n',
  'pairs.tsv': '# pairs\ncrown\tthrone\t9\ncrown\tfarm\t1\nking\tqueen\t7\nking\tunicorn\t5\n',
  'bad-pairs.tsv': 'crown\tthrone\tnine\n',
  'prose.txt': 'this is not a vectors file\n',
  'short.vec': '2 3\na 1 2 3\nb 1 2\n',
  'mixed.txt': '\uFEFFThe King, the QUEEN!\n\n  "Hello"   world...\n',
  'nul.txt': 'fine\nbad \0 byte\n',
  'latin1.txt': Buffer.from('good\ncaf\xe9\n', 'latin1'),
  'numbers.glove': awkwardNumbers(),
  'hex.glove': 'w 0x1p-2 1\n',
};

// A GloVe file of numbers that parsers get wrong: 16 and 17 digits on and just beside the midpoint
// between two floats (rounding through double picks the wrong float), 70-digit decimals, subnormals
// and odd spellings. Both tools must read each to the same float (tests/fuzz/fuzz_numbers checks
// the native reader against the C library's correctly rounded strtof).
function awkwardNumbers() {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const float = new Float32Array(1);
  const floatBits = new Uint32Array(float.buffer);
  const double = new Float64Array(1);
  const doubleBits = new BigInt64Array(double.buffer);
  const beside = (x, step) => ((double[0] = x), (doubleBits[0] += step), double[0]);
  const numbers = ['+1', '.5', '5.', '-0', '1E3', '1e-45', '7e-46', '-1.17549435e-38', '3.40282347e+38',
    '0.' + '3'.repeat(70), '-' + '9'.repeat(30) + 'e-31'];
  while (numbers.length < 400) {
    float[0] = (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10);
    const below = float[0];
    floatBits[0] += 1;
    const midpoint = (below + float[0]) / 2;  // exact in double
    numbers.push(midpoint.toPrecision(16), beside(midpoint, 1n).toPrecision(17), beside(midpoint, -1n).toExponential(16));
  }
  numbers.length = 400;
  const lines = [];
  for (let w = 0; w < 50; w++) lines.push(`w${w} ${numbers.slice(w * 8, w * 8 + 8).join(' ')}`);
  return lines.join('\n') + '\n';
}

function run(tool, args, input) {
  const { command, prefix } = TOOLS[tool];
  const r = spawnSync(command, [...prefix, ...args], { cwd: path.join(root, tool), env: ENV, encoding: 'utf8', timeout: 120_000, input });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Text with the documented differences taken out: what runs, and the last digit of printed numbers
// (kept apart, compared with a tolerance).
function split(text) {
  const numbers = [];
  const shape = text
    .replace(/^(embedlab \d+\.\d+\.\d+) \(.*\)$/m, '$1 (BUILD)')
    .replace(/kernels: \S+/g, 'kernels: ISA')
    .replace(/-?\d+\.\d+/g, (n) => { numbers.push(n); return '#'; });
  return { shape, numbers };
}

function sameText(native, node, what) {
  const a = split(native);
  const b = split(node);
  assert.equal(b.shape, a.shape, `${what} differs`);
  a.numbers.forEach((n, i) => {
    const decimals = n.split('.')[1].length;
    assert.ok(Math.abs(Number(n) - Number(b.numbers[i])) <= 1.01 * 10 ** -decimals, `${what}: ${n} vs ${b.numbers[i]}`);
  });
}

// Runs `args` through both tools; stdout, stderr, exit code and the files listed must agree.
function same(args, { files = [], code, input } = {}) {
  const native = run('native', args, input);
  const node = run('node', args, input);
  const what = `embedlab ${args.join(' ').slice(0, 80)}`;
  assert.equal(node.code, native.code, `${what}: exit code (native stderr: ${native.stderr})`);
  if (code !== undefined) assert.equal(native.code, code, `${what}: exit code ${native.code}, stderr: ${native.stderr}`);
  sameText(native.stdout, node.stdout, `${what}: stdout`);
  sameText(native.stderr, node.stderr, `${what}: stderr`);
  for (const file of files) {
    const a = path.join(root, 'native', file);
    const b = path.join(root, 'node', file);
    assert.equal(fs.existsSync(b), fs.existsSync(a), `${what}: ${file} written by one tool only`);
    if (fs.existsSync(a)) assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)), `${what}: ${file} differs`);
  }
  return native;
}

before(() => {
  assert.ok(fs.existsSync(NATIVE_CLI), `the native CLI ${NATIVE_CLI} is missing; build it first (bash scripts/build.sh)`);
  root = tempDir('embedlab-cli-parity-');
  for (const tool of Object.keys(TOOLS)) {
    fs.mkdirSync(path.join(root, tool));
    for (const [name, contents] of Object.entries(FILES)) fs.writeFileSync(path.join(root, tool, name), contents);
  }
  // The vectors both tools query: trained once, natively.
  const r = run('native', ['train', '--input', 'corpus.txt', '--output', 'planted.vec', '--dim', '20', '--epochs', '10',
    '--min-count', '1', '--sample', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  fs.copyFileSync(path.join(root, 'native', 'planted.vec'), path.join(root, 'node', 'planted.vec'));
});

test('help, version and usage errors', () => {
  assert.match(same(['--help'], { code: 0 }).stdout, /^ {2}tokenize {6}/m);
  same(['-h'], { code: 0 });
  same(['help'], { code: 0 });
  assert.match(same([], { code: 2 }).stderr, /usage: embedlab VERB/);
  assert.match(same(['--version'], { code: 0 }).stdout, /^embedlab \d+\.\d+\.\d+ \(/);
  const verbs = [...run('native', ['--help']).stdout.matchAll(/^ {2}([a-z][a-z-]*(?: [a-z]+)?) {2,}/gm)].map((m) => m[1]);
  assert.deepEqual(verbs, ['train', 'similar', 'analogy', 'similarity', 'doesnt-match', 'eval', 'convert', 'tokenize', 'project',
    'bpe train', 'bpe encode', 'bpe decode', 'lm train', 'lm sample', 'lm fill', 'lm inputs', 'lm export']);
  for (const verb of verbs) {
    assert.match(same([...verb.split(' '), '--help'], { code: 0 }).stdout, new RegExp(`^usage: embedlab ${verb}`));
    assert.match(same([...verb.split(' '), '--bogus'], { code: 1 }).stderr, /^embedlab: error: unknown option '--bogus' for/);
  }
  same(['bpe'], { code: 1 });
  same(['bpe', 'frobnicate'], { code: 1 });
  same(['bpe', '--help'], { code: 0 });
  same(['train', '--bogus', '--help'], { code: 0 }); // help wins over bad arguments
  same(['frobnicate'], { code: 1 });
  same(['similar'], { code: 1 });
  same(['analogy', 'planted.vec', 'king', 'man'], { code: 1 });
  same(['doesnt-match', 'planted.vec', 'king'], { code: 1 });
});

// Both tools parse with the same core code (its cases are in tests/cpp/command_line_test.cc): one
// error of each kind here shows they report it alike.
test('train: option and input errors', () => {
  const base = ['train', '--input', 'corpus.txt', '--output', 'never.vec'];
  for (const extra of [['--dim', 'ten'], ['--dim', '0'], ['--sample', '2'], ['--model', 'lstm'], ['--negative', '0'],
    ['--dim'], ['--binary=yes']]) {
    same([...base, ...extra], { code: 1, files: ['never.vec'] });
  }
  same(['train', '--output', 'never.vec'], { code: 1 });
  same(['train', '--input', 'missing.txt', '--output', 'never.vec'], { code: 1, files: ['never.vec'] });
  same(['train', '--input', 'corpus.txt', '--output', 'no/such/folder/x.vec'], { code: 1 });
  same(['train', '--input', 'prose.txt', '--output', 'never.vec', '--min-count', '5'], { code: 1, files: ['never.vec'] });
  same(['train', '--input', 'nul.txt', '--output', 'never.vec'], { code: 1 });
});

// Trained vectors: the same words in the same order, values equal within what the instruction
// sets' rounding allows.
function sameVectors(file) {
  const [a, b] = ['native', 'node'].map((tool) => fs.readFileSync(path.join(root, tool, file), 'utf8').trimEnd().split('\n'));
  assert.equal(b.length, a.length);
  assert.equal(b[0], a[0], 'the same header');
  a.forEach((line, i) => {
    const [wordA, ...x] = line.split(' ');
    const [wordB, ...y] = b[i].split(' ');
    assert.equal(wordB, wordA, `line ${i + 1}`);
    x.forEach((v, k) => assert.ok(Math.abs(Number(v) - Number(y[k])) <= 1e-3, `${wordA} value ${k}: ${v} vs ${y[k]}`));
  });
}

test('train: the same progress, summary and vectors, --alpha 0 meaning the default', () => {
  const args = ['train', '--input', 'corpus.txt', '--output', 'trained.vec', '--dim', '20', '--epochs', '3', '--min-count', '1'];
  const native = run('native', args);
  const node = run('node', args);
  assert.equal(native.code, 0, native.stderr);
  assert.equal(node.code, 0, node.stderr);
  assert.equal(node.stdout, native.stdout);
  const [a, b] = [native.stderr, node.stderr].map((s) => s.trimEnd().split('\n'));
  sameText(a[0], b[0], 'the read line');
  assert.match(a[0], /^read corpus\.txt: 2,000 lines, 14,000 tokens, 36 words \(min-count 1\); kernels: sse2$/);
  const summary = (line) => line.replace(/ in [\d.]+ s \([\d.]+[kM] words\/s, [\d.]+[kM] words\/s\/thread\)/, ' in T');
  assert.equal(summary(b.at(-1)), summary(a.at(-1)));
  assert.equal(summary(a.at(-1)), 'trained 36 x 20 in T; wrote trained.vec');
  const progress = /^\[[=> ]{30}\] +\d+\.\d%  epoch [1-3]\/3  [\d.]+[kM] words\/s  loss \d+\.\d{4}  lr \d\.\d{5}  ETA (\d+:\d\d|--:--)$/;
  for (const line of [...a.slice(1, -1), ...b.slice(1, -1)]) assert.match(line, progress);
  sameVectors('trained.vec');

  same([...args.slice(0, 5), '--alpha', '0', '--quiet'], { code: 0 });
  sameVectors('trained.vec');
  same(['train', '--input', 'corpus.txt', '--output', 'trained.bin', '--binary', '--dim', '8', '--model', 'skip-gram',
    '--loss', 'hs', '--keep-case', '--keep-punctuation', '--quiet'], { code: 0 });
});

test('queries: similar, analogy, similarity, doesnt-match', () => {
  same(['similar', 'planted.vec', 'king', '--top', '5'], { code: 0 });
  same(['similar', 'planted.vec', 'king', 'woman', '--minus', 'man', '--restrict', '20'], { code: 0 });
  same(['similar', 'family.vec', 'café'], { code: 0 }); // padded by characters, not bytes
  same(['similar', 'planted.vec', 'x'.repeat(5000)], { code: 1 });
  same(['similar', 'planted.vec', 'a\tb\u0001c'], { code: 1 });
  same(['similar', 'missing.vec', 'king'], { code: 1 });
  same(['similar', 'prose.txt', 'king'], { code: 1 });
  same(['similar', 'short.vec', 'a'], { code: 1 });
  same(['analogy', 'planted.vec', 'king', 'man', 'woman'], { code: 0 });
  same(['analogy', 'planted.vec', 'king', 'man', 'woman', '--method', 'mul', '--top', '3'], { code: 0 });
  same(['analogy', 'planted.vec', 'king', 'man', 'woman', '--method', 'avg'], { code: 1 });
  same(['similarity', 'planted.vec', 'king', 'queen'], { code: 0 });
  same(['similarity', 'family.vec', 'king', 'unicorn'], { code: 1 });
  same(['doesnt-match', 'planted.vec', 'crown', 'throne', 'palace', 'farm'], { code: 0 });
  same(['doesnt-match', 'planted.vec', 'crown', 'unicorn'], { code: 1 });
});

test('eval: analogies, word pairs and their errors', () => {
  same(['eval', 'planted.vec', 'questions.txt'], { code: 0 });
  same(['eval', 'planted.vec', 'questions.txt', '--method', 'mul', '--restrict', '10'], { code: 0 });
  same(['eval', 'planted.vec', 'pairs.tsv'], { code: 0 });
  same(['eval', 'planted.vec', 'questions.txt', '--pairs'], { code: 1 });
  same(['eval', 'planted.vec', 'bad-questions.txt'], { code: 1 });
  same(['eval', 'planted.vec', 'bad-pairs.tsv'], { code: 1 });
  same(['eval', 'planted.vec', 'missing.txt'], { code: 1 });
});

test('convert and tokenize write the same files', () => {
  same(['convert', 'planted.vec', 'out.bin', '--to', 'binary'], { code: 0, files: ['out.bin'] });
  same(['convert', 'out.bin', 'out.vec', '--precision', '3'], { code: 0, files: ['out.vec'] });
  same(['convert', 'planted.vec', 'projector', '--to', 'projector'], { code: 0, files: ['projector/vectors.tsv', 'projector/metadata.tsv'] });
  same(['convert', 'planted.vec', 'never.vec', '--to', 'csv'], { code: 1, files: ['never.vec'] });
  // One number grammar: the same floats, bit for bit, and the same refusal of hexadecimal.
  same(['convert', 'numbers.glove', 'numbers.bin', '--to', 'binary'], { code: 0, files: ['numbers.bin'] });
  same(['convert', 'hex.glove', 'never.bin', '--to', 'binary'], { code: 1, files: ['never.bin'] });
  same(['tokenize', 'mixed.txt', 'out.tok'], { code: 0, files: ['out.tok'] });
  same(['tokenize', 'mixed.txt', 'kept.tok', '--keep-case', '--keep-punctuation'], { code: 0, files: ['kept.tok'] });
  same(['tokenize', 'latin1.txt', 'replaced.tok'], { code: 0, files: ['replaced.tok'] });
  same(['tokenize', 'latin1.txt', 'never.tok', '--invalid-utf8', 'reject'], { code: 1, files: ['never.tok'] });
  same(['tokenize', 'nul.txt', 'never.tok'], { code: 1, files: ['never.tok'] });
});

test('bpe: train writes the same tokenizer file; encode and decode print alike', () => {
  const args = ['bpe', 'train', '--input', 'corpus.txt', '--output', 'tok.model', '--vocab-size', '300'];
  const native = run('native', args);
  const node = run('node', args);
  assert.equal(native.code, 0, native.stderr);
  assert.equal(node.code, 0, node.stderr);
  const timeless = (text) => text.replace(/ in \d+\.\d\d s;/, ' in T;');
  assert.equal(timeless(node.stderr), timeless(native.stderr));
  const lines = native.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^read corpus\.txt: [\d,]+ pieces, \d+ distinct; learning 39 merges$/);
  assert.match(lines.at(-2), /^\[={30}\] 100\.0%  39 \/ 39 merges$/);
  assert.equal(timeless(lines.at(-1)), 'trained 300 tokens (39 merges) in T; wrote tok.model');
  assert.ok(fs.readFileSync(path.join(root, 'native', 'tok.model')).equals(fs.readFileSync(path.join(root, 'node', 'tok.model'))),
    'the same tokenizer file');

  const tok = ['--tokenizer', 'tok.model'];
  assert.match(same(['bpe', 'encode', ...tok, 'the', 'king and queen'], { code: 0 }).stdout, /^\d+( \d+)*\n$/);
  same(['bpe', 'encode', ...tok, '--pieces', 'the king\'s café 😀'], { code: 0 });
  same(['bpe', 'encode', ...tok, '--pieces', '--ids', '--merges', '3', 'the crown'], { code: 0 });
  same(['bpe', 'encode', ...tok, '--allow-special', '[CLS] the king [SEP] a [MASK] [SEP]'], { code: 0 });
  same(['bpe', 'encode', ...tok], { code: 0, input: 'from standard input\n\nwith\tlines\n' });
  assert.match(same(['bpe', 'encode', ...tok, '--allow-special', 'a [FOO] b'], { code: 1 }).stderr, /unknown special token '\[FOO\]'/);
  same(['bpe', 'encode', ...tok, '--merges', '-1', 'x'], { code: 1 });
  assert.equal(same(['bpe', 'decode', ...tok, '116', '104', '101', '32', '298', '299'], { code: 0 }).stdout,
    'the [MASK][PAD]\n');
  same(['bpe', 'decode', ...tok, '300'], { code: 1 });
  same(['bpe', 'decode', ...tok, 'twelve'], { code: 1 });
  same(['bpe', 'decode', ...tok], { code: 1 });
  same(['bpe', 'encode', '--tokenizer', 'corpus.txt', 'x'], { code: 1 });
  same(['bpe', 'encode', '--tokenizer', 'missing.model', 'x'], { code: 1 });
  same(['bpe', 'encode', 'x'], { code: 1 });
  same(['bpe', 'train', '--input', 'corpus.txt', '--output', 'never.model', '--vocab-size', '260'], { code: 1, files: ['never.model'] });
  assert.match(same(['bpe', 'train', '--input', 'corpus.txt', '--output', 'never.model', '--vocab-size', '100000', '--quiet'],
    { code: 1, files: ['never.model'] }).stderr, /the text supports at most [\d,]+ tokens/);
  same(['bpe', 'train', '--input', 'missing.txt', '--output', 'never.model'], { code: 1, files: ['never.model'] });
});

// Language models: trained once natively (training runs the same core code in both; its floats
// differ in the last bits between instruction sets), then every lm verb on the same model files.
test('lm: train, sample, fill, inputs, export and their errors print alike', () => {
  const tiny = ['--vocab-size', '300', '--width', '16', '--heads', '2', '--context', '16', '--batch', '4', '--warmup', '5'];
  for (const [file, extra] of [['lm.model', []], ['bert.model', ['--objective', 'masked', '--positional', 'rope']]]) {
    const r = run('native', ['lm', 'train', '--input', 'corpus.txt', '--output', file, ...tiny, ...extra, '--steps', '20', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    fs.copyFileSync(path.join(root, 'native', file), path.join(root, 'node', file));
  }
  const lm = ['--model', 'lm.model'];
  const bert = ['--model', 'bert.model'];
  same(['lm', 'sample', ...lm, '--prompt', 'the king', '--tokens', '8', '--temperature', '0'], { code: 0 });
  same(['lm', 'inputs', ...lm, 'the crown'], { code: 0 });
  same(['lm', 'fill', ...bert, 'the [MASK] of the [MASK]', '--top-k', '3'], { code: 0 });
  same(['lm', 'inputs', ...bert, 'king', '--pair', 'queen'], { code: 0 });
  same(['lm', 'export', ...lm, '--output', 'lm.safetensors'], { code: 0, files: ['lm.safetensors'] });
  same(['similar', 'lm.model', 'e', '--top', '3'], { code: 0 });
  same(['lm', 'sample', ...bert], { code: 1 });
  same(['lm', 'fill', ...bert, 'no mask'], { code: 1 });
  same(['lm', 'sample', '--model', 'planted.vec'], { code: 1 });
  same(['lm', 'sample'], { code: 1 });
  same(['lm', 'frobnicate'], { code: 1 });
  same(['lm', '--help'], { code: 0 });
  for (const verb of ['train', 'sample', 'fill', 'inputs', 'export']) {
    assert.match(same(['lm', verb, '--help'], { code: 0 }).stdout, new RegExp(`^usage: embedlab lm ${verb}`));
  }
  const train = ['lm', 'train', '--input', 'corpus.txt', '--output', 'never.model'];
  for (const extra of [['--heads', '3', '--width', '16'], ['--width', '0'], ['--context', '9999'], ['--positional', 'alibi'],
    ['--vocab-size', '60000'], ['--objective', 'gpt']]) {
    same([...train, ...extra], { code: 1, files: ['never.model'] });
  }
  same(['lm', 'train', '--input', 'missing.txt', '--output', 'never.model'], { code: 1, files: ['never.model'] });

  // Training itself: the same lines, numbers aside; the parity report agrees to 1e-4.
  const args = [...train.slice(0, 4), '--output', 'trained.model', ...tiny, '--steps', '10', '--validate-every', '5'];
  const [native, node] = [run('native', args), run('node', args)];
  assert.equal(native.code, 0, native.stderr);
  assert.equal(node.code, 0, node.stderr);
  const shape = (text) => text.replace(/\d[\d.,]*[kM]? tokens\/s/g, 'R tokens/s').replace(/in [\d.]+ s/g, 'in T s')
    .replace(/[\d.]+ ms\/step/g, 'M ms/step').replace(/ETA \S+/g, 'ETA E')
    .replace(/  loss [\d.]+  /g, '  loss L  '); // the mean since the previous progress line: it depends on the slices
  // The progress lines in between depend on timing (one per tenth of the run reached by a slice).
  const ends = (text) => { const lines = shape(text).split('\n'); return [...lines.slice(0, 2), ...lines.slice(-3)].join('\n'); };
  sameText(ends(native.stderr), ends(node.stderr), 'lm train stderr');
  assert.match(native.stderr, /^\[[=> ]{30}\] 100\.0%  step 10\/10  [\d.]+[kM] tokens\/s  loss \d+\.\d{4}  val \d+\.\d{4}  lr /m);
  assert.match(native.stderr, /trained 10 steps in .*bigram baseline .* wrote trained\.model\n$/);
  const initial = (tool) => {
    const r = run(tool, [...train.slice(0, 4), '--output', 'init.model', ...tiny, '--steps', '0', '--report-initial', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.match(/^initial loss (\S+) grad-norm (\S+)\n$/).slice(1).map(Number);
  };
  const [a, b] = [initial('native'), initial('node')];
  assert.ok(Math.abs(a[0] - b[0]) < 1e-4 && Math.abs(a[1] - b[1]) < 1e-4, `${a} vs ${b}`);
});

// Starts a long training, sends Ctrl-C (SIGINT) after the first progress line, and resolves with
// what the tool printed and its exit code.
function interrupt(tool, args = ['train', '--input', 'big.txt', '--output', 'cancelled.vec', '--epochs', '1000', '--min-count', '1']) {
  const { command, prefix } = TOOLS[tool];
  const child = spawn(command, [...prefix, ...args], { cwd: path.join(root, tool), env: ENV });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (/^\[/m.test(stderr) && child.signalCode === null && !child.sent) {
      child.sent = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

test('Ctrl-C cancels training the same way: one message, exit 130, nothing written', async () => {
  const [native, node] = await Promise.all([interrupt('native'), interrupt('node')]);
  for (const [tool, r] of [['native', native], ['node', node]]) {
    assert.equal(r.code, 130, `${tool} exits 130 (got ${r.code}, signal ${r.signal}): ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0], /^read big\.txt: 20,000 lines, 200,000 tokens, 2,000 words \(min-count 1\); kernels: /);
    assert.match(lines[1], /^\[/, `${tool} printed progress before the Ctrl-C`);
    assert.equal(lines.at(-1), 'embedlab: error: training was cancelled');
    assert.ok(lines.slice(1, -1).every((l) => l.startsWith('[')), `${tool}: only progress lines between:\n${r.stderr}`);
    for (const file of ['cancelled.vec', 'cancelled.vec.tmp']) assert.ok(!fs.existsSync(path.join(root, tool, file)), `${tool} wrote ${file}`);
  }
  sameText(native.stderr.split('\n')[0], node.stderr.split('\n')[0], 'the read line');
});

test('Ctrl-C cancels language-model training alike: exit 130, nothing written', async () => {
  const args = ['lm', 'train', '--input', 'big.txt', '--output', 'cancelled.model', '--vocab-size', '300', '--steps', '1000000'];
  const [native, node] = await Promise.all([interrupt('native', args), interrupt('node', args)]);
  for (const [tool, r] of [['native', native], ['node', node]]) {
    assert.equal(r.code, 130, `${tool} exits 130 (got ${r.code}, signal ${r.signal}): ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0], /^trained a byte-level BPE of 300 tokens/);
    assert.match(lines[1], /^read big\.txt: 20,000 lines/);
    assert.equal(lines.at(-1), 'embedlab: error: training was cancelled');
    assert.ok(lines.slice(2, -1).every((l) => l.startsWith('[')), `${tool}: only progress lines between:\n${r.stderr}`);
    for (const file of ['cancelled.model', 'cancelled.model.tmp']) assert.ok(!fs.existsSync(path.join(root, tool, file)), `${tool} wrote ${file}`);
  }
});

test('project: the same maps, messages and errors', () => {
  // Semantic axes and PCA are the same numbers in both tools (4 decimals).
  same(['project', 'planted.vec', '--method', 'axes', '--x-axis', 'queen,king', '--y-axis', 'crown,farm', '--out', 'axes.tsv'],
    { code: 0, files: ['axes.tsv'] });
  const lines = fs.readFileSync(path.join(root, 'native', 'axes.tsv'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 36);
  assert.match(lines[0], /^\S+\t-?\d+\.\d{4}\t-?\d+\.\d{4}$/);
  same(['project', 'planted.vec', '--method', 'pca', '--limit', '20', '--out', 'pca.tsv', '--quiet'], { code: 0, files: ['pca.tsv'] });
  // t-SNE and UMAP iterate on floats whose last bits differ (exp, pow): the same words in order and
  // the same messages, and maps of the same shape.
  for (const method of ['tsne', 'umap']) {
    const args = ['project', 'planted.vec', '--method', method, '--perplexity', '5', '--iterations', '100', '--out', `${method}.tsv`];
    same(args, { code: 0 });
    const words = (tool) => fs.readFileSync(path.join(root, tool, `${method}.tsv`), 'utf8').trim().split('\n').map((l) => l.split('\t')[0]);
    assert.deepEqual(words('node'), words('native'));
  }
  same(['project', 'planted.vec', '--method', 'axes', '--x-axis', 'queen,unicorn', '--y-axis', 'crown,farm', '--out', 'bad.tsv'],
    { code: 1, files: ['bad.tsv'] });
  same(['project', 'planted.vec', '--method', 'tsne', '--perplexity', '0', '--out', 'bad.tsv'], { code: 1 });
  same(['project', 'planted.vec', '--method', 'tsne', '--perplexity', '50', '--out', 'bad.tsv'], { code: 1 });
  same(['project', 'planted.vec', '--method', 'mds', '--out', 'bad.tsv'], { code: 1 });
  same(['project', 'planted.vec', '--method', 'tsne', '--repulsion', 'fast', '--out', 'bad.tsv'], { code: 1 });
  same(['project', 'planted.vec', '--method', 'tsne', '--repulsion', 'interpolated', '--perplexity', '5', '--iterations', '20', '--out', 'fft.tsv', '--quiet'],
    { code: 0 });
});
