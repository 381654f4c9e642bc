// The input sum: for a sentence (and an optional second one) the rows a transformer adds up before
// its first layer — token embedding + position + segment = input — as four heatmaps with one
// column per token, from the real engine. The positional kind switches between untrained models
// (steps: 0, same seed) or the model trained in "Learning by prediction".
import { el, html, showError } from '../dom.js';
import { createHeatmap } from '../lm/heatmap.js';
import { maxAbs, num, rowsOf, tokenList } from '../lm/rows.js';
import { tokenChips, visiblePiece } from '../lm/tokens.js';
import { untrainedModels } from '../lm/untrained.js';
import { readUrlState, writeUrlState } from '../url-state.js';

const PARTS = [
  { key: 'token', title: 'token' },
  { key: 'position', title: 'position' },
  { key: 'segment', title: 'segment' },
  { key: 'sum', title: 'input (sum)' },
];
const TABLE_DIMENSIONS = 4; // the text alternative lists the first few dimensions of every token

const markup = () => html`
  <form class="lm-form" id="sum-form" autocomplete="off">
    <label>Sentence A <input name="a" value="the king sat on the throne" spellcheck="false"></label>
    <label>Sentence B (optional) <input name="b" value="he was tired" spellcheck="false"></label>
    <label>Positions <select name="positional">
      <option value="none">none</option><option value="sinusoidal">sinusoidal</option>
      <option value="learned" selected>learned</option><option value="rope">RoPE</option>
      <option value="trained" disabled>the trained model (panel 5)</option>
    </select></label>
  </form>
  <p class="error" id="sum-error" role="alert"></p>
  <ul class="chips" id="sum-tokens" role="list"></ul>
  <div class="sum-figure" id="sum-figure"></div>
  <p class="readout" id="sum-readout" aria-live="polite">Point at a cell (or focus a heatmap and use the arrow keys) to read its numbers.</p>
  <p class="hint" id="sum-note"></p>
  <details class="numbers">
    <summary>The numbers (first dimensions of every token)</summary>
    <table class="num-table" id="sum-table">
      <thead><tr><th scope="col">token</th><th scope="col">dim</th><th scope="col">token</th><th scope="col">+ position</th><th scope="col">+ segment</th><th scope="col">= sum</th></tr></thead>
      <tbody></tbody>
    </table>
  </details>`;

