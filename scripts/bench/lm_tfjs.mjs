#!/usr/bin/env node
// The TensorFlow.js reference of embedlab's transformer (docs/transformer.md) on the wasm backend
// (npm @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm 4.22), for the LM benchmark. Same model,
// batches, schedule and outputs as lm_torch.py:
//   train:  node lm_tfjs.mjs --train train.ids --val val.ids --vocab 1024 --width 64 --layers 2 --heads 4 \
//               --context 64 --batch 16 --steps 50 --threads 1              -> one JSON line
//   parity: node lm_tfjs.mjs --init init.safetensors --train train.ids --batch 16 --steps 0
//               -> "initial loss <float> grad-norm <float>"; --init also starts training from those
//               weights, --report-initial prints that line too
//   --random-ids instead of --train/--val draws uniform ids from --seed.
//   --backend cpu runs TF.js's pure-JavaScript backend instead; --naive writes the model the obvious
//   way (tf.matMul with transposeB, autodiff through every op, an embedding as oneHot x matrix),
//   to show what the care below is worth.
//
// Written for speed on the wasm backend (XNNPACK underneath), each trick measured there:
// - Linear weights are kept as [in, out] (the transpose of the nn.Linear layout in the file), so the
//   forward pass is a plain matMul; gradients use an explicit tf.transpose + plain matMul. A matMul
//   with transposeA/transposeB runs at 1-3 GFLOP/s on this backend against 26-34 for a plain one.
// - Attention scores use an explicit transpose of k for the same reason, with the same custom
//   gradient for the batched products.
// - tf.gather has no registered gradient on the wasm backend; the embedding lookup's gradient is a
//   scatter-add of the output gradient's rows, done in JavaScript (N*d adds, well under a millisecond).
// - LayerNorm, GELU and softmax cross-entropy have hand-written gradients: one fused formula each
//   instead of autodiff through a dozen small ops, each of which is a separate wasm call.
// - Smaller ones, each timed on this backend: column sums as ones·x (tf.sum over axis 0 is ~50x
//   slower), three tf.slice instead of tf.split, embedding rows copied in JavaScript, x·x·x not pow.
// - Node runs the wasm backend single-threaded unless forced (see useWasmBackend()).
// Two wasm-backend pitfalls for correctness, found by the parity check against PyTorch: tf.oneHot
// with dtype float32 writes int32 bits (see oneHot()), and tf.sum adds float32 sequentially, which
// puts a global gradient norm off by ~1e-4 (see gradNorm()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { seededRandom } from './random.mjs';

const require = createRequire(import.meta.url);

// The wasm backend in Node, with `threads` XNNPACK threads. Three things stand in the way and are
// worked around here, in this order:
// 1. tfjs-backend-wasm reports WASM_HAS_MULTITHREAD_SUPPORT = false whenever it runs in Node (its
//    issue #3830) and then loads the single-threaded binary, so setThreadsCount() has no effect.
//    We set the flag to true, which selects tfjs-backend-wasm-threaded-simd.wasm.
// 2. That build starts its pthread pool from a Blob URL worker script and hands the worker its
//    main script as a Blob; Node's worker_threads take only file paths. We write the worker script
//    (shipped in the package as wasm-out/*.worker.js) to a temporary .cjs file, answer the blob URL
//    request with that path, and let the worker load the factory from wasm-out/ by require().
// 3. The C++ side caps the pool at emscripten_num_logical_cores() / 2 (it assumes two hyper-threads
//    per core), which in Node is os.cpus().length / 2: 1 on a 2-core machine. While the backend
//    initialises, os.cpus() reports 2 * threads entries so that the cap is `threads`.
// Node does not exit while the pool's workers live: the caller ends with process.exit().
async function useWasmBackend(threads) {
  const pkg = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  tfwasm.setWasmPaths(path.join(pkg, 'dist') + path.sep);
  tfwasm.setThreadsCount(threads);
  const restore = [];
  if (threads > 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-'));
    const workerFile = path.join(dir, 'worker.cjs');
    const { wasmWorkerContents } = require(path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'));
    const factory = path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
    // The worker evaluates the main script with importScripts(url); for the blob it gets, define
    // the factory the script would have defined. ('\n' escaped as tfjs-backend-wasm does for its Blob.)
    fs.writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n') +
      `\n;{ const load = importScripts; importScripts = (url) => String(url).startsWith('blob:') ? ` +
      `(global.WasmBackendModuleThreadedSimd = require(${JSON.stringify(factory)})) : load(url); }\n`);
    const createObjectURL = URL.createObjectURL;
    URL.createObjectURL = (blob) => (blob?.type === 'application/javascript' ? workerFile : createObjectURL(blob));
    const cpus = os.cpus;
    os.cpus = () => Array.from({ length: 2 * threads }, () => cpus()[0]);
    restore.push(() => { URL.createObjectURL = createObjectURL; os.cpus = cpus; fs.rmSync(dir, { recursive: true, force: true }); });
  }
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend failed to initialise');
  } finally {
    for (const undo of restore) undo();
  }
  const actual = tfwasm.getThreadsCount();
  if (actual !== threads) throw new Error(`the TF.js wasm backend runs ${actual} threads, not ${threads}`);
}

