// Train: word2vec settings, start/cancel, live progress, the loss curve and the neighbours of a few
// probe words. A finished run becomes the explored model; a cancelled or failed one leaves the
// previous model (and its curve and probes) in place.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { checkCorpusSize, ENOUGH_WORDS, wordFrequencies } from '../corpus-stats.js';
import { clock, el, fmt, html, plural, setProgress, showError, startCancel } from '../dom.js';
import { applyUrlState, writeUrlState } from '../url-state.js';

const PARAMS = ['model', 'loss', 'dim', 'window', 'negative', 'epochs', 'minCount', 'sample', 'threads', 'seed'];
const PROBE_WORDS = ['king', 'woman', 'france', 'water', 'music', 'red'];
const COUNTED_WORDS_MAX = 1e6; // larger corpora are not counted in the page (and are not small)
const LIVE_MAP_WORDS = 2000;  // words on the map while training
const ANNOUNCE_EVERY = 0.25;   // say progress aloud at 25%, 50%, 75%: often enough, not chatty

const markup = () => html`
  <form id="train-form" class="params" autocomplete="off">
    <label>Model <select name="model"><option value="cbow">CBOW</option><option value="skipgram">skip-gram</option></select></label>
    <label>Loss <select name="loss"><option value="ns">neg. sampling</option><option value="hs">hier. softmax</option></select></label>
    <label>Dim <input name="dim" type="number" min="1" max="10000" value="100"></label>
    <label>Window <input name="window" type="number" min="1" max="1000" value="5"></label>
    <label>Negative <input name="negative" type="number" min="0" max="1000" value="5"></label>
    <label>Epochs <input name="epochs" type="number" min="1" max="10000" value="5"></label>
    <label>Min count <input name="minCount" type="number" min="1" value="5"></label>
    <label>Subsample <input name="sample" type="number" min="0" max="0.999" step="any" value="0.001"></label>
    <label>Threads <input name="threads" type="number" min="1" value="1"></label>
    <label>Seed <input name="seed" type="number" min="0" value="1"></label>
  </form>
  <p class="hint" id="threads-hint"></p>
  <p class="note" id="url-note" hidden></p>
  <div class="note warn" id="size-warning" role="status" hidden>
    <span id="size-warning-text"></span>
    <button type="button" id="apply-size" hidden></button>
  </div>
  <div class="row buttons">
    <button type="button" class="primary" id="start">Start training</button>
    <button type="button" id="cancel" disabled>Cancel</button>
    <button type="button" id="share" title="Copy a link with this corpus, these parameters and seed">Copy share link</button>
  </div>
  <p class="error" id="train-error" role="alert"></p>
  <div class="progress" id="train-progress" role="progressbar" aria-label="training progress" aria-valuemin="0" aria-valuemax="100">
    <div class="bar"></div><span class="label">idle</span>
  </div>
  <p class="sr-only" id="train-announce" role="status"></p>
  <div class="stats" id="train-stats"></div>
  <figure class="chart">
    <div id="loss-chart" role="img" aria-label="training loss over the run"></div>
    <figcaption class="hint" id="loss-summary"></figcaption>
  </figure>
  <p class="hint" id="probes-title"></p>
  <div class="probes" id="probes"></div>`;

