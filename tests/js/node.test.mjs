// The package's manners in a Node program: it installs no process-wide handlers (the program's own
// errors stay its own, short and with exit code 1), lets the process exit when the work is done, and
// loads through require() as well as import.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

const entry = path.join(ROOT, 'src/js/node.js');

function runModule(source) {
  // A spawned program that never exits would hit the timeout: that is the hang this guards against.
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: process.env,
  });
  if (result.error) throw result.error;
  return result;
}

test("an error thrown by the program after init() is reported as the program's own: short, exit code 1", () => {
  const r = runModule(`
    import { init } from ${JSON.stringify(entry)};
    await init();
    throw new Error('the app has a bug');`);
  assert.equal(r.status, 1, r.stderr.slice(0, 2000));
  assert.match(r.stderr, /Error: the app has a bug/);
  assert.ok(r.stderr.length < 2000, `stderr holds the app's error, not the glue's source (${r.stderr.length} chars):\n${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, /createEmbedlab|wasmMemory/);
});

test("the program's own unhandledRejection handler keeps the process alive", () => {
  const r = runModule(`
    import { init } from ${JSON.stringify(entry)};
    process.on('unhandledRejection', (reason) => console.log('handled:', reason.message));
    const el = await init();
    Promise.reject(new Error('nobody awaited this'));
    setTimeout(async () => {
      const model = await el.train('a b c d\\n'.repeat(50), { dim: 4, minCount: 1, epochs: 1 });
      console.log('still alive with', model.size, 'words');
      model.dispose();
    }, 50);`);
  assert.equal(r.status, 0, r.stderr.slice(0, 2000));
  assert.match(r.stdout, /handled: nobody awaited this/);
  assert.match(r.stdout, /still alive with 4 words/);
});

test('the process exits by itself when the program is done (thread workers do not hold it)', () => {
  const r = runModule(`
    import { init } from ${JSON.stringify(entry)};
    const el = await init();
    const model = await el.train('king queen man woman\\n'.repeat(100), { dim: 8, minCount: 1, epochs: 2, threads: el.threads ? 2 : 1 });
    console.log(el.variant, model.size);
    model.dispose();`);
  assert.equal(r.status, 0, r.stderr.slice(0, 2000));
  assert.match(r.stdout, /^(mt|st) 4$/m);
});

test("require('embedlab') works in CommonJS programs", () => {
  const r = spawnSync(process.execPath, ['-e', `
    const embedlab = require('embedlab');
    embedlab.init().then((el) => { console.log(typeof embedlab.Model, el.isa); });`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr.slice(0, 2000));
  assert.match(r.stdout, /^function wasm-simd128$/m);
});
