// Emscripten 3.1.6's ES-module glue uses `require` and `__dirname` under Node; define both from
// import.meta.url there. Browsers skip this block.
var require, __dirname;
if (typeof process === 'object' && process.versions && process.versions.node) {
  const nodeModule = await import(/* @vite-ignore */ 'node:' + 'module');
  const nodeUrl = await import(/* @vite-ignore */ 'node:' + 'url');
  const nodePath = await import(/* @vite-ignore */ 'node:' + 'path');
  require = nodeModule.createRequire(import.meta.url);
  __dirname = nodePath.dirname(nodeUrl.fileURLToPath(import.meta.url));
}
