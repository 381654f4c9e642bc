// Position: how a transformer knows where a token stands. Sinusoidal positions as a heatmap and as
// the position-by-position similarity matrix; the learned positions' similarity matrix (live while
// "Learning by prediction" trains, so the band along the diagonal can be watched appearing); RoPE's
// relative-offset property; and the order demo: without positions, "dog bites man" and "man bites
// dog" give the same outputs.
import { el, html, showError } from '../dom.js';
import { createHeatmap, similarityMatrix } from '../lm/heatmap.js';
import { num, rowsOf } from '../lm/rows.js';
import { visiblePiece } from '../lm/tokens.js';
import { UNTRAINED, untrainedModels } from '../lm/untrained.js';

const ORDER = ['the dog bites the man', 'the man bites the dog'];
const KINDS = ['none', 'sinusoidal', 'learned', 'rope'];
const SHOWN_POSITIONS = 32; // rows of the sinusoidal heatmap and size of the matrices

const markup = () => html`
  <div class="position-grid">
    <figure class="plot">
      <figcaption>Sinusoidal positions (row = position, column = dimension)</figcaption>
      <div id="pos-sin"></div>
    </figure>
    <figure class="plot">
      <figcaption>Sinusoidal: similarity of position i and j</figcaption>
      <div id="pos-sin-sim"></div>
    </figure>
    <figure class="plot">
      <figcaption id="pos-learned-caption">Learned positions: similarity of position i and j</figcaption>
      <div id="pos-learned-sim"></div>
    </figure>
  </div>
  <p class="hint" id="pos-summary"></p>
  <p class="readout" id="pos-readout" aria-live="polite"></p>
  <h3 class="sub">RoPE: only the distance counts</h3>
  <form class="lm-form" id="rope-form" autocomplete="off">
    <label>Word 1 <input name="a" value="water" spellcheck="false"></label>
    <label>Word 2 <input name="b" value="light" spellcheck="false"></label>
    <label>Distance <input name="gap" type="number" min="1" max="30" value="3"></label>
    <label>Word 1 at position (word 2 follows) <input name="shift" type="range" min="0" max="30" value="0"></label>
  </form>
  <p class="error" id="rope-error" role="alert"></p>
  <p class="hint" id="rope-tokens"></p>
  <div id="rope-result" aria-live="polite"></div>
  <h3 class="sub">Word order</h3>
  <p class="hint">The same words in another order, through untrained masked-word models: the largest difference between the outputs for the same token.</p>
  <p class="error" id="order-error" role="alert"></p>
  <table class="num-table" id="order-table">
    <thead><tr><th scope="col">positions</th><th scope="col">largest output difference</th><th scope="col">outputs</th></tr></thead>
    <tbody></tbody>
  </table>`;

