// A generated GloVe text file of clustered vectors (no header; "word v1 … vdim" lines, 5 decimals),
// shaped like pretrained vectors: points of a few hundred clusters in a 16-dimensional space,
// mapped into `dim` dimensions with a little noise, so nearest neighbours mean something and an
// approximate index can find them. The same seed gives the same bytes. Used by the big-vectors
// benchmark (400,000 x 300, about 1 GB) and the streaming tests (smaller shapes).
import fs from 'node:fs';
import { seededRandom } from './random.mjs';

const LATENT = 16;

function gaussian(random) {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Yields the file as Uint8Array chunks of about `chunkRows` lines each. */
export function* clusteredGlove({ rows, dim, clusters = 500, seed = 1, chunkRows = 2000 }) {
  const uniform = seededRandom(seed);
  const normal = gaussian(uniform);
  const map = Float64Array.from({ length: dim * LATENT }, () => normal() / Math.sqrt(LATENT));
  const centres = Float64Array.from({ length: clusters * LATENT }, () => normal());
  const z = new Float64Array(LATENT);
  const encoder = new TextEncoder();
  let lines = [];
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(uniform() ** 2 * clusters) * LATENT; // uneven cluster sizes
    for (let j = 0; j < LATENT; j++) z[j] = centres[base + j] + 0.35 * normal();
    const fields = [`w${r}`];
    for (let i = 0; i < dim; i++) {
      let v = 0.05 * normal();
      for (let j = 0; j < LATENT; j++) v += map[i * LATENT + j] * z[j];
      fields.push(v.toFixed(5));
    }
    lines.push(fields.join(' '));
    if (lines.length === chunkRows) {
      yield encoder.encode(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) yield encoder.encode(`${lines.join('\n')}\n`);
}

/** Writes clusteredGlove(options) to `file` (unless it exists with the same options); returns its size. */
export function writeClusteredGlove(file, options) {
  const stamp = `${file}.options.json`;
  const wanted = JSON.stringify(options);
  if (fs.existsSync(file) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return fs.statSync(file).size;
  const fd = fs.openSync(file, 'w');
  try {
    for (const chunk of clusteredGlove(options)) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(stamp, wanted);
  return fs.statSync(file).size;
}
