// Segments: a masked-word (BERT) model reads two sentences at once, [CLS] A [SEP] B [SEP], and adds
// a segment row (A or B) to every token. A slider moves the boundary between the sentences; the
// chips show which tokens are A and B, the two segment rows are drawn, and the [MASK] predictions
// are shown beside those of the previous split, so what one moved word changes can be seen.
import { el, html, showError } from '../dom.js';
import { createHeatmap } from '../lm/heatmap.js';
import { maxAbs, num, rowsOf, tokenList } from '../lm/rows.js';
import { fillBars, tokenChips, visiblePiece } from '../lm/tokens.js';
import { untrainedModels } from '../lm/untrained.js';

const DEFAULT_WORDS = 'the king of france lived in a large [MASK] near paris';
const TOP = 5;

const markup = () => html`
  <form class="lm-form" id="seg-form" autocomplete="off">
    <label class="grow">Words (one [MASK]) <input name="words" spellcheck="false"></label>
    <label>Sentence B starts at word <input name="split" type="range" min="1" max="9" value="5"></label>
  </form>
  <p class="error" id="seg-error" role="alert"></p>
  <ul class="chips" id="seg-chips" role="list"></ul>
  <figure class="plot">
    <figcaption>The two segment rows (A above, B below), one column per dimension</figcaption>
    <div id="seg-rows"></div>
  </figure>
  <p class="readout" id="seg-readout" aria-live="polite"></p>
  <div class="fill-compare">
    <div><h3 class="sub" id="seg-now-title">[MASK] now</h3><ol class="bars" id="seg-now" aria-labelledby="seg-now-title"></ol></div>
    <div><h3 class="sub" id="seg-before-title">Before the last move</h3><ol class="bars" id="seg-before" aria-labelledby="seg-before-title"></ol></div>
  </div>
  <p class="hint" id="seg-change" aria-live="polite"></p>
  <p class="hint" id="seg-model"></p>`;

export default {
  id: 'segments',
  title: 'Segments',
  place: 'transformer',
  about: 'A masked-word model (BERT) reads a pair of sentences and adds a segment row to every token: one row for ' +
    'sentence A, another for B. Move the boundary and the same words get other segment rows, so the guesses for [MASK] change.',

  markup,

  mount(section, { store, $ }) {
    const form = $('#seg-form');
    const untrained = untrainedModels(store);
    let segmentRows = null;
    const rowsMap = createHeatmap({ label: 'segment rows A and B', onCursor: ({ row, col }) => {
      $('#seg-readout').textContent = `segment ${row ? 'B' : 'A'}, dimension ${col}: ${num(segmentRows[row][col])}`;
    } });
    $('#seg-rows').append(rowsMap.canvas);
    form.elements.words.value = DEFAULT_WORDS;
    let previous = null; // the last split's candidates
    let request = 0;

    async function model() {
      const trained = store.get('lm');
      if (trained?.lm.config.objective === 'masked') return { lm: trained.lm, label: 'The trained masked-word model (panel 5).' };
      return { lm: await untrained.get('learned'), label: 'An untrained masked-word model: its guesses are still random, but they ' +
        'change with the segment. Train a masked-word model in panel 5 for real guesses.' };
    }

    async function render({ moved = false } = {}) {
      const mine = ++request;
      const errorBox = $('#seg-error');
      showError(errorBox, null);
      const words = form.elements.words.value.trim().split(/\s+/).filter(Boolean);
      const slider = form.elements.split;
      slider.max = String(Math.max(1, words.length - 1));
      const split = Math.min(Number(slider.value), words.length - 1);
      const a = words.slice(0, split).join(' ');
      const b = words.slice(split).join(' ');
      let current;
      try {
        current = await model();
      } catch (e) {
        showError(errorBox, e);
        return;
      }
      if (mine !== request) return;
      const { lm, label } = current;
      $('#seg-model').textContent = label;
      try {
        const inputs = lm.inputs(a, { pair: b });
        const tokens = tokenList(inputs);
        tokenChips($('#seg-chips'), { pieces: tokens.map((t) => t.text), ids: tokens.map((t) => t.id), segments: tokens.map((t) => t.segment) });
        const width = lm.config.width;
        const segs = rowsOf(inputs.segment, width);
        const firstB = tokens.findIndex((t) => t.segment === 1);
        segmentRows = [segs[0], segs[firstB >= 0 ? firstB : 0]];
        rowsMap.draw({ rows: 2, cols: width, cell: [Math.max(4, Math.min(12, Math.floor(($('#seg-rows').clientWidth || 400) / width))), 14],
          scale: maxAbs(segmentRows), value: (r, c) => segmentRows[r][c], rowLabels: ['A', 'B'] });
        const filled = lm.fill(a, { pair: b, topK: TOP });
        const candidates = filled[0] ?? [];
        if (moved && previous) fillBars($('#seg-before'), previous);
        fillBars($('#seg-now'), candidates);
        $('#seg-now').dataset.top = candidates[0]?.token ?? '';
        $('#seg-now').dataset.probabilities = candidates.map((c) => c.probability).join(' ');
        if (moved && previous) describeChange(previous, candidates, words[split - 1], words[split]);
        previous = candidates;
      } catch (e) {
        showError(errorBox, e);
      }
    }

    function describeChange(before, now, ...edge) {
      const change = Math.max(...now.map((c) => {
        const old = before.find((x) => x.id === c.id);
        return Math.abs(c.probability - (old?.probability ?? 0));
      }));
      const shown = (c) => `"${visiblePiece(c?.token ?? '')}"`;
      const top = before[0]?.id === now[0]?.id ? `the top guess stays ${shown(now[0])}` : `the top guess changes from ${shown(before[0])} to ${shown(now[0])}`;
      $('#seg-change').textContent = `Moving the boundary (between "${edge[0]}" and "${edge[1]}"): ${top}; probabilities moved by up to ${(100 * change).toFixed(2)} points.`;
    }

    form.addEventListener('input', (e) => render({ moved: e.target.name === 'split' }));
    form.addEventListener('submit', (e) => e.preventDefault());
    store.on('tokenizer', () => { previous = null; render(); });
    store.on('lm', () => { previous = null; render(); });
  },
};
