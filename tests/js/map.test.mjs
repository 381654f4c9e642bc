// The map tools of the API: the map while training (frames aligned to each other), Procrustes
// alignment and k-means clusters of words.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { plantedCorpus } from './helpers.mjs';

let el;
before(async () => { el = await init(); });

const rotate = (points, angle, scale, dx, dy, mirror = false) => {
  const out = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i], y = mirror ? -points[i + 1] : points[i + 1];
    out[i] = scale * (Math.cos(angle) * x - Math.sin(angle) * y) + dx;
    out[i + 1] = scale * (Math.sin(angle) * x + Math.cos(angle) * y) + dy;
  }
  return out;
};

test('alignLayout() brings a rotated, mirrored, scaled and shifted copy back onto the original', () => {
  const original = Float32Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5));
  const moved = rotate(original, 2.1, 0.3, 5, -7, true);
  const { points, scale, rmsError } = el.alignLayout(moved, original);
  assert.ok(Math.abs(scale - 1 / 0.3) < 1e-3, `scale ${scale}`);
  assert.ok(rmsError < 1e-3, `rms ${rmsError}`);
  points.forEach((v, i) => assert.ok(Math.abs(v - original[i]) < 1e-3, `coordinate ${i}: ${v} vs ${original[i]}`));
  assert.throws(() => el.alignLayout(moved, original.subarray(2)), /cannot align 20 points to 19/);
  assert.throws(() => el.alignLayout([1, 2], original), /two Float32Arrays/);
});

test('the map while training: frames of the same words, each already aligned to the one before', async () => {
  const frames = [];
  const model = await el.train(plantedCorpus({ lines: 3000 }), {
    dim: 20, epochs: 8, minCount: 1, sample: 0, seed: 3, sliceMs: 2,
    liveMap: { words: 20, every: 0.05, onFrame: (frame, progress) => frames.push({ ...frame, fraction: progress.fraction }) },
  });
  assert.ok(frames.length >= 5, `${frames.length} frames`);
  const words = frames[0].words;
  assert.deepEqual(words, model.words.slice(0, 20));
  for (let i = 1; i < frames.length; i++) {
    assert.deepEqual(frames[i].words, words);
    assert.ok(frames[i].fraction >= frames[i - 1].fraction);
    // Aligning a frame to the one before changes nothing: it was aligned already.
    const again = el.alignLayout(frames[i].coordinates, frames[i - 1].coordinates);
    assert.ok(Math.abs(again.scale - 1) < 1e-3, `frame ${i}: scale ${again.scale}`);
    assert.ok(Math.abs(again.rmsError - frames[i].rmsError) < 1e-3 * (1 + frames[i].rmsError), `frame ${i}`);
  }
  // The last frame is the finished model's PCA map, turned onto the frame before it.
  const last = frames.at(-1);
  const final = model.project2d(20).coordinates;
  assert.ok(el.alignLayout(final, last.coordinates).rmsError < 1e-3);
  model.dispose();
  await assert.rejects(el.train('a b c', { liveMap: { words: 1 } }), /liveMap.words must be between 2 and 100000, got 1/);
});

test('clusterWords() groups words by direction, the same way for the same seed', () => {
  const words = [];
  const data = [];
  const centres = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]];
  for (let i = 0; i < 30; i++) {
    words.push(`w${i}`);
    const c = centres[i % 3];
    // Different lengths, same direction within a group, a little noise.
    const length = 1 + (i % 7);
    data.push(...c.map((v, j) => length * (v + 0.05 * Math.sin(i * 3 + j))));
  }
  const model = el.fromVectors(words, 4, Float32Array.from(data));
  const labels = model.clusterWords(3);
  assert.equal(labels.length, 30);
  for (let i = 3; i < 30; i++) assert.equal(labels[i], labels[i % 3], `word ${i}`);
  assert.equal(new Set([labels[0], labels[1], labels[2]]).size, 3);
  assert.deepEqual(model.clusterWords(3, { seed: 1 }), labels);
  assert.equal(model.clusterWords(2, { count: 6 }).length, 6);
  assert.throws(() => model.clusterWords(7, { count: 6 }), /cannot make 7 clusters of 6 words/);
  assert.throws(() => model.clusterWords(0), /k must be between 1 and 1000, got 0/);
  model.dispose();
});
