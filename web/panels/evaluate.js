// Evaluate: how well the model answers analogy questions — eight probe analogies at a glance, and
// per-section accuracy on questions-words (built in: one click) or a chosen file, by 3CosAdd or
// 3CosMul, run in the worker so the page stays responsive. A chosen file of word pairs with scores
// gives the Spearman correlation instead (no word-similarity set with a compatible licence is
// packaged on npm or Debian, so none is built in).
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
  <p class="hint">questions-words: 19,544 questions in 14 sections, published with word2vec (Mikolov et al., Apache License 2.0),
    answered by searching the 30,000 most frequent words as word2vec's compute-accuracy does. 3CosAdd takes the word nearest
    to b − a + c; 3CosMul (Levy and Goldberg, 2014) multiplies the shifted cosines to b and c and divides by the one to a.</p>
  <div class="row buttons">
    <label>Method <select id="eval-method"><option value="3cosadd">3CosAdd</option><option value="3cosmul">3CosMul</option></select></label>
    <button type="button" class="primary" id="run-questions">Run questions-words</button>
    <button type="button" id="choose-questions">Choose questions file…</button>
    <input type="file" id="questions-input" accept=".txt,.tsv,text/plain" hidden>
  </div>
  <p class="hint">Your own file: <code>: section</code> lines, then <code>a b c d</code>; or <code>word1&lt;TAB&gt;word2&lt;TAB&gt;score</code>
    lines for word similarity (Spearman correlation). No word-similarity set (WordSim-353, SimLex-999, MEN) is packaged on npm
    or Debian under a licence that lets it ship here, so none is built in.</p>
  <p class="error" id="eval-error" role="alert"></p>
  <div id="eval-status" class="hint" role="status"></div>
  <div class="sections" id="eval-sections"></div>`;

export default {
  id: 'evaluate',
  title: 'Evaluate',
  place: 'tab',
  about: 'How well the model answers analogy questions such as "man is to king as woman is to ?". ' +
    'The table checks eight classic ones; questions-words (one click) gives accuracy per section, by either method.',

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

    // One section: its name, a bar of its accuracy, and the numbers (or why there are none).
    function sectionRow(s, extra = '') {
      const bar = el('div', { class: 'bar', 'aria-hidden': 'true' }, el('div'));
      bar.firstChild.style.width = `${100 * s.accuracy}%`;
      const numbers = s.answered > 0
        ? `${(100 * s.accuracy).toFixed(1)}% (${fmt(s.correct)}/${fmt(s.answered)}) · coverage ${(100 * s.coverage).toFixed(1)}%`
        : `none of ${fmt(s.questions)} answerable: each has a word outside the model's 30,000 most frequent`;
      return el('div', { class: `section-row ${extra}${s.answered > 0 ? '' : ' unanswered'}` },
        el('span', { class: 'section-name', text: s.name }), bar, el('span', { class: 'section-numbers', text: numbers }));
    }

    const METHOD_NAMES = { '3cosadd': '3CosAdd', '3cosmul': '3CosMul' };
    let running = false;

    // Evaluates `text` (named `name`): analogy questions in the worker, or word pairs with scores.
    async function runBenchmark(text, name) {
      showError(errorBox, null);
      const current = store.get('model');
      if (running || !requireModel(store, errorBox)) return;
      const method = $('#eval-method').value;
      $('#eval-sections').replaceChildren();
      running = true;
      $('#run-questions').disabled = true;
      try {
        if (/^[^\n]*\t/.test(text)) {
          const r = current.model.evaluateSimilarity(text, { name });
          $('#eval-status').textContent = `${name}: Spearman correlation ${r.spearman.toFixed(3)} over ${fmt(r.pairs)} word pairs` +
            (r.oovPairs ? ` (${fmt(r.oovPairs)} pairs skipped: a word is not in the vocabulary)` : '');
          return;
        }
        $('#eval-status').textContent = `evaluating ${name} with ${METHOD_NAMES[method]}…`;
        const report = await store.get('engine').evaluateInWorker(current.model, text, { restrict: 30000, method, name });
        if (store.get('model') !== current) return; // a newer model replaced the one evaluated
        $('#eval-status').textContent = `${name}, ${METHOD_NAMES[method]}: ${fmt(report.total.answered)} of ${fmt(report.total.questions)} ` +
          `questions answerable (${(100 * report.total.coverage).toFixed(1)}% coverage); accuracy ${(100 * report.total.accuracy).toFixed(1)}% of those`;
        $('#eval-sections').replaceChildren(...report.sections.map((s) => sectionRow(s)),
          sectionRow(report.semantic, 'total'), sectionRow(report.syntactic, 'total'), sectionRow(report.total, 'total'));
      } catch (e) {
        $('#eval-status').textContent = '';
        showError(errorBox, e);
      } finally {
        running = false;
        $('#run-questions').disabled = false;
      }
    }

    async function runQuestionsWords() {
      const response = await fetch('corpus/questions-words.txt');
      if (!response.ok) throw new Error(`questions-words.txt is missing (${response.status}); it belongs in data/`);
      await runBenchmark(await response.text(), 'questions-words');
    }

    $('#run-questions').addEventListener('click', () => runQuestionsWords().catch((e) => showError(errorBox, e)));
    fileButton($('#choose-questions'), $('#questions-input'), async (file) => runBenchmark(await file.text(), file.name));
    store.on('model', () => {
      showError(errorBox, null);
      renderProbeTable();
    });
    renderProbeTable();
  },
};
