// Corpus: choose the text to train on (a corpus of the built-in library, pasted text or a file). A
// vectors file opened here becomes the explored model instead; when a file could be either, the user
// decides. The library (data/corpora.json, made by scripts/prepare-corpus.mjs) names each corpus's
// source and licence, and its licence notice opens in the page.
import { countWords } from '../corpus-stats.js';
import { clock, el, fileButton, fileSize, fmt, html, setProgress, showError } from '../dom.js';
import { classifyFile, SAMPLE_BYTES } from '../file-kind.js';
import { readUrlState, writeUrlState } from '../url-state.js';

const LIBRARY_URL = 'corpus/corpora.json'; // relative: the static build may live in any folder
// The WordNet glosses: the mix of all four corpora took 17-21 s to train in this page on a 2-core
// machine (README, "Corpus library"), over the 10 s a first model should take.
const DEFAULT_CORPUS = 'wordnet-glosses';
const LEGACY_IDS = { wordnet: 'wordnet-glosses' }; // links made before the library

const markup = () => html`
  <div class="corpus-info" aria-live="polite">
    <div class="corpus-name" id="corpus-name">Loading the corpus library…</div>
    <div class="corpus-meta" id="corpus-meta"></div>
  </div>
  <div class="row buttons">
    <label class="corpus-pick">Built-in corpus <select id="corpus-pick"></select></label>
    <button type="button" id="use-builtin">Use this corpus</button>
  </div>
  <p class="hint" id="corpus-source"></p>
  <p class="hint" id="corpus-default-why">The default is the WordNet glosses: the mix answers analogies better (questions-words
    14% against 6%) but took 17-21 s to train in this page on a 2-core machine, over the 10 s a first model should take.</p>
  <details id="corpus-licence"><summary>Licence notice of this corpus</summary><pre class="licence-text" id="corpus-licence-text"></pre></details>
  <pre class="corpus-preview" id="corpus-preview"></pre>
  <div class="row buttons">
    <button type="button" id="show-paste" aria-expanded="false" aria-controls="paste-box">Paste text</button>
    <button type="button" id="open-file">Open a file…</button>
    <input type="file" id="file-input" accept=".txt,.vec,.bin,.text,text/plain" hidden>
  </div>
  <div id="paste-box" hidden>
    <textarea id="paste-text" rows="6" aria-label="text to use as the corpus" placeholder="Paste a corpus: one sentence per line works best."></textarea>
    <div class="row"><button type="button" id="use-paste">Use this text</button></div>
  </div>
  <div class="choice" id="file-choice" role="group" aria-labelledby="file-choice-text" hidden>
    <p id="file-choice-text"></p>
    <div class="row buttons">
      <button type="button" id="choose-corpus">Use as corpus</button>
      <button type="button" id="choose-vectors">Load as vectors</button>
    </div>
  </div>
  <div class="dropzone" id="dropzone">Drop a <b>.txt</b> corpus or a <b>vectors</b> file (word2vec text/binary, GloVe, .vec) here</div>
  <div class="progress slim" id="read-progress" role="progressbar" aria-label="reading the file" aria-valuemin="0" aria-valuemax="100" hidden>
    <div class="bar"></div><span class="label"></span>
  </div>
  <div class="row" id="vectors-loading" hidden>
    <button type="button" id="cancel-vectors">Cancel loading</button>
  </div>
  <p class="error" id="corpus-error" role="alert"></p>`;

