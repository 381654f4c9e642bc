#!/usr/bin/env node
// The training benchmark: embedlab vs fastText (-minn 0 -maxn 0, i.e. plain word2vec) vs gensim on
// the WordNet-gloss corpus, CBOW and skip-gram, 1 and 2 threads. Every tool runs once per seed (1..N):
// times are medians over those runs, accuracies mean ± standard deviation over the seeds, with
// Welch's t-test of each tool against gensim. Prints a Markdown table.
// "embedlab" is the native CLI, "wasm" the same engine as WebAssembly in Node (npx embedlab);
// "word2vec" (the original C tool, which has no seed option) joins when it is on the PATH.
//   node scripts/bench/bench.mjs [--seeds N] [--models cbow,skipgram] [--losses ns,hs] [--threads 1,2]
//                                [--tools embedlab,wasm,fasttext,gensim,word2vec]
import { execFileSync, spawnSync } from 'node:child_process';
import { welch } from './stats.mjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'bench-out');
const cli = path.join(root, 'build', 'embedlab');
const questions = path.join(root, 'data', 'questions-words.txt');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const seeds = Number(option('seeds', option('repeat', '5')));
const models = option('models', 'cbow,skipgram').split(',');
const losses = option('losses', 'ns').split(',');
const threadCounts = option('threads', '1,2').split(',').map(Number);
const hasWord2vec = spawnSync('sh', ['-c', 'command -v word2vec']).status === 0;
const tools = option('tools', `embedlab,wasm,fasttext,gensim${hasWord2vec ? ',word2vec' : ''}`).split(',');
const epochs = 5;
const alpha = { cbow: 0.05, skipgram: 0.025 };

