// The embedlab playground: a plain user of the npm package in src/js. User text (corpus words,
// file names) is only ever rendered with textContent, never as HTML.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import createScatterplot from 'regl-scatterplot';
import { init } from '../src/js/index.js';
import './style.css';

const $ = (id) => document.getElementById(id);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const PROBE_WORDS = ['king', 'woman', 'france', 'water', 'music', 'red'];
const PROBE_ANALOGIES = [
  ['man', 'king', 'woman', 'queen'],
  ['man', 'boy', 'woman', 'girl'],
  ['he', 'his', 'she', 'her'],
  ['brother', 'sister', 'father', 'mother'],
  ['man', 'husband', 'woman', 'wife'],
  ['france', 'french', 'germany', 'german'],
  ['big', 'bigger', 'small', 'smaller'],
  ['good', 'better', 'bad', 'worse'],
];
const PARAMS = ['model', 'loss', 'dim', 'window', 'negative', 'epochs', 'minCount', 'sample', 'threads', 'seed'];

const state = {
  el: null,
  corpus: null,   // { name, kind: 'default' | 'pasted' | 'file', data: string | Uint8Array, bytes, words, lines }
  model: null,    // the Model being explored
  modelLabel: '',
  abort: null,    // AbortController of the running training
  loss: [[], []],
  chart: null,
  map: null,      // { plot, words, count, selected, analogy }
};

// ---- small DOM helpers (text only) ------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function showError(id, error) {
  $(id).textContent = error ? (error.message ?? String(error)) : '';
}

function setProgress(id, fraction, label) {
  const box = $(id);
  box.querySelector('.bar').style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  box.querySelector('.label').textContent = label;
}

function clock(seconds) {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---- URL state (share a run) ---------------------------------------------------------------

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const form = $('train-form');
  for (const name of PARAMS) {
    if (params.has(name) && form.elements[name]) form.elements[name].value = params.get(name);
  }
  return params;
}

function writeHash() {
  const form = $('train-form');
  const params = new URLSearchParams();
  params.set('corpus', state.corpus?.kind === 'default' ? 'wordnet' : 'custom');
  for (const name of PARAMS) params.set(name, form.elements[name].value);
  history.replaceState(null, '', `#${params}`);
}

function trainOptions() {
  const f = $('train-form').elements;
  const number = (name) => {
    const raw = f[name].value.trim();
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw new Error(`${name}: enter a number`);
    return value;
  };
  return {
    model: f.model.value, loss: f.loss.value, dim: number('dim'), window: number('window'),
    negative: number('negative'), epochs: number('epochs'), minCount: number('minCount'),
    sample: number('sample'), threads: number('threads'), seed: number('seed'),
  };
}

// ---- corpus ------------------------------------------------------------------------------------

function describeCorpus(corpus) {
  $('corpus-name').textContent = corpus.name;
  const mb = corpus.bytes / 1e6;
  $('corpus-meta').textContent = `${mb >= 1 ? mb.toFixed(1) + ' MB' : fmt(corpus.bytes / 1e3) + ' kB'} · ` +
    `${fmt(corpus.words)} words · ${fmt(corpus.lines)} lines`;
  const text = typeof corpus.data === 'string' ? corpus.data.slice(0, 600) : new TextDecoder().decode(corpus.data.subarray(0, 600));
  $('corpus-preview').textContent = text.split('\n').slice(0, 4).join('\n');
}

function countWords(data) {
  let words = 0;
  let lines = 0;
  let inWord = false;
  const isString = typeof data === 'string';
  for (let i = 0; i < data.length; i++) {
    const c = isString ? data.charCodeAt(i) : data[i];
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (c === 10) lines++;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  if (data.length > 0 && (isString ? data.charCodeAt(data.length - 1) : data[data.length - 1]) !== 10) lines++;
  return { words, lines };
}

function setCorpus(corpus) {
  Object.assign(corpus, countWords(corpus.data));
  state.corpus = corpus;
  describeCorpus(corpus);
  showError('corpus-error', null);
  writeHash();
}

async function loadDefaultCorpus() {
  $('corpus-name').textContent = 'Loading the WordNet glosses…';
  const response = await fetch('/corpus/wordnet-glosses.txt');
  if (!response.ok) throw new Error(`the default corpus is missing (${response.status}); run \`node scripts/prepare-corpus.mjs\``);
  const bytes = await readStream(response.body, Number(response.headers.get('Content-Length')) || 0);
  setCorpus({ name: 'WordNet 3.1 glosses (default)', kind: 'default', data: new TextDecoder().decode(bytes), bytes: bytes.length });
}

// Reads a stream into one Uint8Array, showing a progress bar.
async function readStream(stream, total) {
  const reader = stream.getReader();
  const chunks = [];
  let received = 0;
  $('read-progress').hidden = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      setProgress('read-progress', total ? received / total : 0, `read ${(received / 1e6).toFixed(1)} MB${total ? ` of ${(total / 1e6).toFixed(1)} MB` : ''}`);
    }
  } finally {
    $('read-progress').hidden = true;
  }
  const out = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

