// Learning by prediction: trains a small transformer on the corpus in the Worker, next-word (GPT)
// or masked-word (BERT), with the store's tokenizer. While it trains: progress with rate, ETA and
// Cancel; the training and validation loss against the bigram baseline; a sample continuing a
// prompt every few seconds (next-word) or the [MASK] guesses for a sentence (masked-word); and the
// nearest tokens of a few probe words. The finished model becomes the store's 'lm'.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { clock, el, fmt, html, setProgress, showError, startCancel } from '../dom.js';
import { fillBars, visiblePiece } from '../lm/tokens.js';
import { applyUrlState, writeUrlState } from '../url-state.js';

// Form names are prefixed where the word2vec form already uses the name in the address bar.
const FIELDS = { objective: 'objective', positional: 'lmPositional', layers: 'layers', heads: 'heads', width: 'width',
  context: 'context', steps: 'steps', threads: 'lmThreads', seed: 'lmSeed' };
// Probe words: the first four that are one token in the tokenizer (a small one splits rarer words).
const PROBE_CANDIDATES = ['king', 'water', 'red', 'music', 'man', 'plant', 'animal', 'small', 'light', 'city', 'time', 'form', 'one', 'part'];
const PROBES = 4;
const PROBE_EVERY_MS = 2000;
const VALIDATIONS = 15; // points on the validation curve

const markup = () => html`
  <div class="learning-top"><div>
  <form id="lm-form" class="params" autocomplete="off">
    <label>Objective <select name="objective"><option value="next">next word (GPT)</option><option value="masked">masked word (BERT)</option></select></label>
    <label>Positions <select name="lmPositional"><option value="none">none</option><option value="sinusoidal">sinusoidal</option><option value="learned" selected>learned</option><option value="rope">RoPE</option></select></label>
    <label>Layers <input name="layers" type="number" min="1" max="12" value="2"></label>
    <label>Heads <input name="heads" type="number" min="1" max="16" value="4"></label>
    <label>Width <input name="width" type="number" min="8" max="512" step="8" value="64"></label>
    <label>Context <input name="context" type="number" min="8" max="512" value="64"></label>
    <label>Steps <input name="steps" type="number" min="1" max="100000" value="600"></label>
    <label>Threads <input name="lmThreads" type="number" min="1" value="1"></label>
    <label>Seed <input name="lmSeed" type="number" min="0" value="1"></label>
  </form>
  <p class="note" id="lm-url-note" hidden></p>
  <div class="row buttons">
    <button type="button" class="primary" id="lm-start">Start training</button>
    <button type="button" id="lm-cancel" disabled>Cancel</button>
  </div>
  <p class="error" id="lm-error" role="alert"></p>
  <div class="progress" id="lm-progress" role="progressbar" aria-label="language model training progress" aria-valuemin="0" aria-valuemax="100">
    <div class="bar"></div><span class="label">idle</span>
  </div>
  <div class="stats" id="lm-stats"></div>
  </div>
  <figure class="chart">
    <div id="lm-chart" role="img" aria-label="training and validation loss against the bigram baseline"></div>
    <figcaption class="hint" id="lm-loss-summary"></figcaption>
  </figure></div>
  <div class="learning-grid">
    <div id="lm-next-box">
      <div class="row"><label class="grow">Prompt <input id="lm-prompt" value="the king" spellcheck="false"></label>
        <button type="button" id="lm-sample" disabled title="Continue the prompt with the trained model">Sample</button></div>
      <h3 class="sub">Samples (every few seconds while training)</h3>
      <ol class="samples" id="lm-samples" aria-live="polite"></ol>
    </div>
    <div id="lm-masked-box" hidden>
      <label class="block">Sentence with [MASK] <input id="lm-fill" value="the capital of [MASK] is paris" spellcheck="false"></label>
      <h3 class="sub" id="lm-fill-title">Guesses for [MASK]</h3>
      <ol class="bars" id="lm-fill-bars" aria-labelledby="lm-fill-title"></ol>
    </div>
    <div>
      <h3 class="sub">Nearest tokens of probe words</h3>
      <div class="probes" id="lm-probes"></div>
    </div>
  </div>`;

