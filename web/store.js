// What the panels share, and the only way they talk to each other: a panel sets a value or emits
// an event; the panels that care subscribe. No panel calls into another.
//
// Values (store.get / store.set emits an event of the same name with (value, previous)):
//   engine    the initialised Embedlab (src/js), or null while it loads
//   corpus    { name, kind: 'builtin' (with id) | 'pasted' | 'file', data: string | Uint8Array, bytes, words, lines }
//   model     { model: Model, label, source: 'trained' | 'loaded' } — the model being explored
//   training  { status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed' }
//   tab       name of the selected tab panel
//   analogy   [a, b, c, answer] the Explore panel's current analogy (semantic-axes maps draw it), or null
// Events (store.emit / store.on):
//   explore-word  (word)          someone asked to explore a word (the explore panel shows it)
//   show-analogy  ([a, b, c, d])  someone asked to draw an analogy on the map
//   training-frame (frame, progress)  a map of the model being trained ({ words, coordinates }, aligned to the last)

export function createStore(initial = {}) {
  const values = { ...initial };
  const listeners = new Map(); // event name -> Set of functions

  function emit(event, ...args) {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        // One panel's bug must not stop the others hearing the event; report it on its own.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  return {
    get: (key) => values[key],
    set(key, value) {
      const previous = values[key];
      values[key] = value;
      emit(key, value, previous);
    },
    /** Subscribes to a value's changes or to an event; returns the unsubscribe function. */
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
    emit,
  };
}
