// The playground's dev server: 127.0.0.1 only, cross-origin isolated (COOP + COEP) so the
// threaded WebAssembly build can run, and the default corpus served from data/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// EMBEDLAB_ISOLATION=off serves the page without isolation (to check the single-threaded fallback).
const isolation = process.env.EMBEDLAB_ISOLATION === 'off' ? {} : {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// The files of data/ the page serves at corpus/<name>: the corpora (.txt, corpora.json) and the licence notices
// of everything there (*LICENSE*, *NOTICE*), whatever corpora scripts/prepare-corpus.mjs made.
function servedDataFiles() {
  const dir = path.join(root, 'data');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => /\.txt$|\.json$|LICENSE|NOTICE/i.test(name) && fs.statSync(path.join(dir, name)).isFile());
}

// The repository's own licence and third-party notices, beside index.html.
const NOTICES = ['LICENSE', 'NOTICE.md'];

// Serves data/ files (the corpus library made by scripts/prepare-corpus.mjs: corpora.json, each corpus
// and its licence, questions-words.txt) at
// corpus/<name> in development, and copies them, with the repository's LICENSE and NOTICE.md, into
// the static build. The package itself needs no configuration (see tests/e2e/apps.test.mjs).
function corpusPlugin() {
  let outDir = null;
  const serve = (req, res, next) => {
    const url = req.url?.split('?')[0] ?? '';
    const match = url.match(/^\/corpus\/([^/]+)$/);
    if (!match && !NOTICES.includes(url.slice(1))) return next();
    const name = match ? decodeURIComponent(match[1]) : url.slice(1);
    const file = match ? path.join(root, 'data', name) : path.join(root, name);
    if (match && !servedDataFiles().includes(name)) {
      res.statusCode = 404;
      res.end(`${name} missing: run \`node scripts/prepare-corpus.mjs\``);
      return undefined;
    }
    res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', fs.statSync(file).size);
    for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
    fs.createReadStream(file).pipe(res);
    return undefined;
  };
  return {
    name: 'embedlab-corpus',
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) { server.middlewares.use(serve); },
    configResolved(config) { outDir = config.build.outDir; },
    // `npm run build`: whatever the page serves travels with its licence notices.
    writeBundle() {
      const corpusDir = path.join(outDir, 'corpus');
      fs.mkdirSync(corpusDir, { recursive: true });
      for (const name of servedDataFiles()) fs.copyFileSync(path.join(root, 'data', name), path.join(corpusDir, name));
      for (const name of NOTICES) fs.copyFileSync(path.join(root, name), path.join(outDir, name));
    },
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
  // A static site: relative URLs, so dist/ works from any folder of any static file server.
  base: './',
  build: { target: 'es2022', outDir: path.join(root, 'dist'), emptyOutDir: true },
});