export default {
  id: 'train',
  title: 'Train',
  place: 'step',
  about: 'word2vec learns one vector per word by predicting words from their neighbours in the corpus. ' +
    'The curve shows the loss falling as it learns; the list shows what a few probe words are closest to.',

  markup,

  mount(section, { store, $ }) {
    const form = $('#train-form');
    const field = (name) => form.elements[name];
    const error = $('#train-error');
    const progressBox = $('#train-progress');
    const loss = [[], []];
    let chart = null;
    let running = null; // the AbortController of the run in progress
    let announced = 0;  // the last progress fraction said aloud

    // ---- settings ----------------------------------------------------------------------------

    const urlNotes = applyUrlState(form, PARAMS);
    if (urlNotes.length) {
      $('#url-note').textContent = `This link's settings were not all usable: ${urlNotes.join('; ')}.`;
      $('#url-note').hidden = false;
    }

    function readOptions() {
      const options = { model: field('model').value, loss: field('loss').value };
      for (const name of PARAMS.slice(2)) {
        const raw = field(name).value.trim();
        const value = Number(raw);
        if (raw === '' || !Number.isFinite(value)) throw fieldError(name, `${name}: enter a number`);
        options[name] = value;
      }
      return options;
    }

    function fieldError(name, message) {
      const e = new Error(message);
      e.field = name;
      return e;
    }

    // Shows an error and marks the setting it names (library errors start with the option name).
    function showSettingError(e) {
      showError(error, e);
      const name = e.field ?? e.message.match(/^(\w+)/)?.[1];
      if (PARAMS.includes(name)) {
        field(name).setAttribute('aria-invalid', 'true');
        field(name).setAttribute('aria-describedby', 'train-error');
      }
    }

    function clearSettingErrors() {
      showError(error, null);
      for (const name of PARAMS) {
        field(name).removeAttribute('aria-invalid');
        field(name).removeAttribute('aria-describedby');
      }
    }

    const writeSettings = () => writeUrlState(Object.fromEntries(PARAMS.map((name) => [name, field(name).value])));

    store.on('engine', () => {
      const isolated = globalThis.crossOriginIsolated === true;
      const cores = navigator.hardwareConcurrency || 1;
      field('threads').max = isolated ? String(cores) : '1';
      if (!isolated) field('threads').value = '1';
      $('#threads-hint').textContent = isolated
        ? `Training runs in a background worker; up to ${cores} threads here. One thread + a seed reproduces a run exactly.`
        : 'This page is not cross-origin isolated, so training uses one thread (in a background worker).';
    });

    // ---- "too small" warning, before training ---------------------------------------------------

    const frequencies = new WeakMap(); // corpus -> word frequencies, counted once
    function updateSizeWarning() {
      const box = $('#size-warning');
      const corpus = store.get('corpus');
      const minCount = Number(field('minCount').value);
      const epochs = Number(field('epochs').value);
      box.hidden = true;
      if (!corpus || corpus.words > COUNTED_WORDS_MAX || !(minCount >= 1) || !(epochs >= 1)) return;
      if (!frequencies.has(corpus)) frequencies.set(corpus, wordFrequencies(corpus.data));
      const check = checkCorpusSize(frequencies.get(corpus), { minCount, epochs });
      if (!check) return;
      const why = check.kept < ENOUGH_WORDS
        ? 'too few for their neighbours to mean much'
        : `and ${plural(epochs, 'epoch')} give the model only about ${fmt(check.keptTokens * epochs)} words to learn from`;
      const better = check.minCount !== minCount || check.epochs !== epochs;
      $('#size-warning-text').textContent = `Min count ${fmt(minCount)} keeps about ${fmt(check.kept)} of the ` +
        `${fmt(check.distinct)} different words in this corpus (${fmt(check.tokens)} words in all): ${why}. ` +
        (better ? `Try min count ${check.minCount} and ${check.epochs} epochs.` : 'A longer text would help more than any setting.');
      const apply = $('#apply-size');
      apply.hidden = !better;
      apply.textContent = `Use min count ${check.minCount} and ${check.epochs} epochs`;
      apply.onclick = () => {
        field('minCount').value = String(check.minCount);
        field('epochs').value = String(check.epochs);
        writeSettings();
        updateSizeWarning();
        $('#start').focus();
      };
      box.hidden = false;
    }
    store.on('corpus', updateSizeWarning);
    form.addEventListener('input', (e) => {
      e.target.removeAttribute('aria-invalid');
      e.target.removeAttribute('aria-describedby');
      if (e.target.name === 'minCount' || e.target.name === 'epochs') updateSizeWarning();
    });
    form.addEventListener('change', writeSettings);

    // ---- progress, curve, probes ------------------------------------------------------------------

    function resetChart() {
      loss[0].length = 0;
      loss[1].length = 0;
      const box = $('#loss-chart');
      const width = Math.max(260, box.clientWidth || 360);
      if (!chart) {
        chart = new uPlot({
          width, height: 150,
          scales: { x: { time: false, range: [0, 100] } },
          axes: [{ label: 'progress %', size: 36 }, { label: 'loss', size: 44 }],
          legend: { show: false },
          series: [{}, { label: 'loss', stroke: '#2f6fed', width: 1.5, points: { show: false } }],
        }, loss, box);
      } else {
        chart.setSize({ width, height: 150 });
      }
      chart.setData(loss);
      $('#loss-summary').textContent = '';
    }

    function renderProgress(p, threads) {
      setProgress(progressBox, p.fraction, `${(100 * p.fraction).toFixed(1)}% · epoch ${p.epoch}`);
      $('#train-stats').textContent = `${fmt(p.wordsPerSecond)} words/s${threads > 1 ? ` on ${threads} threads` : ''} · ` +
        `ETA ${clock(p.etaSeconds)} · loss ${p.averageLoss.toFixed(3)} · lr ${p.learningRate.toFixed(4)} · vocabulary ${fmt(p.vocabularySize)}`;
      if (p.averageLoss > 0) {
        loss[0].push(100 * p.fraction);
        loss[1].push(p.averageLoss);
        chart.setData(loss);
        $('#loss-summary').textContent = `Loss ${loss[1][0].toFixed(3)} at the start, ${p.averageLoss.toFixed(3)} at ${(100 * p.fraction).toFixed(0)}%.`;
      }
      if (p.fraction - announced >= ANNOUNCE_EVERY && p.fraction < 1) {
        announced = Math.floor(p.fraction / ANNOUNCE_EVERY) * ANNOUNCE_EVERY;
        announce(`Training ${Math.round(100 * announced)}% done, epoch ${p.epoch}.`);
      }
    }

    const announce = (text) => { $('#train-announce').textContent = text; };

    function renderProbes(neighbours, title) {
      $('#probes-title').textContent = Object.keys(neighbours).length ? title : '';
      $('#probes').replaceChildren(...Object.entries(neighbours).map(([word, list]) =>
        el('div', { class: 'probe' }, el('b', { text: word }), el('span', { text: list.map((n) => n.word).join(', ') }))));
    }

    // The probe words' neighbours in the explored model, or nothing (with a note) when there is none.
    function showModelProbes(note = '') {
      const current = store.get('model');
      if (!current) {
        renderProbes({}, '');
        $('#probes-title').textContent = note;
        return;
      }
      const { model } = current;
      const words = PROBE_WORDS.filter((w) => model.has(w));
      renderProbes(Object.fromEntries(words.map((w) => [w, model.mostSimilar(w, { topn: 5 })])), 'Neighbours in the current model:');
    }
    store.on('model', () => { if (!running) showModelProbes(); });

    // ---- a run --------------------------------------------------------------------------------

    const showRunning = startCancel($('#start'), $('#cancel'));
    function setRunning(controller) {
      running = controller;
      showRunning(!!controller);
    }

    async function start() {
      clearSettingErrors();
      const corpus = store.get('corpus');
      const engine = store.get('engine');
      if (!corpus || !engine) {
        showError(error, new Error(corpus ? 'the engine is still loading; try again in a moment' : 'choose a corpus first'));
        return;
      }
      let options;
      try {
        options = readOptions();
      } catch (e) {
        showSettingError(e);
        return;
      }
      writeSettings();
      const before = { width: progressBox.querySelector('.bar').style.width, label: progressBox.querySelector('.label').textContent };
      const controller = new AbortController();
      let started = false; // the previous run's curve and probes stay until this one reports
      const begin = (fraction = 0) => {
        if (started) return;
        started = true;
        resetChart();
        renderProbes({}, '');
        announced = Math.floor(fraction / ANNOUNCE_EVERY) * ANNOUNCE_EVERY; // one message per report at most
        announce('Training started.');
      };
      setRunning(controller);
      store.set('training', { status: 'running' });
      setProgress(progressBox, 0, 'reading the corpus…');
      let status = 'failed';
      try {
        const model = await engine.trainInWorker(corpus.data, {
          ...options,
          signal: controller.signal,
          probes: PROBE_WORDS,
          probeEvery: 0.05,
          onProgress: (p) => { begin(p.fraction); renderProgress(p, options.threads); },
          onProbe: (neighbours, p) => { begin(p.fraction); renderProbes(neighbours, `Neighbours while training, at ${(100 * p.fraction).toFixed(0)}%:`); },
          // The map panel draws these: the most frequent words' current vectors every 2% of the run.
          liveMap: { words: LIVE_MAP_WORDS, every: 0.02, onFrame: (frame, p) => store.emit('training-frame', frame, p) },
        });
        begin();
        status = 'done';
        const t = model.training;
        const done = `done in ${(t.elapsedMs / 1000).toFixed(1)} s`;
        setProgress(progressBox, 1, done);
        $('#train-stats').textContent = `${fmt(t.wordsPerSecond)} words/s${t.threads > 1 ? ` on ${t.threads} threads` : ''} · ${fmt(t.vocabularySize)} words × ${model.dim} · ${plural(t.epochs, 'epoch')}`;
        announce(`Training ${done}: ${fmt(t.vocabularySize)} words.`);
        running = null;
        store.set('model', { model, label: `trained on ${corpus.name} (${options.model}, ${plural(options.epochs, 'epoch')}, seed ${options.seed})`, source: 'trained' });
      } catch (e) {
        const kept = store.get('model') ? ' The previous model is kept.' : '';
        if (e.name === 'AbortError') {
          status = 'cancelled';
          setProgress(progressBox, 0, 'cancelled');
          $('#train-stats').textContent = `Training cancelled.${kept}`;
        } else if (!started) { // nothing ran (e.g. a setting was refused): the page shows the previous run
          progressBox.querySelector('.bar').style.width = before.width;
          progressBox.querySelector('.label').textContent = before.label;
          showSettingError(e);
        } else {
          setProgress(progressBox, 0, 'failed');
          showError(error, e);
        }
        announce(`Training ${status}.${kept}`);
        if (started) showModelProbes(status === 'cancelled' ? 'Training cancelled; no model yet.' : 'Training failed; no model yet.');
      } finally {
        setRunning(null);
        store.set('training', { status });
      }
    }

    $('#start').addEventListener('click', start);
    $('#cancel').addEventListener('click', () => running?.abort());
    $('#share').addEventListener('click', async () => {
      writeSettings();
      const share = $('#share');
      try {
        await navigator.clipboard.writeText(location.href);
        share.textContent = 'Link copied';
      } catch {
        share.textContent = 'Link is in the address bar';
      }
      setTimeout(() => { share.textContent = 'Copy share link'; }, 2000);
    });
    resetChart();
  },
};
