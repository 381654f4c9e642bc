// Corpus: choose the text to train on (the WordNet glosses, pasted text or a file). A vectors file
// opened here becomes the explored model instead; when a file could be either, the user decides.
import { countWords } from '../corpus-stats.js';
import { clock, fileButton, fileSize, fmt, html, setProgress, showError } from '../dom.js';
import { classifyFile, SAMPLE_BYTES } from '../file-kind.js';
import { readUrlState, writeUrlState } from '../url-state.js';

const DEFAULT_CORPUS_URL = 'corpus/wordnet-glosses.txt'; // relative: the static build may live in any folder

const markup = () => html`
  <div class="corpus-info" aria-live="polite">
    <div class="corpus-name" id="corpus-name">Loading the WordNet glosses…</div>
    <div class="corpus-meta" id="corpus-meta"></div>
  </div>
  <pre class="corpus-preview" id="corpus-preview"></pre>
  <div class="row buttons">
    <button type="button" id="use-default">WordNet glosses</button>
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
  about: 'The text the model learns from. Start with the WordNet glosses (1.5 million words of dictionary ' +
    'definitions), paste your own, or open a file; a vectors file opens as a ready model instead.',

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
      writeUrlState({ corpus: corpus.kind === 'default' ? 'wordnet' : 'custom' });
      store.set('corpus', corpus);
    }

    // Reads a stream into one Uint8Array, showing a progress bar.
    async function readStream(stream, total) {
      const box = $('#read-progress');
      const reader = stream.getReader();
      const chunks = [];
      let received = 0;
      box.hidden = false;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.length;
          setProgress(box, total ? received / total : 0, `read ${(received / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`);
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

    async function loadDefault() {
      $('#corpus-name').textContent = 'Loading the WordNet glosses…';
      const response = await fetch(DEFAULT_CORPUS_URL);
      if (!response.ok) throw new Error(`the default corpus is missing (${response.status}); run \`node scripts/prepare-corpus.mjs\``);
      const bytes = await readStream(response.body, Number(response.headers.get('Content-Length')) || 0);
      useCorpus({ name: 'WordNet 3.1 glosses (default)', kind: 'default', data: new TextDecoder().decode(bytes), bytes: bytes.length });
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

    $('#use-default').addEventListener('click', () => loadDefault().catch(fail));
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

    if (readUrlState().get('corpus') === 'custom') {
      $('#corpus-name').textContent = 'This link used a custom corpus: paste or open it to reproduce the run.';
      return undefined;
    }
    return loadDefault().catch(fail);
  },
};
