// Training on the calling thread: the text goes into a corpus in chunks, then the trainer runs in
// slices between which progress is reported, probes are taken and aborts are noticed.
import { Model } from './model.js';
import { checkCount, checkThreads, describe, fail, isPlainObject, normaliseOptions, toBytes } from './validation.js';

const isNode = typeof process === 'object' && !!process.versions?.node;

// Hands control back to the event loop (so AbortSignals fire and progress renders) cheaply.
export const yieldToEventLoop = isNode
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
      if (typeof MessageChannel !== 'function') return () => new Promise((resolve) => setTimeout(resolve, 0));
      const channel = new MessageChannel();
      const queue = [];
      channel.port1.onmessage = () => queue.shift()?.();
      return () => new Promise((resolve) => { queue.push(resolve); channel.port2.postMessage(0); });
    })();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The signal's reason when the caller gave one, else an AbortError saying what was aborted.
export function abortError(signal, what = 'training') {
  if (signal?.reason instanceof Error && signal.reason.name !== 'AbortError') return signal.reason;
  const error = new Error(`${what} was cancelled`);
  error.name = 'AbortError';
  return error;
}

/**
 * Checks what train() and trainInWorker() are given: the options (against the schema, with the
 * defaults filled in) and the text. Returns { options, text }.
 */
export function checkTraining(raw, text, options, maxThreads) {
  // liveMap is JS-only (a map is not a CLI output); anything but an object goes to the schema's check as it is.
  const { liveMap, ...schemaOptions } = isPlainObject(options) ? options : {};
  if (liveMap !== undefined) checkLiveMap(liveMap);
  const o = normaliseOptions(raw, 'train', isPlainObject(options) ? schemaOptions : options);
  checkThreads(o.threads, maxThreads);
  return { options: o, text: typeof text === 'string' ? text : toBytes(text, 'text') };
}

// Feeds `text` to the corpus in chunks of about 4 MB, whatever its lines (the core joins lines
// across chunks, so a long line costs no extra copy); a string is never cut inside a surrogate pair.
function addText(corpus, text) {
  const chunk = 4 << 20;
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + chunk);
    if (typeof text === 'string' && end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
    if (typeof text === 'string') corpus.addText(text.slice(start, end));
    else corpus.addBytes(text.subarray(start, end));
    start = end;
  }
  corpus.finish();
}

function withCorpusStats(p, stats) {
  const fraction = p.wordsTotal > 0 ? p.wordsDone / p.wordsTotal : 0;
  const etaSeconds = p.wordsPerSecond > 0 ? (p.wordsTotal - p.wordsDone) / p.wordsPerSecond : Infinity;
  return { ...p, fraction, etaSeconds, vocabularySize: stats.vocabularySize, tokens: stats.tokens, lines: stats.lines };
}

function probe(trainer, probes) {
  const snapshot = trainer.model();
  try {
    const out = {};
    for (const word of probes) {
      if (snapshot.find(word) < 0) continue;
      out[word] = snapshot.mostSimilar([word], [], { topn: 5 });
    }
    return out;
  } finally {
    snapshot.delete();
  }
}

function checkLiveMap(liveMap) {
  if (!isPlainObject(liveMap)) fail(`liveMap must be an object { words, every, onFrame }, got ${describe(liveMap)}`);
  const { words = 2000, every = 0.02, onFrame } = liveMap;
  checkCount(words, 'liveMap.words', { min: 2, max: 100000 });
  if (typeof every !== 'number' || !(every >= 0.001 && every <= 1)) fail(`liveMap.every must be a number from 0.001 to 1, got ${describe(every)}`);
  if (onFrame !== undefined && typeof onFrame !== 'function') fail(`liveMap.onFrame must be a function, got ${describe(onFrame)}`);
}

// The map while training: PCA of the current vectors of the `words` most frequent words, turned
// and scaled onto the previous frame (Procrustes, in the core), so points move only as far as the
// words really moved. Returns { words, coordinates, rmsError } and remembers it as the next reference.
function mapFrame(raw, trainer, liveMap, previous) {
  const frame = raw.MapTools.trainingFrame(trainer, liveMap.words ?? 2000, !previous);
  if (!previous) return { words: frame.words, coordinates: frame.coordinates, rmsError: 0 };
  const aligned = raw.MapTools.align(frame.coordinates, previous.coordinates, 2);
  return { words: previous.words, coordinates: aligned.points, rmsError: aligned.rmsError };
}

/** Embedlab.train(): see index.d.ts. `env` is { maxThreads, variant } of the instance. */
export async function train(raw, input, options, env) {
  const { options: o, text } = checkTraining(raw, input, options, env.maxThreads);
  const { onProgress, onProbe, signal, liveMap } = options ?? {};
  if (signal?.aborted) throw abortError(signal);
  const corpus = raw.Corpus.create(o);
  let trainer = null;
  try {
    addText(corpus, text);
    const stats = corpus.stats();
    trainer = raw.Trainer.create(corpus, o);
    let nextProbe = o.probeEvery;
    let nextFrame = 0;
    let frame = null;
    let last;
    // With threads, poll without blocking and sleep in JS: a blocked Emscripten main thread
    // spins (eating a core the training threads need). One thread trains inline, in slices.
    const threaded = o.threads > 1;
    const pause = threaded ? () => sleep(o.sliceMs) : yieldToEventLoop;
    for (;;) {
      const finished = trainer.runFor(threaded ? 0 : o.sliceMs);
      last = withCorpusStats(trainer.progress(), stats);
      if (env.variant === 'mt') raw.unrefWorkers?.();
      if (finished) break;
      if (signal?.aborted) {
        trainer.cancel();
        while (!trainer.runFor(threaded ? 0 : o.sliceMs)) await sleep(5); // threads stop within ~1 ms
        throw abortError(signal);
      }
      onProgress?.(last);
      if (onProbe && o.probes.length > 0 && last.fraction >= nextProbe) {
        nextProbe = last.fraction + o.probeEvery;
        onProbe(probe(trainer, o.probes), last);
      }
      if (liveMap?.onFrame && last.fraction >= nextFrame) {
        nextFrame = last.fraction + (liveMap.every ?? 0.02);
        frame = mapFrame(raw, trainer, liveMap, frame);
        liveMap.onFrame(frame, last);
      }
      await pause();
    }
    onProgress?.(last);
    if (liveMap?.onFrame) liveMap.onFrame(mapFrame(raw, trainer, liveMap, frame), last);
    return new Model(trainer.model(), {
      maxThreads: env.maxThreads,
      training: {
        vocabularySize: stats.vocabularySize, tokens: stats.tokens, lines: stats.lines, epochs: o.epochs,
        elapsedMs: last.elapsedMs, wordsPerSecond: last.wordsPerSecond, threads: o.threads,
      },
    });
  } finally {
    trainer?.delete();
    corpus.delete();
  }
}
