// Map: the most frequent words flattened to two dimensions by PCA (WebGL points, with labels and an
// analogy's parallelogram drawn on a 2-D canvas above them). It draws when its tab is shown, and an
// analogy only when someone asks for one ('show-analogy').
import createScatterplot from 'regl-scatterplot';
import { fmt, html, requireModel, showError } from '../dom.js';

const markup = () => html`
  <div class="row map-controls">
    <label>Words <input id="map-count" type="number" min="100" max="20000" step="100" value="2000"></label>
    <input id="map-count-range" type="range" min="100" max="20000" step="100" value="2000" aria-label="number of words on the map">
    <input id="map-search" type="search" placeholder="find on map" aria-label="find a word on the map (Enter)" spellcheck="false">
    <button type="button" id="map-reset">Reset view</button>
  </div>
  <p class="error" id="map-error" role="alert"></p>
  <div class="map" id="map">
    <canvas id="map-canvas" aria-label="word map: scroll to zoom, drag to pan, click a point" role="img"></canvas>
    <canvas id="map-overlay" aria-hidden="true"></canvas>
    <div class="tooltip" id="map-tooltip" hidden></div>
  </div>
  <p class="hint" id="map-analogy" aria-live="polite"></p>
  <p class="hint" id="map-info">No model yet: train one or open a vectors file, and its most frequent words are drawn here.</p>`;

const ANALOGY_COLOUR = '#7a5af8';

