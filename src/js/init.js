// init(): loads one of the two wasm builds once and checks every call into it for errors.
//   st  single-threaded, works in every page and in Node
//   mt  pthreads, for Node and cross-origin-isolated pages
// In Node the environment variable EMBEDLAB_VARIANT=st|mt picks one (the test suite runs on both).
import { Embedlab, threadsAvailable } from './embedlab.js';
import { useDescribe } from './validation.js';

const isNode = typeof process === 'object' && !!process.versions?.node;
let initPromise = null;

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
  const requested = isNode ? process.env.EMBEDLAB_VARIANT : undefined;
  if (requested && requested !== 'st' && requested !== 'mt') {
    throw new Error(`EMBEDLAB_VARIANT must be 'st' or 'mt', got '${requested}'`);
  }
  if (options.threads === false) return 'st';
  if (requested === 'mt' && !threadsAvailable()) throw new Error('EMBEDLAB_VARIANT=mt needs SharedArrayBuffer');
  return requested || (threadsAvailable() ? 'mt' : 'st');
}

async function loadVariant(variant) {
  // Static URLs and imports, so bundlers (Vite) find and copy the files.
  const wasmUrl = variant === 'mt'
    ? new URL('./wasm/embedlab-mt.wasm', import.meta.url)
    : new URL('./wasm/embedlab-st.wasm', import.meta.url);
  const { default: create } = variant === 'mt'
    ? await import('./wasm/embedlab-mt.mjs')
    : await import('./wasm/embedlab-st.mjs');
  const moduleOptions = {};
  if (isNode) {
    const fs = await import(/* @vite-ignore */ 'node:' + 'fs');
    moduleOptions.wasmBinary = fs.readFileSync(wasmUrl);
  } else {
    const workerUrl = new URL('./wasm/embedlab-mt.worker.js', import.meta.url);
    moduleOptions.locateFile = (file) => (file.endsWith('.worker.js') ? workerUrl.href : wasmUrl.href);
  }
  const raw = await create(moduleOptions);
  if (variant === 'mt') raw.unrefWorkers?.();
  checkEveryCall(raw);
  useDescribe((value) => raw.Library.describe(value));
  return raw;
}

/**
 * Loads the WebAssembly module once (later calls return the same promise). Uses the threaded build
 * where SharedArrayBuffer is available (Node, cross-origin-isolated pages) unless `threads: false`.
 */
export function init(options = {}) {
  if (options === null || typeof options !== 'object') {
    return Promise.reject(new Error(`init options must be an object, got ${options === null ? 'null' : typeof options}`));
  }
  if (!initPromise) {
    initPromise = (async () => {
      const variant = chooseVariant(options);
      const el = new Embedlab(await loadVariant(variant), variant);
      if (isNode && variant === 'mt') {
        const os = await import(/* @vite-ignore */ 'node:' + 'os');
        el.maxThreads = Math.max(1, os.cpus().length);
      }
      return el;
    })();
    initPromise.catch(() => { initPromise = null; });
  }
  return initPromise;
}
