// Post-link step for the browser pthreads build: Emscripten 3.1.6's thread worker imports
// `e.data.urlOrBlob` (Module.mainScriptUrlOrBlob, which embedlab never sets) when given one, else
// "./embedlab-mt.mjs". Bundlers warn about the computed import ("Critical dependency"); marking it
// as ignored keeps users' builds quiet and changes nothing at run time.
//   node worker-patch.mjs path/to/embedlab-mt.worker.js
import fs from 'node:fs';

const file = process.argv[2];
const source = fs.readFileSync(file, 'utf8');
const computed = 'import(e.data.urlOrBlob)';
const marked = 'import(/* webpackIgnore: true */ /* @vite-ignore */ e.data.urlOrBlob)';
if (source.includes(marked)) process.exit(0);
if (!source.includes(computed)) {
  console.error(`worker-patch: '${computed}' not found in ${file}; Emscripten's worker changed, update this step`);
  process.exit(1);
}
fs.writeFileSync(file, source.replace(computed, marked));