// ---- safetensors (float32 only) -------------------------------------------------------------------

function readSafetensors(file) {
  const bytes = fs.readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  const metadata = header.__metadata__ ?? {};
  delete header.__metadata__;
  const tensors = {};
  for (const [name, { dtype, shape, data_offsets: [begin, end] }] of Object.entries(header)) {
    if (dtype !== 'F32') throw new Error(`${file}: tensor ${name} has dtype ${dtype}, expected F32`);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + headerLength + begin, bytes.byteOffset + 8 + headerLength + end));
    tensors[name] = { shape, data };
  }
  return { tensors, metadata };
}

// ---- the model --------------------------------------------------------------------------------------

// Batched product a·b (rank 2 or 4, no transposes) whose gradients use explicit transposes.
const swapLast = (t) => tf.transpose(t, t.rank === 2 ? [1, 0] : [0, 1, 3, 2]);
const mm = tf.customGrad((a, b, save) => {
  save([a, b]);
  return { value: tf.matMul(a, b), gradFunc: (dy, [sa, sb]) => [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)] };
});

// Column sums of x [N, k] as ones[1, N] · x: tf.sum over axis 0 transposes first and is ~50x slower.
const sumRows = (x) => tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]);

// x [N, in] · W [in, out] + bias [out].
const linearFast = tf.customGrad((x, w, bias, save) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), bias),
    gradFunc: (dy, [sx, sw]) => [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy), sumRows(dy)],
  };
});

// LayerNorm over the last axis of x [N, d], biased variance, eps 1e-5.
const layerNormFast = tf.customGrad((x, gain, bias, save) => {
  const { mean, variance } = tf.moments(x, 1, true);
  const rstd = tf.rsqrt(tf.add(variance, 1e-5));
  const xhat = tf.mul(tf.sub(x, mean), rstd);
  save([xhat, rstd, gain]);
  return {
    value: tf.add(tf.mul(xhat, gain), bias),
    gradFunc: (dy, [sxhat, srstd, sgain]) => {
      // dx = rstd * (g·dy - mean(g·dy) - xhat * mean(g·dy·xhat))
      const dxhat = tf.mul(dy, sgain);
      const dx = tf.mul(srstd, tf.sub(tf.sub(dxhat, tf.mean(dxhat, 1, true)), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), 1, true))));
      return [dx, sumRows(tf.mul(dy, sxhat)), sumRows(dy)];
    },
  };
});

// GELU, tanh approximation: 0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2/pi).
const GELU_C = Math.sqrt(2 / Math.PI);
const geluFast = tf.customGrad((x, save) => {
  const t = tf.tanh(tf.mul(GELU_C, tf.add(x, tf.mul(tf.mul(0.044715, x), tf.square(x))))); // not tf.pow: slower
  save([x, t]);
  return {
    value: tf.mul(tf.mul(0.5, x), tf.add(1, t)),
    gradFunc: (dy, [sx, st]) => {
      const inner = tf.mul(GELU_C, tf.add(1, tf.mul(3 * 0.044715, tf.square(sx))));
      const slope = tf.add(tf.mul(0.5, tf.add(1, st)), tf.mul(tf.mul(0.5, sx), tf.mul(tf.sub(1, tf.square(st)), inner)));
      return [tf.mul(dy, slope)];
    },
  };
});

