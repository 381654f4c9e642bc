// Argument checks of the JS API. Options are checked by the core against the option schema (the
// same names, types, ranges and defaults as the CLIs: see src/core/options.cc), through
// normaliseOptions(); what only JS has (words as strings, bytes, counts of JS-only calls) is
// checked here, with the core's wording of values (describe).

let describeValue = (value) => String(value);

/** @internal Uses the wasm module's describe() (quoting and cutting user text) for messages. */
export function useDescribe(describe) {
  describeValue = describe;
}

/** A value as messages show it: "null", "an array", "a Uint8Array", "42", or quoted text. */
export function describe(value) {
  return describeValue(value);
}

export function fail(message) {
  throw new Error(message);
}

export function checkWord(value, name) {
  if (typeof value !== 'string') fail(`${name} must be a string, got ${describe(value)}`);
  if (value.length === 0) fail(`${name} must not be empty`);
  return value;
}

export function checkWords(value, name) {
  if (!Array.isArray(value)) fail(`${name} must be an array of words, got ${describe(value)}`);
  value.forEach((w, i) => checkWord(w, `${name}[${i}]`));
  return value;
}

export function checkCount(value, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${name} must be a whole number, got ${describe(value)}`);
  if (value < min || value > max) fail(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function toBytes(input, name) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return fail(`${name} must be a Uint8Array or ArrayBuffer, got ${describe(input)}`);
}

/**
 * The options of the API method `method` (e.g. 'train') checked against the option schema, with
 * every default filled in; callbacks (onProgress, signal, onProbe) are checked but left out.
 */
export function normaliseOptions(raw, method, options) {
  return raw.Library.normaliseOptions(method, options);
}

/** Training threads beyond what this environment runs are an error. */
export function checkThreads(threads, maxThreads) {
  if (threads <= maxThreads) return;
  fail(maxThreads === 1
    ? `threads: ${threads} requested, but this build runs single-threaded here (pages need cross-origin isolation for threads)`
    : `threads must be at most ${maxThreads} here, got ${threads}`);
}
