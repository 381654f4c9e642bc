// Explore: questions to the model — nearest neighbours (with autocomplete), analogies, similarity
// and the odd one out. Any word in a result can be clicked to explore it.
import { el, html, renderResults, requireModel, showError, wordButton } from '../dom.js';

const SUGGESTIONS = 8;

const markup = () => html`
  <div class="explore-grid">
    <div class="tool" id="tool-neighbours">
      <h3 id="neighbours-title">Nearest neighbours</h3>
      <div class="autocomplete">
        <input id="word-input" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false"
          aria-controls="suggestions" aria-label="word to explore" placeholder="type a word, e.g. king"
          autocomplete="off" spellcheck="false">
        <ul class="suggestions" id="suggestions" role="listbox" aria-label="words that start like this" hidden></ul>
      </div>
      <p class="error" id="neighbours-error" role="alert"></p>
      <ol class="results" id="neighbours" aria-labelledby="neighbours-title"></ol>
    </div>
    <div class="tool" id="tool-analogy">
      <h3>Analogy</h3>
      <form id="analogy-form" class="analogy" autocomplete="off">
        <input name="a" value="man" aria-label="analogy: first word (a)" spellcheck="false"> <span>is to</span>
        <input name="b" value="king" aria-label="analogy: second word (b)" spellcheck="false"> <span>as</span>
        <input name="c" value="woman" aria-label="analogy: third word (c)" spellcheck="false"> <span>is to ?</span>
        <select name="method" aria-label="analogy method"><option value="3cosadd">3CosAdd</option><option value="3cosmul">3CosMul</option></select>
        <button type="submit">Solve</button>
        <button type="button" id="analogy-map" title="Draw a, b, c and the answer on the map">Show on map</button>
      </form>
      <p class="error" id="analogy-error" role="alert"></p>
      <ol class="results" id="analogy-results" aria-label="answers to the analogy"></ol>
    </div>
    <div class="tool" id="tool-similarity">
      <h3>Similarity</h3>
      <form id="similarity-form" class="inline" autocomplete="off">
        <input name="a" value="king" aria-label="similarity: first word" spellcheck="false">
        <input name="b" value="queen" aria-label="similarity: second word" spellcheck="false">
        <button type="submit">Compare</button>
      </form>
      <p class="error" id="similarity-error" role="alert"></p>
      <div id="similarity-result" aria-live="polite"></div>
    </div>
    <div class="tool" id="tool-odd">
      <h3>Odd one out</h3>
      <form id="odd-form" class="inline" autocomplete="off">
        <input name="words" value="king queen prince apple" aria-label="odd one out: words, separated by spaces" spellcheck="false">
        <button type="submit">Find</button>
      </form>
      <p class="error" id="odd-error" role="alert"></p>
      <div id="odd-result" aria-live="polite"></div>
    </div>
  </div>`;

