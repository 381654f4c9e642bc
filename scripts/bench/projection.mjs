// The projection benchmark (not a test): 2-D maps of the most frequent words of a model trained on
// data/mix.txt (the corpus library's mix, 4.4 M words) with default settings but --min-count 2, which
// keeps 54,988 words so the 50,000-word rows map 50,000 real words (the WordNet glosses model has
// about 19,000). embedlab t-SNE and UMAP (native CLI, and wasm in Node; t-SNE as the default "auto"
// repulsion, or forced: method tsne-bh = Barnes-Hut, tsne-fft = FFT-interpolated) against
// scikit-learn's Barnes-Hut t-SNE, umap-js and tsne-js: wall time (median of
// --repeat runs), peak memory (max RSS of the tool's process, by /usr/bin/time), and quality
// computed for every output by ONE implementation (build/embedlab_map_quality: the core's
// trustworthiness, as sklearn.manifold.trustworthiness, and 10-NN preservation, k = 10, on a fixed
// random sample of 1,000 query points with all points as candidates, Euclidean on the unit
// vectors every tool is given).
//   node scripts/bench/projection.mjs [--sizes 10000,50000] [--repeat 3] [--threads 2] [--tools a,b]
//   e.g. --tools embedlab-native:tsne-bh,embedlab-native:tsne-fft,embedlab-wasm:tsne-fft,sklearn:tsne
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(ROOT, 'bench-out', 'projection');
const CLI = path.join(ROOT, 'build', 'embedlab');
const QUALITY = path.join(ROOT, 'build', 'embedlab_map_quality');
const RUN = path.join(ROOT, 'scripts', 'bench', 'projection-run.mjs');
const SKLEARN = path.join(ROOT, 'scripts', 'bench', 'projection_sklearn.py');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('sizes', '10000,50000').split(',').map(Number);
const repeat = Number(option('repeat', '3'));
const threads = Number(option('threads', '2'));
const TOOLS = ['embedlab-native tsne-bh', 'embedlab-native tsne-fft', 'embedlab-wasm tsne-bh', 'embedlab-wasm tsne-fft',
  'sklearn tsne', 'tsne-js tsne',
  'embedlab-native umap', 'embedlab-wasm umap', 'umap-js umap'];
const tools = option('tools', TOOLS.map((t) => t.replace(' ', ':')).join(',')).split(',').map((t) => t.replace(':', ' '));
// tsne-js is exact t-SNE: n×n matrices of doubles (0.8 GB each at 10,000 points, 20 GB at 50,000)
// and n² work per step; it is run only up to this many points.
const TSNE_JS_MAX = Number(option('tsne-js-max', '2000'));

fs.mkdirSync(OUT, { recursive: true });

