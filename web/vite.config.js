// The playground's dev server: 127.0.0.1 only, cross-origin isolated (COOP + COEP) so the
// threaded WebAssembly build can run, and the default corpus served from data/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusFile = path.join(root, 'data', 'wordnet-glosses.txt');

// EMBEDLAB_ISOLATION=off serves the page without isolation (to check the single-threaded fallback).
const isolation = process.env.EMBEDLAB_ISOLATION === 'off' ? {} : {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// Serves the WordNet-gloss corpus (made by scripts/prepare-corpus.mjs) at /corpus/wordnet-glosses.txt.
// The package itself needs no configuration (see tests/e2e/apps.test.mjs).
function corpusPlugin() {
  const serve = (req, res, next) => {
    if (req.url?.split('?')[0] !== '/corpus/wordnet-glosses.txt') return next();
    if (!fs.existsSync(corpusFile)) {
      res.statusCode = 404;
      res.end('corpus missing: run `node scripts/prepare-corpus.mjs`');
      return undefined;
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', fs.statSync(corpusFile).size);
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    fs.createReadStream(corpusFile).pipe(res);
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
  optimizeDeps: { include: ['uplot'] },
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
