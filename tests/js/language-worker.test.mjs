// The worker's side of trainTokenizerInWorker / trainLanguageModelInWorker (src/js/worker.js), run
// in Node with a stand-in for the worker's `self`: progress (with probes) as messages, the result as
// its file, cancel as an AbortError. The page's side (worker-client.js) runs in tests/e2e.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../src/js/node.js';
import { VARIANT, plantedCorpus } from './helpers.mjs';

const CORPUS = plantedCorpus({ lines: 400 });
const INIT = { threads: VARIANT === 'mt' };
const messages = [];
let el;

before(async () => {
  el = await init(); // the worker's init() then shares this module and its Node platform
  globalThis.self = { postMessage: (message) => messages.push(message) };
  await import('../../src/js/worker.js');
});

// Sends one request and resolves with its messages once the worker has answered it.
async function request(data, during) {
  const start = messages.length;
  const reply = globalThis.self.onmessage({ data });
  during?.();
  await reply;
  return messages.slice(start).filter((m) => m.id === data.id);
}

test('trainTokenizer and trainLanguageModel in the worker: progress with probes, then the file', async () => {
  const tokenizerReplies = await request({ id: 1, type: 'trainTokenizer', init: INIT, text: CORPUS, options: { vocabSize: 300 } });
  assert.ok(tokenizerReplies.some((m) => m.type === 'progress' && m.progress.mergesTotal === 300 - 261));
  const done = tokenizerReplies.at(-1);
  assert.equal(done.type, 'done');
  assert.ok(done.bytes instanceof ArrayBuffer);
  const tokenizer = el.loadTokenizer(new Uint8Array(done.bytes));
  assert.equal(tokenizer.size, 300);

  const options = {
    tokenizer: tokenizer.save(), width: 16, heads: 2, layers: 1, context: 16, batch: 4, steps: 6, validateEvery: 3,
    probe: { prompt: ' the king', neighbours: ['king'], positions: 4, everyMs: 0 },
  };
  const replies = await request({ id: 2, type: 'trainLanguageModel', init: INIT, text: CORPUS, options });
  const progress = replies.filter((m) => m.type === 'progress').map((m) => m.progress);
  assert.ok(progress.length >= 1);
  assert.equal(progress.at(-1).step, 6);
  assert.ok(progress.at(-1).probe.samples[0].text.length > 0);
  assert.equal(progress.at(-1).probe.positionalSimilarity.rows, 4);
  const model = replies.at(-1);
  assert.equal(model.type, 'done');
  assert.equal(model.training.steps, 6);
  const lm = el.loadLanguageModel(new Uint8Array(model.bytes), { training: model.training });
  assert.equal(lm.config.vocab, 300);
  assert.equal(lm.training.steps, 6);
  assert.equal(lm.generate(' the', { tokens: 3 }).tokens.length, 3);
  lm.dispose();
  tokenizer.dispose();
});

test('a cancel message stops training in the worker with an AbortError; bad options come back as errors', async () => {
  const replies = await request(
    { id: 3, type: 'trainLanguageModel', init: INIT, text: CORPUS, options: { vocabSize: 280, width: 16, heads: 2, context: 16, steps: 100000 } },
    () => setTimeout(() => globalThis.self.onmessage({ data: { id: 3, type: 'cancel' } }), 50),
  );
  const last = replies.at(-1);
  assert.equal(last.type, 'error');
  assert.equal(last.name, 'AbortError');
  const bad = await request({ id: 4, type: 'trainLanguageModel', init: INIT, text: CORPUS, options: { positional: 'alibi' } });
  assert.equal(bad.at(-1).type, 'error');
  assert.match(bad.at(-1).message, /positional must be one of/);
});