// A vectors file starts with "count dim" (word2vec, .vec) or a word followed by numbers (GloVe).
function looksLikeVectors(bytes, name) {
  if (/\.(vec|bin)$/i.test(name)) return true;
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096));
  const first = head.split('\n')[0].trim();
  if (/^\d+\s+\d+$/.test(first)) return true;
  const fields = first.split(/\s+/);
  return fields.length > 10 && fields.slice(1).every((f) => f !== '' && Number.isFinite(Number(f)));
}

async function openFile(file) {
  showError('corpus-error', null);
  try {
    if (file.size === 0) throw new Error(`${file.name} is empty`);
    const bytes = await readStream(file.stream(), file.size);
    if (looksLikeVectors(bytes, file.name)) {
      const model = state.el.load(bytes, { name: file.name });
      adoptModel(model, `loaded from ${file.name}`);
      return;
    }
    if (bytes.includes(0)) throw new Error(`${file.name} looks like a binary file, not text or vectors`);
    setCorpus({ name: file.name, kind: 'file', data: bytes, bytes: bytes.length });
  } catch (error) {
    showError('corpus-error', error);
  }
}

// ---- training -----------------------------------------------------------------------------------

function resetChart() {
  state.loss = [[], []];
  const box = $('loss-chart');
  const width = Math.max(260, box.clientWidth || 360);
  if (!state.chart) {
    state.chart = new uPlot({
      width, height: 150,
      scales: { x: { time: false, range: [0, 100] } },
      axes: [{ label: 'progress %', size: 36 }, { label: 'loss', size: 44 }],
      legend: { show: false },
      series: [{}, { label: 'loss', stroke: '#2f6fed', width: 1.5, points: { show: false } }],
    }, state.loss, box);
  } else {
    state.chart.setSize({ width, height: 150 });
  }
  state.chart.setData(state.loss);
}

function renderProgress(p, threads) {
  setProgress('train-progress', p.fraction, `${(100 * p.fraction).toFixed(1)}% · epoch ${p.epoch}`);
  $('train-stats').textContent = `${fmt(p.wordsPerSecond)} words/s${threads > 1 ? ` on ${threads} threads` : ''} · ` +
    `ETA ${clock(p.etaSeconds)} · loss ${p.averageLoss.toFixed(3)} · lr ${p.learningRate.toFixed(4)} · vocabulary ${fmt(p.vocabularySize)}`;
  if (p.averageLoss > 0) {
    state.loss[0].push(100 * p.fraction);
    state.loss[1].push(p.averageLoss);
    state.chart?.setData(state.loss);
  }
}

function renderProbes(neighbours) {
  const box = $('probes');
  box.replaceChildren();
  for (const [word, list] of Object.entries(neighbours)) {
    box.append(el('div', { class: 'probe' }, el('b', { text: word }), el('span', { text: list.map((n) => n.word).join(', ') })));
  }
}

