#!/usr/bin/env node
// The language-model benchmark: embedlab's transformer (native CLI, and wasm in Node) against the
// references in this folder, TensorFlow.js on its wasm backend (lm_tfjs.mjs) and PyTorch (lm_torch.py),
// same architecture (docs/transformer.md), same token ids, same batches, 1 and 2 threads, median of
// `--repeat` runs. Prints a Markdown table (also bench-out/lm.md): training tokens/s, ms per step,
// peak memory, validation loss after the same steps, and the correctness check: loss and gradient
// norm at step 0 from the same initial weights, and their |Δ| against embedlab (against PyTorch while
// embedlab has no `lm train`). A count-based bigram row gives each configuration's floor to beat.
// tokens/s and ms/step are each tool's own report (the references time steps 2..N: the first step's
// one-time set-up is left out); peak MB is /usr/bin/time's maximum resident set of the process.
//   node scripts/bench/lm.mjs [--repeat 3] [--threads 1,2] [--configs V1024-d64,V2048-d128,bytes-d64]
//                             [--tools embedlab,wasm,tfjs,pytorch] [--steps N] [--tfjs-naive]
//                             [--embedlab PATH (the native CLI, default build/embedlab)]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './random.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const here = path.join(root, 'scripts', 'bench');
const outDir = path.join(root, 'bench-out', 'lm');
const nativeCli = path.resolve(option('embedlab', path.join(root, 'build', 'embedlab')));
const nodeCli = path.join(root, 'src', 'js', 'cli.js');
const glosses = path.join(root, 'data', 'wordnet-glosses.txt');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const repeat = Number(option('repeat', '3'));
const threadCounts = option('threads', '1,2').split(',').map(Number);
const stepsOverride = option('steps', null);
const naive = process.argv.includes('--tfjs-naive');

// Context 64, batch 16, positional learned (GPT-2), the contract's AdamW; the configurations.
const common = { layers: 2, heads: 4, context: 64, batch: 16, positional: 'learned', objective: 'next', lr: 3e-3, warmup: 10, seed: 1 };
const configs = {
  'V1024-d64': { ...common, vocab: 1024, width: 64, steps: 60, data: 'random' },
  'V2048-d128': { ...common, vocab: 2048, width: 128, steps: 30, data: 'random' },
  'bytes-d64': { ...common, vocab: 256, width: 64, steps: 150, data: 'glosses' },
};
const configNames = option('configs', Object.keys(configs).join(',')).split(',');
for (const name of configNames) if (!configs[name]) throw new Error(`unknown config ${name}; known: ${Object.keys(configs).join(', ')}`);
const VALIDATION_ROWS = 32; // validation windows of `context` tokens, the same for every tool

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The token ids of the glosses. Until embedlab's BPE is in the build these are the UTF-8 bytes
// (V = 256). Hook: with a tokenizer, ids = `embedlab bpe encode --tokenizer TOK --ids` of the text
// (whitespace-separated ids on stdout) and the config's vocab becomes the tokenizer's size.
function glossesIds() {
  if (!fs.existsSync(glosses)) throw new Error(`${glosses} is missing: run node scripts/prepare-corpus.mjs`);
  return Int32Array.from(fs.readFileSync(glosses));
}

// Train ids (as many as the steps read, from the start of the training split) and validation ids
// (VALIDATION_ROWS windows), written as whitespace-separated ids; the whole training split for the
// bigram baseline.
function prepareData(name, cfg) {
  const need = cfg.steps * cfg.batch * cfg.context + cfg.context + 1;
  const valLength = VALIDATION_ROWS * cfg.context + 1;
  let trainAll;
  let val;
  if (cfg.data === 'random') {
    const next = seededRandom(cfg.vocab * 7919 + cfg.width);
    const draw = (n) => Int32Array.from({ length: n }, () => Math.floor(next() * cfg.vocab));
    trainAll = draw(need);
    val = draw(valLength);
  } else {
    const ids = glossesIds();
    val = ids.subarray(ids.length - valLength);
    trainAll = ids.subarray(0, ids.length - valLength);
  }
  const train = trainAll.subarray(0, Math.min(need, trainAll.length));
  const files = { trainFile: path.join(outDir, `${name}.train.ids`), valFile: path.join(outDir, `${name}.val.ids`) };
  fs.writeFileSync(files.trainFile, train.join(' ') + '\n');
  fs.writeFileSync(files.valFile, val.join(' ') + '\n');
  return { ...files, trainAll, val };
}

// Validation cross-entropy (nats/token) of a count-based bigram model on the training split, add-k
// smoothed with the best k of 1, 0.3, ... 0.001 (optimistic, as embedlab's own baseline).
function bigramCrossEntropy(train, val, V) {
  const pairs = new Float64Array(V * V);
  const firsts = new Float64Array(V);
  for (let i = 0; i + 1 < train.length; i++) {
    pairs[train[i] * V + train[i + 1]]++;
    firsts[train[i]]++;
  }
  let best = Infinity;
  for (const k of [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]) {
    let total = 0;
    for (let i = 0; i + 1 < val.length; i++) total -= Math.log((pairs[val[i] * V + val[i + 1]] + k) / (firsts[val[i]] + k * V));
    best = Math.min(best, total / (val.length - 1));
  }
  return best;
}