const gelu = (x, naive) => (naive ? tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(GELU_C, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))) : geluFast(x));
const layerNorm = (x, gain, bias, naive) => {
  if (!naive) return layerNormFast(x, gain, bias);
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
};
// Naive layout is nn.Linear's own ([out, in]) with matMul(x, W, false, true).
const linear = (x, w, bias, naive) => (naive ? tf.add(tf.matMul(x, w, false, true), bias) : linearFast(x, w, bias));

// One-hot rows [N, V] (float32) of ids (Int32Array N). tf.oneHot(..., 'float32') on the wasm backend
// 4.22 writes int32 bits under a float32 dtype (1 reads as 1.4e-45): make int32 and cast.
const oneHot = (ids, V) => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), V), 'float32');

// table[ids] copied in JavaScript: tf.gather of 1k rows takes milliseconds on the wasm backend.
function gatherRows(table, ids) {
  const d = table.shape[1];
  const from = table.dataSync();
  const rows = new Float32Array(ids.length * d);
  for (let i = 0; i < ids.length; i++) rows.set(from.subarray(ids[i] * d, ids[i] * d + d), i * d);
  return tf.tensor2d(rows, [ids.length, d]);
}

// Rows ids of table [V, d]; the gradient scatter-adds dy's rows in JavaScript.
function embed(table, ids, naive) {
  const [V, d] = table.shape;
  if (naive) return tf.matMul(oneHot(ids, V), table);
  return tf.customGrad((t) => ({
    value: gatherRows(t, ids),
    gradFunc: (dy) => {
      const rows = dy.dataSync();
      const grad = new Float32Array(V * d);
      for (let i = 0; i < ids.length; i++) {
        const to = ids[i] * d;
        const from = i * d;
        for (let j = 0; j < d; j++) grad[to + j] += rows[from + j];
      }
      return [tf.tensor2d(grad, [V, d])];
    },
  }))(table);
}

// Mean cross-entropy of logits [N, V] against targets (Int32Array N): custom gradient
// (softmax - onehot) / N from the softmax kept from the forward pass (one exp over N·V, not two).
function crossEntropy(logits, targets, naive) {
  const [N, V] = logits.shape;
  if (naive) return tf.losses.softmaxCrossEntropy(oneHot(targets, V), logits);
  return tf.customGrad((x, save) => {
    const onehot = oneHot(targets, V);
    const max = tf.max(x, 1, true);
    const e = tf.exp(tf.sub(x, max));
    const total = tf.sum(e, 1, true);
    const lse = tf.add(tf.log(total), max); // [N, 1]
    save([tf.div(e, total), onehot]); // what the gradient needs must be saved, or it is disposed
    return {
      value: tf.div(tf.sum(tf.sub(lse, tf.sum(tf.mul(x, onehot), 1, true))), N),
      gradFunc: (dy, [softmax, sonehot]) => [tf.mul(tf.sub(softmax, sonehot), tf.div(dy, N))],
    };
  })(logits);
}