fs.mkdirSync(outDir, { recursive: true });
// Every tool trains on the same tokens: the corpus as embedlab's tokenizer sees it.
const corpus = path.join(outDir, 'wordnet-glosses.tokens.txt');
execFileSync(cli, ['tokenize', path.join(root, 'data', 'wordnet-glosses.txt'), corpus]);
const tokens = fs.readFileSync(corpus, 'utf8').split(/\s+/).filter(Boolean).length;

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Runs a command under /usr/bin/time; returns wall seconds, peak RSS (MB) and its output.
function timed(command, args) {
  const timeFile = path.join(outDir, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', timeFile, command, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
  const [wall, kb] = fs.readFileSync(timeFile, 'utf8').trim().split(/\s+/).map(Number);
  return { wall, peakMb: kb / 1024, stdout: r.stdout, stderr: r.stderr };
}

// embedlab's CLI options, shared by the native and the wasm build.
const embedlabArgs = (model, loss, threads, seed, out) => ['train', '--input', corpus, '--output', out, '--model', model,
  '--loss', loss, '--dim', '100', '--window', '5', '--negative', loss === 'hs' ? '0' : '5', '--epochs', String(epochs),
  '--min-count', '5', '--sample', '1e-3', '--threads', String(threads), '--seed', String(seed), '--alpha', String(alpha[model])];

const runners = {
  embedlab(model, loss, threads, seed, out) {
    const r = timed(cli, embedlabArgs(model, loss, threads, seed, out));
    const m = r.stderr.match(/trained .* in ([\d.]+) s/);
    return { ...r, rate: (tokens * epochs) / Number(m[1]) / threads };
  },
  wasm(model, loss, threads, seed, out) {
    const r = timed(process.execPath, [path.join(root, 'src', 'js', 'cli.js'), ...embedlabArgs(model, loss, threads, seed, out)]);
    const m = r.stderr.match(/trained .* in ([\d.]+) s/);
    return { ...r, rate: (tokens * epochs) / Number(m[1]) / threads };
  },
  fasttext(model, loss, threads, seed, out) {
    const prefix = out.replace(/\.vec$/, '');
    const r = timed('fasttext', [model, '-input', corpus, '-output', prefix, '-dim', '100', '-ws', '5', '-loss', loss,
      '-neg', loss === 'hs' ? '0' : '5', '-epoch', String(epochs), '-minCount', '5', '-t', '1e-3', '-thread', String(threads),
      '-minn', '0', '-maxn', '0', '-lr', String(alpha[model]), '-seed', String(seed), '-verbose', '2']);
    fs.rmSync(`${prefix}.bin`, { force: true });
    // fastText reports its own words/sec/thread (its count includes one end-of-line token per line).
    const rates = [...(r.stderr + r.stdout).matchAll(/words\/sec\/thread:\s*(\d+)/g)].map((m) => Number(m[1]));
    return { ...r, rate: rates.at(-1) };
  },
  gensim(model, loss, threads, seed, out) {
    const r = timed('/usr/bin/python3', [path.join(root, 'scripts', 'bench', 'gensim_train.py'), corpus, out, model,
      String(threads), String(alpha[model]), loss, String(seed)]);
    const stats = JSON.parse(r.stdout.trim().split('\n').at(-1));
    return { ...r, rate: (tokens * epochs) / stats.train_seconds / threads };
  },
  // The original C tool: no seed option (its generator starts from the thread number).
  word2vec(model, loss, threads, seed, out) {
    const r = timed('word2vec', ['-train', corpus, '-output', out, '-cbow', model === 'cbow' ? '1' : '0', '-size', '100',
      '-window', '5', '-hs', loss === 'hs' ? '1' : '0', '-negative', loss === 'hs' ? '0' : '5', '-iter', String(epochs),
      '-min-count', '5', '-sample', '1e-3', '-threads', String(threads), '-alpha', String(alpha[model]), '-binary', '0']);
    const rates = [...(r.stdout + r.stderr).matchAll(/Words\/thread\/sec:\s*([\d.]+)k/g)].map((m) => Number(m[1]) * 1000);
    return { ...r, rate: rates.at(-1) ?? NaN };
  },
};

function quality(vectors) {
  let accuracy = null;
  if (fs.existsSync(questions)) {
    const out = execFileSync(cli, ['eval', vectors, questions, '--restrict', '30000'], { encoding: 'utf8' });
    const total = out.split('\n').find((l) => l.startsWith('total'));
    accuracy = Number(total.match(/([\d.]+)%/)[1]);
  }
  const neighbours = execFileSync(cli, ['analogy', vectors, 'king', 'man', 'woman', '--top', '100'], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.trim().split(/\s+/)[1]);
  const rank = neighbours.indexOf('queen') + 1;
  return { accuracy, queenRank: rank > 0 ? rank : '>100' };
}

const cpu = (os.cpus()[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ');
console.log(`corpus: WordNet 3.1 glosses, ${tokens.toLocaleString('en-US')} tokens; dim 100, window 5, negative 5 (ns) or 0 (hs), ` +
  `${epochs} epochs, min-count 5, sample 1e-3; seeds 1-${seeds}: times are medians, accuracies mean ± std; ${cpu}, ${os.cpus().length} cores`);
console.log(execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim());

const rows = [];
const runLog = [];
for (const model of models) {
  for (const loss of losses) {
    for (const threads of threadCounts) {
      // Round-robin over the tools, so a noisy moment on this shared machine hits them all alike.
      const runsByTool = Object.fromEntries(tools.map((tool) => [tool, []]));
      const outOf = (tool) => path.join(outDir, `${tool}-${model}-${loss}-${threads}.vec`);
      for (let seed = 1; seed <= seeds; seed++) {
        for (const tool of tools) {
          const run = { ...runners[tool](model, loss, threads, seed, outOf(tool)), ...quality(outOf(tool)) };
          runsByTool[tool].push(run);
          runLog.push({ model, loss, threads, tool, seed, wall: run.wall, rate: run.rate, peakMb: run.peakMb,
            accuracy: run.accuracy, queenRank: run.queenRank });
          process.stderr.write(`  ${model} ${loss} ${threads}t ${tool} seed ${seed}: ${run.wall.toFixed(2)} s, ` +
            `${run.accuracy?.toFixed(2)}%, queen rank ${run.queenRank}\n`);
        }
      }
      const group = [];
      const accuracies = (tool) => runsByTool[tool].map((r) => r.accuracy).filter((a) => a != null);
      for (const tool of tools) {
        const runs = runsByTool[tool];
        const acc = accuracies(tool);
        const ranks = runs.map((r) => r.queenRank);
        group.push({
          model, loss, threads, tool,
          wall: median(runs.map((r) => r.wall)),
          rate: median(runs.map((r) => r.rate)),
          peakMb: median(runs.map((r) => r.peakMb)),
          accuracy: acc.length ? { mean: mean(acc), std: std(acc) } : null,
          p: tool !== 'gensim' && tools.includes('gensim') && acc.length > 1 ? welch(acc, accuracies('gensim')) : null,
          queenRank: ranks.every((k) => typeof k === 'number') ? median(ranks) : ranks.join('/'),
        });
      }
      const best = Math.max(...group.filter((r) => r.tool === 'fasttext' || r.tool === 'gensim').map((r) => r.rate));
      const native = group.find((r) => r.tool === 'embedlab')?.rate;
      for (const r of group) {
        r.ratio = Number.isFinite(best) ? r.rate / best : null;
        r.vsNative = r.tool === 'wasm' && native ? r.rate / native : null;
      }
      rows.push(...group);
    }
  }
}

// Scaling: 2-thread rate over 1-thread rate per tool and mode (total words/s).
for (const r of rows) {
  const one = rows.find((o) => o.tool === r.tool && o.model === r.model && o.loss === r.loss && o.threads === 1);
  r.scaling = r.threads > 1 && one ? (r.rate * r.threads) / one.rate : null;
}
const names = { embedlab: 'embedlab (native)', wasm: 'embedlab (wasm, Node)', fasttext: 'fastText 0.9.2', gensim: 'gensim 4.2.0',
  word2vec: 'word2vec (C)' };
const pValue = (p) => (p == null ? '' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const header = `| model | loss | threads | tool | wall s | words/s/thread | vs best reference | wasm vs native | 2-thread speed-up | ` +
  `peak MB | analogy acc. (top 30k), mean ± std of ${seeds} | Welch p vs gensim | queen rank (median) |`;
const lines = [header, '|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  lines.push(`| ${r.model} | ${r.loss} | ${r.threads} | ${names[r.tool]} | ${r.wall.toFixed(2)} | ${Math.round(r.rate).toLocaleString('en-US')} | ` +
    `${r.ratio == null ? '' : r.ratio.toFixed(2) + 'x'} | ${r.vsNative == null ? '' : r.vsNative.toFixed(2) + 'x'} | ` +
    `${r.scaling == null ? '' : r.scaling.toFixed(2) + 'x'} | ${Math.round(r.peakMb)} | ` +
    `${r.accuracy == null ? 'n/a' : `${r.accuracy.mean.toFixed(2)}% ± ${r.accuracy.std.toFixed(2)}`} | ${pValue(r.p)} | ${r.queenRank} |`);
}
const table = lines.join('\n');
console.log(table);
fs.writeFileSync(path.join(outDir, 'training.md'), table + '\n');
fs.writeFileSync(path.join(outDir, 'training-runs.json'), JSON.stringify(runLog, null, 1) + '\n');