async function startTraining() {
  showError('train-error', null);
  if (!state.corpus) {
    showError('train-error', new Error('choose a corpus first'));
    return;
  }
  let options;
  try {
    options = trainOptions();
  } catch (error) {
    showError('train-error', error);
    return;
  }
  writeHash();
  const corpusName = state.corpus.name;
  const controller = new AbortController();
  state.abort = controller;
  $('start').disabled = true;
  $('cancel').disabled = false;
  resetChart();
  $('probes').replaceChildren();
  setProgress('train-progress', 0, 'reading the corpus…');
  $('train-stats').textContent = '';
  try {
    const model = await state.el.trainInWorker(state.corpus.data, {
      ...options,
      signal: controller.signal,
      probes: PROBE_WORDS,
      probeEvery: 0.05,
      onProgress: (p) => renderProgress(p, options.threads),
      onProbe: (neighbours) => renderProbes(neighbours),
    });
    const t = model.training;
    setProgress('train-progress', 1, `done in ${(t.elapsedMs / 1000).toFixed(1)} s`);
    $('train-stats').textContent = `${fmt(t.wordsPerSecond)} words/s · ${fmt(t.vocabularySize)} words × ${model.dim} · ${t.epochs} epochs`;
    adoptModel(model, `trained on ${corpusName} (${options.model}, ${options.epochs} epochs, seed ${options.seed})`);
    renderProbes(Object.fromEntries(PROBE_WORDS.filter((w) => model.has(w)).map((w) => [w, model.mostSimilar(w, { topn: 5 })])));
  } catch (error) {
    if (error.name === 'AbortError') {
      setProgress('train-progress', 0, 'cancelled');
      $('train-stats').textContent = state.model ? 'Training cancelled; the previous model is kept.' : 'Training cancelled.';
    } else {
      setProgress('train-progress', 0, 'failed');
      showError('train-error', error);
    }
  } finally {
    state.abort = null;
    $('start').disabled = false;
    $('cancel').disabled = true;
  }
}

// ---- the explored model ----------------------------------------------------------------------

function adoptModel(model, label) {
  state.model?.dispose();
  state.model = model;
  state.modelLabel = label;
  const status = $('model-status');
  status.replaceChildren(el('b', { text: 'Model: ' }), `${fmt(model.size)} words × ${model.dim} dimensions, ${label}`);
  for (const id of ['neighbours-error', 'analogy-error', 'similarity-error', 'odd-error', 'map-error', 'export-error']) showError(id, null);
  state.sortedWords = null;
  const first = ['king', 'woman', 'water'].find((w) => model.has(w)) ?? model.words[0];
  $('word-input').value = first;
  showNeighbours(first);
  solveAnalogy();
  renderProbeTable();
  if (!$('tab-map').hidden) drawMap();
  else if (state.map) state.map.stale = true;
}

function requireModel(errorId) {
  if (!state.model) {
    showError(errorId, new Error('no model yet: train one or drop a vectors file'));
    return null;
  }
  return state.model;
}

function wordButton(word) {
  return el('button', { type: 'button', class: 'word', title: `explore ${word}`, text: word, onclick: () => exploreWord(word) });
}

function resultList(target, results) {
  const list = $(target);
  list.replaceChildren();
  results.forEach(({ word, similarity }, i) => {
    const bar = el('div', { class: 'simbar' }, el('div'));
    bar.firstChild.style.width = `${Math.max(0, similarity) * 100}%`;
    list.append(el('li', {}, el('span', { class: 'rank', text: String(i + 1) }), wordButton(word), bar,
      el('span', { class: 'value', text: similarity.toFixed(3) })));
  });
}

function exploreWord(word) {
  $('word-input').value = word;
  selectTab('explore');
  showNeighbours(word);
  if (state.map) state.map.pendingSelect = word;
}

function showNeighbours(word) {
  showError('neighbours-error', null);
  const model = requireModel('neighbours-error');
  if (!model) return;
  try {
    resultList('neighbours', model.mostSimilar(word.trim(), { topn: 15 }));
  } catch (error) {
    $('neighbours').replaceChildren();
    showError('neighbours-error', error);
  }
}

function solveAnalogy() {
  showError('analogy-error', null);
  const model = requireModel('analogy-error');
  if (!model) return;
  const f = $('analogy-form').elements;
  try {
    const results = model.analogy(f.a.value.trim(), f.b.value.trim(), f.c.value.trim(), { method: f.method.value, topn: 10 });
    resultList('analogy-results', results);
    state.analogy = [f.a.value.trim(), f.b.value.trim(), f.c.value.trim(), results[0]?.word];
    if (state.map?.index && !$('tab-map').hidden) drawMap();
  } catch (error) {
    $('analogy-results').replaceChildren();
    showError('analogy-error', error);
  }
}

// Autocomplete from the vocabulary: prefix matches, most frequent first.
function updateSuggestions() {
  const list = $('suggestions');
  const prefix = $('word-input').value.trim().toLowerCase();
  list.replaceChildren();
  if (!state.model || !prefix) {
    list.hidden = true;
    return;
  }
  const matches = [];
  for (const w of state.model.words) {
    if (w.startsWith(prefix)) matches.push(w);
    if (matches.length === 8) break;
  }
  matches.forEach((w, i) => list.append(el('li', { role: 'option', 'aria-selected': i === 0 ? 'true' : 'false', text: w,
    onmousedown: (e) => { e.preventDefault(); list.hidden = true; exploreWord(w); } })));
  list.hidden = matches.length === 0 || (matches.length === 1 && matches[0] === prefix);
}

