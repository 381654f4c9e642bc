// Emscripten 3.1.6's ES-module glue uses `require` and `__dirname` under Node; define both from
// import.meta.url there. Browsers skip this block. No top-level await and no static `node:` import,
// so bundlers can put the glue into a classic (iife) worker and see nothing Node-only to resolve.
var require, __dirname;
if (typeof process === 'object' && process.versions && process.versions.node && typeof process.getBuiltinModule === 'function') {
  require = process.getBuiltinModule('module').createRequire(import.meta.url);
  __dirname = process.getBuiltinModule('path').dirname(process.getBuiltinModule('url').fileURLToPath(import.meta.url));
}
