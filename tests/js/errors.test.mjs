// Bad input through the JS API: every failure is a plain Error with a useful message (the core's
// message for core errors), and the instance keeps working after it. The two builds throw
// differently inside (wasm exceptions, JS-based exceptions): scripts/test.sh runs this on both.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { rawModule } from '../../src/js/embedlab.js';
import { VARIANT, plantedCorpus } from './helpers.mjs';

const SMALL = plantedCorpus({ lines: 300 });
let el;
let model;

before(async () => {
  el = await init();
  assert.equal(el.variant, VARIANT);
  model = await el.train(SMALL, { dim: 8, epochs: 1, minCount: 1 });
});

after(() => model?.dispose());

function checkError(error, pattern) {
  assert.ok(error instanceof Error, `an Error, got ${typeof error}: ${String(error)}`);
  if (typeof WebAssembly.Exception === 'function') assert.ok(!(error instanceof WebAssembly.Exception));
  assert.equal(typeof error.message, 'string');
  assert.match(error.message, pattern);
  assert.doesNotMatch(error.message, /^\d+$|^undefined$|\[object /, 'a real message, not a pointer or a placeholder');
  return true;
}

// After each bad call the instance must still train, load and answer queries.
async function stillWorks() {
  const m = await el.train(SMALL, { dim: 8, epochs: 1, minCount: 1 });
  try {
    assert.equal(m.size, 36);
    assert.equal(m.mostSimilar('king', { topn: 3 }).length, 3);
  } finally {
    m.dispose();
  }
  const loaded = el.load('2 2\na 1 0\nb 0 1\n');
  assert.deepEqual(loaded.words, ['a', 'b']);
  loaded.dispose();
  assert.equal(model.analogy('man', 'king', 'woman', { topn: 1 }).length, 1);
  assert.equal(model.vector('queen').length, 8);
}

async function rejectsTrain(text, options, pattern) {
  await assert.rejects(el.train(text, options), (e) => checkError(e, pattern));
  await stillWorks();
}

async function throwsSync(fn, pattern) {
  assert.throws(fn, (e) => checkError(e, pattern));
  await stillWorks();
}

const bytes = (...values) => new Uint8Array(values.flat());
const utf8 = (s) => [...new TextEncoder().encode(s)];

// ---- training input (core errors) --------------------------------------------------------------

test('empty corpus', async () => {
  await rejectsTrain('', { minCount: 1 }, /no words/);
  await rejectsTrain('\n  \n\t\n', { minCount: 1 }, /no words/);
  await rejectsTrain(new Uint8Array(0), { minCount: 1 }, /no words/);
});

test('corpus emptied by minCount', async () => {
  await rejectsTrain('a b c\nd e\n', { minCount: 5 }, /min count/);
  await rejectsTrain('a b c\nd e\n', { minCount: 5 }, /no word occurs at least/);
});

test('binary garbage (NUL bytes)', async () => {
  await rejectsTrain(bytes(utf8('hello world\n'), [0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 10]), { minCount: 1 }, /binary/);
  await rejectsTrain('text with a \0 NUL\n', { minCount: 1 }, /binary/);
});

test("invalid UTF-8 with invalidUtf8: 'reject' names the line", async () => {
  const bad = bytes(utf8('good line here\n'), [0x61, 0x20, 0xff, 0xfe, 0x20, 0x62, 10]);
  await rejectsTrain(bad, { minCount: 1, invalidUtf8: 'reject' }, /line 2/);
  await rejectsTrain(bad, { minCount: 1, invalidUtf8: 'reject' }, /UTF-8/);
});

test("invalid UTF-8 with the default 'replace' policy trains", async () => {
  const bad = bytes(utf8(SMALL), [0x61, 0x62, 0xff, 0x20, 0x62, 10]);
  const m = await el.train(bad, { dim: 8, epochs: 1, minCount: 1 });
  try {
    assert.ok(m.words.some((w) => w.includes('\uFFFD')), 'the bad byte became U+FFFD');
    assert.ok(m.has('king'));
  } finally {
    m.dispose();
  }
});

test('out-of-range training options', async () => {
  await rejectsTrain(SMALL, { minCount: 1, dim: 0 }, /dim/);
  await rejectsTrain(SMALL, { minCount: 1, dim: 10001 }, /dim/);
  await rejectsTrain(SMALL, { minCount: 1, window: 0 }, /window/);
  await rejectsTrain(SMALL, { minCount: 1, negative: -1 }, /negative/);
  await rejectsTrain(SMALL, { minCount: 1, negative: 0 }, /negative/); // needs loss 'hs'
  await rejectsTrain(SMALL, { minCount: 1, epochs: 0 }, /epochs/);
  await rejectsTrain(SMALL, { minCount: 0 }, /minCount/);
  await rejectsTrain(SMALL, { minCount: 1, sample: -0.1 }, /sample/);
  await rejectsTrain(SMALL, { minCount: 1, model: 'glove' }, /model must be 'cbow' or 'skipgram', got 'glove'/);
  await rejectsTrain(SMALL, { minCount: 1, loss: 'softmax' }, /loss/);
  await rejectsTrain(SMALL, { minCount: 1, invalidUtf8: 'ignore' }, /invalidUtf8/);
  await rejectsTrain(SMALL, { minCount: 1, seed: -1 }, /seed/);
  await rejectsTrain(SMALL, { minCount: 1, threads: 0 }, /threads/);
  // negative: 0 is fine with hierarchical softmax.
  const hs = await el.train(SMALL, { dim: 8, epochs: 1, minCount: 1, loss: 'hs', negative: 0 });
  hs.dispose();
});

// ---- loading vectors (core errors) -------------------------------------------------------------

test('load: empty bytes', async () => {
  await throwsSync(() => el.load(new Uint8Array(0)), /empty/);
  await throwsSync(() => el.load(''), /empty/);
});

test('load: wrong header', async () => {
  await throwsSync(() => el.load('hello world\nfoo 1 2\n'), /not a vectors file/);
  await throwsSync(() => el.load('2 x\nfoo 1 2\n'), /line 1/);
});

test('load: short row names the line', async () => {
  await throwsSync(() => el.load('2 3\nfoo 1 2 3\nbar 1 2\n'), /line 3/);
  await throwsSync(() => el.load('foo 1 2 3\nbar 1 2\n'), /line 2/); // GloVe
});

test('load: non-numeric and NaN values', async () => {
  await throwsSync(() => el.load('2 3\nfoo 1 2 3\nbar 1 x 2\n'), /line 3.*'x' is not a number/);
  await throwsSync(() => el.load('2 3\nfoo 1 2 3\nbar 1 nan 2\n'), /line 3.*NaN/);
});

test('load: duplicate word', async () => {
  await throwsSync(() => el.load('2 3\nfoo 1 2 3\nfoo 1 2 3\n'), /'foo' appears twice/);
});

test('load: truncated binary', async () => {
  const binary = model.save('word2vec-binary');
  await throwsSync(() => el.load(binary.subarray(0, binary.length - 7)), /truncated/);
  await throwsSync(() => el.load(binary.subarray(0, binary.length - 7), { format: 'word2vec-binary' }), /truncated/);
});

test('load: bad options', async () => {
  await throwsSync(() => el.load('1 2\na 1 2\n', { format: 'fasttext-bin' }), /format must be 'auto', 'word2vec-text', 'word2vec-binary' or 'glove'/);
  await throwsSync(() => el.load('1 2\na 1 2\n', 'glove'), /options must be an object/);
  await throwsSync(() => el.load('1 2\na 1 2\n', { fromat: 'glove' }), /unknown load option 'fromat'/);
});

// ---- queries (core errors) ---------------------------------------------------------------------

test('unknown words in queries', async () => {
  const unknown = /word 'emperor' is not in the vocabulary/;
  await throwsSync(() => model.mostSimilar('emperor'), unknown);
  await throwsSync(() => model.mostSimilar({ positive: ['king'], negative: ['emperor'] }), unknown);
  await throwsSync(() => model.similarity('king', 'emperor'), unknown);
  await throwsSync(() => model.analogy('man', 'emperor', 'woman'), unknown);
  await throwsSync(() => model.vector('emperor'), unknown);
  await throwsSync(() => model.doesntMatch(['king', 'emperor', 'queen']), unknown);
});

test('doesntMatch needs two words', async () => {
  await throwsSync(() => model.doesntMatch(['king']), /^doesntMatch needs at least two words, got 1$/);
  await throwsSync(() => model.mostSimilar([]), /^mostSimilar needs at least one word$/);
});

// ---- JS-only argument checks ---------------------------------------------------------------------

test('wrong argument types', async () => {
  await throwsSync(() => model.mostSimilar(42), /mostSimilar expects a word/);
  await throwsSync(() => model.mostSimilar([1, 2]), /must be a string/);
  await throwsSync(() => model.mostSimilar({ positive: 'king' }), /positive must be an array/);
  await throwsSync(() => model.mostSimilar({}), /at least one word/);
  await throwsSync(() => model.mostSimilar(''), /must not be empty/);
  await throwsSync(() => model.similarity('king', 3), /second word must be a string, got 3/);
  await throwsSync(() => model.analogy('man', 'king', null), /c must be a string/);
  await throwsSync(() => model.vector(undefined), /word must be a string/);
  await throwsSync(() => model.doesntMatch('king queen'), /words must be an array/);
  await throwsSync(() => model.has(7), /word must be a string/);
  await rejectsTrain(12345, {}, /text must be a Uint8Array or ArrayBuffer, got 12345/);
  await rejectsTrain(null, {}, /text must be/);
  await throwsSync(() => el.load({}), /bytes must be a Uint8Array or ArrayBuffer, got an object/);
  await throwsSync(() => el.load(42), /bytes must be/);
  await throwsSync(() => el.fromVectors(['a'], 2, new Float32Array(3)), /need 2/);
  await throwsSync(() => el.fromVectors(['a'], 2, [1, 2]), /Float32Array/);
});

test('options that are not objects', async () => {
  await rejectsTrain(SMALL, 'cbow', /options must be an object/);
  await rejectsTrain(SMALL, null, /options must be an object, got null/);
  await throwsSync(() => model.mostSimilar('king', null), /options must be an object/);
  await throwsSync(() => model.mostSimilar('king', 5), /options must be an object/);
  await throwsSync(() => model.analogy('man', 'king', 'woman', 'mul'), /options must be an object/);
  await throwsSync(() => model.save('word2vec-text', 9), /options must be an object/);
  await assert.rejects(init(null), (e) => checkError(e, /options must be an object/));
});

test('unknown option names', async () => {
  await rejectsTrain(SMALL, { minCount: 1, dimension: 50 }, /unknown training option 'dimension'/);
  await rejectsTrain(SMALL, { minCount: 1, onProgress: 'yes' }, /onProgress must be a function/);
  await rejectsTrain(SMALL, { minCount: 1, signal: {} }, /signal must be an AbortSignal/);
  await rejectsTrain(SMALL, { minCount: 1, probes: 'king' }, /probes must be an array/);
  await throwsSync(() => model.mostSimilar('king', { top: 3 }), /unknown mostSimilar option 'top'/);
  await throwsSync(() => model.mostSimilar({ positive: ['king'], negatives: ['man'] }), /unknown mostSimilar option 'negatives'/);
  await throwsSync(() => model.analogy('man', 'king', 'woman', { mode: '3cosmul' }), /unknown analogy option 'mode'/);
  await throwsSync(() => model.save('word2vec-text', { digits: 3 }), /unknown save option 'digits'/);
});

test('bad option values in queries and save', async () => {
  await throwsSync(() => model.mostSimilar('king', { topn: -1 }), /topn must be between 0 and/);
  await throwsSync(() => model.mostSimilar('king', { topn: 2.5 }), /topn must be a whole number/);
  await throwsSync(() => model.mostSimilar('king', { topn: '5' }), /topn must be a whole number/);
  await throwsSync(() => model.analogy('man', 'king', 'woman', { topn: -3 }), /topn/);
  await throwsSync(() => model.analogy('man', 'king', 'woman', { method: 'add' }), /method must be '3cosadd' or '3cosmul', got 'add'/);
  await throwsSync(() => model.mostSimilar('king', { restrict: -1 }), /restrict/);
  await throwsSync(() => model.save('csv'), /format must be 'word2vec-text', 'word2vec-binary' or 'projector-tsv', got 'csv'/);
  await throwsSync(() => model.save('word2vec-text', { precision: 0 }), /precision/);
  await throwsSync(() => model.evaluateAnalogies(42), /questions must be a string/);
});

test('a disposed model throws "disposed"; dispose twice is fine', async () => {
  const m = el.load('2 2\na 1 0\nb 0 1\n');
  m.dispose();
  m.dispose();
  assert.equal(m.disposed, true);
  const calls = [
    () => m.words, () => m.dim, () => m.size, () => m.has('a'), () => m.vector('a'), () => m.vectors(),
    () => m.similarity('a', 'b'), () => m.mostSimilar('a'), () => m.analogy('a', 'b', 'a'),
    () => m.doesntMatch(['a', 'b']), () => m.save(), () => m.evaluateSimilarity('a\tb\t1\n'),
    () => m.evaluateAnalogies(': s\na b a b\n'),
  ];
  for (const call of calls) await throwsSync(call, /disposed/);
});

test('option errors use the JS names and the schema ranges', async () => {
  await rejectsTrain(SMALL, { minCount: 1, dim: 0 }, /^dim must be between 1 and 10,000, got 0$/);
  await rejectsTrain(SMALL, { minCount: 0 }, /^minCount must be at least 1, got 0$/);
  await rejectsTrain(SMALL, { minCount: 1, learningRate: 11 }, /^learningRate must be between 0 and 10, got 11$/);
  await rejectsTrain(SMALL, { minCount: 1, dim: 2.5 }, /^dim must be a whole number, got 2\.5$/);
  await rejectsTrain(SMALL, { minCount: 1, sample: NaN }, /^sample must be a finite number, got NaN$/);
  await rejectsTrain(SMALL, { minCount: 1, lowercase: 'no' }, /^lowercase must be true or false, got 'no'$/);
  await rejectsTrain(SMALL, { minCount: 1, negative: 0 }, /negative sampling needs at least one negative sample/);
  await throwsSync(() => model.mostSimilar('king', { topn: 1e8 }), /^topn must be between 0 and 10,000,000, got 100000000$/);
});

test('messages quote user text: control characters escaped, long text cut with its size', async () => {
  const long = 'x'.repeat(5000);
  await throwsSync(() => model.vector(long), /^word 'x{60}\u2026' \(5,000 bytes\) is not in the vocabulary \(36 words\)$/);
  await throwsSync(() => model.similarity('king', 'a\tb\0c'), /word 'a\\x09b\\x00c' is not in the vocabulary/);
  await throwsSync(() => model.mostSimilar({ positive: long }), /positive must be an array of words, got 'x{60}\u2026' \(5,000 bytes\)$/);
  await rejectsTrain(SMALL, { minCount: 1, [long]: 1 }, /^unknown training option 'x{60}\u2026' \(5,000 bytes\) \(known: /);
  await rejectsTrain(SMALL, { minCount: 1, model: long }, /got 'x{60}\u2026' \(5,000 bytes\)$/);
  await throwsSync(() => el.load(`2 2\n${long} 1 0\nb 0 1\n`).vector(long.slice(1)), /is not in the vocabulary/);
});

test('messages name no C++ internals', async () => {
  const internal = /doesnt_match|most_similar|min_count|max_vocabulary|learning_rate|std::|embedlab::/;
  const messages = [];
  const collect = (fn) => { try { fn(); } catch (e) { messages.push(e.message); } };
  collect(() => model.doesntMatch(['king']));
  collect(() => model.doesntMatch(['king', 'emperor']));
  collect(() => model.mostSimilar([]));
  collect(() => model.mostSimilar({ positive: [] }));
  collect(() => el.load('1 2\na 1 2\n', { format: 'x' }));
  await el.train('a b c\n', { minCount: 5 }).catch((e) => messages.push(e.message));
  await el.train(SMALL, { minCount: 1, learningRate: -1 }).catch((e) => messages.push(e.message));
  assert.equal(messages.length, 7);
  for (const message of messages) assert.doesNotMatch(message, internal);
});

// Calls every method and static function of every bound class with arguments of the wrong kind:
// each call returns or throws, and none leaves an error behind that the next call would report.
test('every raw method is checked for errors, with no list of names', async () => {
  const raw = rawModule(el);
  const corpus = raw.Corpus.create({ minCount: 1 });
  corpus.addText(SMALL);
  corpus.finish();
  const trainer = raw.Trainer.create(corpus, { dim: 8, epochs: 1 });
  const loaded = raw.Model.load(new TextEncoder().encode('2 2\na 1 0\nb 0 1\n'), {});
  const bpeTrainer = raw.BpeTrainer.create(SMALL, 262);
  const bytesOnly = raw.BpeTrainer.create(SMALL, 261); // no merges: trained as soon as made
  const tokenizer = bytesOnly.tokenizer();
  bytesOnly.delete();
  const lmArgs = ['lm', 'train', '--input', 'small.txt', '--output', 'small.model', '--steps', '2', '--vocab-size', '262',
    '--width', '8', '--heads', '2', '--context', '4', '--batch', '1'];
  const lmCommand = raw.LanguageModelCommand.create(lmArgs, () => new TextEncoder().encode(SMALL));
  const languageModel = raw.LanguageModel.create(tokenizer, '', {
    objective: 'next', positional: 'rope', width: 8, heads: 2, layers: 1, context: 4, batch: 1, steps: 0, learningRate: 1e-3,
    warmup: 0, seed: 1, threads: 1, validateEvery: 1,
  });
  const stream = raw.VectorStream.create({}, 0, false);
  const builder = raw.VectorsBuilder.create(2, 2);
  const indexBuild = loaded.indexBuild({});
  const mapRun = raw.MapRun.create(loaded, { method: 'pca' });
  const instances = {
    Corpus: corpus, Trainer: trainer, Model: loaded, BpeTrainer: bpeTrainer, Tokenizer: tokenizer, LanguageModelCommand: lmCommand,
    LanguageModel: languageModel, VectorStream: stream, VectorsBuilder: builder, IndexBuild: indexBuild,
    MapRun: mapRun,
  };
  // Every arity up to 6 with arguments of one kind each: some calls fail in Embind's conversions,
  // others reach C++ (a word, a count, an options object) and fail or succeed there.
  const garbage = [];
  for (let n = 0; n <= 6; n++) for (const value of ['x', 1, {}, null]) garbage.push(Array(n).fill(value));
  let checked = 0;
  let failed = 0;
  try {
    // The classes init() wraps, found as it finds them (a new class needs an instance above).
    const classes = Object.keys(raw).filter((k) => typeof Object.getOwnPropertyDescriptor(raw, k).value?.prototype?.isAliasOf === 'function');
    assert.deepEqual(classes.sort(), ['BpeTrainer', 'Corpus', 'IndexBuild', 'LanguageModel', 'LanguageModelCommand', 'Library', 'MapRun', 'MapTools',
      'Model', 'Tokenizer', 'TokenizerTools', 'Trainer', 'VectorStream', 'VectorsBuilder']);
    for (const name of classes) {
      const cls = raw[name];
      const calls = [
        ...Object.getOwnPropertyNames(cls).filter((m) => typeof cls[m] === 'function').map((m) => [cls, m]),
        ...Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor').map((m) => [instances[name], m]),
      ];
      assert.ok(calls.length >= 3, `${name} has bound functions`);
      for (const [target, method] of calls) {
        for (const args of garbage) {
          try {
            const result = target[method](...args);
            if (result && typeof result.delete === 'function' && result !== target) result.delete();
          } catch (error) {
            assert.ok(error instanceof Error, `${name}.${method} threw ${error}`);
            failed++;
          }
          assert.equal(raw.takeLastError(), '', `${name}.${method}(${args.length} arguments) left its error unreported`);
          checked++;
        }
      }
    }
  } finally {
    indexBuild.delete(); // before the model whose rows it reads
    stream.delete();
    builder.delete();
    trainer.delete();
    corpus.delete();
    loaded.delete();
    bpeTrainer.delete();
    tokenizer.delete();
    lmCommand.delete();
    languageModel.delete();
    mapRun.delete();
  }
  assert.ok(checked > 500 && failed > 400, `${checked} calls, ${failed} errors`);
  await stillWorks();
});

test('numbers in vectors files follow one grammar in every build: no hexadecimal, decimals of any length', () => {
  assert.throws(() => el.load('1 2\nw 0x1p-2 1.5\n', { name: 'hex.vec' }), (e) => checkError(e, /hex\.vec line 2: '0x1p-2' is not a number/));
  const long = `0.25${'0'.repeat(70)}1`;
  const loaded = el.load(`1 2\nw ${long} -${long}e0\n`, { name: 'long.vec' });
  assert.deepEqual([...loaded.vector('w')], [0.25, -0.25]);
  loaded.dispose();
});

test('a binary file whose first float holds a line break after printable bytes loads back as saved', () => {
  const floats = new Float32Array(new Uint8Array([0x41, 0x42, 0x0a, 0x3f, 0, 0, 0xc0, 0x3f]).buffer);
  const original = el.fromVectors(['w'], 2, floats);
  const bytes = original.save('word2vec-binary');
  const loaded = el.load(bytes);
  assert.deepEqual([...loaded.vector('w')], [...floats]);
  original.dispose();
  loaded.dispose();
});