export default {
  id: 'explore',
  title: 'Explore',
  place: 'tab',
  about: 'Words used in similar contexts get similar vectors, so a word\'s nearest neighbours are related words, ' +
    'and adding and subtracting vectors solves some analogies. Click any word in a result to explore it.',

  markup,

  mount(section, { store, $ }) {
    const input = $('#word-input');
    const list = $('#suggestions');
    const exploreWord = (word) => store.emit('explore-word', word);

    // Runs a query against the explored model, with its error shown beside the tool.
    function ask(errorId, output, query) {
      const errorBox = $(`#${errorId}`);
      showError(errorBox, null);
      const model = requireModel(store, errorBox);
      if (!model) return;
      try {
        query(model);
      } catch (e) {
        output.replaceChildren();
        showError(errorBox, e);
      }
    }

    function showNeighbours(word) {
      ask('neighbours-error', $('#neighbours'), (model) => renderResults($('#neighbours'), model.mostSimilar(word.trim(), { topn: 15 }), exploreWord));
    }

    function solveAnalogy() {
      const f = $('#analogy-form').elements;
      const words = ['a', 'b', 'c'].map((k) => f[k].value.trim());
      let answer = null;
      ask('analogy-error', $('#analogy-results'), (model) => {
        const results = model.analogy(...words, { method: f.method.value, topn: 10 });
        renderResults($('#analogy-results'), results, exploreWord);
        answer = results[0]?.word ?? null;
      });
      const analogy = answer ? [...words, answer] : null;
      store.set('analogy', analogy);
      return analogy;
    }

    // ---- autocomplete: a suggestion is taken only when chosen (arrows + Enter, or a click) ------

    const options = () => [...list.children];
    const active = () => options().find((li) => li.getAttribute('aria-selected') === 'true') ?? null;
    function closeSuggestions() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function updateSuggestions() {
      const model = store.get('model')?.model;
      const prefix = input.value.trim().toLowerCase();
      const matches = [];
      if (model && prefix) {
        for (const w of model.words) {
          if (w.startsWith(prefix) && w !== prefix) matches.push(w);
          if (matches.length === SUGGESTIONS) break;
        }
      }
      list.replaceChildren(...matches.map((w, i) => el('li', {
        role: 'option', id: `suggestion-${i}`, 'aria-selected': 'false', text: w,
        onmousedown: (e) => { e.preventDefault(); closeSuggestions(); exploreWord(w); },
      })));
      if (matches.length === 0) closeSuggestions();
      else {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        input.removeAttribute('aria-activedescendant');
      }
    }
    function moveSuggestion(step) {
      const items = options();
      if (list.hidden || items.length === 0) return false;
      const current = items.indexOf(active());
      const next = current < 0 ? (step > 0 ? 0 : items.length - 1) : (current + step + items.length) % items.length;
      items.forEach((li, i) => li.setAttribute('aria-selected', String(i === next)));
      input.setAttribute('aria-activedescendant', items[next].id);
      return true;
    }
    input.addEventListener('input', updateSuggestions);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (moveSuggestion(e.key === 'ArrowDown' ? 1 : -1)) e.preventDefault();
      } else if (e.key === 'Enter') {
        const chosen = list.hidden ? null : active();
        closeSuggestions();
        exploreWord(chosen ? chosen.textContent : input.value);
      } else if (e.key === 'Escape') {
        closeSuggestions();
      }
    });
    input.addEventListener('blur', closeSuggestions);

    // ---- the other tools --------------------------------------------------------------------

    $('#analogy-form').addEventListener('submit', (e) => { e.preventDefault(); solveAnalogy(); });
    $('#analogy-form').elements.method.addEventListener('change', solveAnalogy);
    $('#analogy-map').addEventListener('click', () => {
      const analogy = solveAnalogy();
      if (!analogy) return;
      store.emit('show-analogy', analogy);
      store.set('tab', 'map');
    });
    $('#similarity-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const f = e.target.elements;
      ask('similarity-error', $('#similarity-result'), (model) => {
        const s = model.similarity(f.a.value.trim(), f.b.value.trim());
        $('#similarity-result').replaceChildren(el('div', { class: 'big-number', text: s.toFixed(3) }));
      });
    });
    $('#odd-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const words = e.target.elements.words.value.split(/[\s,]+/).filter(Boolean);
      ask('odd-error', $('#odd-result'), (model) => {
        $('#odd-result').replaceChildren(el('div', { class: 'big-number' }, wordButton(model.doesntMatch(words), exploreWord)));
      });
    });

    // ---- store ------------------------------------------------------------------------------

    store.on('explore-word', (word) => {
      input.value = word;
      closeSuggestions();
      store.set('tab', 'explore');
      showNeighbours(word);
    });
    store.on('model', (current) => {
      for (const id of ['neighbours-error', 'analogy-error', 'similarity-error', 'odd-error']) showError($(`#${id}`), null);
      $('#similarity-result').replaceChildren();
      $('#odd-result').replaceChildren();
      if (!current) return;
      const { model } = current;
      const first = ['king', 'woman', 'water'].find((w) => model.has(w)) ?? model.words[0];
      input.value = first;
      showNeighbours(first);
      solveAnalogy();
    });
  },
};
