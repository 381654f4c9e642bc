// The npm package as users get it: `npm pack` (its prepack script runs the wasm build, a quick
// no-op when up to date), then an offline install of the tarball into an empty project.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ONCE, ROOT, VARIANT, tempDir } from './helpers.mjs';

const TIMEOUT = 120_000;
let dir;
let tarball;
let consumer;

function sh(command, args, cwd, extra = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: TIMEOUT, maxBuffer: 64 << 20, ...extra });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ok(command, args, cwd, extra) {
  const r = sh(command, args, cwd, extra);
  assert.equal(r.code, 0, `${command} ${args.join(' ')} failed (${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r;
}

before(() => {
  if (ONCE) return;
  dir = tempDir('embedlab-pack-');
  ok('npm', ['pack', '--pack-destination', dir], ROOT);
  const tarballs = fs.readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  assert.equal(tarballs.length, 1, `one tarball in ${dir}: ${tarballs}`);
  tarball = path.join(dir, tarballs[0]);
  consumer = path.join(dir, 'consumer');
  fs.mkdirSync(consumer);
}, { timeout: TIMEOUT });

test('the tarball holds the API, typings, CLI and both wasm builds, and nothing else', { timeout: TIMEOUT, skip: ONCE }, () => {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  assert.equal(path.basename(tarball), `embedlab-${version}.tgz`);
  const files = ok('tar', ['-tzf', tarball], dir).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  // Every module of the package (index.js imports the others), the typings and both builds.
  const modules = fs.readdirSync(path.join(ROOT, 'src/js')).filter((f) => f.endsWith('.js')).map((f) => `src/js/${f}`);
  assert.ok(modules.length >= 8, `the package's modules: ${modules}`);
  // Each build's glue for browsers and for Node (sharing one .wasm), the licence and notices.
  for (const file of ['package.json', ...modules, 'src/js/index.d.ts', 'src/js/worker.d.ts', 'LICENSE', 'NOTICE.md',
    'src/js/wasm/embedlab-st.mjs', 'src/js/wasm/embedlab-st-node.mjs', 'src/js/wasm/embedlab-st.wasm',
    'src/js/wasm/embedlab-mt.mjs', 'src/js/wasm/embedlab-mt-node.mjs', 'src/js/wasm/embedlab-mt.wasm',
    'src/js/wasm/embedlab-mt.worker.js', 'src/js/wasm/embedlab-mt-node.worker.js', 'src/js/wasm/package.json']) {
    assert.ok(files.includes(file), `${file} is in the tarball`);
  }
  for (const file of files) {
    assert.match(file, /^(package\.json|README(\.md)?|LICENSE(\.md)?|NOTICE\.md|src\/js\/[^/]+\.(js|d\.ts)|src\/js\/wasm\/[^/]+)$/i,
      `unexpected file in the tarball: ${file}`);
  }
  assert.ok(fs.statSync(tarball).size < 2 << 20, `the tarball is small (${fs.statSync(tarball).size} bytes)`);
});

test('an offline install of the tarball trains and queries from import("embedlab")', { timeout: TIMEOUT, skip: ONCE }, () => {
  ok('npm', ['init', '-y'], consumer);
  ok('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], consumer);
  const installed = path.join(consumer, 'node_modules/embedlab');
  assert.ok(fs.existsSync(path.join(installed, 'src/js/wasm/embedlab-mt.wasm')));
  const script = `
    import('embedlab').then(async (m) => {
      const el = await m.init();
      const lines = [];
      for (let i = 0; i < 400; i++) lines.push(i % 2 ? 'the cat sat on the mat' : 'the dog sat on the rug');
      const model = await el.train(lines.join('\\n'), { dim: 16, epochs: 3, minCount: 1 });
      const [first] = model.mostSimilar('cat', { topn: 1 });
      console.log(JSON.stringify({ variant: el.variant, isa: el.isa, size: model.size, neighbour: first.word }));
      model.dispose();
    });`;
  const r = ok(process.execPath, ['--input-type=module', '-e', script], consumer);
  const result = JSON.parse(r.stdout.trim());
  assert.equal(result.isa, 'wasm-simd128');
  assert.equal(result.variant, VARIANT, 'EMBEDLAB_VARIANT reaches the installed package');
  assert.equal(result.size, 7);
  assert.equal(typeof result.neighbour, 'string');
  assert.notEqual(result.neighbour, 'cat');

  // The package resolves from the installed copy, not from this checkout.
  const where = ok(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('embedlab'))"], consumer);
  // Node takes the "node" condition of the exports map.
  assert.ok(where.stdout.trim().endsWith('/consumer/node_modules/embedlab/src/js/node.js'), where.stdout);
});

test('npx embedlab --help works in the installing project', { timeout: TIMEOUT, skip: ONCE }, () => {
  assert.ok(fs.existsSync(path.join(consumer, 'node_modules/embedlab')), 'installed by the previous test');
  const r = ok('npx', ['--no-install', 'embedlab', '--help'], consumer);
  assert.match(r.stdout, /usage: embedlab VERB/);
  const corpus = path.join(consumer, 'corpus.txt');
  fs.writeFileSync(corpus, 'the cat sat on the mat\nthe dog sat on the rug\n'.repeat(200));
  ok('npx', ['--no-install', 'embedlab', 'train', '--input', corpus, '--output', 'out.vec', '--dim', '8', '--min-count', '1', '--quiet'], consumer);
  assert.match(fs.readFileSync(path.join(consumer, 'out.vec'), 'utf8'), /^7 8\n/);
});

test('TypeScript finds the typings of the installed package', { timeout: TIMEOUT, skip: ONCE }, () => {
  assert.ok(fs.existsSync(path.join(consumer, 'node_modules/embedlab')), 'installed by the previous test');
  fs.writeFileSync(path.join(consumer, 'use.ts'), [
    "import { init, type Neighbour } from 'embedlab';",
    'const el = await init();',
    "const model = await el.train('a b c', { dim: 8, minCount: 1 });",
    "const best: Neighbour[] = model.analogy('a', 'b', 'c');",
    'console.log(best[0]?.word);',
    '',
  ].join('\n'));
  // `npm init -y` makes a CommonJS project; the .mts-style check needs "type": "module".
  const pkg = JSON.parse(fs.readFileSync(path.join(consumer, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ ...pkg, type: 'module' }, null, 2));
  const tsc = path.join(ROOT, 'node_modules/.bin/tsc');
  const r = sh(tsc, ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--lib', 'es2022,dom', '--traceResolution', 'use.ts'], consumer);
  assert.match(r.stdout, /Module name 'embedlab' was successfully resolved to '[^']*consumer\/node_modules\/embedlab\/src\/js\/index\.d\.ts'/);
  assert.equal(r.code, 0, r.stdout.split('\n').filter((l) => l.includes('error')).join('\n'));
});