function moveSuggestion(step) {
  const items = [...$('suggestions').children];
  if (!items.length) return false;
  const current = items.findIndex((li) => li.getAttribute('aria-selected') === 'true');
  const next = (current + step + items.length) % items.length;
  items.forEach((li, i) => li.setAttribute('aria-selected', i === next ? 'true' : 'false'));
  return true;
}

// ---- map ------------------------------------------------------------------------------------------

function ensurePlot() {
  if (state.map?.plot) return state.map;
  const canvas = $('map-canvas');
  const { width, height } = canvas.getBoundingClientRect();
  const plot = createScatterplot({
    canvas, width, height,
    pointSize: 3, pointSizeSelected: 3, pointColor: [0.33, 0.45, 0.7, 0.65], pointColorActive: [0.95, 0.45, 0.1, 1],
    pointColorHover: [0.1, 0.1, 0.1, 1], backgroundColor: [0.984, 0.988, 0.992, 1], lassoColor: [0.18, 0.44, 0.93, 1],
  });
  state.map = { ...(state.map ?? {}), plot, words: [], selected: null };
  plot.subscribe('pointOver', (i) => showTooltip(i));
  plot.subscribe('pointOut', () => { $('map-tooltip').hidden = true; });
  plot.subscribe('select', ({ points }) => { if (points.length === 1) selectOnMap(state.map.words[points[0]]); });
  plot.subscribe('deselect', () => { state.map.selected = null; state.map.highlight = []; drawOverlay(); });
  plot.subscribe('view', () => drawOverlay());
  new ResizeObserver(() => {
    const r = canvas.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      plot.set({ width: r.width, height: r.height });
      drawOverlay();
    }
  }).observe(canvas);
  return state.map;
}

// One draw at a time: a request during a draw is remembered and served when it ends.
function drawMap() {
  const map = state.map;
  if (map?.drawing) {
    map.redraw = true;
    return;
  }
  drawMapNow();
}

function drawMapNow() {
  showError('map-error', null);
  const model = requireModel('map-error');
  if (!model) return;
  const map = ensurePlot();
  const count = Math.max(100, Math.min(20000, Number($('map-count').value) || 2000));
  const include = (state.analogy ?? []).filter(Boolean).concat(map.pendingSelect ? [map.pendingSelect] : []);
  let projection;
  try {
    projection = model.project2d(count, { include: include.filter((w) => model.has(w)) });
  } catch (error) {
    showError('map-error', error);
    return;
  }
  const n = projection.coordinates.length / 2;
  const words = model.words.slice(0, projection.count).concat(projection.extraWords);
  let extent = 1e-9;
  for (const v of projection.coordinates) extent = Math.max(extent, Math.abs(v));
  const scale = 0.95 / extent;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = projection.coordinates[2 * i] * scale;
    y[i] = projection.coordinates[2 * i + 1] * scale;
  }
  Object.assign(map, { words, index: new Map(words.map((w, i) => [w, i])), stale: false, highlight: [], drawing: true });
  map.plot.draw({ x: Array.from(x), y: Array.from(y) }).then(() => {
    map.drawing = false;
    if (map.redraw) { // another draw was asked for meanwhile: serve it, skip this one's follow-ups
      map.redraw = false;
      drawMapNow();
      return;
    }
    const [v1, v2] = projection.explainedVariance;
    $('map-info').textContent = `PCA of the ${fmt(projection.count)} most frequent words (axes explain ${(100 * v1).toFixed(1)}% and ` +
      `${(100 * v2).toFixed(1)}% of the variance). Scroll to zoom, drag to pan, click a point to see its neighbours.`;
    if (state.zoomToAnalogy) {
      state.zoomToAnalogy = false;
      const ids = state.analogy.filter((w) => map.index.has(w)).map((w) => map.index.get(w));
      if (ids.length) map.plot.zoomToPoints(ids, { padding: 0.8, transition: true });
    }
    if (map.pendingSelect) {
      const word = map.pendingSelect;
      map.pendingSelect = null;
      if (map.index.has(word)) selectOnMap(word);
    }
    drawOverlay();
  }).catch((error) => {
    map.drawing = false;
    showError('map-error', error);
  });
}

