// What init() needs from a browser (or a Web Worker): the browser builds of the glue, imported
// with static paths so bundlers find them. The glue names its .wasm and thread-worker files with
// `new URL('…', import.meta.url)`, which Vite, webpack and plain browsers all follow: nothing to
// configure, no locateFile.
export const browserPlatform = {
  loadGlue: (variant) => (variant === 'mt' ? import('./wasm/embedlab-mt.mjs') : import('./wasm/embedlab-st.mjs')),
  moduleOptions: async () => ({}),
  requestedVariant: () => undefined,
  maxThreads: (guess) => guess,
  openFile: async (path) => {
    throw new Error(`a file path ('${path}') can only be read in Node; pass a File, Blob or ReadableStream`);
  },
};
