// Map: the words flattened to two dimensions by PCA, t-SNE, UMAP or two semantic axes (computed by
// the engine in the worker, drawn as they converge), the map moving while a model trains, and the
// Projector's tools: a word's neighbours with distances, isolating them, colour by frequency or
// cluster, search. Drawing is web/map-view.js; which words get labels is web/map-labels.js.
import { el, fmt, html, plural, requireModel, setProgress, showError } from '../dom.js';
import { isContentWord, placeLabels } from '../map-labels.js';
import { createMapView } from '../map-view.js';

const METHOD_NAMES = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP', axes: 'Semantic axes' };
const CLUSTERS = 12;
const ANALOGY_COLOUR = '#7a5af8';
// Colours as ImageData words (0xAABBGGRR).
const rgba = (hex) => (0xff000000 | (parseInt(hex.slice(5, 7), 16) << 16) | (parseInt(hex.slice(3, 5), 16) << 8) | parseInt(hex.slice(1, 3), 16)) >>> 0;
const PLAIN = rgba('#6f86b8');
const UNCLUSTERED = rgba('#c3c8d2');
// Tableau-like categorical colours, distinct for the 12 clusters.
const CLUSTER_HEX = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
  '#79706e', '#17becf', '#bcbd22'];
const CLUSTER_COLOURS = CLUSTER_HEX.map(rgba);
// Frequent (dark blue) to rare (light yellow): viridis-like, 8 steps.
const FREQUENCY_COLOURS = ['#440154', '#46327e', '#365c8d', '#277f8e', '#1fa187', '#4ac16d', '#a0da39', '#fde725'].map(rgba);

const markup = () => html`
  <div class="row map-controls">
    <label>Method <select id="map-method">
      <option value="pca">PCA</option><option value="tsne">t-SNE</option><option value="umap">UMAP</option><option value="axes">Semantic axes</option>
    </select></label>
    <label>Words <input id="map-count" type="number" min="10" max="1000000" step="100" value="2000"></label>
    <input id="map-count-range" type="range" min="100" max="20000" step="100" value="2000" aria-label="number of words on the map">
    <button type="button" id="map-all">All words</button>
    <button type="button" class="primary" id="map-draw">Draw</button>
    <button type="button" id="map-cancel" disabled>Cancel</button>
  </div>
  <fieldset class="row map-axes" id="map-axes" hidden>
    <legend class="sr-only">Semantic axes</legend>
    <span class="axis"><span class="axis-name">x</span>
    <input id="axis-x-from" value="man" aria-label="x axis goes from this word" spellcheck="false"><span aria-hidden="true">→</span>
    <input id="axis-x-to" value="woman" aria-label="x axis goes to this word" spellcheck="false"></span>
    <span class="axis"><span class="axis-name">y</span>
    <input id="axis-y-from" value="ordinary" aria-label="y axis goes from this word" spellcheck="false"><span aria-hidden="true">→</span>
    <input id="axis-y-to" value="royal" aria-label="y axis goes to this word" spellcheck="false"></span>
  </fieldset>
  <div class="progress slim" id="map-progress" role="progressbar" aria-label="map progress" aria-valuemin="0" aria-valuemax="100" hidden>
    <div class="bar"></div><span class="label"></span>
  </div>
  <div class="row map-controls">
    <label>Colour <select id="map-colour">
      <option value="none">one colour</option><option value="frequency">by frequency</option><option value="clusters">by cluster (k-means)</option>
    </select></label>
    <input id="map-search" type="search" placeholder="find on map" aria-label="find a word on the map (Enter)" spellcheck="false">
    <button type="button" id="map-reset">Reset view</button>
  </div>
  <p class="error" id="map-error" role="alert"></p>
  <div class="map" id="map">
    <canvas id="map-canvas" tabindex="0" role="img" aria-describedby="map-info"
      aria-label="word map: arrow keys pan, + and - zoom, 0 resets; scroll to zoom, drag to pan, click a point"></canvas>
    <canvas id="map-overlay" aria-hidden="true"></canvas>
    <div class="tooltip" id="map-tooltip" hidden></div>
  </div>
  <p class="hint" id="map-legend"></p>
  <p class="hint" id="map-analogy" aria-live="polite"></p>
  <p class="hint" id="map-info">No model yet: train one or open a vectors file, and its most frequent words are drawn here.</p>
  <section class="map-word" id="map-word" aria-labelledby="map-word-title" hidden>
    <h3 id="map-word-title"></h3>
    <div class="row">
      <label>Neighbours <input id="map-k" type="number" min="1" max="200" value="10"></label>
      <label>Distance <select id="map-metric"><option value="cosine">cosine</option><option value="euclidean">euclidean</option></select></label>
      <button type="button" id="map-isolate">Isolate and re-project them</button>
      <button type="button" id="map-show-all" hidden>Show all words again</button>
    </div>
    <ol class="results map-neighbours" id="map-neighbours" aria-labelledby="map-word-title"></ol>
  </section>
  <details class="map-words">
    <summary id="map-words-summary">Words labelled on the map</summary>
    <ul id="map-words"></ul>
  </details>`;