export default {
  id: 'input-sum',
  title: 'The input sum',
  place: 'transformer',
  wide: true,
  about: 'Before its first layer a transformer adds, for every token, three rows of numbers: what the token is, where it ' +
    'stands and which sentence it belongs to. Each column below is one token, each row one dimension; switch the ' +
    'positional kind and watch the sum change.',

  markup,

  mount(section, { store, $ }) {
    const form = $('#sum-form');
    const error = $('#sum-error');
    const untrained = untrainedModels(store);
    let shown = null; // { tokens, rows: { token: [...], ... }, width }
    let request = 0;

    const maps = PARTS.map((part) => {
      const map = createHeatmap({ label: `${part.title} rows, one column per token`, onCursor: (at) => follow(at) });
      const scale = el('div', { class: 'scale' });
      const figure = el('figure', { class: 'part' }, el('figcaption', { text: part.title }), map.canvas, scale);
      return { ...part, map, scale, figure };
    });
    const operators = ['+', '+', '='];
    $('#sum-figure').replaceChildren(...maps.flatMap((m, i) => (i < 3 ? [m.figure, el('span', { class: 'op', 'aria-hidden': 'true', text: operators[i] })] : [m.figure])));

    const positional = () => form.elements.positional.value;
    const fromUrl = readUrlState().get('positional');
    if ([...form.elements.positional.options].some((o) => o.value === fromUrl && !o.disabled)) form.elements.positional.value = fromUrl;

    // The cursor of one heatmap moves all four, and the readout says the four numbers.
    function follow({ row, col }) {
      for (const m of maps) m.map.setCursor(row, col, { silent: true });
      const value = (key) => shown.rows[key][col][row];
      const t = shown.tokens[col];
      $('#sum-readout').textContent = `"${visiblePiece(t.text)}" (token ${col + 1}, sentence ${t.segment ? 'B' : 'A'}), dimension ${row}: ` +
        `token ${num(value('token'))} + position ${num(value('position'))} + segment ${num(value('segment'))} = sum ${num(value('sum'))}`;
    }

    async function model() {
      if (positional() === 'trained') {
        const trained = store.get('lm');
        if (!trained) throw new Error('no trained model yet: train one in panel 5');
        return trained.lm;
      }
      return untrained.get(positional());
    }

    async function render() {
      const mine = ++request;
      showError(error, null);
      const a = form.elements.a.value;
      const b = form.elements.b.value.trim();
      let lm;
      try {
        lm = await model();
      } catch (e) {
        if (mine === request) showError(error, e);
        return;
      }
      if (mine !== request) return;
      try {
        const masked = lm.config.objective === 'masked';
        const inputs = lm.inputs(a, masked && b ? { pair: b } : {});
        const width = lm.config.width;
        const rows = Object.fromEntries(PARTS.map(({ key }) => [key, rowsOf(inputs[key], width)]));
        const tokens = tokenList(inputs);
        shown = { tokens, rows, width };
        draw();
        tokenChips($('#sum-tokens'), { pieces: tokens.map((t) => t.text), ids: tokens.map((t) => t.id), segments: tokens.map((t) => t.segment) });
        $('#sum-note').textContent = note(lm, masked, b);
        fillTable();
        const at = maps[0].map.cursor();
        if (at) follow(at);
      } catch (e) {
        showError(error, e);
      }
    }

    function note(lm, masked, b) {
      const kind = lm.config.positional;
      const parts = [];
      if (kind === 'none') parts.push('Positions "none": the position row is zero, so the model cannot tell word order.');
      if (kind === 'rope') parts.push('RoPE adds no position row: it turns queries and keys inside attention instead (panel 3).');
      if (kind === 'sinusoidal') parts.push('Sinusoidal positions are fixed waves: large next to the untrained token rows (about ±0.02).');
      if (!masked) parts.push('A next-word model has no segment rows; only masked-word (BERT) models read sentence pairs.');
      else if (!b) parts.push('With one sentence every token is in segment A.');
      if (positional() !== 'trained') parts.push('Untrained model (steps: 0): the token rows are still random.');
      return parts.join(' ');
    }

    function draw() {
      if (!shown) return;
      const n = shown.tokens.length;
      const d = shown.width;
      const available = Math.max(300, $('#sum-figure').clientWidth || 800);
      const perMap = window.innerWidth > 700 ? available / 4 - 30 : available - 40; // narrow screens: one heatmap a row
      const cw = Math.max(8, Math.min(26, Math.floor(perMap / n)));
      const ch = d <= 32 ? 5 : 3;
      for (const m of maps) {
        const rows = shown.rows[m.key];
        const scale = maxAbs(rows);
        m.map.draw({
          rows: d, cols: n, cell: [cw, ch], scale, value: (r, c) => rows[c][r],
          colLabels: shown.tokens.map((t) => visiblePiece(t.text)),
        });
        m.scale.textContent = `colour scale ±${scale.toPrecision(2)}`;
      }
    }

    function fillTable() {
      const body = $('#sum-table tbody');
      body.replaceChildren(...shown.tokens.flatMap((t, i) => Array.from({ length: Math.min(TABLE_DIMENSIONS, shown.width) }, (_, dim) => el('tr', {},
        el('td', { text: dim === 0 ? `"${visiblePiece(t.text)}"` : '' }), el('td', { text: String(dim) }),
        ...PARTS.map(({ key }) => el('td', { class: 'value', text: num(shown.rows[key][i][dim]) }))))));
    }

    form.addEventListener('input', (e) => { if (e.target.name !== 'positional') render(); });
    form.addEventListener('change', (e) => {
      if (e.target.name === 'positional') {
        writeUrlState({ positional: positional() });
        render();
      }
    });
    form.addEventListener('submit', (e) => e.preventDefault());
    store.on('tokenizer', render);
    store.on('lm', (current) => {
      const option = form.elements.positional.querySelector('option[value=trained]');
      option.disabled = !current;
      if (!current && positional() === 'trained') form.elements.positional.value = 'learned';
      if (positional() === 'trained') render();
    });
    new ResizeObserver(() => draw()).observe($('#sum-figure'));
  },
};