export default {
  id: 'map',
  title: 'Map',
  place: 'tab',
  about: 'The most frequent words, flattened from many dimensions to two by PCA: points close together have ' +
    'similar vectors. Two directions cannot show everything, so some neighbours end up apart.',

  markup,

  mount(section, { store, $ }) {
    const errorBox = $('#map-error');
    const map = {
      plot: null, words: [], index: null, highlight: [], selected: null,
      stale: true,          // the points belong to an older model or word count
      analogy: null,        // [a, b, c, d] asked for with 'show-analogy', drawn as a parallelogram
      zoomToAnalogy: false,
      pendingSelect: null,  // a word to select once drawn
      drawing: false, redraw: false,
    };
    const visible = () => store.get('tab') === 'map';
    const model = () => store.get('model')?.model ?? null;

    function ensurePlot() {
      if (map.plot) return;
      const canvas = $('#map-canvas');
      const { width, height } = canvas.getBoundingClientRect();
      map.plot = createScatterplot({
        canvas, width, height,
        pointSize: 3, pointSizeSelected: 3, pointColor: [0.33, 0.45, 0.7, 0.65], pointColorActive: [0.95, 0.45, 0.1, 1],
        pointColorHover: [0.1, 0.1, 0.1, 1], backgroundColor: [0.984, 0.988, 0.992, 1], lassoColor: [0.18, 0.44, 0.93, 1],
      });
      map.plot.subscribe('pointOver', showTooltip);
      map.plot.subscribe('pointOut', () => { $('#map-tooltip').hidden = true; });
      map.plot.subscribe('select', ({ points }) => { if (points.length === 1) selectOnMap(map.words[points[0]]); });
      map.plot.subscribe('deselect', () => { map.selected = null; map.highlight = []; drawOverlay(); });
      map.plot.subscribe('view', drawOverlay);
      new ResizeObserver(() => {
        const r = canvas.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) {
          map.plot.set({ width: r.width, height: r.height });
          drawOverlay();
        }
      }).observe(canvas);
    }

    // One draw at a time: a request during a draw is remembered and served when it ends.
    function drawMap() {
      if (map.drawing) {
        map.redraw = true;
        return;
      }
      drawMapNow();
    }

    function drawMapNow() {
      showError(errorBox, null);
      const m = requireModel(store, errorBox);
      if (!m) return;
      ensurePlot();
      const count = Math.max(100, Math.min(20000, Number($('#map-count').value) || 2000));
      const include = [...(map.analogy ?? []), ...(map.pendingSelect ? [map.pendingSelect] : [])].filter((w) => m.has(w));
      let projection;
      try {
        projection = m.project2d(count, { include });
      } catch (e) {
        showError(errorBox, e);
        return;
      }
      const n = projection.coordinates.length / 2;
      const words = m.words.slice(0, projection.count).concat(projection.extraWords);
      let extent = 1e-9;
      for (const v of projection.coordinates) extent = Math.max(extent, Math.abs(v));
      const scale = 0.95 / extent;
      const x = new Array(n);
      const y = new Array(n);
      for (let i = 0; i < n; i++) {
        x[i] = projection.coordinates[2 * i] * scale;
        y[i] = projection.coordinates[2 * i + 1] * scale;
      }
      Object.assign(map, { words, index: new Map(words.map((w, i) => [w, i])), stale: false, highlight: [], selected: null, drawing: true });
      map.plot.draw({ x, y }).then(() => {
        map.drawing = false;
        if (map.redraw) { // another draw was asked for meanwhile: serve it, skip this one's follow-ups
          map.redraw = false;
          drawMapNow();
          return;
        }
        const [v1, v2] = projection.explainedVariance;
        $('#map-info').textContent = `PCA of the ${fmt(projection.count)} most frequent words (axes explain ${(100 * v1).toFixed(1)}% and ` +
          `${(100 * v2).toFixed(1)}% of the variance). Scroll to zoom, drag to pan, click a point to see its neighbours.`;
        if (map.zoomToAnalogy && map.analogy) {
          map.zoomToAnalogy = false;
          const ids = map.analogy.filter((w) => map.index.has(w)).map((w) => map.index.get(w));
          if (ids.length) map.plot.zoomToPoints(ids, { padding: 0.8, transition: true });
        }
        if (map.pendingSelect) {
          const word = map.pendingSelect;
          map.pendingSelect = null;
          if (map.index.has(word)) selectOnMap(word);
        }
        drawOverlay();
      }).catch((e) => {
        map.drawing = false;
        showError(errorBox, e);
      });
    }

    function selectOnMap(word) {
      if (!map.index?.has(word)) return;
      map.selected = word;
      let neighbours = [];
      try {
        neighbours = model().mostSimilar(word, { topn: 10, restrict: map.words.length });
      } catch { /* the word is on the map, so it is known */ }
      map.highlight = neighbours.map((n) => n.word).filter((w) => map.index.has(w));
      map.plot.select([map.index.get(word), ...map.highlight.map((w) => map.index.get(w))], { preventEvent: true });
      drawOverlay();
    }

    function showTooltip(i) {
      const tip = $('#map-tooltip');
      const [sx, sy] = map.plot.getScreenPosition(i) ?? [];
      if (sx === undefined) return;
      tip.textContent = map.words[i];
      tip.style.left = `${sx + 8}px`;
      tip.style.top = `${sy - 24}px`;
      tip.hidden = false;
    }

    // Labels and the analogy parallelogram, drawn on a 2-D canvas above the WebGL points.
    function drawOverlay() {
      const canvas = $('#map-overlay');
      const ratio = window.devicePixelRatio || 1;
      const { width, height } = canvas.getBoundingClientRect();
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      const ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      $('#map-analogy').textContent = '';
      if (!map.index || !map.words.length) return;
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
      // Orientation labels: frequent words (past the function words), skipping any that would overlap
      // each other or the labels drawn below, or run off the right edge.
      ctx.font = '12px system-ui, sans-serif';
      const shown = [...(map.analogy ?? []), ...map.highlight, ...(map.selected ? [map.selected] : [])];
      const placed = shown.map(at).filter(Boolean);
      const reserved = placed.length;
      for (let i = 30; i < Math.min(map.words.length, 3000) && placed.length < reserved + 45; i++) {
        const p = map.plot.getScreenPosition(i);
        if (!p || p[0] < 0 || p[1] < 12 || p[0] + 8 + ctx.measureText(map.words[i]).width > width || p[1] > height) continue;
        if (placed.some((q) => Math.abs(q[0] - p[0]) < 70 && Math.abs(q[1] - p[1]) < 16)) continue;
        placed.push(p);
        label(map.words[i], '#7d8799', false);
      }
      const points = map.analogy?.map(at);
      if (points?.every(Boolean)) {
        const [a, b, c, d] = map.analogy;
        const [pa, pb, pc, pd] = points;
        ctx.strokeStyle = ANALOGY_COLOUR;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(...pa); ctx.lineTo(...pb); ctx.lineTo(...pd); ctx.lineTo(...pc); ctx.closePath();
        ctx.stroke();
        ctx.setLineDash([]);
        for (const [w, p] of [[a, pa], [b, pb], [c, pc], [d, pd]]) {
          ctx.fillStyle = w === d ? '#f04438' : ANALOGY_COLOUR;
          ctx.beginPath();
          ctx.arc(p[0], p[1], 4, 0, 2 * Math.PI);
          ctx.fill();
        }
        for (const w of [a, b, c]) label(w, '#5925dc', true);
        label(d, '#d92d20', true);
        $('#map-analogy').textContent = `Dashed parallelogram: ${a} is to ${b} as ${c} is to ${d}.`;
      }
      for (const w of map.highlight) label(w, '#b54708', false);
      if (map.selected) label(map.selected, '#1d2330', true);
    }

    function findOnMap(word) {
      showError(errorBox, null);
      if (!map.index) return;
      const w = word.trim().toLowerCase();
      if (!w) return;
      if (!map.index.has(w)) {
        if (model()?.has(w)) {
          map.pendingSelect = w; // placed on the current axes and selected once drawn
          drawMap();
        } else {
          showError(errorBox, new Error(`'${w}' is not in the vocabulary`));
        }
        return;
      }
      selectOnMap(w);
      const ids = [map.index.get(w), ...map.highlight.map((x) => map.index.get(x))];
      map.plot.zoomToPoints(ids, { padding: 0.6, transition: true });
    }

    const syncCount = (value) => { $('#map-count').value = value; $('#map-count-range').value = value; };
    $('#map-count').addEventListener('change', (e) => { syncCount(e.target.value); drawMap(); });
    $('#map-count-range').addEventListener('input', (e) => syncCount(e.target.value));
    $('#map-count-range').addEventListener('change', () => drawMap());
    $('#map-search').addEventListener('keydown', (e) => { if (e.key === 'Enter') findOnMap(e.target.value); });
    $('#map-reset').addEventListener('click', () => map.plot?.reset());

    store.on('model', () => {
      map.stale = true;
      map.analogy = null;
      if (visible()) drawMap();
    });
    store.on('tab', (tab) => {
      if (tab === 'map' && model() && (map.stale || map.pendingSelect)) drawMap();
    });
    store.on('explore-word', (word) => { map.pendingSelect = word; });
    store.on('show-analogy', (words) => {
      map.analogy = words;
      map.zoomToAnalogy = true;
      map.stale = true; // the analogy's words must be placed on the axes
      if (visible()) drawMap();
    });
  },
};