// Runs a command under /usr/bin/time: its output, wall seconds and peak RSS (MB).
function timed(command, args) {
  const timeFile = path.join(outDir, `time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, command, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  const [wall, kb] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  fs.rmSync(timeFile);
  return { wall, peakMb: kb / 1024, stdout: r.stdout, stderr: r.stderr };
}

const lastJson = (text) => JSON.parse(text.trim().split('\n').reverse().find((l) => l.startsWith('{')));
const initialLine = (text) => {
  const m = text.match(/initial loss (\S+) grad-norm (\S+)/);
  if (!m) throw new Error(`no "initial loss … grad-norm …" line in:\n${text}`);
  return { loss: Number(m[1]), gradNorm: Number(m[2]) };
};
const modelFlags = (cfg) => ['--vocab', cfg.vocab, '--width', cfg.width, '--layers', cfg.layers, '--heads', cfg.heads,
  '--context', cfg.context, '--positional', cfg.positional, '--objective', cfg.objective].map(String);
const trainFlags = (cfg, data, threads) => ['--init', data.init, '--train', data.trainFile, '--val', data.valFile, '--batch', cfg.batch, '--steps', cfg.steps,
  '--lr', cfg.lr, '--warmup', cfg.warmup, '--threads', threads, '--seed', cfg.seed].map(String);

// The references: training JSON and the parity line from an init file, same flags for both.
const reference = (command, script, extra = []) => ({
  available: () => null,
  train(cfg, data, threads) {
    const r = timed(command, [path.join(here, script), ...extra, ...modelFlags(cfg), ...trainFlags(cfg, data, threads)]);
    const j = lastJson(r.stdout);
    return { ...r, tokensPerS: j.tokens_per_s, msPerStep: j.ms_per_step, valLoss: j.val_loss };
  },
  parity(cfg, data, init) {
    const r = timed(command, [path.join(here, script), ...extra, '--init', init, '--train', data.trainFile, '--batch', String(cfg.batch), '--steps', '0']);
    return initialLine(r.stdout);
  },
});

// embedlab's `lm train` (native or Node CLI): detected through --help, skipped with a note when the
// build has none. It reads the harness's ids when it offers --ids (--input and --validation then
// hold whitespace-separated ids); otherwise it trains on the glosses text with its own BPE of the
// config's vocabulary size (at least 261), which measures the same model's speed but not on the
// same tokens: its val loss and step 0 are left blank. It draws its batches at random, the
// references in order, so val losses agree only as far as batch order does not matter.
function embedlab(command, prefix) {
  let help = null;
  const helpText = () => {
    if (help == null) {
      const r = spawnSync(command, [...prefix, 'lm', 'train', '--help'], { encoding: 'utf8' });
      help = r.status === 0 && !r.error ? r.stdout + r.stderr : '';
    }
    return help;
  };
  const sameIds = () => helpText().includes('--ids');
  const args = (cfg, data, threads, steps) => [...prefix, 'lm', 'train',
    ...(sameIds() ? ['--input', data.trainFile, '--ids', '--validation', data.valFile, '--vocab-size', cfg.vocab]
      : ['--input', glosses, '--vocab-size', Math.max(cfg.vocab, 261)]),
    '--output', path.join(outDir, 'embedlab-lm.model'), '--objective', cfg.objective, '--positional', cfg.positional,
    '--layers', cfg.layers, '--heads', cfg.heads, '--width', cfg.width, '--context', cfg.context, '--batch', cfg.batch,
    '--steps', steps, '--lr', cfg.lr, '--warmup', cfg.warmup, '--threads', threads, '--seed', cfg.seed, '--quiet'].map(String);
  // Summary keys are read leniently until the JSON line of `lm train --json` settles.
  const pick = (j, ...keys) => keys.map((k) => j[k]).find((v) => v != null) ?? null;
  return {
    available: () => (helpText() ? null : `\`${path.relative(root, prefix[0] ?? command)} lm train --help\` fails: no lm train in this build yet`),
    train(cfg, data, threads) {
      const r = timed(command, [...args(cfg, data, threads, cfg.steps), '--json']);
      const j = lastJson(r.stdout);
      return {
        ...r, tokensPerS: pick(j, 'tokens_per_second', 'tokens_per_s', 'tokensPerSecond'), msPerStep: pick(j, 'ms_per_step', 'msPerStep'),
        valLoss: sameIds() ? pick(j, 'val_loss', 'validationLoss', 'validation_loss') : null,
      };
    },
    // Step 0 from embedlab's own initial weights, which it exports (safetensors) for the references.
    initial(cfg, data, init) {
      const r = timed(command, [...args(cfg, data, 1, 0), '--report-initial', '--export-init', init]);
      return sameIds() ? initialLine(r.stdout + r.stderr) : null;
    },
  };
}

