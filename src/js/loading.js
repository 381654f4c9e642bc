// Loading a vectors file in chunks (loadStream, loadInWorker): the bytes are parsed as they arrive,
// into one buffer sized once from the file's size, so a 1 GB GloVe file never sits in memory whole.
// Progress (bytes, rate, ETA) is reported and an AbortSignal is noticed between chunks of at most
// 1 MB (about 10 ms of parsing).
import { Model } from './model.js';
import { abortError, yieldToEventLoop } from './training.js';
import { describe, fail, isPlainObject } from './validation.js';

const CHUNK_BYTES = 1 << 20;
const PROGRESS_EVERY_MS = 100;

// The bytes of one chunk a stream gave (Uint8Array, Node Buffer, ArrayBuffer or string).
function chunkBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  return fail(`a vectors stream gave ${describe(chunk)}; expected bytes (Uint8Array)`);
}

/**
 * The chunks of `source` (a ReadableStream, a Blob or File, or an async or sync iterable of
 * bytes), none longer than 1 MB.
 */
export async function* chunksOf(source) {
  let iterable = source;
  if (typeof Blob === 'function' && source instanceof Blob) iterable = source.stream();
  if (typeof ReadableStream === 'function' && iterable instanceof ReadableStream && !iterable[Symbol.asyncIterator]) {
    const reader = iterable.getReader();
    iterable = {
      async* [Symbol.asyncIterator]() {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  }
  if (!iterable || (typeof iterable[Symbol.asyncIterator] !== 'function' && typeof iterable[Symbol.iterator] !== 'function')
    || typeof iterable === 'string') {
    fail(`vectors must come from a ReadableStream, a Blob, an iterable of bytes or (in Node) a file path, got ${describe(source)}`);
  }
  for await (const chunk of iterable) {
    const bytes = chunkBytes(chunk);
    for (let start = 0; start < bytes.length; start += CHUNK_BYTES) yield bytes.subarray(start, start + CHUNK_BYTES);
  }
}

/** Progress of reading `total` bytes (0: unknown): { bytes, total, rows, fraction, bytesPerSecond, etaSeconds, elapsedMs }. */
export function progressMeter(total) {
  const start = Date.now();
  let last = 0;
  const measure = (bytes, rows) => {
    const elapsedMs = Date.now() - start;
    const bytesPerSecond = elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0;
    const fraction = total > 0 ? Math.min(1, bytes / total) : 0;
    const etaSeconds = total > 0 && bytesPerSecond > 0 ? Math.max(0, total - bytes) / bytesPerSecond : Infinity;
    return { bytes, total, rows, fraction, bytesPerSecond, etaSeconds, elapsedMs };
  };
  // Reports at most every 100 ms, and always the last time (`final`).
  measure.report = (onProgress, bytes, rows, final = false) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!final && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    onProgress(measure(bytes, rows));
  };
  return measure;
}

// The load options the core checks (name, format) and ours (size, onProgress, signal).
export function splitLoadOptions(options = {}) {
  if (!isPlainObject(options)) fail(`load options must be an object, got ${describe(options)}`);
  const { size, onProgress, signal, ...core } = options;
  if (size !== undefined && !(Number.isFinite(size) && size >= 0)) fail(`size must be a number of bytes, got ${describe(size)}`);
  if (onProgress !== undefined && typeof onProgress !== 'function') fail(`onProgress must be a function, got ${describe(onProgress)}`);
  return { core, size: size ?? 0, onProgress, signal };
}

/**
 * Embedlab.loadStream(): feeds the chunks to a VectorStream of `raw` and resolves to a Model.
 * `open(path)` gives { chunks, size, name } for a file path (Node only).
 */
export async function loadStream(raw, source, options, open) {
  const { core, size: givenSize, onProgress, signal } = splitLoadOptions(options);
  if (signal?.aborted) throw abortError(signal, 'loading');
  let chunks = source;
  let size = givenSize || (typeof Blob === 'function' && source instanceof Blob ? source.size : 0);
  if (typeof source === 'string') {
    const file = await open(source);
    chunks = file.chunks;
    size = givenSize || file.size;
    core.name ??= file.name;
  }
  const stream = raw.VectorStream.create(core, size, false);
  const meter = progressMeter(size);
  try {
    for await (const chunk of chunksOf(chunks)) {
      if (signal?.aborted) throw abortError(signal, 'loading');
      stream.feed(chunk);
      meter.report(onProgress, stream.bytesRead(), stream.rows());
      await yieldToEventLoop(); // lets an abort arrive between chunks
    }
    if (signal?.aborted) throw abortError(signal, 'loading');
    const model = new Model(stream.finish());
    meter.report(onProgress, stream.bytesRead(), model.size, true);
    return model;
  } finally {
    stream.delete(); // frees the rows read so far when loading stops early
  }
}
