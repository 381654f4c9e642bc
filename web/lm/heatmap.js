// A heatmap of real numbers on a canvas: blue below zero, white at zero, red above, on a scale the
// caller gives (so several heatmaps can share one). A cursor (mouse or arrow keys; the canvas takes
// the focus) picks a cell and reports it through onCursor, which is how panels show the values
// under it as text. Labels along the bottom (columns) and left (rows) are drawn on the canvas too.
import { el } from '../dom.js';

const LABEL_FONT = '11px system-ui, sans-serif';

/** The colour of `value` on a diverging scale of ±scale (CSS rgb()). */
export function divergingColour(value, scale) {
  const t = Math.max(-1, Math.min(1, scale > 0 ? value / scale : 0));
  const [r, g, b] = t >= 0 ? [214, 55, 46] : [37, 99, 235];
  const a = Math.abs(t);
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/**
 * createHeatmap({ label, onCursor }) → { canvas, draw(data), setCursor(row, col), cursor() }.
 * data: { rows, cols, value(row, col), scale, cell: [width, height], colLabels?, rowLabels?, labelEvery? }.
 */
export function createHeatmap({ label, onCursor = () => {} }) {
  const canvas = el('canvas', { class: 'heatmap', tabindex: '0', role: 'img', 'aria-label': label });
  let data = null;
  let at = null; // { row, col }
  let geometry = { left: 0, top: 0, cw: 1, ch: 1 };

  function draw(next) {
    data = next;
    const { rows, cols, cell: [cw, ch], colLabels = [], rowLabels = [] } = data;
    const ctx = canvas.getContext('2d');
    ctx.font = LABEL_FONT;
    const left = rowLabels.length ? Math.ceil(Math.max(...rowLabels.map((l) => ctx.measureText(l).width))) + 6 : 0;
    const bottom = colLabels.length ? Math.min(90, Math.ceil(Math.max(0, ...colLabels.map((l) => ctx.measureText(l).width))) + 8) : 0;
    geometry = { left, top: 2, cw, ch };
    const width = left + cols * cw + 2;
    const height = 2 + rows * ch + bottom + 2;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = divergingColour(data.value(r, c), data.scale);
        ctx.fillRect(left + c * cw, 2 + r * ch, cw, ch);
      }
    }
    ctx.strokeStyle = '#d0d5dd';
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, 2.5, cols * cw - 1, rows * ch - 1);
    ctx.fillStyle = '#475467';
    ctx.font = LABEL_FONT;
    const every = data.labelEvery ?? 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    rowLabels.forEach((l, r) => { if (r % every === 0) ctx.fillText(l, left - 4, 2 + (r + 0.5) * ch); });
    ctx.textAlign = 'right';
    colLabels.forEach((l, c) => {
      if (c % every !== 0) return;
      ctx.save();
      ctx.translate(left + (c + 0.5) * cw, 2 + rows * ch + 4);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(l, 0, 0);
      ctx.restore();
    });
    if (at && (at.row >= rows || at.col >= cols)) at = null;
    if (at) outline(at);
  }

  function outline({ row, col }) {
    const ctx = canvas.getContext('2d');
    const { left, top, cw, ch } = geometry;
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = 2;
    ctx.strokeRect(left + col * cw + 1, top + row * ch + 1, Math.max(2, cw - 2), Math.max(2, ch - 2));
  }

  function setCursor(row, col, { silent = false } = {}) {
    if (!data) return;
    const next = { row: Math.max(0, Math.min(data.rows - 1, row)), col: Math.max(0, Math.min(data.cols - 1, col)) };
    const moved = !at || at.row !== next.row || at.col !== next.col;
    at = next;
    draw(data);
    if (moved && !silent) onCursor(at);
  }

  canvas.addEventListener('mousemove', (event) => {
    if (!data) return;
    const box = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - box.left - geometry.left) / geometry.cw);
    const row = Math.floor((event.clientY - box.top - geometry.top) / geometry.ch);
    if (row >= 0 && col >= 0 && row < data.rows && col < data.cols) setCursor(row, col);
  });
  canvas.addEventListener('keydown', (event) => {
    if (!data) return;
    const step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
    if (!step) return;
    event.preventDefault();
    const { row = 0, col = 0 } = at ?? {};
    setCursor(at ? row + step[0] : 0, at ? col + step[1] : 0);
  });

  return { canvas, draw, setCursor, cursor: () => at };
}

/** Cosine similarity of every pair of `rows` (arrays of numbers): an n×n Float32Array. */
export function similarityMatrix(rows) {
  const n = rows.length;
  const norms = rows.map((r) => Math.sqrt(r.reduce((s, v) => s + v * v, 0)) || 1);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < rows[i].length; k++) dot += rows[i][k] * rows[j][k];
      out[i * n + j] = out[j * n + i] = dot / (norms[i] * norms[j]);
    }
  }
  return out;
}