function sinusoid(T, d) {
  const table = new Float32Array(T * d);
  for (let i = 0; i < T; i++) {
    for (let k = 0; k < d; k += 2) {
      const angle = i / 10000 ** (k / d);
      table[i * d + k] = Math.sin(angle);
      if (k + 1 < d) table[i * d + k + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(table, [T, d]);
}

// RoPE tables: cos/sin [T, dh] (each pair's angle twice) and R [dh, dh] with rot(x) = x·R.
function ropeTables(T, dh) {
  const cos = new Float32Array(T * dh);
  const sin = new Float32Array(T * dh);
  for (let i = 0; i < T; i++) {
    for (let k = 0; k < dh / 2; k++) {
      const angle = i * 10000 ** (-2 * k / dh);
      cos[i * dh + 2 * k] = cos[i * dh + 2 * k + 1] = Math.cos(angle);
      sin[i * dh + 2 * k] = sin[i * dh + 2 * k + 1] = Math.sin(angle);
    }
  }
  const rotation = new Float32Array(dh * dh);
  for (let k = 0; k < dh; k += 2) {
    rotation[(k + 1) * dh + k] = -1; // (x0, x1) -> (-x1, x0)
    rotation[k * dh + k + 1] = 1;
  }
  return { cos: tf.tensor2d(cos, [T, dh]), sin: tf.tensor2d(sin, [T, dh]), rotation: tf.tensor2d(rotation, [dh, dh]) };
}

const isLinearWeight = (name) => /\.(c_attn|c_proj|c_fc)\.weight$/.test(name);

class Transformer {
  // cfg: { vocab, width, layers, heads, context, positional, objective }; weights: { name: {shape, data} }
  // in the file's layout, or null for the GPT-2 initialisation drawn from seed.
  constructor(cfg, weights, { seed = 1, naive = false } = {}) {
    const { vocab: V, width: d, layers: L, heads, context: T, positional, objective } = cfg;
    if (d % heads || (positional === 'rope' && (d / heads) % 2)) throw new Error(`heads ${heads} must divide width ${d} (into an even head size for rope)`);
    this.cfg = cfg;
    this.naive = naive;
    this.shapes = { 'wte.weight': [V, d] };
    if (positional === 'learned') this.shapes['wpe.weight'] = [T, d];
    if (objective === 'masked') this.shapes['wse.weight'] = [2, d];
    for (let l = 0; l < L; l++) {
      const p = `h.${l}.`;
      Object.assign(this.shapes, {
        [`${p}ln_1.weight`]: [d], [`${p}ln_1.bias`]: [d],
        [`${p}attn.c_attn.weight`]: [3 * d, d], [`${p}attn.c_attn.bias`]: [3 * d],
        [`${p}attn.c_proj.weight`]: [d, d], [`${p}attn.c_proj.bias`]: [d],
        [`${p}ln_2.weight`]: [d], [`${p}ln_2.bias`]: [d],
        [`${p}mlp.c_fc.weight`]: [4 * d, d], [`${p}mlp.c_fc.bias`]: [4 * d],
        [`${p}mlp.c_proj.weight`]: [d, 4 * d], [`${p}mlp.c_proj.bias`]: [d],
      });
    }
    Object.assign(this.shapes, { 'ln_f.weight': [d], 'ln_f.bias': [d] });
    if (weights) {
      const names = Object.keys(this.shapes);
      const unexpected = Object.keys(weights).filter((n) => !(n in this.shapes)).concat(names.filter((n) => !(n in weights)));
      if (unexpected.length) throw new Error(`tensors do not match the configuration: ${unexpected.join(', ')}`);
      for (const n of names) {
        if (weights[n].shape.join() !== this.shapes[n].join()) throw new Error(`tensor ${n} has shape [${weights[n].shape}], expected [${this.shapes[n]}]`);
      }
    }
    this.params = {};
    tf.tidy(() => {
      for (const [name, shape] of Object.entries(this.shapes)) {
        let value;
        if (weights) value = tf.tensor(weights[name].data, shape);
        else if (/(ln_\d|ln_f)\.weight$/.test(name)) value = tf.ones(shape);
        else if (name.endsWith('.bias')) value = tf.zeros(shape);
        else value = tf.randomNormal(shape, 0, name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * L) : 0.02, 'float32', seed + Object.keys(this.params).length);
        if (isLinearWeight(name) && !naive) value = tf.transpose(value); // stored [in, out]
        this.params[name] = tf.variable(value, true, name);
      }
    });
    this.causalMask = objective === 'next' ? tf.keep(tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9))) : null;
    this.sinusoid = positional === 'sinusoidal' ? tf.keep(sinusoid(T, d)) : null;
    this.rope = positional === 'rope' ? ropeTables(T, d / heads) : null;
  }

  // The weights in the file's names, order and layout.
  weights() {
    return Object.fromEntries(Object.entries(this.params).map(([name, v]) => [name, {
      shape: this.shapes[name], data: tf.tidy(() => (isLinearWeight(name) && !this.naive ? tf.transpose(v) : v).dataSync()),
    }]));
  }

  get parameterCount() {
    return Object.values(this.shapes).reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
  }

  // Mean next-token cross-entropy of B rows of T inputs (Int32Array B*T) and their targets.
  loss(inputs, targets, B) {
    const { width: d, heads: h, layers: L, context: T } = this.cfg;
    const dh = d / h;
    const naive = this.naive;
    const p = this.params;
    let x = embed(p['wte.weight'], inputs, naive); // [N, d]
    if (this.sinusoid) x = tf.reshape(tf.add(tf.reshape(x, [B, T, d]), this.sinusoid), [B * T, d]);
    if (p['wpe.weight']) x = tf.reshape(tf.add(tf.reshape(x, [B, T, d]), p['wpe.weight']), [B * T, d]);
    const heads = (t) => tf.transpose(tf.reshape(t, [B, T, h, dh]), [0, 2, 1, 3]); // [B, h, T, dh]
    const rope = (t) => {
      const rotated = tf.reshape(tf.matMul(tf.reshape(t, [-1, dh]), this.rope.rotation), [B, h, T, dh]);
      return tf.add(tf.mul(t, this.rope.cos), tf.mul(rotated, this.rope.sin));
    };
    for (let l = 0; l < L; l++) {
      const w = (name) => p[`h.${l}.${name}`];
      const a = layerNorm(x, w('ln_1.weight'), w('ln_1.bias'), naive);
      const qkv = linear(a, w('attn.c_attn.weight'), w('attn.c_attn.bias'), naive); // [N, 3d]
      // Three tf.slice, not tf.split: SplitV is ~10x slower than the slices on the wasm backend.
      let [q, k, v] = [0, 1, 2].map((j) => heads(tf.slice(qkv, [0, j * d], [B * T, d])));
      if (this.rope) [q, k] = [rope(q), rope(k)];
      let score = naive ? tf.matMul(q, k, false, true) : mm(q, tf.transpose(k, [0, 1, 3, 2])); // [B, h, T, T]
      score = tf.mul(score, 1 / Math.sqrt(dh));
      if (this.causalMask) score = tf.add(score, this.causalMask);
      const attended = naive ? tf.matMul(tf.softmax(score), v) : mm(tf.softmax(score), v); // [B, h, T, dh]
      const o = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [B * T, d]);
      x = tf.add(x, linear(o, w('attn.c_proj.weight'), w('attn.c_proj.bias'), naive));
      const m = layerNorm(x, w('ln_2.weight'), w('ln_2.bias'), naive);
      x = tf.add(x, linear(gelu(linear(m, w('mlp.c_fc.weight'), w('mlp.c_fc.bias'), naive), naive), w('mlp.c_proj.weight'), w('mlp.c_proj.bias'), naive));
    }
    const final = layerNorm(x, p['ln_f.weight'], p['ln_f.bias'], naive);
    const logits = naive ? tf.matMul(final, p['wte.weight'], false, true) : mm(final, tf.transpose(p['wte.weight'])); // [N, V]
    return crossEntropy(logits, targets, naive);
  }

  // Loss and gradients of one batch; returns { loss, grads: {name: tensor} } (caller disposes grads).
  lossAndGrads(inputs, targets, B) {
    const { value, grads } = tf.variableGrads(() => this.loss(inputs, targets, B));
    const loss = value.dataSync()[0];
    value.dispose();
    return { loss, grads };
  }
}

