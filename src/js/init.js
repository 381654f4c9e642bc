// init(): loads one of the two wasm builds once and checks every call into it for errors.
//   st  single-threaded, works in every page and in Node
//   mt  pthreads, for Node and cross-origin-isolated pages
// In Node the environment variable EMBEDLAB_VARIANT=st|mt picks one (the test suite runs on both).
// What differs between browsers and Node (which glue to import, how the .wasm is read, the CPU
// count) is a platform object: platform-browser.js by default, platform-node.js from the package's
// Node entry (node.js), so browser bundles hold no Node code.
import { Embedlab, threadsAvailable } from './embedlab.js';
import { browserPlatform } from './platform-browser.js';
import { useMapTools } from './model.js';
import { useDescribe } from './validation.js';
import { useMapRun } from './projection.js';

let platform = browserPlatform;
let initPromise = null;

/** @internal Called once by the Node entry (node.js) before anything is loaded. */
export function usePlatform(p) {
  platform = p;
}

// A bound call never throws through wasm frames (that would leak): it returns a neutral value and
// leaves its message for takeLastError(). Every method and static function of every class the
// module registers is wrapped here to turn that message into an Error, so none can be missed.
function checkEveryCall(raw) {
  const check = (result) => {
    const message = raw.takeLastError();
    if (message) throw new Error(message);
    return result;
  };
  const wrapFunctions = (target) => {
    for (const name of Object.getOwnPropertyNames(target)) {
      const { value } = Object.getOwnPropertyDescriptor(target, name);
      if (typeof value !== 'function' || name === 'constructor') continue;
      target[name] = { [name](...args) { return check(value.apply(this, args)); } }[name];
    }
  };
  let classes = 0;
  for (const name of Object.keys(raw)) {
    const { value } = Object.getOwnPropertyDescriptor(raw, name);
    // Embind classes: constructors whose instances have Embind's handle methods (isAliasOf, delete).
    if (typeof value !== 'function' || typeof value.prototype?.isAliasOf !== 'function') continue;
    wrapFunctions(value);
    wrapFunctions(value.prototype);
    classes++;
  }
  if (classes === 0) throw new Error('the wasm module registers no classes; is it an embedlab build?');
}

function chooseVariant(options) {
  const requested = platform.requestedVariant();
  if (requested && requested !== 'st' && requested !== 'mt') {
    throw new Error(`EMBEDLAB_VARIANT must be 'st' or 'mt', got '${requested}'`);
  }
  if (options.threads === false) return 'st';
  if (requested === 'mt' && !threadsAvailable()) throw new Error('EMBEDLAB_VARIANT=mt needs SharedArrayBuffer');
  return requested || (threadsAvailable() ? 'mt' : 'st');
}

// How long the threads build may take to start its thread workers before init() gives up on it.
const THREAD_START_TIMEOUT_MS = 15000;

async function loadVariant(variant) {
  const { default: create } = await platform.loadGlue(variant);
  const moduleOptions = await platform.moduleOptions(variant);
  let threadFailure = null;
  const failed = new Promise((resolve, reject) => { threadFailure = reject; });
  failed.catch(() => {}); // a worker error after a successful start must not become an unhandled rejection
  let timer = null;
  if (variant === 'mt') {
    // Emscripten 3.1.6 waits forever for a thread worker that cannot load; post.js reports it here.
    moduleOptions.onThreadWorkerError = (event) => {
      threadFailure(new Error(`a thread worker could not load (${event?.message || 'the worker script failed to load'})`));
    };
    moduleOptions.printErr = (text) => {
      // Said once when the page's thread waits on a lock or joins finished threads: those waits
      // last microseconds (training runs in slices and is polled), so this is not the user's concern.
      if (!/^Blocking on the main thread/.test(text)) console.error(text);
    };
    timer = setTimeout(() => threadFailure(new Error(`the thread workers did not start within ${THREAD_START_TIMEOUT_MS / 1000} s`)),
      THREAD_START_TIMEOUT_MS);
  }
  try {
    const raw = await Promise.race([create(moduleOptions), failed]);
    if (variant === 'mt') raw.unrefWorkers?.();
    checkEveryCall(raw);
    useDescribe((value) => raw.Library.describe(value));
    useMapTools(raw.MapTools);
    useMapRun(raw.MapRun, raw.unrefWorkers);
    return raw;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads the WebAssembly module once (later calls return the same promise). Uses the threaded build
 * where SharedArrayBuffer is available (Node, cross-origin-isolated pages) unless `threads: false`.
 * If the threads build cannot start its workers, falls back to the single-threaded one and says why
 * in `el.fallbackReason` (and a console warning).
 */
export function init(options = {}) {
  if (options === null || typeof options !== 'object') {
    return Promise.reject(new Error(`init options must be an object, got ${options === null ? 'null' : typeof options}`));
  }
  if (!initPromise) {
    initPromise = (async () => {
      let variant = chooseVariant(options);
      let raw;
      let fallbackReason;
      try {
        raw = await loadVariant(variant);
      } catch (error) {
        if (variant !== 'mt') throw error;
        fallbackReason = `${error.message}; using the single-threaded build (serve embedlab-mt.worker.js next to embedlab-mt.mjs, or let your bundler copy it)`;
        console.warn(`embedlab: ${fallbackReason}`);
        variant = 'st';
        raw = await loadVariant(variant);
      }
      const el = new Embedlab(raw, variant, platform);
      el.fallbackReason = fallbackReason;
      if (variant === 'mt') el.maxThreads = platform.maxThreads(el.maxThreads);
      return el;
    })();
    initPromise.catch(() => { initPromise = null; });
  }
  return initPromise;
}
