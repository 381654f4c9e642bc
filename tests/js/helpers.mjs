// Shared helpers for the Node tests (not a test file itself: node --test only runs *.test.mjs here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'src/js/cli.js');
export const NATIVE_CLI = path.join(ROOT, 'build/embedlab');
/** The wasm build under test: init() reads EMBEDLAB_VARIANT (scripts/test.sh runs the suite on both). */
export const VARIANT = process.env.EMBEDLAB_VARIANT || 'mt';
/** `skip` for tests of files rather than of the running build: they run in the mt pass only. */
export const ONCE = VARIANT === 'mt' ? false : 'checks files, not the running build: runs with EMBEDLAB_VARIANT=mt';

/** A small deterministic PRNG (xorshift32), so generated corpora are the same on every run. */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const ROYAL = ['crown', 'throne', 'palace', 'castle', 'reign', 'royal', 'kingdom', 'court'];
const COMMON = ['farm', 'street', 'market', 'village', 'work', 'field', 'shop', 'town'];
const MALE = ['he', 'his', 'him', 'beard', 'father', 'son', 'brother', 'husband'];
const FEMALE = ['she', 'her', 'hers', 'dress', 'mother', 'daughter', 'sister', 'wife'];

/**
 * A corpus with a planted analogy: each line has one of king/queen/man/woman and context words
 * that say royal-or-common and male-or-female independently, so king - man + woman = queen.
 */
export function plantedCorpus({ lines = 4000, seed = 42 } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const targets = { king: [ROYAL, MALE], queen: [ROYAL, FEMALE], man: [COMMON, MALE], woman: [COMMON, FEMALE] };
  const names = Object.keys(targets);
  const out = [];
  for (let i = 0; i < lines; i++) {
    const target = pick(names);
    const [status, gender] = targets[target];
    const words = [target];
    for (let k = 0; k < 3; k++) words.push(pick(status), pick(gender));
    for (let k = words.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [words[k], words[j]] = [words[j], words[k]];
    }
    out.push(words.join(' '));
  }
  return `${out.join('\n')}\n`;
}

/** Random lines over `vocabulary` words w0..wN with a skewed (Zipf-like) distribution. */
export function zipfCorpus({ lines = 2000, vocabulary = 300, length = 10, seed = 7 } = {}) {
  const random = rng(seed);
  const out = [];
  for (let i = 0; i < lines; i++) {
    const words = [];
    for (let k = 0; k < length; k++) words.push(`w${Math.floor(random() ** 2 * vocabulary)}`);
    out.push(words.join(' '));
  }
  return `${out.join('\n')}\n`;
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'embedlab-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The largest absolute difference between two equally long number arrays. */
export function maxAbsDiff(a, b) {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