// AdamW exactly as docs/transformer.md: β 0.9/0.95, eps 1e-8, decoupled weight decay 0.1 on 2-D
// weights (p -= lr·wd·p, before the Adam step, as torch.optim.AdamW), global-norm clipping to 1.0.
class AdamW {
  constructor(params) {
    this.params = params;
    this.step = 0;
    this.m = {};
    this.v = {};
    for (const [name, p] of Object.entries(params)) {
      this.m[name] = tf.variable(tf.zerosLike(p), false);
      this.v[name] = tf.variable(tf.zerosLike(p), false);
    }
  }

  // Applies grads (clipped by `scale`) at learning rate lr.
  apply(grads, lr, scale) {
    this.step++;
    const bc1 = 1 - 0.9 ** this.step;
    const bc2 = 1 - 0.95 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of Object.entries(this.params)) {
        const g = scale === 1 ? grads[name] : tf.mul(grads[name], scale);
        const m = tf.add(tf.mul(this.m[name], 0.9), tf.mul(g, 0.1));
        const v = tf.add(tf.mul(this.v[name], 0.95), tf.mul(tf.square(g), 0.05));
        this.m[name].assign(m);
        this.v[name].assign(v);
        const decayed = p.rank === 2 ? tf.mul(p, 1 - lr * 0.1) : p;
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), 1e-8));
        p.assign(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
  }
}