function selectOnMap(word) {
  const map = state.map;
  if (!map?.index?.has(word)) return;
  map.selected = word;
  let neighbours = [];
  try {
    neighbours = state.model.mostSimilar(word, { topn: 10, restrict: map.words.length });
  } catch { /* the word is on the map, so it is known */ }
  map.highlight = neighbours.map((n) => n.word).filter((w) => map.index.has(w));
  map.plot.select([map.index.get(word), ...map.highlight.map((w) => map.index.get(w))], { preventEvent: true });
  drawOverlay();
}

function showTooltip(i) {
  const map = state.map;
  const tip = $('map-tooltip');
  const [sx, sy] = map.plot.getScreenPosition(i) ?? [];
  if (sx === undefined) return;
  tip.textContent = map.words[i];
  tip.style.left = `${sx + 8}px`;
  tip.style.top = `${sy - 24}px`;
  tip.hidden = false;
}

// Labels and the analogy parallelogram, drawn on a 2-D canvas above the WebGL points.
function drawOverlay() {
  const map = state.map;
  const canvas = $('map-overlay');
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!map?.index || !map.words.length) return;
  const at = (word) => (map.index.has(word) ? map.plot.getScreenPosition(map.index.get(word)) : null);
  const label = (word, color, bold) => {
    const p = at(word);
    if (!p) return;
    ctx.font = `${bold ? '600 ' : ''}12px system-ui, sans-serif`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.strokeText(word, p[0] + 5, p[1] - 5);
    ctx.fillStyle = color;
    ctx.fillText(word, p[0] + 5, p[1] - 5);
  };
  // Orientation labels: frequent words (past the function words), skipping any that would overlap.
  const placed = [];
  for (let i = 30; i < Math.min(map.words.length, 3000) && placed.length < 45; i++) {
    const p = map.plot.getScreenPosition(i);
    if (!p || p[0] < 0 || p[1] < 12 || p[0] > width - 40 || p[1] > height) continue;
    if (placed.some((q) => Math.abs(q[0] - p[0]) < 70 && Math.abs(q[1] - p[1]) < 16)) continue;
    placed.push(p);
    label(map.words[i], '#7d8799', false);
  }
  if (state.analogy?.every(Boolean)) {
    const [a, b, c, d] = state.analogy;
    const [pa, pb, pc, pd] = [a, b, c, d].map(at);
    if (pa && pb && pc && pd) {
      ctx.strokeStyle = '#7a5af8';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(...pa); ctx.lineTo(...pb); ctx.lineTo(...pd); ctx.lineTo(...pc); ctx.closePath();
      ctx.stroke();
      ctx.setLineDash([]);
      for (const [w, p] of [[a, pa], [b, pb], [c, pc], [d, pd]]) {
        ctx.fillStyle = w === d ? '#f04438' : '#7a5af8';
        ctx.beginPath();
        ctx.arc(p[0], p[1], 4, 0, 2 * Math.PI);
        ctx.fill();
      }
      for (const w of [a, b, c]) label(w, '#5925dc', true);
      label(d, '#d92d20', true);
    }
  }
  for (const w of map.highlight ?? []) label(w, '#b54708', false);
  if (map.selected) label(map.selected, '#1d2330', true);
}

function findOnMap(word) {
  showError('map-error', null);
  const map = state.map;
  if (!map?.index) return;
  const w = word.trim().toLowerCase();
  if (!w) return;
  if (!map.index.has(w)) {
    if (state.model?.has(w)) {
      map.pendingSelect = w; // placed on the current axes and selected once drawn
      drawMap();
    } else {
      showError('map-error', new Error(`'${w}' is not in the vocabulary`));
    }
    return;
  }
  selectOnMap(w);
  const ids = [map.index.get(w), ...map.highlight.map((x) => map.index.get(x))];
  map.plot.zoomToPoints(ids, { padding: 0.6, transition: true });
}

// ---- evaluation ---------------------------------------------------------------------------------