export default {
  id: 'learning',
  title: 'Learning by prediction',
  place: 'transformer',
  wide: true,
  about: 'The embeddings are learned by predicting: the next token from the ones before it (GPT), or hidden tokens from both ' +
    'sides (BERT). The validation loss is measured on text held out from training; below the bigram line the model uses more ' +
    'than the previous token.',

  markup,

  mount(section, { store, $ }) {
    const form = $('#lm-form');
    const box = $('#lm-progress');
    const error = $('#lm-error');
    const series = [[], [], [], []]; // step, training loss, validation loss, bigram baseline
    let chart = null;
    let running = null;

    const notes = applyUrlState(form, Object.values(FIELDS));
    if (notes.length) {
      $('#lm-url-note').textContent = `This link's settings were not all usable: ${notes.join('; ')}.`;
      $('#lm-url-note').hidden = false;
    }
    const objective = () => form.elements.objective.value;
    const showObjective = () => {
      $('#lm-next-box').hidden = objective() !== 'next';
      $('#lm-masked-box').hidden = objective() !== 'masked';
    };
    showObjective();

    function readOptions() {
      const options = { objective: objective(), positional: form.elements.lmPositional.value };
      for (const [option, name] of Object.entries(FIELDS).slice(2)) {
        const value = Number(form.elements[name].value);
        if (form.elements[name].value.trim() === '' || !Number.isFinite(value)) throw new Error(`${option}: enter a number`);
        options[option] = value;
      }
      return options;
    }

    function resetChart() {
      for (const s of series) s.length = 0;
      const target = $('#lm-chart');
      const width = Math.max(260, target.clientWidth || 600);
      if (!chart) {
        chart = new uPlot({
          width, height: 180,
          scales: { x: { time: false } },
          axes: [{ label: 'step', size: 36 }, { label: 'loss', size: 44 }],
          legend: { show: true, live: false }, // the series' names; the numbers are in the caption
          series: [{ label: 'step' },
            { label: 'training', stroke: '#2f6fed', width: 1.5, points: { show: false } },
            { label: 'validation', stroke: '#d92d20', width: 2, spanGaps: true, points: { show: true, size: 5 } },
            { label: 'bigram baseline', stroke: '#667085', width: 1, dash: [6, 4], points: { show: false } }],
        }, series, target);
        new ResizeObserver(() => chart.setSize({ width: Math.max(260, target.clientWidth), height: 180 })).observe(target);
      }
      chart.setData(series);
      $('#lm-loss-summary').textContent = '';
    }

    let validated = -1; // the step of the last validation loss plotted
    function plot(p) {
      series[0].push(p.step);
      series[1].push(p.loss);
      const fresh = p.validationLoss !== undefined && p.validationStep !== validated;
      if (fresh) validated = p.validationStep;
      series[2].push(fresh ? p.validationLoss : null);
      series[3].push(p.baseline ?? null);
      chart.setData(series);
      const validation = series[2].filter((v) => v !== null);
      $('#lm-loss-summary').textContent = validation.length
        ? `Validation loss ${validation[0].toFixed(3)} at first, ${validation.at(-1).toFixed(3)} now` +
          `${p.baseline ? `; the bigram baseline is ${p.baseline.toFixed(3)}` : ''}.`
        : '';
      $('#lm-chart').dataset.validation = validation.join(' ');
    }

    function showProbe(probe, step) {
      if (!probe) return;
      for (const { prompt, text } of probe.samples ?? []) {
        const list = $('#lm-samples');
        list.prepend(el('li', {}, el('span', { class: 'step', text: `step ${fmt(step)}` }), el('b', { text: prompt }), el('span', { class: 'sample', text })));
        while (list.children.length > 4) list.lastChild.remove();
      }
      if (probe.fills?.[0]) fillBars($('#lm-fill-bars'), probe.fills[0].masks[0] ?? []);
      if (probe.neighbours) {
        $('#lm-probes').replaceChildren(...Object.entries(probe.neighbours).filter(([, found]) => found).map(([word, { neighbours }]) =>
          el('div', { class: 'probe' }, el('b', { text: word }), el('span', { text: neighbours.map((n) => visiblePiece(n.word)).join(', ') }))));
      }
    }

    const showRunning = startCancel($('#lm-start'), $('#lm-cancel'));
    function setRunning(controller) {
      running = controller;
      showRunning(!!controller);
    }

    async function start() {
      showError(error, null);
      const corpus = store.get('corpus');
      const engine = store.get('engine');
      const tokenizer = store.get('tokenizer')?.tokenizer;
      if (!corpus || !engine || !tokenizer) {
        showError(error, new Error(!corpus ? 'choose a corpus first' : !engine ? 'the engine is still loading' : 'train the tokenizer in panel 1 first'));
        return;
      }
      let options;
      try {
        options = readOptions();
      } catch (e) {
        showError(error, e);
        return;
      }
      writeUrlState(Object.fromEntries(Object.values(FIELDS).map((name) => [name, form.elements[name].value])));
      const controller = new AbortController();
      setRunning(controller);
      resetChart();
      $('#lm-samples').replaceChildren();
      setProgress(box, 0, 'preparing the data…');
      $('#lm-stats').textContent = '';
      const probe = {
        everyMs: PROBE_EVERY_MS,
        neighbours: PROBE_CANDIDATES.filter((w) => tokenizer.encode(` ${w}`).ids.length === 1).slice(0, PROBES),
        positions: options.positional === 'learned' ? 32 : false,
        ...(options.objective === 'next' ? { prompt: $('#lm-prompt').value } : { fill: $('#lm-fill').value }),
      };
      try {
        const lm = await engine.trainLanguageModelInWorker(corpus.data, {
          ...options, validateEvery: Math.max(1, Math.round(options.steps / VALIDATIONS)), tokenizer, signal: controller.signal, probe,
          onProgress: (p) => {
            if (p.phase !== 'model') return;
            if (p.step > 0) { // (no loss before the first step; its probe shows the untrained model)
              setProgress(box, p.fraction, `step ${fmt(p.step)} of ${fmt(p.steps)} · loss ${p.loss.toFixed(3)}`);
              $('#lm-stats').textContent = `${fmt(p.tokensPerSecond)} tokens/s${options.threads > 1 ? ` on ${options.threads} threads` : ''} · ETA ${clock(p.etaSeconds)}`;
              plot(p);
            }
            showProbe(p.probe, p.step);
            store.emit('lm-progress', { ...p, width: options.width });
          },
        });
        const t = lm.training;
        setProgress(box, 1, `done in ${(t.elapsedMs / 1000).toFixed(1)} s`);
        $('#lm-stats').textContent = `${fmt(t.tokensPerSecond)} tokens/s · validation loss ${t.validationLoss.toFixed(3)} (bigram ${t.baseline.toFixed(3)})`;
        store.set('lm', { lm, label: `${options.objective === 'next' ? 'next-word' : 'masked-word'} model, ${options.positional} positions, ${fmt(options.steps)} steps` });
      } catch (e) {
        if (e.name === 'AbortError') setProgress(box, 0, 'cancelled');
        else {
          setProgress(box, 0, 'failed');
          showError(error, e);
        }
      } finally {
        setRunning(null);
      }
    }

    store.on('engine', () => {
      const isolated = globalThis.crossOriginIsolated === true;
      form.elements.lmThreads.max = isolated ? String(navigator.hardwareConcurrency || 1) : '1';
      if (!isolated) form.elements.lmThreads.value = '1';
    });
    store.on('lm', (current, previous) => {
      if (previous && previous.lm !== current?.lm) previous.lm.dispose();
      $('#lm-sample').disabled = current?.lm.config.objective !== 'next';
      if (current?.lm.config.objective === 'masked') fillNow();
    });
    // After training: samples on request, and the [MASK] guesses as the sentence is typed.
    let sampleSeed = 1;
    $('#lm-sample').addEventListener('click', () => {
      const lm = store.get('lm')?.lm;
      showError(error, null);
      try {
        const { text } = lm.generate($('#lm-prompt').value, { tokens: 20, seed: ++sampleSeed });
        showProbe({ samples: [{ prompt: $('#lm-prompt').value, text }] }, lm.training?.steps ?? 0);
      } catch (e) {
        showError(error, e);
      }
    });
    function fillNow() {
      const lm = store.get('lm')?.lm;
      if (lm?.config.objective !== 'masked' || running) return;
      showError(error, null);
      try {
        fillBars($('#lm-fill-bars'), lm.fill($('#lm-fill').value)[0] ?? []);
      } catch (e) {
        showError(error, e);
      }
    }
    $('#lm-fill').addEventListener('input', fillNow);
    form.addEventListener('change', showObjective);
    $('#lm-start').addEventListener('click', start);
    $('#lm-cancel').addEventListener('click', () => running?.abort());
    resetChart();
  },
};