function check(r, what) {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr?.toString().slice(-2000)}`);
  return r;
}

// The model: trained once with the CLI's defaults but --min-count 2 (enough words for 50,000).
const CORPUS = 'data/mix.txt';
const MIN_COUNT = 2;
const modelPath = path.join(OUT, `mix-min${MIN_COUNT}.vec`);
if (!fs.existsSync(modelPath)) {
  console.error(`training the model on ${CORPUS} (default settings, --min-count ${MIN_COUNT}, 2 threads) ...`);
  check(spawnSync(CLI, ['train', '--input', path.join(ROOT, CORPUS), '--min-count', String(MIN_COUNT), '--threads', '2',
    '--output', modelPath, '--quiet']), 'training');
}
const lines = fs.readFileSync(modelPath, 'utf8').split('\n');
const [words, dim] = lines[0].split(' ').map(Number);
for (const n of sizes) {
  if (n > words) throw new Error(`--sizes ${n}: the model ${modelPath} has only ${words.toLocaleString('en-US')} words`);
}
// Methods: tsne (auto repulsion), tsne-bh and tsne-fft (forced), umap.
const REPULSION = { tsne: 'auto', 'tsne-bh': 'barnes-hut', 'tsne-fft': 'interpolated' };

// The top-n words as a vectors file (for the embedlab tools) and as n×dim float32 unit vectors.
function inputs(n) {
  const vec = path.join(OUT, `top-${n}.vec`);
  const f32 = path.join(OUT, `top-${n}.f32`);
  if (!fs.existsSync(vec) || !fs.existsSync(f32)) {
    const body = lines.slice(1, n + 1);
    fs.writeFileSync(vec, `${body.length} ${dim}\n${body.join('\n')}\n`);
    const floats = new Float32Array(body.length * dim);
    body.forEach((line, i) => {
      const values = line.trim().split(' ').slice(1).map(Number);
      const norm = Math.hypot(...values) || 1;
      values.forEach((v, j) => { floats[i * dim + j] = v / norm; });
    });
    fs.writeFileSync(f32, new Uint8Array(floats.buffer));
  }
  return { vec, f32 };
}

// Runs a command under /usr/bin/time; returns { ms, maxRssMb } (ms: the tool's own timing when it
// prints {"ms"}, else the process's wall time).
function timed(command, commandArgs) {
  const start = performance.now();
  const r = check(spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M', command, ...commandArgs], { maxBuffer: 1 << 26 }), `${command} ${commandArgs.join(' ')}`);
  const wall = performance.now() - start;
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr.toString())[1]) / 1024;
  const json = r.stdout.toString().trim().split('\n').filter((l) => l.startsWith('{')).pop();
  const reported = json ? JSON.parse(json) : {};
  return { ms: reported.ms ?? wall, neighboursMs: reported.neighboursMs, maxRssMb: rss };
}

function tsvToF32(tsv, f32) {
  const rows = fs.readFileSync(tsv, 'utf8').trim().split('\n');
  const floats = new Float32Array(rows.length * 2);
  rows.forEach((row, i) => {
    const [, x, y] = row.split('\t');
    floats[2 * i] = Number(x);
    floats[2 * i + 1] = Number(y);
  });
  fs.writeFileSync(f32, new Uint8Array(floats.buffer));
}

function runOnce(tool, method, n, { vec, f32 }, seed) {
  const out = path.join(OUT, `${tool}-${method}-${n}.f32`);
  let t;
  if (tool === 'embedlab-native') {
    const tsv = path.join(OUT, `${tool}-${method}-${n}.tsv`);
    const methodArgs = method in REPULSION ? ['--method', 'tsne', '--repulsion', REPULSION[method]] : ['--method', method];
    t = timed(CLI, ['project', vec, ...methodArgs, '--limit', String(n), '--threads', String(threads), '--seed', String(seed), '--out', tsv, '--quiet']);
    tsvToF32(tsv, out);
  } else if (tool === 'embedlab-wasm') {
    t = timed(process.execPath, [RUN, tool, method, vec, String(n), String(dim), out, String(threads), String(seed)]);
  } else if (tool === 'sklearn') {
    t = timed('/usr/bin/python3', [SKLEARN, f32, String(n), String(dim), out, String(seed)]);
  } else {
    t = timed(process.execPath, [RUN, tool, method, f32, String(n), String(dim), out, '1', String(seed)]);
  }
  const q = JSON.parse(check(spawnSync(QUALITY, [f32, String(dim), out, String(n), '1000']), 'quality').stdout.toString());
  return { ...t, ...q };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows = [];
for (const n of sizes) {
  const files = inputs(n);
  for (const entry of tools) {
    const [tool, method] = entry.split(' ');
    if (tool === 'tsne-js' && n > TSNE_JS_MAX) {
      rows.push({ n, tool, method, note: `not run: exact O(n²) t-SNE (${(n * n * 8 / 1e9).toFixed(1)} GB per n×n matrix)` });
      console.error(`${n} ${tool} ${method}: not run`);
      continue;
    }
    const runs = [];
    for (let r = 0; r < repeat; r++) runs.push(runOnce(tool, method, n, files, r + 1));
    const row = {
      n, tool, method, runs: runs.length,
      seconds: median(runs.map((r) => r.ms)) / 1000,
      maxRssMb: median(runs.map((r) => r.maxRssMb)),
      trustworthiness: median(runs.map((r) => r.trustworthiness)),
      preservation: median(runs.map((r) => r.preservation)),
      neighboursSeconds: runs[0].neighboursMs === undefined ? undefined : median(runs.map((r) => r.neighboursMs)) / 1000,
    };
    rows.push(row);
    const split = row.neighboursSeconds === undefined ? '' : ` (neighbour search ${row.neighboursSeconds.toFixed(1)} s)`;
    console.error(`${n} ${tool} ${method}: ${row.seconds.toFixed(2)} s${split}, ${row.maxRssMb.toFixed(0)} MB, T(10) ${row.trustworthiness.toFixed(4)}, 10-NN ${row.preservation.toFixed(4)}`);
  }
}

const table = [
  `Projection benchmark: ${dim}-d model of ${words.toLocaleString('en-US')} words trained on ${CORPUS} with default settings and --min-count ${MIN_COUNT}; ${threads} thread(s) for embedlab (scikit-learn: all cores); median of ${repeat} run(s).`,
  'Quality by one implementation for all (embedlab_map_quality: trustworthiness as sklearn.manifold.trustworthiness and 10-NN preservation, k = 10, 1,000 sampled query points).',
  '',
  '| words | tool | method | wall s | peak MB | trustworthiness | 10-NN kept |',
  '|---:|---|---|---:|---:|---:|---:|',
  ...rows.map((r) => (r.note
    ? `| ${r.n.toLocaleString('en-US')} | ${r.tool} | ${r.method} | ${r.note} | | | |`
    : `| ${r.n.toLocaleString('en-US')} | ${r.tool} | ${r.method} | ${r.seconds.toFixed(2)} | ${r.maxRssMb.toFixed(0)} | ${r.trustworthiness.toFixed(4)} | ${r.preservation.toFixed(4)} |`)),
].join('\n');
console.log(table);
fs.writeFileSync(path.join(ROOT, 'bench-out', 'projection.md'), `${table}\n`);
