// Maps on the calling thread: model.project() drives a wasm MapRun in slices, between which
// intermediate layouts are reported and aborts are noticed (as training does).
import { abortError, yieldToEventLoop } from './training.js';
import { checkThreads, checkWords, describe, fail, isPlainObject } from './validation.js';

let mapRunClass = null;

/** @internal Called by init() with the module's MapRun class. */
export function useMapRun(MapRun) {
  mapRunClass = MapRun;
}

function mapAbortError(signal) {
  const error = abortError(signal);
  if (error.name === 'AbortError') error.message = 'the projection was cancelled';
  return error;
}

/**
 * The options of project() as the schema spells them: `axes: { x: [a, b], y: [c, d] }` becomes
 * xAxis / yAxis; callbacks are set apart. Returns { plain, onProgress, signal }.
 */
export function mapOptions(options, maxThreads) {
  if (options !== undefined && !isPlainObject(options)) fail(`project options must be an object, got ${describe(options)}`);
  const { axes, onProgress, signal, ...plain } = options ?? {};
  if (axes !== undefined) {
    if (!isPlainObject(axes)) fail(`axes must be { x: [a, b], y: [c, d] }, got ${describe(axes)}`);
    for (const name of ['x', 'y']) {
      const pair = checkWords(axes[name] ?? [], `axes.${name}`);
      if (pair.length !== 2) fail(`axes.${name} must be two words [a, b] (the axis a - b), got ${pair.length}`);
    }
    plain.xAxis = axes.x;
    plain.yAxis = axes.y;
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(`onProgress must be a function, got ${describe(onProgress)}`);
  if (plain.threads !== undefined && maxThreads !== undefined) checkThreads(plain.threads, maxThreads);
  return { plain, onProgress, signal };
}

/**
 * Runs a map of the wasm model `handle`. Resolves to { words, coords, method, iterations, elapsedMs }
 * (and `tsv`, the CLIs' text, when `withTsv`).
 */
export async function project(handle, options, { maxThreads, withTsv = false } = {}) {
  const { plain, onProgress, signal } = mapOptions(options, maxThreads);
  if (signal?.aborted) throw mapAbortError(signal);
  const started = Date.now();
  const run = mapRunClass.create(handle, plain);
  try {
    const sliceMs = plain.sliceMs ?? 50;
    const every = plain.every ?? 10;
    let reported = -1;
    let stage = '';
    for (;;) {
      const finished = run.runFor(sliceMs);
      const progress = run.progress();
      if (finished) break;
      if (signal?.aborted) throw mapAbortError(signal);
      // An intermediate layout every `every` iterations (and when the layout starts).
      if (onProgress && (progress.stage !== stage || progress.iteration - reported >= every)) {
        stage = progress.stage;
        if (progress.stage === 'layout') reported = progress.iteration;
        onProgress({ ...progress, coords: run.coordinates() });
      }
      await yieldToEventLoop();
    }
    const progress = run.progress();
    const coords = run.coordinates();
    onProgress?.({ ...progress, coords: coords.slice() });
    const result = { words: run.words(), coords, method: plain.method ?? 'umap', iterations: progress.iterations, elapsedMs: Date.now() - started };
    if (withTsv) result.tsv = run.tsv();
    return result;
  } finally {
    run.delete();
  }
}
