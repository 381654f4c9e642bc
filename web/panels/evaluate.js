// Evaluate: how well the model answers analogy questions — eight probe analogies at a glance, and
// per-section accuracy on a questions-words file (run in the worker, so the page stays responsive).
import { el, fileButton, fmt, html, requireModel, showError } from '../dom.js';

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

const markup = () => html`
  <h3 id="probe-table-title">Probe analogies</h3>
  <table class="probe-table" id="probe-table" aria-labelledby="probe-table-title">
    <thead><tr><th scope="col">question</th><th scope="col">expected</th><th scope="col">top answer</th><th scope="col">rank of expected</th></tr></thead>
    <tbody></tbody>
  </table>
  <h3>Analogy benchmark</h3>
  <p class="hint">Choose a <code>questions-words.txt</code> file (<code>: section</code> lines, then <code>a b c d</code>) for per-section accuracy (searching the 30,000 most frequent words, as word2vec's compute-accuracy).</p>
  <div class="row">
    <button type="button" id="choose-questions">Choose questions file…</button>
    <input type="file" id="questions-input" accept=".txt,text/plain" hidden>
  </div>
  <p class="error" id="eval-error" role="alert"></p>
  <div id="eval-status" class="hint" role="status"></div>
  <div class="sections" id="eval-sections"></div>`;

export default {
  id: 'evaluate',
  title: 'Evaluate',
  place: 'tab',
  about: 'How well the model answers analogy questions such as "man is to king as woman is to ?". ' +
    'The table checks eight classic ones; a questions file gives accuracy per section.',

  markup,

  mount(section, { store, $ }) {
    const errorBox = $('#eval-error');

    function renderProbeTable() {
      const model = store.get('model')?.model;
      $('#probe-table tbody').replaceChildren(...PROBE_ANALOGIES.map(([a, b, c, d]) => {
        let top = '—';
        let rank = 'not in vocabulary';
        let cls = 'miss';
        if (model && [a, b, c, d].every((w) => model.has(w))) {
          const results = model.analogy(a, b, c, { topn: 10 });
          top = results[0]?.word ?? '—';
          const r = results.findIndex((x) => x.word === d);
          rank = r >= 0 ? String(r + 1) : '> 10';
          cls = r === 0 ? 'hit' : 'miss';
        }
        return el('tr', {},
          // Two unbreakable halves, so a narrow table wraps at '::' only.
          el('td', {}, el('span', { class: 'pair', text: `${a} : ${b} ::` }), ' ', el('span', { class: 'pair', text: `${c} : ?` })),
          el('td', { text: d }),
          el('td', { text: top, class: top === d ? 'hit' : '' }), el('td', { text: rank, class: cls }));
      }));
    }

    function sectionRow(s, extra = '') {
      const bar = el('div', { class: 'bar', 'aria-hidden': 'true' }, el('div'));
      bar.firstChild.style.width = `${100 * s.accuracy}%`;
      return el('div', { class: `section-row ${extra}` }, el('span', { text: s.name }), bar,
        el('span', { text: `${(100 * s.accuracy).toFixed(1)}% (${fmt(s.correct)}/${fmt(s.answered)})` }));
    }

    async function runBenchmark(file) {
      showError(errorBox, null);
      const current = store.get('model');
      if (!requireModel(store, errorBox)) return;
      $('#eval-sections').replaceChildren();
      $('#eval-status').textContent = `evaluating ${file.name}…`;
      try {
        const text = await file.text();
        const report = await store.get('engine').evaluateInWorker(current.model, text, { restrict: 30000 });
        if (store.get('model') !== current) return; // a newer model replaced the one evaluated
        $('#eval-status').textContent = `${file.name}: ${fmt(report.total.answered)} of ${fmt(report.total.questions)} questions answerable ` +
          `(${(100 * report.total.coverage).toFixed(1)}% coverage)`;
        $('#eval-sections').replaceChildren(...report.sections.map((s) => sectionRow(s)),
          sectionRow(report.semantic, 'total'), sectionRow(report.syntactic, 'total'), sectionRow(report.total, 'total'));
      } catch (e) {
        $('#eval-status').textContent = '';
        showError(errorBox, e);
      }
    }

    fileButton($('#choose-questions'), $('#questions-input'), runBenchmark);
    store.on('model', () => {
      showError(errorBox, null);
      renderProbeTable();
    });
    renderProbeTable();
  },
};
