// The scratch app's Vite config: only what a developer adds to serve a page cross-origin isolated
// (EMBEDLAB_ISOLATION=on sends COOP/COEP from the dev server and `vite preview`). Nothing for embedlab.
const isolated = process.env.EMBEDLAB_ISOLATION === 'on';
const headers = isolated
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
  : {};
export default {
  server: { host: '127.0.0.1', headers },
  preview: { host: '127.0.0.1', headers },
  build: { outDir: 'dist-vite', emptyOutDir: true },
  logLevel: 'warn',
};
