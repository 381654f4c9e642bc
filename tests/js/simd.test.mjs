// The shipped wasm modules really contain SIMD128 float arithmetic (the vector kernels), so a build
// change cannot silently fall back to scalar code.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ONCE, ROOT } from './helpers.mjs';

function objdump(args) {
  const result = spawnSync('wasm-objdump', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error?.code === 'ENOENT') assert.fail('wasm-objdump is missing (apt-get install wabt)');
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const count = (text, op) => text.split(op).length - 1;

for (const variant of ['st', 'mt']) {
  const file = path.join(ROOT, `src/js/wasm/embedlab-${variant}.wasm`);

  test(`embedlab-${variant}.wasm uses f32x4 arithmetic`, { skip: ONCE }, () => {
    const code = objdump(['-d', file]);
    for (const op of ['f32x4.mul', 'f32x4.add']) {
      // The dot product, saxpy and scale kernels and their inlined copies: far more than a stray
      // auto-vectorised loop would give.
      assert.ok(count(code, op) >= 8, `${op} appears ${count(code, op)} times in ${path.basename(file)}`);
    }
    assert.ok(count(code, 'v128.load') > 0, 'v128 loads');
  });

  test(`embedlab-${variant}.wasm has ${variant === 'mt' ? 'shared' : 'unshared'} memory`, { skip: ONCE }, () => {
    const memory = objdump(['-x', file]).split('\n').find((l) => /^ - memory\[0\]/.test(l));
    assert.ok(memory, 'declares or imports a memory');
    if (variant === 'mt') assert.match(memory, /shared/);
    else assert.doesNotMatch(memory, /shared/);
  });
}
