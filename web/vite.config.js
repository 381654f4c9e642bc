// The playground's dev server: 127.0.0.1 only, cross-origin isolated (COOP + COEP) so the
// threaded WebAssembly build can run, and the default corpus served from data/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data');

// EMBEDLAB_ISOLATION=off serves the page without isolation (to check the single-threaded fallback).
const isolation = process.env.EMBEDLAB_ISOLATION === 'off' ? {} : {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// Serves the corpus library that scripts/prepare-corpus.mjs makes in data/ (corpora.json, each
// corpus's .txt and .LICENSE, and questions-words.txt) at /corpus/NAME.
// The package itself needs no configuration (see tests/e2e/apps.test.mjs).
function corpusPlugin() {
  const serve = (req, res, next) => {
    const name = req.url?.split('?')[0].match(/^\/corpus\/([a-z0-9-]+\.(?:txt|LICENSE|json))$/)?.[1];
    if (!name) return next();
    const file = path.join(dataDir, name);
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    if (!fs.existsSync(file)) {
      res.statusCode = 404;
      res.end(`${name} is missing: run \`node scripts/prepare-corpus.mjs\``);
      return undefined;
    }
    res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', fs.statSync(file).size);
    fs.createReadStream(file).pipe(res);
    return undefined;
  };
  return {
    name: 'embedlab-corpus',
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) { server.middlewares.use(serve); },
  };
}

export default defineConfig({
  root: path.join(root, 'web'),
  clearScreen: false,
  // The panels are imported lazily, so name their dependencies: pre-bundled at start-up, a first
  // page load never makes Vite re-optimise and reload the page under a user (or a test). The cache
  // lives in this checkout (build-*/ is ignored), not in a node_modules another checkout may share.
  cacheDir: path.join(root, 'build-vite-cache'),
  optimizeDeps: { include: ['uplot', 'regl-scatterplot'] },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.EMBEDLAB_PORT ?? 5173),
    strictPort: false,
    headers: isolation,
    fs: { allow: [root] },
  },
  preview: { host: '127.0.0.1', headers: isolation },
  plugins: [corpusPlugin()],
  build: { target: 'es2022', outDir: path.join(root, 'build-web') },
});