// Global L2 norm of the gradients, summed in float64 in JavaScript: the wasm backend's tf.sum adds
// in float32 one element after another, which over 65k squares is off by ~1e-4 relative.
function gradNorm(grads) {
  let sum = 0;
  for (const g of Object.values(grads)) {
    for (const x of g.dataSync()) sum += x * x;
  }
  return Math.sqrt(sum);
}

// ---- data, schedule, modes (mirror lm_torch.py) ----------------------------------------------------

function readIds(file, vocab) {
  const ids = Int32Array.from(fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean), Number);
  if (!ids.length) throw new Error(`${file}: no token ids`);
  const bad = ids.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= vocab);
  if (bad >= 0) throw new Error(`${file}: token id ${ids[bad]} (number ${bad + 1}) is not in [0, ${vocab})`);
  return ids;
}

// Rows ((step·B + b)·T) mod (n − T): inputs and next-token targets, each Int32Array B·T.
function batchAt(ids, step, B, T) {
  const span = ids.length - T;
  if (span < 1) throw new Error(`${ids.length} training tokens are fewer than context + 1 = ${T + 1}`);
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = ((step * B + b) * T) % span;
    inputs.set(ids.subarray(start, start + T), b * T);
    targets.set(ids.subarray(start + 1, start + T + 1), b * T);
  }
  return { inputs, targets };
}

