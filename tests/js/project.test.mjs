// model.project(): PCA, t-SNE, UMAP and semantic axes through the npm API, with intermediate
// layouts, aborts, disposal and errors a user can act on.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { plantedCorpus, zipfCorpus } from './helpers.mjs';

let el;
let planted; // 36 words with a planted king/queen/man/woman structure
let zipf; // 300 words

before(async () => {
  el = await init();
  planted = await el.train(plantedCorpus(), { dim: 20, epochs: 10, minCount: 1, sample: 0, seed: 1 });
  zipf = await el.train(zipfCorpus({ lines: 3000 }), { dim: 16, epochs: 3, minCount: 1, seed: 1 });
});

after(() => {
  planted?.dispose();
  zipf?.dispose();
});

const finite = (coords) => coords.every((v) => Number.isFinite(v));

test('pca, tsne and umap map the most frequent words, streaming intermediate layouts', async () => {
  const pca = await zipf.project({ method: 'pca', limit: 100 });
  assert.deepEqual(pca.words, zipf.words.slice(0, 100));
  assert.ok(pca.coords instanceof Float32Array);
  assert.equal(pca.coords.length, 200);
  assert.ok(finite(pca.coords));
  for (const method of ['tsne', 'umap']) {
    const frames = [];
    const r = await zipf.project({ method, iterations: 120, perplexity: 10, every: 20, sliceMs: 1, onProgress: (p) => frames.push(p) });
    assert.equal(r.method, method);
    assert.equal(r.words.length, zipf.size);
    assert.equal(r.coords.length, 2 * zipf.size);
    assert.ok(finite(r.coords));
    assert.equal(r.iterations, 120);
    const layouts = frames.filter((f) => f.coords);
    assert.ok(layouts.length >= 3, `${method}: ${layouts.length} intermediate layouts`);
    for (const f of layouts) assert.equal(f.coords.length, 2 * zipf.size);
    const iterations = frames.map((f) => f.iteration);
    assert.deepEqual(iterations, [...iterations].sort((a, b) => a - b), 'iterations rise');
    assert.equal(frames.at(-1).fraction, 1);
    assert.deepEqual([...frames.at(-1).coords], [...r.coords], 'the last frame is the result');
  }
});

test('semantic axes put queen on the woman side and the royal side; a word list maps only those words', async () => {
  const words = ['king', 'queen', 'man', 'woman'];
  // x: man -> woman; y: commoner -> royal (king - man), the seed's analogy made visible.
  const r = await planted.project({ method: 'axes', words, axes: { x: ['woman', 'man'], y: ['king', 'man'] } });
  assert.deepEqual(r.words, words);
  const at = (w) => ({ x: r.coords[2 * words.indexOf(w)], y: r.coords[2 * words.indexOf(w) + 1] });
  assert.ok(at('queen').x > at('king').x, 'queen is further to the woman side than king');
  assert.ok(at('woman').x > at('man').x);
  assert.ok(at('queen').y > at('woman').y, 'queen is further to the royal side than woman');
  assert.ok(at('queen').y > 0 && at('queen').x > 0, 'queen is on the woman side and the royal side');
  for (const v of r.coords) assert.ok(Math.abs(v) <= 1 + 1e-6, 'coordinates are cosines');
});

test('bad options are errors that name what is wrong', async () => {
  await assert.rejects(planted.project({ method: 'mds' }), /method.*'pca', 'tsne', 'umap' or 'axes'|'mds'/);
  await assert.rejects(planted.project({ method: 'axes', axes: { x: ['woman', 'man'], y: ['crown', 'unicorn'] } }),
    /'unicorn' is not in the vocabulary/);
  await assert.rejects(planted.project({ method: 'axes', axes: { x: ['woman'], y: ['crown', 'farm'] } }), /axes\.x must be two words/);
  await assert.rejects(planted.project({ method: 'tsne', perplexity: 5000 }), /perplexity/);
  await assert.rejects(planted.project({ method: 'tsne', repulsion: 'fast' }), /repulsion.*'auto', 'barnes-hut' or 'interpolated'/);
  await assert.rejects(planted.project({ method: 'tsne', perplexity: 40 }), /less than the number of words mapped \(36\)/);
  await assert.rejects(planted.project({ method: 'umap', words: ['king', 'quene'] }), /'quene' is not in the vocabulary/);
  await assert.rejects(planted.project({ method: 'umap', bogus: 1 }), /bogus/);
  await assert.rejects(planted.project('tsne'), /project options must be an object/);
});

test('an abort rejects with an AbortError; disposal is safe', async () => {
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(zipf.project({ method: 'tsne', perplexity: 10, signal: pre.signal }), { name: 'AbortError' });
  const controller = new AbortController();
  let calls = 0;
  await assert.rejects(zipf.project({
    method: 'tsne', perplexity: 10, iterations: 5000, sliceMs: 1, every: 1, signal: controller.signal,
    onProgress: () => { if (++calls === 2) controller.abort(); },
  }), { name: 'AbortError', message: /cancelled/ });
  assert.equal(calls, 2, 'no progress after the abort');
  // The run keeps its own copy: disposing the model meanwhile does not disturb it.
  const model = await el.train(zipfCorpus({ lines: 500 }), { dim: 8, epochs: 1, minCount: 1, seed: 2 });
  const running = model.project({ method: 'umap', iterations: 50, sliceMs: 1 });
  model.dispose();
  const r = await running;
  assert.ok(finite(r.coords));
  await assert.rejects(model.project({ method: 'pca' }), /disposed/);
});
