// The scratch app every bundler set-up builds: what a developer writes after `npm install embedlab`.
// It reports what happened in document.body.dataset (read by tests/apps/apps.test.mjs).
import { init } from 'embedlab';

function planted(lines = 3000) {
  // Each line: one of king/queen/man/woman with context words saying royal-or-common and
  // male-or-female, so king - man + woman = queen (the same design as tests/js/helpers.mjs).
  let s = 42;
  const random = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const royal = ['crown', 'throne', 'palace', 'castle', 'reign', 'royal', 'kingdom', 'court'];
  const common = ['farm', 'street', 'market', 'village', 'work', 'field', 'shop', 'town'];
  const male = ['he', 'his', 'him', 'beard', 'father', 'son', 'brother', 'husband'];
  const female = ['she', 'her', 'hers', 'dress', 'mother', 'daughter', 'sister', 'wife'];
  const targets = { king: [royal, male], queen: [royal, female], man: [common, male], woman: [common, female] };
  const out = [];
  for (let i = 0; i < lines; i++) {
    const target = pick(Object.keys(targets));
    const words = [target];
    for (let k = 0; k < 3; k++) words.push(pick(targets[target][0]), pick(targets[target][1]));
    out.push(words.join(' '));
  }
  return out.join('\n');
}

const options = { model: 'cbow', dim: 24, window: 5, epochs: 10, minCount: 1, sample: 0, seed: 1 };
const query = (model) => model.mostSimilar({ positive: ['king', 'woman'], negative: ['man'], topn: 1 })[0].word;

async function run() {
  const params = new URLSearchParams(location.search);
  const result = { isolated: globalThis.crossOriginIsolated === true };
  const started = performance.now();
  try {
    const el = await init(params.has('nothreads') ? { threads: false } : {});
    result.initMs = Math.round(performance.now() - started);
    result.variant = el.variant;
    result.threads = el.threads;
    const text = planted();
    const model = await el.train(text, { ...options, threads: el.threads ? 2 : 1 });
    result.train = query(model);
    model.dispose();
    const fromWorker = await el.trainInWorker(text, options);
    result.worker = query(fromWorker);
    fromWorker.dispose();
  } catch (error) {
    result.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
  }
  document.body.dataset.result = JSON.stringify(result);
}
run();
