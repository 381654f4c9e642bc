#!/usr/bin/env node
// The training benchmark: embedlab vs fastText (-minn 0 -maxn 0, i.e. plain word2vec) vs gensim on
// the WordNet-gloss corpus, CBOW and skip-gram, 1 and 2 threads. Prints a Markdown table of medians.
// "embedlab" is the native CLI, "wasm" the same engine as WebAssembly in Node (npx embedlab).
//   node scripts/bench/bench.mjs [--repeat N] [--models cbow,skipgram] [--threads 1,2] [--tools embedlab,wasm,fasttext,gensim]
import { execFileSync, spawnSync } from 'node:child_process';
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
const repeat = Number(option('repeat', '3'));
const models = option('models', 'cbow,skipgram').split(',');
const threadCounts = option('threads', '1,2').split(',').map(Number);
const tools = option('tools', 'embedlab,wasm,fasttext,gensim').split(',');
const epochs = 5;
const alpha = { cbow: 0.05, skipgram: 0.025 };

fs.mkdirSync(outDir, { recursive: true });
// Every tool trains on the same tokens: the corpus as embedlab's tokenizer sees it.
const corpus = path.join(outDir, 'wordnet-glosses.tokens.txt');
execFileSync(cli, ['tokenize', path.join(root, 'data', 'wordnet-glosses.txt'), corpus]);
const tokens = fs.readFileSync(corpus, 'utf8').split(/\s+/).filter(Boolean).length;

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

const runners = {
  embedlab(model, threads, out) {
    const r = timed(cli, ['train', '--input', corpus, '--output', out, '--model', model, '--dim', '100', '--window', '5',
      '--negative', '5', '--epochs', String(epochs), '--min-count', '5', '--sample', '1e-3', '--threads', String(threads),
      '--seed', '1', '--alpha', String(alpha[model])]);
    const m = r.stderr.match(/trained .* in ([\d.]+) s/);
    return { ...r, rate: (tokens * epochs) / Number(m[1]) / threads };
  },
  wasm(model, threads, out) {
    const r = timed(process.execPath, [path.join(root, 'src', 'js', 'cli.js'), 'train', '--input', corpus, '--output', out,
      '--model', model, '--dim', '100', '--window', '5', '--negative', '5', '--epochs', String(epochs), '--min-count', '5',
      '--sample', '1e-3', '--threads', String(threads), '--seed', '1', '--alpha', String(alpha[model])]);
    const m = r.stderr.match(/trained .* in ([\d.]+) s/);
    return { ...r, rate: (tokens * epochs) / Number(m[1]) / threads };
  },
  fasttext(model, threads, out) {
    const prefix = out.replace(/\.vec$/, '');
    const r = timed('fasttext', [model, '-input', corpus, '-output', prefix, '-dim', '100', '-ws', '5', '-neg', '5',
      '-epoch', String(epochs), '-minCount', '5', '-t', '1e-3', '-thread', String(threads), '-minn', '0', '-maxn', '0',
      '-lr', String(alpha[model]), '-verbose', '2']);
    fs.rmSync(`${prefix}.bin`, { force: true });
    // fastText reports its own words/sec/thread (its count includes one end-of-line token per line).
    const rates = [...(r.stderr + r.stdout).matchAll(/words\/sec\/thread:\s*(\d+)/g)].map((m) => Number(m[1]));
    return { ...r, rate: rates.at(-1) };
  },
  gensim(model, threads, out) {
    const r = timed('/usr/bin/python3', [path.join(root, 'scripts', 'bench', 'gensim_train.py'), corpus, out, model,
      String(threads), String(alpha[model])]);
    const stats = JSON.parse(r.stdout.trim().split('\n').at(-1));
    return { ...r, rate: (tokens * epochs) / stats.train_seconds / threads };
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
console.log(`corpus: WordNet 3.1 glosses, ${tokens.toLocaleString('en-US')} tokens; dim 100, window 5, negative 5, ` +
  `${epochs} epochs, min-count 5, sample 1e-3; median of ${repeat} runs; ${cpu}, ${os.cpus().length} cores`);
console.log(execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim());

const rows = [];
for (const model of models) {
  for (const threads of threadCounts) {
    // Round-robin over the tools, so a noisy moment on this shared machine hits them all alike.
    const runsByTool = Object.fromEntries(tools.map((tool) => [tool, []]));
    const outOf = (tool) => path.join(outDir, `${tool}-${model}-${threads}.vec`);
    for (let i = 0; i < repeat; i++) {
      for (const tool of tools) runsByTool[tool].push(runners[tool](model, threads, outOf(tool)));
    }
    const group = [];
    for (const tool of tools) {
      const runs = runsByTool[tool];
      const out = outOf(tool);
      const row = {
        model, threads, tool,
        wall: median(runs.map((r) => r.wall)),
        rate: median(runs.map((r) => r.rate)),
        peakMb: median(runs.map((r) => r.peakMb)),
        ...quality(out),
      };
      group.push(row);
      process.stderr.write(`  ${model} ${threads}t ${tool}: ${row.wall.toFixed(2)} s, ${Math.round(row.rate).toLocaleString('en-US')} w/s/thread\n`);
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

// Scaling: 2-thread rate over 1-thread rate per tool and model (total words/s).
for (const r of rows) {
  const one = rows.find((o) => o.tool === r.tool && o.model === r.model && o.threads === 1);
  r.scaling = r.threads > 1 && one ? (r.rate * r.threads) / one.rate : null;
}
const names = { embedlab: 'embedlab (native)', wasm: 'embedlab (wasm, Node)', fasttext: 'fastText 0.9.2', gensim: 'gensim 4.2.0' };
const header = '| model | threads | tool | wall s | words/s/thread | vs best reference | wasm vs native | 2-thread speed-up | peak MB | analogy acc. (top 30k) | queen rank |';
const lines = [header, '|---|---|---|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  lines.push(`| ${r.model} | ${r.threads} | ${names[r.tool]} | ${r.wall.toFixed(2)} | ${Math.round(r.rate).toLocaleString('en-US')} | ` +
    `${r.ratio == null ? '' : r.ratio.toFixed(2) + 'x'} | ${r.vsNative == null ? '' : r.vsNative.toFixed(2) + 'x'} | ` +
    `${r.scaling == null ? '' : r.scaling.toFixed(2) + 'x'} | ${Math.round(r.peakMb)} | ` +
    `${r.accuracy == null ? 'n/a' : r.accuracy.toFixed(2) + '%'} | ${r.queenRank} |`);
}
const table = lines.join('\n');
console.log(table);
fs.writeFileSync(path.join(outDir, 'training.md'), table + '\n');