const tools = {
  embedlab: { label: 'embedlab (native)', ...embedlab(nativeCli, []) },
  wasm: { label: 'embedlab (wasm, Node)', ...embedlab(process.execPath, [nodeCli]) },
  tfjs: { label: 'TF.js 4.22 wasm', ...reference(process.execPath, 'lm_tfjs.mjs') },
  pytorch: { label: 'PyTorch 1.13', ...reference('/usr/bin/python3', 'lm_torch.py') },
};
if (naive) tools['tfjs-naive'] = { label: 'TF.js 4.22 wasm, naive', ...reference(process.execPath, 'lm_tfjs.mjs', ['--naive']) };
const toolNames = option('tools', Object.keys(tools).join(',')).split(',');
for (const name of toolNames) if (!tools[name]) throw new Error(`unknown tool ${name}; known: ${Object.keys(tools).join(', ')}`);
const active = toolNames.filter((name) => {
  const missing = tools[name].available();
  if (missing) process.stderr.write(`lm: skipping ${tools[name].label}: ${missing}\n`);
  return !missing;
});

fs.mkdirSync(outDir, { recursive: true });
const cpu = (os.cpus()[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ');
console.log(`language model: ${common.layers} layers, ${common.heads} heads, context ${common.context}, batch ${common.batch}, ` +
  `positional ${common.positional}, AdamW lr ${common.lr} (warm-up ${common.warmup}); median of ${repeat} runs; ${cpu}, ${os.cpus().length} cores`);

const rows = [];
const fmt = (x, digits) => (x == null ? '' : x.toFixed(digits));
for (const name of configNames) {
  const cfg = { ...configs[name], ...(stepsOverride ? { steps: Number(stepsOverride) } : {}) };
  const data = prepareData(name, cfg);
  const label = `${name}, ${cfg.steps} steps`;

  // Step 0: one set of initial weights (embedlab's export, or PyTorch's while embedlab has none)
  // loaded by every reference, on the parity batch (the first batch of the training ids). The
  // other embedlab build draws the same initial weights from the same seed.
  const init = path.join(outDir, `${name}.init.safetensors`);
  data.init = init; // the references also train from it, so every tool starts from the same weights
  const engines = ['embedlab', 'wasm'].filter((t) => active.includes(t));
  const initial = {};
  for (const tool of engines) initial[tool] = tools[tool].initial(cfg, data, tool === engines[0] ? init : `${init}.${tool}`);
  if (!engines.length) timed('/usr/bin/python3', [path.join(here, 'lm_torch.py'), '--write-init', init, ...modelFlags(cfg), '--seed', '1']);
  for (const tool of active.filter((t) => !engines.includes(t))) initial[tool] = tools[tool].parity(cfg, data, init);
  const against = [...engines, 'pytorch'].find((t) => initial[t]);
  const truth = initial[against];

  for (const threads of threadCounts) {
    // Round-robin over the tools, so a noisy moment on a shared machine hits them all alike.
    const runs = Object.fromEntries(active.map((t) => [t, []]));
    for (let i = 0; i < repeat; i++) {
      for (const tool of active) runs[tool].push(tools[tool].train(cfg, data, threads));
    }
    for (const tool of active) {
      const r = runs[tool];
      const step0 = initial[tool];
      const delta = step0 && truth && tool !== against
        ? `${Math.abs(step0.loss - truth.loss).toExponential(1)} / ${Math.abs(step0.gradNorm - truth.gradNorm).toExponential(1)}` : '';
      const row = {
        config: label, threads, tool: tools[tool].label, tokensPerS: median(r.map((x) => x.tokensPerS)),
        msPerStep: median(r.map((x) => x.msPerStep)), peakMb: median(r.map((x) => x.peakMb)),
        valLoss: median(r.map((x) => x.valLoss)), step0, delta,
      };
      rows.push(row);
      process.stderr.write(`  ${name} ${threads}t ${tool}: ${Math.round(row.tokensPerS ?? 0)} tokens/s, val loss ${fmt(row.valLoss, 3)}\n`);
    }
  }
  rows.push({ config: label, tool: 'bigram counts (add-k)', valLoss: bigramCrossEntropy(data.trainAll, data.val, cfg.vocab) });
}

const deltaHeader = active.some((t) => ['embedlab', 'wasm'].includes(t)) ? 'vs embedlab' : 'vs PyTorch (no embedlab yet)';
const lines = [
  `| config | threads | tool | tokens/s | ms/step | peak MB | val loss after the steps | step-0 loss | step-0 grad norm | step-0 \\|Δ\\| loss / norm ${deltaHeader} |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const r of rows) {
  lines.push(`| ${r.config} | ${r.threads ?? ''} | ${r.tool} | ${r.tokensPerS == null ? '' : Math.round(r.tokensPerS).toLocaleString('en-US')} | ` +
    `${fmt(r.msPerStep, 1)} | ${r.peakMb == null ? '' : Math.round(r.peakMb)} | ${fmt(r.valLoss, 3)} | ` +
    `${r.step0 ? r.step0.loss.toFixed(6) : ''} | ${r.step0 ? r.step0.gradNorm.toFixed(6) : ''} | ${r.delta ?? ''} |`);
}
const table = lines.join('\n');
console.log(table);
fs.writeFileSync(path.join(root, 'bench-out', 'lm.md'), table + '\n');