export default {
  id: 'map',
  title: 'Map',
  place: 'tab',
  about: 'Words flattened from many dimensions to two: points close together have similar vectors. PCA keeps the ' +
    'widest directions, t-SNE and UMAP keep each word\'s neighbours close, and semantic axes put two word ' +
    'differences (like man → woman) on x and y. While a model trains, the map moves as its words find their places.',

  markup,

  mount(section, { store, $ }) {
    const errorBox = $('#map-error');
    const box = $('#map');
    const map = {
      layout: null,         // { mode, words, coordinates, note } as drawn (coordinates: the engine's output, aligned)
      index: new Map(),     // word -> point
      full: null,           // the whole map while neighbours are isolated
      selected: null, highlight: [], analogy: null, zoomToAnalogy: false, pendingSelect: null,
      stale: true, job: null, frames: 0, colourKey: null, labels: [],
    };
    const model = () => store.get('model')?.model ?? null;
    const visible = () => store.get('tab') === 'map';
    const method = () => $('#map-method').value;
    const view = createMapView({
      canvas: $('#map-canvas'), overlay: $('#map-overlay'),
      onPick: (i) => (i >= 0 ? selectWord(map.layout.words[i]) : clearSelection()),
      onHover: showTooltip,
      drawOverlay,
    });
    // For the page's tests and anyone curious in the console: what the map shows, as numbers.
    Object.defineProperty(box, 'layout', {
      get: () => map.layout && {
        ...map.layout, shown: view.shown.slice(), frames: map.frames,
        labels: map.labels.map((l) => l.text), labelBoxes: map.labels.map((l) => l.box),
      },
    });

    // ---- layouts -----------------------------------------------------------------------------------

    /**
     * Shows `layout` ({ mode, words, coordinates, note }). The same words as now are turned onto the
     * present map first (Procrustes in the engine) and move there; other words are drawn at once.
     * Semantic axes are never turned: their directions are the meaning of the map.
     */
    async function show(layout) {
      const previous = map.layout;
      const same = previous && previous.words.length === layout.words.length && previous.words.every((w, i) => w === layout.words[i]);
      if (same && layout.words.length >= 3 && layout.mode !== 'axes') {
        try {
          layout.coordinates = store.get('engine').alignLayout(layout.coordinates, previous.coordinates, 2).points;
        } catch { /* a degenerate layout is drawn as it is */ }
      }
      map.layout = layout;
      map.index = new Map(layout.words.map((w, i) => [w, i]));
      if (!same) {
        map.highlight = [];
        if (!map.index.has(map.selected)) map.selected = null;
      }
      $('#map-info').textContent = layout.note;
      const drawn = view.setPoints(layout.coordinates, colours(layout.words), { animate: same });
      if (!same) view.reset();
      await drawn;
      afterDraw();
    }

    function afterDraw() {
      if (map.zoomToAnalogy && map.analogy) {
        map.zoomToAnalogy = false;
        view.zoomTo(map.analogy.map((w) => map.index.get(w) ?? -1), 2.2);
      }
      if (map.pendingSelect) {
        const word = map.pendingSelect;
        map.pendingSelect = null;
        if (map.index.has(word)) findOnMap(word);
      }
      if (map.selected) selectWord(map.selected);
      listLabels();
    }

    const wordCount = (m) => Math.max(10, Math.min(m.size, Math.round(Number($('#map-count').value) || 2000)));

    // The engine's map of the `count` most frequent words (and any other words asked for) by the chosen method.
    async function drawMap() {
      showError(errorBox, null);
      const m = requireModel(store, errorBox);
      if (!m) return;
      map.job?.abort();
      map.full = null;
      $('#map-show-all').hidden = true;
      const count = wordCount(m);
      const chosen = method();
      const include = [...(drawnAnalogy(chosen) ?? []), ...(map.pendingSelect ? [map.pendingSelect] : []), ...(chosen === 'axes' ? axisWords() : [])]
        .filter((w, i, all) => w && m.has(w) && all.indexOf(w) === i);
      try {
        if (chosen === 'pca') {
          const p = m.project2d(count, { include });
          map.stale = false;
          await show({
            mode: 'pca', words: m.words.slice(0, p.count).concat(p.extraWords), coordinates: p.coordinates,
            note: `PCA of the ${fmt(p.count)} most frequent words (axes explain ${(100 * p.explainedVariance[0]).toFixed(1)}% and ` +
              `${(100 * p.explainedVariance[1]).toFixed(1)}% of the variance). Scroll to zoom, drag to pan, click a point to see its neighbours.`,
          });
          return;
        }
        await runInWorker(m, chosen, count, include);
      } catch (e) {
        if (e.name !== 'AbortError') showError(errorBox, e);
      }
    }

    // t-SNE, UMAP and semantic axes run in the worker; intermediate layouts are drawn as they come.
    async function runInWorker(m, chosen, count, include) {
      const engine = store.get('engine');
      const controller = new AbortController();
      map.job = controller;
      const progress = $('#map-progress');
      progress.hidden = false;
      $('#map-cancel').disabled = false;
      setProgress(progress, 0, `${METHOD_NAMES[chosen]}: starting…`);
      const started = performance.now();
      const words = m.words.slice(0, count).concat(include.filter((w) => rowOf(m, w) >= count));
      const options = projectionOptions(chosen, words.length > count ? { words } : { limit: count });
      const note = describeLayout(chosen, count, options);
      try {
        const result = await engine.projectInWorker(m, {
          ...options,
          signal: controller.signal,
          onProgress: (p) => {
            const seconds = (performance.now() - started) / 1000;
            const eta = p.fraction > 0.02 ? seconds * (1 - p.fraction) / p.fraction : NaN;
            const stage = p.stage === 'neighbours' ? 'finding neighbours' : `step ${fmt(p.iteration)} of ${fmt(p.iterations)}`;
            setProgress(progress, p.fraction, `${METHOD_NAMES[chosen]}: ${(100 * p.fraction).toFixed(0)}%, ${stage} · ${seconds.toFixed(1)} s` +
              (Number.isFinite(eta) ? ` · about ${Math.ceil(eta)} s left` : ''));
            if (p.coords && controller === map.job) show({ mode: chosen, words, coordinates: p.coords, note: `${note} (converging…)` });
          },
        });
        if (controller !== map.job) return;
        map.stale = false;
        await show({ mode: chosen, words: result.words, coordinates: result.coords, note });
        setProgress(progress, 1, `${METHOD_NAMES[chosen]}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        if (controller === map.job) {
          map.job = null;
          $('#map-cancel').disabled = true;
          if (controller.signal.aborted) setProgress(progress, 0, `${METHOD_NAMES[chosen]}: cancelled`);
        }
      }
    }

    // The analogy drawn as a parallelogram: the one someone asked to show, or on semantic axes the
    // Explore panel's current analogy (the seed man : king :: woman : queen), which those axes are for.
    const drawnAnalogy = (mode) => map.analogy ?? (mode === 'axes' ? store.get('analogy') ?? null : null);
    const axisWords = () => ['#axis-x-from', '#axis-x-to', '#axis-y-from', '#axis-y-to'].map((id) => $(id).value.trim().toLowerCase());

    // What model.project() is asked for: `which` is { limit } (the most frequent words) or { words }.
    function projectionOptions(chosen, which) {
      const options = { method: chosen, seed: 1, threads: store.get('engine').maxThreads, ...which };
      if (chosen === 'axes') {
        // The engine puts the first word of an axis on the right (top): x = to − from.
        const [xFrom, xTo, yFrom, yTo] = axisWords();
        options.axes = { x: [xTo, xFrom], y: [yTo, yFrom] };
      }
      return options;
    }

    function describeLayout(chosen, count, options) {
      const what = `the ${fmt(count)} most frequent words`;
      if (chosen === 'axes') {
        const { x, y } = options.axes;
        return `Semantic axes of ${what}: left to right is ${x[1]} → ${x[0]}, bottom to top is ${y[1]} → ${y[0]} ` +
          '(each word at the cosine of its vector with the two differences); the parallelogram is the Explore panel\'s analogy.';
      }
      return `${METHOD_NAMES[chosen]} of ${what}: words close together here are close in all dimensions; ` +
        'distances between far-apart groups mean little. Scroll to zoom, drag to pan, click a point to see its neighbours.';
    }

    // ---- colours ------------------------------------------------------------------------------------

    const rows = new WeakMap(); // model -> Map(word -> row)
    function rowOf(m, word) {
      if (!rows.has(m)) rows.set(m, new Map(m.words.map((w, i) => [w, i])));
      return rows.get(m).get(word) ?? -1;
    }

    const clusterCache = new WeakMap(); // model -> { count, labels }
    function colours(words) {
      const m = model();
      const out = new Uint32Array(words.length).fill(PLAIN);
      const mode = $('#map-colour').value;
      $('#map-legend').textContent = '';
      if (!m || mode === 'none') return out;
      if (mode === 'frequency') {
        const top = Math.log(m.size + 1);
        words.forEach((w, i) => {
          const row = rowOf(m, w);
          out[i] = row < 0 ? UNCLUSTERED : FREQUENCY_COLOURS[Math.min(7, Math.floor(8 * Math.log(row + 1) / top))];
        });
        $('#map-legend').textContent = 'Colour: how frequent each word is, from dark purple (the most frequent) through green to yellow (the rarest).';
        return out;
      }
      const clusters = clusterCache.get(m);
      const need = Math.min(m.size, Math.max(...words.map((w) => rowOf(m, w) + 1), CLUSTERS));
      if (!clusters || clusters.count < need) {
        computeClusters(m, need);
        $('#map-legend').textContent = `Colour: finding ${CLUSTERS} clusters…`;
        return out;
      }
      words.forEach((w, i) => {
        const row = rowOf(m, w);
        out[i] = row >= 0 && row < clusters.count ? CLUSTER_COLOURS[clusters.labels[row]] : UNCLUSTERED;
      });
      $('#map-legend').textContent = `Colour: ${CLUSTERS} clusters of the ${fmt(clusters.count)} most frequent words by k-means on their ` +
        'unit vectors (in all dimensions, not on the map): one colour per cluster.';
      return out;
    }

    let clustering = null;
    async function computeClusters(m, count) {
      if (clustering?.model === m && clustering.count >= count) return;
      clustering = { model: m, count };
      try {
        const labels = await store.get('engine').clusterInWorker(m, CLUSTERS, { count, seed: 1 });
        if (m.disposed) return;
        clusterCache.set(m, { count, labels });
        if (m === model() && map.layout) view.setColours(colours(map.layout.words));
      } catch (e) {
        showError(errorBox, e);
      } finally {
        if (clustering?.model === m) clustering = null;
      }
    }

    // ---- a word and its neighbours ------------------------------------------------------------------

    const vectorsCache = new WeakMap(); // model -> Float32Array of all vectors (for euclidean distances)
    function neighbours(m, word, k, metric) {
      if (metric === 'cosine') return m.mostSimilar(word, { topn: k }).map((n) => ({ word: n.word, value: n.similarity }));
      if (!vectorsCache.has(m)) vectorsCache.set(m, m.vectors());
      const all = vectorsCache.get(m);
      const dim = m.dim;
      const self = rowOf(m, word);
      const best = []; // the k nearest so far, sorted by distance
      for (let r = 0; r < m.size; r++) {
        if (r === self) continue;
        let d = 0;
        for (let j = 0; j < dim; j++) {
          const t = all[r * dim + j] - all[self * dim + j];
          d += t * t;
        }
        if (best.length === k && d >= best[k - 1].value) continue;
        const at = best.findIndex((b) => b.value > d);
        best.splice(at < 0 ? best.length : at, 0, { row: r, value: d });
        if (best.length > k) best.pop();
      }
      return best.map((b) => ({ word: m.words[b.row], value: Math.sqrt(b.value) }));
    }

    function selectWord(word) {
      const m = model();
      if (!m || !map.index.has(word)) return;
      map.selected = word;
      const k = Math.max(1, Math.min(200, Math.round(Number($('#map-k').value) || 10)));
      const metric = $('#map-metric').value;
      let list = [];
      try {
        list = neighbours(m, word, k, metric);
      } catch (e) {
        showError(errorBox, e);
      }
      map.highlight = list.map((n) => n.word).filter((w) => map.index.has(w));
      $('#map-word').hidden = false;
      $('#map-word-title').textContent = `${word}: ${plural(list.length, 'nearest neighbour')} in all ${m.dim} dimensions (${metric})`;
      $('#map-neighbours').replaceChildren(...list.map((n, i) => el('li', {},
        el('span', { class: 'rank', text: String(i + 1) }),
        el('button', { type: 'button', class: 'word', text: n.word, onclick: () => findOnMap(n.word) }),
        el('span', { class: 'where', text: map.index.has(n.word) ? '' : 'not on this map' }),
        el('span', { class: 'value', text: metric === 'cosine' ? n.value.toFixed(3) : n.value.toFixed(2) }))));
      map.neighbourList = list;
      view.redraw();
    }

    function clearSelection() {
      map.selected = null;
      map.highlight = [];
      $('#map-word').hidden = true;
      view.redraw();
    }

    // Only the selected word and its k neighbours, projected on their own (the engine's PCA of just
    // these vectors), so their arrangement is not squeezed by the rest of the vocabulary.
    async function isolate() {
      const m = model();
      if (!m || !map.selected) return;
      showError(errorBox, null);
      const words = [map.selected, ...(map.neighbourList ?? []).map((n) => n.word)];
      const vectors = new Float32Array(words.length * m.dim);
      words.forEach((w, i) => vectors.set(m.vector(w), i * m.dim));
      const alone = store.get('engine').fromVectors(words, m.dim, vectors);
      try {
        const p = alone.project2d(words.length);
        map.full ??= map.layout;
        await show({
          mode: 'isolated', words, coordinates: p.coordinates,
          note: `${map.selected} and its ${plural(words.length - 1, 'nearest neighbour')} (${$('#map-metric').value}, in all ` +
            `${m.dim} dimensions), re-projected on their own by PCA. “Show all words again” goes back.`,
        });
        $('#map-show-all').hidden = false;
        $('#map-show-all').focus();
      } catch (e) {
        showError(errorBox, e);
      } finally {
        alone.dispose();
      }
    }

    async function showAll() {
      const full = map.full;
      map.full = null;
      $('#map-show-all').hidden = true;
      if (full) await show(full);
    }

    function findOnMap(raw) {
      showError(errorBox, null);
      const w = raw.trim().toLowerCase();
      if (!w || !map.layout) return;
      if (!map.index.has(w)) {
        if (model()?.has(w)) {
          map.pendingSelect = w; // placed on the map with the others and selected once drawn
          drawMap();
        } else {
          showError(errorBox, new Error(`'${w}' is not in the vocabulary`));
        }
        return;
      }
      selectWord(w);
      view.zoomTo([map.index.get(w), ...map.highlight.map((x) => map.index.get(x))]);
    }

    // ---- labels, marks and the text alternative -----------------------------------------------------

    function showTooltip(i, x, y) {
      const tip = $('#map-tooltip');
      if (i < 0 || !map.layout) {
        tip.hidden = true;
        return;
      }
      tip.textContent = map.layout.words[i];
      tip.style.left = `${x + 10}px`;
      tip.style.top = `${y - 26}px`;
      tip.hidden = false;
    }

    // Labels chosen by priority and placed without overlap (map-labels.js); marks for the selected
    // word, its neighbours and an analogy's parallelogram.
    function drawOverlay(ctx, { width, height }) {
      $('#map-analogy').textContent = '';
      map.labels = [];
      if (!map.layout) return;
      const at = (w) => (map.index.has(w) ? view.position(map.index.get(w)) : null);
      const dot = (p, colour, r) => {
        ctx.fillStyle = colour;
        ctx.beginPath();
        ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
        ctx.fill();
      };
      for (const w of map.highlight) {
        const p = at(w);
        if (p) dot(p, '#dc6803', 3.5);
      }
      const asked = drawnAnalogy(map.layout.mode);
      const analogy = asked?.every((w) => map.index.has(w)) ? asked : null;
      if (analogy) {
        const [pa, pb, pc, pd] = analogy.map(at);
        ctx.strokeStyle = ANALOGY_COLOUR;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(...pa); ctx.lineTo(...pb); ctx.lineTo(...pd); ctx.lineTo(...pc); ctx.closePath();
        ctx.stroke();
        ctx.setLineDash([]);
        analogy.forEach((w, i) => dot([pa, pb, pc, pd][i], i === 3 ? '#f04438' : ANALOGY_COLOUR, 4));
        $('#map-analogy').textContent = `Dashed parallelogram: ${analogy[0]} is to ${analogy[1]} as ${analogy[2]} is to ${analogy[3]}.`;
      }
      if (map.selected && at(map.selected)) {
        const p = at(map.selected);
        ctx.strokeStyle = '#1d2330';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(p[0], p[1], 6, 0, 2 * Math.PI);
        ctx.stroke();
      }

      // Candidates in priority order: asked-about words first, then content words by frequency.
      const style = new Map();
      const candidates = [];
      const add = (w, colour, weight) => {
        if (style.has(w) || !map.index.has(w)) return;
        const p = at(w);
        if (!p) return;
        style.set(w, { colour, weight });
        candidates.push({ text: w, x: p[0], y: p[1] });
      };
      if (map.selected) add(map.selected, '#1d2330', 700);
      if (map.layout.mode === 'axes') for (const w of axisWords()) add(w, '#067647', 700); // the words that define the axes
      (analogy ?? []).forEach((w, i) => add(w, i === 3 ? '#d92d20' : '#5925dc', 600));
      for (const w of map.highlight) add(w, '#b54708', 600);
      const priority = candidates.length;
      const words = map.layout.words;
      const max = Math.max(12, Math.min(90, Math.round((width * height) / 7000)));
      for (let i = 0; i < words.length && candidates.length < priority + max * 6; i++) {
        if (!isContentWord(words[i])) continue;
        const p = view.position(i);
        if (p[0] < 0 || p[1] < 0 || p[0] > width || p[1] > height) continue;
        add(words[i], '#475467', 400);
      }
      const widths = new Map();
      const measure = (text) => {
        const s = style.get(text);
        ctx.font = `${s.weight} 12px system-ui, sans-serif`;
        if (!widths.has(text)) widths.set(text, ctx.measureText(text).width);
        return widths.get(text);
      };
      map.labels = placeLabels(candidates, { width, height, measure, max: priority + max });
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.92)';
      for (const label of map.labels) {
        const s = style.get(label.text);
        ctx.font = `${s.weight} 12px system-ui, sans-serif`;
        ctx.strokeText(label.text, label.textX, label.textY);
        ctx.fillStyle = s.colour;
        ctx.fillText(label.text, label.textX, label.textY);
      }
      scheduleList();
    }

    // The text alternative: the words labelled on the map, as buttons (updated once drawing settles).
    let listTimer = null;
    function scheduleList() {
      clearTimeout(listTimer);
      listTimer = setTimeout(listLabels, 250);
    }
    function listLabels() {
      const words = map.labels.map((l) => l.text);
      $('#map-words-summary').textContent = map.layout
        ? `Words labelled on the map (${words.length} of ${fmt(map.layout.words.length)} points)` : 'Words labelled on the map';
      $('#map-words').replaceChildren(...words.map((w) => el('li', {},
        el('button', { type: 'button', class: 'word', text: w, onclick: () => findOnMap(w) }))));
    }

    // ---- the map while training ---------------------------------------------------------------------

    store.on('training-frame', (frame, progress) => {
      map.job?.abort();
      map.frames += 1;
      map.stale = true; // the finished model is drawn when it arrives
      const layout = {
        mode: 'training', words: frame.words, coordinates: frame.coordinates,
        note: `Training, ${(100 * progress.fraction).toFixed(0)}% done: PCA of the ${fmt(frame.words.length)} most frequent words' ` +
          'current vectors, each frame turned onto the one before (Procrustes) so points move only as far as their words do.',
      };
      if (visible()) show(layout);
      else map.layout = null; // drawn from the finished model when the tab is shown
    });
    store.on('training', ({ status }) => {
      if (status === 'running') map.frames = 0;
    });

    // ---- controls and the store ---------------------------------------------------------------------

    const syncCount = (value) => { $('#map-count').value = value; $('#map-count-range').value = value; };
    $('#map-count').addEventListener('change', (e) => { syncCount(e.target.value); drawMap(); });
    $('#map-count-range').addEventListener('input', (e) => syncCount(e.target.value));
    $('#map-count-range').addEventListener('change', () => drawMap());
    $('#map-all').addEventListener('click', () => {
      const m = model();
      if (!m) return;
      syncCount(m.size);
      drawMap();
    });
    $('#map-method').addEventListener('change', () => {
      $('#map-axes').hidden = method() !== 'axes';
      drawMap();
    });
    for (const id of ['#axis-x-from', '#axis-x-to', '#axis-y-from', '#axis-y-to']) {
      $(id).addEventListener('keydown', (e) => { if (e.key === 'Enter') drawMap(); });
    }
    $('#map-draw').addEventListener('click', drawMap);
    $('#map-cancel').addEventListener('click', () => map.job?.abort());
    $('#map-colour').addEventListener('change', () => { if (map.layout) view.setColours(colours(map.layout.words)); });
    $('#map-search').addEventListener('keydown', (e) => { if (e.key === 'Enter') findOnMap(e.target.value); });
    $('#map-reset').addEventListener('click', () => view.reset());
    $('#map-k').addEventListener('change', () => { if (map.selected) selectWord(map.selected); });
    $('#map-metric').addEventListener('change', () => { if (map.selected) selectWord(map.selected); });
    $('#map-isolate').addEventListener('click', isolate);
    $('#map-show-all').addEventListener('click', showAll);

    // t-SNE, UMAP and the semantic axes come from the engine's projections (model.project in the
    // worker); a build without them offers PCA only.
    store.on('engine', (engine) => {
      const available = typeof engine?.projectInWorker === 'function';
      for (const option of $('#map-method').options) {
        if (option.value !== 'pca') option.disabled = !available;
      }
    });

    store.on('model', (current) => {
      map.stale = true;
      map.analogy = null;
      map.full = null;
      $('#map-show-all').hidden = true;
      if (current) {
        $('#map-count').max = String(current.model.size);
        $('#map-count-range').max = String(Math.max(100, current.model.size));
      }
      if (map.layout?.mode !== 'training') clearSelection();
      if (visible()) drawMap();
    });
    store.on('tab', (tab) => {
      if (tab === 'map' && model() && (map.stale || map.pendingSelect) && !map.job) drawMap();
      else if (tab === 'map') view.redraw();
    });
    store.on('explore-word', (word) => { map.pendingSelect = word; });
    store.on('analogy', () => {
      if (map.layout?.mode === 'axes' && !map.analogy) map.stale = true; // its words must be on the axes
    });
    store.on('show-analogy', (words) => {
      map.analogy = words;
      map.zoomToAnalogy = true;
      map.stale = true; // the analogy's words must be placed on the axes
      if (visible()) drawMap();
    });
  },
};