function renderProbeTable() {
  const body = $('probe-table').querySelector('tbody');
  body.replaceChildren();
  for (const [a, b, c, d] of PROBE_ANALOGIES) {
    let top = '—';
    let rank = 'not in vocabulary';
    let cls = 'miss';
    if (state.model && [a, b, c, d].every((w) => state.model.has(w))) {
      const results = state.model.analogy(a, b, c, { topn: 10 });
      top = results[0]?.word ?? '—';
      const r = results.findIndex((x) => x.word === d);
      rank = r >= 0 ? String(r + 1) : '> 10';
      cls = r === 0 ? 'hit' : 'miss';
    }
    body.append(el('tr', {},
      el('td', { text: `${a} : ${b} :: ${c} : ?` }), el('td', { text: d }),
      el('td', { text: top, class: top === d ? 'hit' : '' }), el('td', { text: rank, class: cls })));
  }
}

async function runBenchmark(file) {
  showError('eval-error', null);
  const model = requireModel('eval-error');
  if (!model) return;
  $('eval-sections').replaceChildren();
  $('eval-status').textContent = `evaluating ${file.name}…`;
  try {
    const text = await file.text();
    const report = await state.el.evaluateInWorker(model, text, { restrict: 30000 });
    if (state.model !== model) return; // a newer model replaced the one evaluated
    $('eval-status').textContent = `${file.name}: ${fmt(report.total.answered)} of ${fmt(report.total.questions)} questions answerable ` +
      `(${(100 * report.total.coverage).toFixed(1)}% coverage)`;
    const row = (s, extra = '') => {
      const bar = el('div', { class: 'bar' }, el('div'));
      bar.firstChild.style.width = `${100 * s.accuracy}%`;
      return el('div', { class: `section-row ${extra}` }, el('span', { text: s.name }), bar,
        el('span', { text: `${(100 * s.accuracy).toFixed(1)}% (${fmt(s.correct)}/${fmt(s.answered)})` }));
    };
    const box = $('eval-sections');
    for (const s of report.sections) box.append(row(s));
    box.append(row(report.semantic, 'total'), row(report.syntactic, 'total'), row(report.total, 'total'));
  } catch (error) {
    $('eval-status').textContent = '';
    showError('eval-error', error);
  }
}

// ---- export ---------------------------------------------------------------------------------------

function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function exportModel(format) {
  showError('export-error', null);
  const model = requireModel('export-error');
  if (!model) return;
  try {
    if (format === 'projector-tsv') {
      const { vectors, metadata } = model.save('projector-tsv');
      download(vectors, 'vectors.tsv', 'text/tab-separated-values');
      download(metadata, 'metadata.tsv', 'text/tab-separated-values');
    } else if (format === 'word2vec-binary') {
      download(model.save('word2vec-binary'), 'vectors.bin', 'application/octet-stream');
    } else {
      download(model.save('word2vec-text'), 'vectors.vec', 'text/plain');
    }
  } catch (error) {
    showError('export-error', error);
  }
}

// ---- tabs and wiring ------------------------------------------------------------------------------

function selectTab(name) {
  for (const button of document.querySelectorAll('.tabs button')) button.setAttribute('aria-selected', String(button.dataset.tab === name));
  for (const panel of document.querySelectorAll('.tab-panel')) panel.hidden = panel.id !== `tab-${name}`;
  if (name === 'map' && state.model && (!state.map?.words?.length || state.map.stale || state.map.pendingSelect)) drawMap();
}

