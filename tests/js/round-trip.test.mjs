// What the package writes, it reads: random models (random words with long, Unicode and awkward
// ones, any finite float32 bit pattern) saved in every format load back identical. The native
// suite (tests/cpp/round_trip_test.cc) does 10,000 trained models; this runs the wasm build.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { rng } from './helpers.mjs';

let el;
before(async () => { el = await init(); });

const PIECES = ['a', 'zz', 'é', 'ß', '日本', '🙂', 'e\u0301', '\u0085', '\uFFFD', "'", '"', '\\', '#', ':', '-', '1', 'nan', 'Ω'];

function randomWord(random, index) {
  if (random() < 0.01) return 'l'.repeat(1000 + Math.floor(random() * 64000)) + index;
  let word = '';
  for (let k = 1 + Math.floor(random() * 4); k > 0; k--) word += PIECES[Math.floor(random() * PIECES.length)];
  return `${word}${index}`; // unique
}

function randomFloats(random, n) {
  const bits = new Uint32Array(n);
  const floats = new Float32Array(bits.buffer);
  for (let i = 0; i < n; i++) {
    do bits[i] = Math.floor(random() * 2 ** 32); while (!Number.isFinite(floats[i]));
  }
  return floats;
}

const sameBits = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

test('300 random models load back identical from word2vec binary, text (9 digits), GloVe and the projector pair', () => {
  const random = rng(11);
  for (let m = 0; m < 300; m++) {
    const words = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => randomWord(random, i));
    const dim = 1 + Math.floor(random() * 8);
    const model = el.fromVectors(words, dim, randomFloats(random, words.length * dim));
    const vectors = model.vectors();
    const expect = (loaded, what) => {
      assert.deepEqual([...loaded.words], words, `model ${m}: ${what} words`);
      assert.ok(sameBits(loaded.vectors(), vectors), `model ${m}: ${what} values`);
      loaded.dispose();
    };
    const binary = model.save('word2vec-binary');
    expect(el.load(binary), 'binary (detected)');
    expect(el.load(binary, { format: 'word2vec-binary' }), 'binary (named)');
    const text = model.save('word2vec-text', { precision: 9 });
    expect(el.load(text), 'text (detected)');
    const glove = text.subarray(text.indexOf(10) + 1);
    expect(el.load(glove, { format: 'glove' }), 'GloVe');
    const projector = model.save('projector-tsv', { precision: 9 });
    const rows = Buffer.from(projector.vectors).toString().split('\n');
    const names = Buffer.from(projector.metadata).toString().split('\n');
    expect(el.load(names.slice(0, -1).map((w, i) => `${w}\t${rows[i]}`).join('\n'), { format: 'glove' }), 'projector');
    model.dispose();
  }
});