export default {
  id: 'position',
  title: 'Position',
  place: 'transformer',
  about: 'Attention treats its input as a bag of tokens, so word order must be added. Sinusoidal positions are fixed ' +
    'waves; learned positions start random and, while training, neighbouring positions grow alike (the bright band along ' +
    'the diagonal). RoPE rotates queries and keys, so a pair of words scores the same wherever it stands.',

  markup,

  mount(section, { store, $ }) {
    const untrained = untrainedModels(store);
    const readout = $('#pos-readout');
    const sin = createHeatmap({ label: 'sinusoidal positional embeddings', onCursor: ({ row, col }) => say(`sinusoidal position ${row}, dimension ${col}: ${num(sinRows[row][col])}`) });
    const sinSim = createHeatmap({ label: 'similarity of sinusoidal positions', onCursor: ({ row, col }) => say(`sinusoidal positions ${row} and ${col}: similarity ${num(sinMatrix[row * SHOWN_POSITIONS + col])}`) });
    const learnedSim = createHeatmap({ label: 'similarity of learned positions', onCursor: ({ row, col }) => say(`learned positions ${row} and ${col}: similarity ${num(learnedMatrix[row * learnedCount + col])}`) });
    $('#pos-sin').append(sin.canvas);
    $('#pos-sin-sim').append(sinSim.canvas);
    $('#pos-learned-sim').append(learnedSim.canvas);
    let sinRows = [];
    let sinMatrix = new Float32Array(0);
    let learnedMatrix = new Float32Array(0);
    let learnedCount = 0;
    const say = (text) => { readout.textContent = text; };
    const cell = () => (window.innerWidth > 700 ? 6 : 5);

    function drawMatrix(map, matrix, n, scale = 1) {
      map.draw({ rows: n, cols: n, cell: [cell(), cell()], scale, value: (r, c) => matrix[r * n + c],
        rowLabels: Array.from({ length: n }, (_, i) => String(i)), labelEvery: 8 });
    }

    function drawSinusoidal() {
      const table = store.get('engine').sinusoidalPositions(SHOWN_POSITIONS, UNTRAINED.width);
      const rows = rowsOf(table.data, table.width);
      sinRows = rows;
      sin.draw({ rows: rows.length, cols: table.width, cell: [cell(), cell()], scale: 1, value: (r, c) => rows[r][c],
        rowLabels: rows.map((_, i) => String(i)), labelEvery: 8 });
      sinMatrix = similarityMatrix(rows);
      drawMatrix(sinSim, sinMatrix, rows.length);
      summarise();
    }

    // The matrices in words: how alike positions 1 apart are, against positions far apart.
    function summarise() {
      const say = (name, matrix, n) => {
        if (!n) return '';
        const near = mean(matrix, n, (d) => d === 1);
        const far = mean(matrix, n, (d) => d >= n / 2);
        return `${name}: positions 1 apart have similarity ${num(near)} on average, positions ${n / 2} or more apart ${num(far)}.`;
      };
      $('#pos-summary').textContent = [say('Sinusoidal', sinMatrix, sinRows.length), say('Learned', learnedMatrix, learnedCount)].join(' ');
    }

    // `similarity`: the engine's { rows, data } (positionalSimilarity(), or a training probe's).
    function drawLearned(similarity, caption) {
      learnedCount = Math.min(SHOWN_POSITIONS, similarity.rows);
      learnedMatrix = new Float32Array(learnedCount * learnedCount);
      for (let i = 0; i < learnedCount; i++) learnedMatrix.set(similarity.data.subarray(i * similarity.rows, i * similarity.rows + learnedCount), i * learnedCount);
      // Coloured on the scale of its largest similarity off the diagonal (which is 1), so a faint band shows.
      let scale = 1e-6;
      for (let i = 0; i < learnedCount; i++) for (let j = 0; j < learnedCount; j++) if (i !== j) scale = Math.max(scale, Math.abs(learnedMatrix[i * learnedCount + j]));
      drawMatrix(learnedSim, learnedMatrix, learnedCount, scale);
      $('#pos-learned-caption').textContent = `${caption} (colour scale ±${scale.toFixed(2)})`;
      summarise();
    }

    async function drawUntrainedLearned() {
      const trained = store.get('lm');
      if (trained?.lm.config.positional === 'learned') {
        drawLearned(trained.lm.positionalSimilarity({ rows: SHOWN_POSITIONS }), 'Learned positions of the trained model: similarity of i and j');
        return;
      }
      const lm = await untrained.get('learned');
      drawLearned(lm.positionalSimilarity({ rows: SHOWN_POSITIONS }), 'Learned positions, untrained (random): similarity of i and j');
    }

    async function orderDemo() {
      const body = $('#order-table tbody');
      showError($('#order-error'), null);
      try {
        const rows = [];
        for (const kind of KINDS) {
          const lm = await untrained.get(kind);
          const [one, two] = ORDER.map((s) => lm.outputs(s));
          const width = lm.config.width;
          const a = rowsOf(one.hidden, width);
          const b = rowsOf(two.hidden, width);
          let diff = 0;
          one.ids.forEach((id, i) => { // the same token in the other order
            const j = two.ids.indexOf(id);
            for (let k = 0; k < width; k++) diff = Math.max(diff, Math.abs(a[i][k] - b[j][k]));
          });
          rows.push(el('tr', { 'data-kind': kind, 'data-diff': String(diff) }, el('td', { text: kind === 'rope' ? 'RoPE' : kind }),
            el('td', { class: 'value', text: diff.toExponential(2) }),
            el('td', { text: diff < 1e-4 ? 'the same: order is invisible' : 'different: order matters' })));
        }
        body.replaceChildren(...rows);
        $('#order-table').setAttribute('aria-label', `outputs for "${ORDER[0]}" and "${ORDER[1]}"`);
      } catch (e) {
        showError($('#order-error'), e);
      }
    }

    async function rope() {
      const f = $('#rope-form').elements;
      const errorBox = $('#rope-error');
      showError(errorBox, null);
      try {
        const gap = Number(f.gap.value);
        const shift = Number(f.shift.value);
        const ropeModel = await untrained.get('rope');
        // A word of several tokens stands for its first one (as inside a sentence, after a space).
        const first = (word) => {
          const { ids, texts } = ropeModel.tokenizer.encode(` ${word.trim()}`);
          if (!ids.length) throw new Error('type a word in both boxes');
          return { id: ids[0], text: texts[0] };
        };
        const [a, b] = [first(f.a.value), first(f.b.value)];
        const scores = async (kind) => (await untrained.get(kind)).ropeScores(b.id, a.id, { offset: gap, positions: 31 });
        const [rope, learned] = [await scores('rope'), await scores('learned')];
        renderRope(rope.map((r, i) => ({ shift: r.keyPosition, rope: r.score, learned: learned[i].score })), gap, shift);
        $('#rope-tokens').textContent = `Tokens "${visiblePiece(a.text)}" and "${visiblePiece(b.text)}" (a word of several tokens stands for its first), ` +
          'the first layer\'s attention score of head 1 in untrained models:';
      } catch (e) {
        showError(errorBox, e);
      }
    }

    function renderRope(result, gap, shift) {
      $('#rope-result').replaceChildren(el('table', { class: 'num-table' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'positions' }), el('th', { scope: 'col', text: 'score with RoPE' }),
          el('th', { scope: 'col', text: 'score with learned positions' }))),
        el('tbody', {}, ...result.filter((r) => Math.abs(r.shift - shift) <= 2).map((r) => el('tr', { class: r.shift === shift ? 'current' : '' },
          el('td', { text: `${r.shift} and ${r.shift + gap}` }), el('td', { class: 'value', text: num(r.rope) }),
          el('td', { class: 'value', text: num(r.learned) }))))));
    }

    async function renderAll() {
      if (!store.get('tokenizer')) return;
      try {
        drawSinusoidal();
        await drawUntrainedLearned();
      } catch (e) {
        showError($('#order-error'), e);
      }
      await orderDemo();
      await rope();
    }

    store.on('tokenizer', renderAll);
    store.on('lm', drawUntrainedLearned);
    // Live: the training panel reports the learned positions as it goes.
    store.on('lm-progress', (progress) => {
      if (progress.probe?.positionalSimilarity) {
        drawLearned(progress.probe.positionalSimilarity, `Learned positions while training, step ${progress.step}: similarity of i and j`);
      }
    });
    $('#rope-form').addEventListener('input', rope);
    $('#rope-form').addEventListener('submit', (e) => e.preventDefault());
  },
};

// The mean of matrix[i][j] over the pairs whose distance |i - j| passes `keep`.
function mean(matrix, n, keep) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!keep(Math.abs(i - j))) continue;
      sum += matrix[i * n + j];
      count++;
    }
  }
  return count ? sum / count : 0;
}
