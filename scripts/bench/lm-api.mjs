// The npm API's language-model training in Node (node scripts/bench/lm-api.mjs [--steps N]): tokens/s
// through el.trainLanguageModel with 1 and 2 threads, with and without live probes (what a probe
// costs), and how long an abort takes to reject. Prints a table; asserts nothing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../src/js/node.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argument = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STEPS = argument('steps', 60);
const LINES = argument('lines', 20000);

const el = await init();
const corpus = fs.readFileSync(path.join(ROOT, 'data/wordnet-glosses.txt'), 'utf8').split('\n').slice(0, LINES).join('\n');
let start = performance.now();
const tokenizer = await el.trainTokenizer(corpus, { vocabSize: 1024 });
console.log(`${el.variant} build, ${LINES} lines of the WordNet glosses; BPE of 1,024 tokens in ${((performance.now() - start) / 1000).toFixed(2)} s`);
const PROBE = { prompt: ' the king', neighbours: ['king', 'water', 'run'], positions: true, everyMs: 0 };

const rows = [];
for (const threads of el.variant === 'mt' ? [1, 2] : [1]) {
  for (const probe of [undefined, PROBE]) {
    let probes = 0;
    start = performance.now();
    const lm = await el.trainLanguageModel(corpus, {
      tokenizer, steps: STEPS, threads, probe, validateEvery: STEPS, onProgress: (p) => { if (p.probe) probes++; },
    });
    const seconds = (performance.now() - start) / 1000;
    rows.push([threads, probe ? `every slice (${probes})` : 'none', lm.training.tokensPerSecond.toFixed(0), seconds.toFixed(2),
      lm.training.validationLoss.toFixed(3), lm.training.baseline.toFixed(3)]);
    lm.dispose();
  }
  const controller = new AbortController();
  let abortedAt = 0;
  await el.trainLanguageModel(corpus, {
    tokenizer, steps: 100000, threads, signal: controller.signal,
    onProgress: (p) => { if (p.step >= 3 && !abortedAt) { abortedAt = performance.now(); controller.abort(); } },
  }).catch((error) => { if (error.name !== 'AbortError') throw error; });
  rows.push([threads, 'aborted at step 3', '', `rejected ${(performance.now() - abortedAt).toFixed(1)} ms after abort()`, '', '']);
}
tokenizer.dispose();
console.log(`\n${STEPS} steps, the default model (2 layers, 4 heads, width 64, context 64, batch 16)`);
console.log('| threads | probes | tokens/s | seconds | validation loss | bigram baseline |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
