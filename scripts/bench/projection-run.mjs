// One timed map for scripts/bench/projection.mjs, in its own process (so /usr/bin/time sees only
// it): node projection-run.mjs TOOL METHOD IN.vec|IN.f32 N DIM OUT.f32 THREADS SEED
//   TOOL embedlab-wasm (METHOD tsne|tsne-bh|tsne-fft|umap; IN a vectors file of the N words) | umap-js | tsne-js
//   (IN: N×DIM float32 unit vectors). Writes the N×2 layout as float32 and prints {"ms": ...}.
import fs from 'node:fs';

const [tool, method, input, nText, dimText, output, threadsText, seedText] = process.argv.slice(2);
const n = Number(nText);
const dim = Number(dimText);
const threads = Number(threadsText);
const seed = Number(seedText);

function rows() {
  const all = new Float32Array(fs.readFileSync(input).buffer.slice(0));
  return Array.from({ length: n }, (_, i) => Array.from(all.subarray(i * dim, (i + 1) * dim)));
}

// A seeded PRNG for the JS tools (mulberry32).
function random() {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let coords;
let ms;
let neighboursMs;
if (tool === 'embedlab-wasm') {
  const { init } = await import('../../src/js/node.js');
  const el = await init();
  const model = el.load(fs.readFileSync(input));
  const start = performance.now();
  const repulsion = { tsne: 'auto', 'tsne-bh': 'barnes-hut', 'tsne-fft': 'interpolated' }[method];
  // The neighbour search's share: when the first layout arrives.
  const onProgress = (p) => { if (p.stage !== 'neighbours' && neighboursMs === undefined) neighboursMs = performance.now() - start; };
  const r = await model.project({ method: repulsion ? 'tsne' : method, ...(repulsion && { repulsion }), limit: n, threads, seed, sliceMs: 200,
    every: 100000, onProgress });
  ms = performance.now() - start;
  coords = r.coords;
  model.dispose();
} else if (tool === 'umap-js') {
  const { UMAP } = await import('umap-js');
  const data = rows();
  const start = performance.now();
  const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: random() });
  const embedding = umap.fit(data);
  ms = performance.now() - start;
  coords = Float32Array.from(embedding.flat());
} else if (tool === 'tsne-js') {
  const { default: TSNE } = await import('tsne-js');
  const data = rows();
  const start = performance.now();
  const model = new TSNE({ dim: 2, perplexity: 30, earlyExaggeration: 4, learningRate: 100, nIter: 1000, metric: 'euclidean' });
  model.init({ data, type: 'dense' });
  model.run();
  ms = performance.now() - start;
  coords = Float32Array.from(model.getOutput().flat());
} else {
  throw new Error(`unknown tool ${tool}`);
}
fs.writeFileSync(output, new Uint8Array(coords.buffer, coords.byteOffset, coords.byteLength));
process.stdout.write(`${JSON.stringify({ ms, neighboursMs })}\n`);
process.exit(0);
