// embedlab: train and explore word embeddings in Node and browsers (WebAssembly + SIMD).
// A thin, friendly layer over the raw Embind module (src/wasm): see index.d.ts for the API.
//   init.js           init() and the two builds (variants)
//   embedlab.js       Embedlab: load, train, the worker, tokenize
//   model.js          Model: queries, save, dispose
//   training.js       the training loop (slices, progress, probes, abort)
//   language.js       Tokenizer, LanguageModel and their training (byte-pair tokenizers, transformers)
//   worker-client.js  the page's side of the training Worker (worker.js)
//   validation.js     argument checks (options are checked by the core's option schema)
export { init } from './init.js';
export { Embedlab } from './embedlab.js';
export { Model } from './model.js';
export { Tokenizer, LanguageModel } from './language.js';
export { yieldToEventLoop as _yieldToEventLoop } from './training.js';