export default {
  id: 'corpus',
  title: 'Corpus',
  place: 'step',
  about: 'The text the model learns from. Pick a built-in corpus (dictionary definitions, 1960s prose, ' +
    'presidential addresses, a novel, or all four mixed), paste your own, or open a file; a vectors file opens ' +
    'as a ready model instead.',

  markup,

  mount(section, { store, $ }) {
    const error = $('#corpus-error');
    const fail = (e) => showError(error, e);

    function describe(corpus) {
      $('#corpus-name').textContent = corpus.name;
      $('#corpus-meta').textContent = `${fileSize(corpus.bytes)} · ${fmt(corpus.words)} words · ${fmt(corpus.lines)} lines`;
      const head = typeof corpus.data === 'string' ? corpus.data.slice(0, 600) : new TextDecoder().decode(corpus.data.subarray(0, 600));
      $('#corpus-preview').textContent = head.split('\n').slice(0, 4).join('\n');
    }

    function useCorpus(corpus) {
      Object.assign(corpus, countWords(corpus.data));
      describe(corpus);
      showError(error, null);
      writeUrlState({ corpus: corpus.kind === 'builtin' ? corpus.id : 'custom' });
      store.set('corpus', corpus);
    }

    // Reads streams one after the other into one Uint8Array, showing a progress bar over `total` bytes.
    async function readStreams(streams, total) {
      const box = $('#read-progress');
      const chunks = [];
      let received = 0;
      box.hidden = false;
      try {
        for (const stream of streams) {
          const reader = (await stream()).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            chunks.push(value);
            received += value.length;
            setProgress(box, total ? received / total : 0, `read ${(received / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`);
          }
        }
      } finally {
        box.hidden = true;
      }
      const out = new Uint8Array(received);
      let offset = 0;
      for (const c of chunks) {
        out.set(c, offset);
        offset += c.length;
      }
      return out;
    }
    const readStream = (stream, total) => readStreams([() => stream], total);

    const missing = (what, status) => new Error(`${what} is missing (${status}); run \`node scripts/prepare-corpus.mjs\``);
    async function fetchBody(file) {
      const response = await fetch(`corpus/${file}`);
      if (!response.ok) throw missing(file, response.status);
      return response.body;
    }

    let library = [];
    const entryOf = (id) => library.find((c) => c.id === id);

    function showSource(entry) {
      $('#corpus-source').textContent = `${entry.title}: ${entry.description}. ${fmt(entry.words)} words. ` +
        `Source: ${entry.source}. Licence: ${entry.licence}.`;
      const details = $('#corpus-licence');
      details.open = false;
      details.dataset.id = entry.id;
      $('#corpus-licence-text').textContent = '';
    }

    async function loadLibrary() {
      const response = await fetch(LIBRARY_URL);
      if (!response.ok) throw missing('the corpus library', response.status);
      library = await response.json();
      $('#corpus-pick').replaceChildren(...library.map((c) =>
        el('option', { value: c.id, text: `${c.title} — ${(c.words / 1e6).toFixed(1)} M words${c.id === DEFAULT_CORPUS ? ' (default)' : ''}` })));
    }

    // Loads corpus `id` of the library (the mix: its parts, one after the other).
    async function loadBuiltin(id) {
      const entry = entryOf(id);
      if (!entry) throw new Error(`there is no built-in corpus '${id}'; choose one of: ${library.map((c) => c.id).join(', ')}`);
      $('#corpus-pick').value = id;
      showSource(entry);
      $('#corpus-name').textContent = `Loading ${entry.title}…`;
      const parts = (entry.parts ?? [id]).map(entryOf);
      const bytes = await readStreams(parts.map((part) => () => fetchBody(part.file)), entry.bytes);
      useCorpus({ name: `${entry.title}${id === DEFAULT_CORPUS ? ' (default)' : ''}`, kind: 'builtin', id,
        data: new TextDecoder().decode(bytes), bytes: bytes.length });
    }

    async function showLicence() {
      const details = $('#corpus-licence');
      const entry = entryOf(details.dataset.id);
      if (!details.open || !entry || $('#corpus-licence-text').textContent) return;
      const response = await fetch(`corpus/${entry.licenceFile}`);
      if (!response.ok) throw missing(entry.licenceFile, response.status);
      $('#corpus-licence-text').textContent = await response.text();
    }

    // A vectors file is parsed in the worker as it is read (a 1 GB GloVe file never sits in memory
    // whole); its rows come to this page's engine in batches. Progress shows bytes, rate and ETA.
    let loading = null; // the AbortController of the load in progress
    async function loadVectors(file) {
      const engine = store.get('engine');
      if (!engine) throw new Error('the engine is still loading; try again in a moment');
      loading?.abort();
      const controller = new AbortController();
      loading = controller;
      const box = $('#read-progress');
      box.hidden = false;
      $('#vectors-loading').hidden = false;
      setProgress(box, 0, `loading ${file.name}…`);
      try {
        const model = await engine.loadInWorker(file, {
          name: file.name,
          signal: controller.signal,
          onProgress: (p) => setProgress(box, p.fraction, `${fmt(p.rows)} vectors · ${fileSize(p.bytes)} of ${fileSize(p.total)} · ` +
            `${fileSize(p.bytesPerSecond)}/s · ${Number.isFinite(p.etaSeconds) ? `${clock(p.etaSeconds)} left` : ''}`),
        });
        store.set('model', { model, label: `loaded from ${file.name}`, source: 'loaded' });
        await indexModel(model, controller.signal);
      } catch (e) {
        if (e.name !== 'AbortError') throw e;
        $('#corpus-name').textContent = `Loading ${file.name} was cancelled.`;
      } finally {
        if (loading === controller) loading = null;
        box.hidden = true;
        $('#vectors-loading').hidden = true;
      }
    }
    $('#cancel-vectors').addEventListener('click', () => loading?.abort());

    // A big model (2^23 numbers or more) gets an approximate-neighbour index so top-10 queries take
    // milliseconds; until it is built (or if it is cancelled) queries are exact, only slower. The
    // threads build makes it on a thread of its own; the single-threaded page keeps exact search,
    // as an index would hold this page for seconds at a time.
    async function indexModel(model, signal) {
      const engine = store.get('engine');
      if (!model.wantsIndex || !engine.threads) return;
      const box = $('#read-progress');
      try {
        await model.buildIndex({
          threads: Math.max(1, Math.min(2, engine.maxThreads - 1)),
          signal,
          onProgress: (p) => setProgress(box, p.fraction, `building the search index (${p.stage}) · queries are exact until it is done`),
        });
      } catch (e) {
        if (model.disposed) return; // another model replaced it
        if (e.name === 'AbortError') return; // exact search it is
        throw e;
      }
    }

    async function readFile(file) {
      return readStream(file.stream(), file.size);
    }

    function useFileAsCorpus(bytes, name) {
      if (bytes.includes(0)) throw new Error(`${name} looks like a binary file, not text or vectors`);
      useCorpus({ name, kind: 'file', data: bytes, bytes: bytes.length });
    }

    const useAsCorpus = async (file) => useFileAsCorpus(await readFile(file), file.name);

    // The file could be either: show the reason and two buttons; the answer decides.
    function ask(file, why) {
      const box = $('#file-choice');
      $('#file-choice-text').textContent = `${file.name} could be a corpus or a vectors file: ${why}. How should it be used?`;
      box.hidden = false;
      const answer = (use) => () => {
        box.hidden = true;
        use(file).catch(fail);
      };
      $('#choose-corpus').onclick = answer(useAsCorpus);
      $('#choose-vectors').onclick = answer(loadVectors);
      $('#choose-corpus').focus();
    }

    // The kind is told from the file's first 64 KB; only a corpus is read whole.
    async function openFile(file) {
      showError(error, null);
      $('#file-choice').hidden = true;
      try {
        if (file.size === 0) throw new Error(`${file.name} is empty`);
        const head = new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer());
        const { kind, why } = classifyFile(head, file.name);
        if (kind === 'vectors') await loadVectors(file);
        else if (kind === 'corpus') await useAsCorpus(file);
        else ask(file, why);
      } catch (e) {
        fail(e);
      }
    }

    $('#use-builtin').addEventListener('click', () => loadBuiltin($('#corpus-pick').value).catch(fail));
    $('#corpus-pick').addEventListener('change', () => { const e = entryOf($('#corpus-pick').value); if (e) showSource(e); });
    $('#corpus-licence').addEventListener('toggle', () => showLicence().catch(fail));
    $('#show-paste').addEventListener('click', (event) => {
      const box = $('#paste-box');
      box.hidden = !box.hidden;
      event.currentTarget.setAttribute('aria-expanded', String(!box.hidden));
      if (!box.hidden) $('#paste-text').focus();
    });
    $('#use-paste').addEventListener('click', () => {
      const text = $('#paste-text').value;
      if (!text.trim()) {
        fail(new Error('the pasted text is empty'));
        return;
      }
      useCorpus({ name: 'pasted text', kind: 'pasted', data: text, bytes: new TextEncoder().encode(text).length });
    });
    fileButton($('#open-file'), $('#file-input'), openFile);
    const drop = $('#dropzone');
    for (const type of ['dragenter', 'dragover']) document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
    for (const type of ['dragleave', 'drop']) document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove('over'); });
    document.addEventListener('drop', (e) => { const file = e.dataTransfer?.files?.[0]; if (file) openFile(file); });

    const wanted = readUrlState().get('corpus') ?? DEFAULT_CORPUS;
    return loadLibrary().then(() => {
      showSource(entryOf(DEFAULT_CORPUS) ?? library[0]);
      if (wanted === 'custom') {
        $('#corpus-name').textContent = 'This link used a custom corpus: paste or open it to reproduce the run.';
        return undefined;
      }
      return loadBuiltin(LEGACY_IDS[wanted] ?? wanted);
    }).catch(fail);
  },
};
