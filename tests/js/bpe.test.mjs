// GPT-2 parity: GPT-2's ranks as js-tiktoken ships them, loaded by embedlab's byte-pair tokenizer
// (src/core/bpe.h) through the wasm build, encode the WordNet glosses to exactly the ids that
// js-tiktoken itself gives, and decode them back to the same text. The ranks are read from
// node_modules at test time (third-party data, not part of the repository).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { init } from '../../src/js/node.js';
import { rawModule } from '../../src/js/embedlab.js';
import { ROOT } from './helpers.mjs';

const LINES_PER_CHUNK = 2000;
let raw;
let tokenizer; // embedlab's, from GPT-2's ranks
let reference; // js-tiktoken's

before(async () => {
  raw = rawModule(await init());
  tokenizer = raw.Tokenizer.fromTiktoken(gpt2.bpe_ranks, 'js-tiktoken/ranks/gpt2');
  reference = new Tiktoken(gpt2);
});
after(() => tokenizer?.delete());

// The first index where two id lists differ, with the texts of the ids around it, for the message.
function firstDifference(ours, theirs) {
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    if (ours[i] !== theirs[i]) {
      const around = (ids) => JSON.stringify(reference.decode(Array.from(ids.slice(Math.max(0, i - 3), i + 3))));
      return `ids differ at ${i}: ${ours[i]} vs js-tiktoken's ${theirs[i]} (embedlab ${around(ours)}, js-tiktoken ${around(theirs)})`;
    }
  }
  return null;
}

test('the vocabulary is GPT-2\'s: 50,257 tokens with <|endoftext|> at 50256', () => {
  assert.equal(tokenizer.kind(), 'bpe');
  assert.equal(tokenizer.size(), 50257 + 4); // and [CLS] [SEP] [MASK] [PAD] after it
  assert.deepEqual(Array.from(tokenizer.encode('<|endoftext|>', true, -1)), reference.encode('<|endoftext|>', 'all'));
  assert.deepEqual(tokenizer.pieces([15496, 995, 50256]), ['Hello', 'Ġworld', '<|endoftext|>']);
});

test('tricky text encodes to js-tiktoken\'s ids', () => {
  const samples = [
    'Hello world', "I'm sure they'll say it's fine; we've done 'it' DON'T", '  two  spaces   and\n\n\nnewlines \n ',
    'café naïve Ωμέγα 日本語 😀👍🏽 ½ ٣', 'numbers 1234567 3.14159 1,000,000', '\t\ttabs\r\nwindows', 'trailing space ',
    '<|endoftext|> [CLS] [MASK] <|fim|>', '\u00a0no-break\u3000ideographic\ufeffbom',
  ];
  for (const text of samples) {
    const ours = Array.from(tokenizer.encode(text, false, -1));
    assert.deepEqual(ours, reference.encode(text, [], []), JSON.stringify(text)); // special tokens as plain text
    assert.equal(Buffer.from(tokenizer.decode(ours)).toString('utf8'), text);
  }
});

test('the WordNet glosses encode to exactly GPT-2\'s ids, and decode back', () => {
  const file = path.join(ROOT, 'data/wordnet-glosses.txt');
  assert.ok(fs.existsSync(file), `the corpus ${file} is missing; run npm run corpus`);
  const lines = fs.readFileSync(file, 'utf8').split(/(?<=\n)/);
  let tokens = 0;
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    const chunk = lines.slice(start, start + LINES_PER_CHUNK).join('');
    const ours = tokenizer.encode(chunk, false, -1);
    const theirs = reference.encode(chunk, [], []);
    const difference = firstDifference(ours, theirs);
    assert.equal(difference, null, `lines ${start + 1} to ${start + LINES_PER_CHUNK}: ${difference}`);
    if (start === 0) assert.equal(Buffer.from(tokenizer.decode(ours)).toString('utf8'), chunk);
    tokens += ours.length;
  }
  assert.ok(tokens > 1_000_000, `${tokens} tokens`);
});
