// What init() needs from Node: the Node builds of the glue, the .wasm bytes read from disk (Node's
// fetch cannot read file: URLs; the browser and Node builds share one .wasm), EMBEDLAB_VARIANT,
// and the CPU count. Only the package's Node entry (node.js) imports this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const nodePlatform = {
  loadGlue: (variant) => (variant === 'mt' ? import('./wasm/embedlab-mt-node.mjs') : import('./wasm/embedlab-st-node.mjs')),
  moduleOptions: async (variant) => ({
    wasmBinary: fs.readFileSync(new URL(variant === 'mt' ? './wasm/embedlab-mt.wasm' : './wasm/embedlab-st.wasm', import.meta.url)),
  }),
  requestedVariant: () => process.env.EMBEDLAB_VARIANT || undefined,
  maxThreads: () => Math.max(1, os.cpus().length),
  // A vectors file read in 1 MB chunks (loadStream with a path).
  openFile: async (file) => {
    const { size } = await fs.promises.stat(file).catch((error) => {
      throw new Error(`cannot open '${file}': ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    return { chunks: fs.createReadStream(file, { highWaterMark: 1 << 20 }), size, name: path.basename(file) };
  },
};
