// Untrained transformers (steps: 0) for the panels that show what a model adds up before it has
// learned anything: one masked-word model (so it has segment rows) per positional kind, all with
// the same seed and the store's tokenizer, made from the first lines of the corpus on first use.
// They are small and quick to make, so switching the positional kind is instant after the first.

export const UNTRAINED = { objective: 'masked', layers: 2, heads: 4, width: 32, context: 64, steps: 0, seed: 1 };
const SAMPLE_LINES = 3000; // enough sentence pairs for a batch and a validation batch

const shared = new WeakMap(); // store -> its untrained models, shared by the panels

/** The page's untrained models (one set per store). */
export function untrainedModels(store) {
  if (!shared.has(store)) shared.set(store, createUntrainedModels(store));
  return shared.get(store);
}

function createUntrainedModels(store) {
  let made = new Map(); // positional -> Promise<LanguageModel>
  let madeFor = null;   // the tokenizer they were made with

  function sample() {
    const { data } = store.get('corpus');
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data.subarray(0, 4e6));
    let end = 0;
    for (let i = 0; i < SAMPLE_LINES && end >= 0; i++) end = text.indexOf('\n', end + 1);
    return end < 0 ? text : text.slice(0, end);
  }

  function drop() {
    for (const promise of made.values()) promise.then((lm) => lm.dispose(), () => {});
    made = new Map();
  }
  store.on('tokenizer', drop);
  store.on('corpus', drop);

  return {
    /** The untrained model with positions `positional`; rejects when there is no tokenizer yet. */
    get(positional, objective = 'masked') {
      const engine = store.get('engine');
      const tokenizer = store.get('tokenizer')?.tokenizer;
      if (!engine || !tokenizer || !store.get('corpus')) return Promise.reject(new Error('train the tokenizer in panel 1 first'));
      if (madeFor !== tokenizer) {
        drop();
        madeFor = tokenizer;
      }
      const key = `${objective} ${positional}`;
      if (!made.has(key)) made.set(key, engine.trainLanguageModel(sample(), { ...UNTRAINED, objective, positional, tokenizer }));
      return made.get(key);
    },
  };
}