// Linear warm-up (step+1)/warmup·lr, then cosine from lr down to 0.1·lr at the last step.
function learningRate(step, steps, lr, warmup) {
  if (step < warmup) return (lr * (step + 1)) / warmup;
  const decaySteps = steps - 1 - warmup;
  const progress = decaySteps > 0 ? Math.min(1, (step - warmup) / decaySteps) : 1;
  return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

function validationLoss(model, val, B, T) {
  const rows = Math.floor((val.length - 1) / T);
  if (rows < 1) throw new Error(`${val.length} validation tokens are fewer than context + 1 = ${T + 1}`);
  let total = 0;
  for (let first = 0; first < rows; first += B) {
    const n = Math.min(B, rows - first);
    const { inputs, targets } = batchAt(val.subarray(first * T, (first + n) * T + 1), 0, n, T);
    total += tf.tidy(() => model.loss(inputs, targets, n).dataSync()[0]) * n;
  }
  return total / rows;
}

function train(model, opts, trainIds, valIds) {
  const { batch: B, steps } = opts;
  const T = model.cfg.context;
  const optimizer = new AdamW(model.params);
  let initial = null;
  let start = performance.now();
  let cpu = process.cpuUsage();
  for (let step = 0; step < steps; step++) {
    if (step === 1) [start, cpu] = [performance.now(), process.cpuUsage()];
    const { inputs, targets } = batchAt(trainIds, step, B, T);
    const { loss, grads } = model.lossAndGrads(inputs, targets, B);
    const norm = gradNorm(grads);
    if (step === 0) initial = { loss, norm };
    optimizer.apply(grads, learningRate(step, steps, opts.lr, opts.warmup), Math.min(1, 1 / (norm + 1e-6)));
    tf.dispose(Object.values(grads));
  }
  const ms = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  const timed = Math.max(1, steps - 1);
  return {
    tool: `tfjs-${tf.getBackend()}${model.naive ? '-naive' : ''}`, tfjs: tf.version.tfjs,
    threads: tf.getBackend() === 'wasm' ? tfwasm.getThreadsCount() : 1, steps, params: model.parameterCount,
    ms_per_step: ms / timed,
    tokens_per_s: steps > 1 ? (timed * B * T) / (ms / 1000) : null,
    cpu_ms_per_step: (user + system) / 1000 / timed, // all threads; on a busy machine, wall time / this shows the share we got
    initial_loss: initial?.loss ?? null, initial_grad_norm: initial?.norm ?? null,
    val_loss: valIds ? validationLoss(model, valIds, B, T) : null,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    live_tensors: tf.memory().numTensors, // the same after any number of steps: nothing leaks
  };
}

async function main() {
  const { values: o } = parseArgs({
    options: {
      train: { type: 'string' }, val: { type: 'string' }, init: { type: 'string' },
      vocab: { type: 'string', default: '1024' }, width: { type: 'string', default: '64' },
      layers: { type: 'string', default: '2' }, heads: { type: 'string', default: '4' },
      context: { type: 'string', default: '64' }, positional: { type: 'string', default: 'learned' },
      objective: { type: 'string', default: 'next' }, batch: { type: 'string', default: '16' },
      steps: { type: 'string', default: '50' }, lr: { type: 'string', default: '3e-3' },
      warmup: { type: 'string', default: '10' }, threads: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' }, backend: { type: 'string', default: 'wasm' },
      naive: { type: 'boolean', default: false }, 'per-tensor': { type: 'boolean', default: false },
      'report-initial': { type: 'boolean', default: false }, 'random-ids': { type: 'boolean', default: false },
    },
  });
  if (!o.train && !o['random-ids']) throw new Error('give --train FILE (token ids) or --random-ids');
  if (o.backend === 'wasm') await useWasmBackend(Number(o.threads));
  else if (!(await tf.setBackend(o.backend))) throw new Error(`unknown TF.js backend ${o.backend}`);

  let cfg;
  let weights = null;
  if (o.init) {
    const file = readSafetensors(o.init);
    const m = file.metadata;
    cfg = { vocab: +m.vocab, width: +m.width, layers: +m.layers, heads: +m.heads, context: +m.context, positional: m.positional, objective: m.objective };
    weights = file.tensors;
  } else {
    cfg = { vocab: +o.vocab, width: +o.width, layers: +o.layers, heads: +o.heads, context: +o.context, positional: o.positional, objective: o.objective };
  }
  if (!['none', 'sinusoidal', 'learned', 'rope'].includes(cfg.positional)) throw new Error(`unknown positional ${cfg.positional}`);
  if (cfg.objective !== 'next') throw new Error('only the next-word objective trains here (the parity batch is next-word)');
  const model = new Transformer(cfg, weights, { seed: Number(o.seed), naive: o.naive });
  const B = Number(o.batch);
  // --random-ids: uniform ids for this vocabulary from the seed.
  const randomIds = (n) => {
    const next = seededRandom(Number(o.seed) + n);
    return Int32Array.from({ length: n }, () => Math.floor(next() * cfg.vocab));
  };
  const trainIds = o.train ? readIds(o.train, cfg.vocab) : randomIds(Number(o.steps) * B * cfg.context + cfg.context + 1);
  const initialLine = (loss, norm) => `initial loss ${loss.toPrecision(9)} grad-norm ${norm.toPrecision(9)}`;
  if (Number(o.steps) === 0) {
    const { inputs, targets } = batchAt(trainIds, 0, B, cfg.context);
    const { loss, grads } = model.lossAndGrads(inputs, targets, B);
    console.log(initialLine(loss, gradNorm(grads)));
    if (o['per-tensor']) {
      for (const name of Object.keys(model.shapes)) console.log(`grad-norm ${name} ${gradNorm({ [name]: grads[name] }).toPrecision(9)}`);
    }
    return;
  }
  const valIds = o.val ? readIds(o.val, cfg.vocab) : o['random-ids'] ? randomIds(32 * cfg.context + 1) : null;
  const result = train(model, { batch: B, steps: Number(o.steps), lr: Number(o.lr), warmup: Number(o.warmup) }, trainIds, valIds);
  if (o['report-initial']) console.log(initialLine(result.initial_loss, result.initial_grad_norm));
  console.log(JSON.stringify(result));
}

main().then(() => process.exit(0), (e) => {
  console.error(`lm_tfjs.mjs: ${e.message}`);
  process.exit(1);
});