function wire() {
  document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => selectTab(b.dataset.tab)));
  $('use-default').addEventListener('click', () => loadDefaultCorpus().catch((e) => showError('corpus-error', e)));
  $('show-paste').addEventListener('click', () => { $('paste-box').hidden = !$('paste-box').hidden; });
  $('use-paste').addEventListener('click', () => {
    const text = $('paste-text').value;
    if (!text.trim()) {
      showError('corpus-error', new Error('the pasted text is empty'));
      return;
    }
    setCorpus({ name: 'pasted text', kind: 'pasted', data: text, bytes: new TextEncoder().encode(text).length });
  });
  $('file-input').addEventListener('change', (e) => { if (e.target.files[0]) openFile(e.target.files[0]); e.target.value = ''; });
  const drop = $('dropzone');
  for (const type of ['dragenter', 'dragover']) document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const type of ['dragleave', 'drop']) document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => { const file = e.dataTransfer?.files?.[0]; if (file) openFile(file); });

  $('start').addEventListener('click', startTraining);
  $('cancel').addEventListener('click', () => state.abort?.abort());
  $('train-form').addEventListener('change', writeHash);
  $('share').addEventListener('click', async () => {
    writeHash();
    try {
      await navigator.clipboard.writeText(location.href);
      $('share').textContent = 'Link copied';
    } catch {
      $('share').textContent = 'Link is in the address bar';
    }
    setTimeout(() => { $('share').textContent = 'Copy share link'; }, 2000);
  });

  const input = $('word-input');
  input.addEventListener('input', updateSuggestions);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (moveSuggestion(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
    } else if (e.key === 'Enter') {
      const chosen = [...$('suggestions').children].find((li) => li.getAttribute('aria-selected') === 'true');
      const word = !$('suggestions').hidden && chosen ? chosen.textContent : input.value;
      $('suggestions').hidden = true;
      exploreWord(word);
    } else if (e.key === 'Escape') {
      $('suggestions').hidden = true;
    }
  });
  input.addEventListener('blur', () => { $('suggestions').hidden = true; });
  $('analogy-form').addEventListener('submit', (e) => { e.preventDefault(); solveAnalogy(); });
  $('analogy-form').elements.method.addEventListener('change', solveAnalogy);
  $('analogy-map').addEventListener('click', () => {
    solveAnalogy();
    if (!state.analogy?.every(Boolean)) return;
    state.zoomToAnalogy = true;
    selectTab('map');
    if (state.map?.index && !state.map.stale) drawMap();
  });
  $('similarity-form').addEventListener('submit', (e) => {
    e.preventDefault();
    showError('similarity-error', null);
    const model = requireModel('similarity-error');
    if (!model) return;
    const f = e.target.elements;
    try {
      const s = model.similarity(f.a.value.trim(), f.b.value.trim());
      $('similarity-result').replaceChildren(el('div', { class: 'big-number', text: s.toFixed(3) }));
    } catch (error) {
      $('similarity-result').replaceChildren();
      showError('similarity-error', error);
    }
  });
  $('odd-form').addEventListener('submit', (e) => {
    e.preventDefault();
    showError('odd-error', null);
    const model = requireModel('odd-error');
    if (!model) return;
    try {
      const words = e.target.elements.words.value.split(/[\s,]+/).filter(Boolean);
      const odd = model.doesntMatch(words);
      $('odd-result').replaceChildren(el('div', { class: 'big-number' }, wordButton(odd)));
    } catch (error) {
      $('odd-result').replaceChildren();
      showError('odd-error', error);
    }
  });

  const syncCount = (value) => { $('map-count').value = value; $('map-count-range').value = value; };
  $('map-count').addEventListener('change', (e) => { syncCount(e.target.value); drawMap(); });
  $('map-count-range').addEventListener('input', (e) => syncCount(e.target.value));
  $('map-count-range').addEventListener('change', () => drawMap());
  $('map-search').addEventListener('keydown', (e) => { if (e.key === 'Enter') findOnMap(e.target.value); });
  $('map-reset').addEventListener('click', () => state.map?.plot?.reset());

  $('questions-input').addEventListener('change', (e) => { if (e.target.files[0]) runBenchmark(e.target.files[0]); e.target.value = ''; });
  document.querySelectorAll('[data-export]').forEach((b) => b.addEventListener('click', () => exportModel(b.dataset.export)));
}

async function main() {
  wire();
  const params = readHash();
  state.el = await init({ threads: false }); // queries on this thread; training runs in a Worker
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  $('badge-simd').textContent = `WebAssembly SIMD · ${state.el.isa}`;
  $('badge-simd').className = 'badge ok';
  const threads = $('badge-threads');
  threads.textContent = isolated ? `multi-threading available (${cores} cores)` : 'single-threaded (page not cross-origin isolated)';
  threads.className = `badge ${isolated ? 'ok' : 'warn'}`;
  const threadInput = $('train-form').elements.threads;
  threadInput.max = isolated ? String(cores) : '1';
  $('threads-hint').textContent = isolated
    ? `Training runs in a background worker; up to ${cores} threads here. One thread + a seed reproduces a run exactly.`
    : 'This page is not cross-origin isolated, so training uses one thread (in a background worker).';
  if (!isolated) threadInput.value = '1';
  renderProbeTable();
  resetChart();
  if (params.get('corpus') !== 'custom') {
    try {
      await loadDefaultCorpus();
    } catch (error) {
      showError('corpus-error', error);
    }
  } else {
    $('corpus-name').textContent = 'This link used a custom corpus: paste or open it to reproduce the run.';
  }
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  showError('corpus-error', error);
  document.body.dataset.ready = 'error';
});
