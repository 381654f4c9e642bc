// Compare: the transformer's token embeddings (its first matrix, one row per token) opened as a
// Model in the Explore and Map tabs of the word-embedding half, and a word's neighbours under
// word2vec and under the transformer side by side, both trained on the same corpus. The panel keeps
// its own copy of the last word2vec model trained in the page, since the explored model changes.
import { clock, el, fmt, html, renderResults, setProgress, showError, startCancel } from '../dom.js';
import { visiblePiece } from '../lm/tokens.js';

const TOPN = 10;

const markup = () => html`
  <div class="row buttons">
    <button type="button" class="primary" id="cmp-open" disabled>Open the token embeddings in Explore</button>
    <button type="button" id="cmp-map" disabled>… and on the Map</button>
    <button type="button" id="cmp-train-w2v">Train word2vec on this corpus</button>
    <button type="button" id="cmp-cancel" disabled>Cancel</button>
  </div>
  <p class="hint" id="cmp-status"></p>
  <div class="progress slim" id="cmp-progress" role="progressbar" aria-label="word2vec training for the comparison" aria-valuemin="0" aria-valuemax="100" hidden>
    <div class="bar"></div><span class="label"></span>
  </div>
  <form class="lm-form" id="cmp-form" autocomplete="off">
    <label>Word <input name="word" value="water" spellcheck="false"></label>
    <button type="submit">Compare</button>
  </form>
  <p class="error" id="cmp-error" role="alert"></p>
  <div class="compare-grid">
    <div><h3 class="sub" id="cmp-w2v-title">word2vec</h3><ol class="results" id="cmp-w2v" aria-labelledby="cmp-w2v-title"></ol></div>
    <div><h3 class="sub" id="cmp-lm-title">transformer token embeddings</h3><ol class="results" id="cmp-lm" aria-labelledby="cmp-lm-title"></ol></div>
  </div>`;

export default {
  id: 'compare',
  title: 'Compare',
  place: 'transformer',
  about: 'The transformer\'s first matrix holds one vector per token, learned only as a by-product of predicting text. ' +
    'Open it in the Explore and Map tabs like any word vectors, or set a word\'s neighbours beside word2vec\'s from the same corpus.',

  markup,

  mount(section, { store, $ }) {
    const error = $('#cmp-error');
    let word2vec = null; // { model, label }: our own copy
    let tokens = null;   // the trained transformer's token-embedding Model (ours until handed to the store)

    function keepWord2vec(current) {
      if (current?.source !== 'trained') return;
      const engine = store.get('engine');
      const { model } = current;
      word2vec?.model.dispose();
      word2vec = { model: engine.fromVectors([...model.words], model.dim, model.vectors()), label: current.label };
      compare();
    }

    // The token spelling of a word: with a leading space (a word inside a sentence), else as it is.
    const tokenFor = (model, word) => [`Ġ${word}`, ` ${word}`, word].find((t) => model.has(t));

    function compare() {
      showError(error, null);
      const word = $('#cmp-form').elements.word.value.trim().toLowerCase();
      $('#cmp-status').textContent = status();
      if (!word) return;
      try {
        if (word2vec?.model.has(word)) renderResults($('#cmp-w2v'), word2vec.model.mostSimilar(word, { topn: TOPN }), compareWord);
        else $('#cmp-w2v').replaceChildren(el('li', { class: 'missing', text: word2vec ? `"${word}" is not in word2vec's vocabulary` : 'no word2vec model yet' }));
        const model = tokens;
        const token = model && tokenFor(model, word);
        if (token) {
          renderResults($('#cmp-lm'), model.mostSimilar(token, { topn: TOPN }).map((n) => ({ ...n, word: visiblePiece(n.word) })), compareWord);
        } else {
          $('#cmp-lm').replaceChildren(el('li', { class: 'missing', text: model ? `"${word}" is not one token in this tokenizer` : 'no trained transformer yet (panel 5)' }));
        }
      } catch (e) {
        showError(error, e);
      }
    }

    // A word in either list, clicked: compare it (a token's leading space, shown as ·, dropped).
    function compareWord(word) {
      $('#cmp-form').elements.word.value = word.replace(/^·/, '');
      compare();
    }

    function status() {
      const lm = store.get('lm');
      return [word2vec ? `word2vec: ${word2vec.label}.` : 'word2vec: none yet (train one here or in the word-embedding half).',
        lm ? `Transformer: ${lm.label}.` : 'Transformer: none yet (panel 5).'].join(' ');
    }

    function open(tab) {
      const lm = store.get('lm');
      if (!lm) return;
      // The store frees the explored model when another replaces it: hand over a fresh copy.
      const model = lm.lm.tokenEmbeddings();
      store.set('model', { model, label: `the token embeddings of the ${lm.label}`, source: 'transformer' });
      store.set('section', 'words');
      const first = tokenFor(model, $('#cmp-form').elements.word.value.trim().toLowerCase()) ?? tokenFor(model, 'water');
      if (first) store.emit('explore-word', first);
      store.set('tab', tab);
    }

    async function trainWord2vec() {
      const engine = store.get('engine');
      const corpus = store.get('corpus');
      if (!engine || !corpus) return;
      const progress = $('#cmp-progress');
      const controller = new AbortController();
      cancelTraining = () => controller.abort();
      showRunning(true);
      progress.hidden = false;
      try {
        const model = await engine.trainInWorker(corpus.data, {
          signal: controller.signal,
          onProgress: (p) => setProgress(progress, p.fraction,
            `word2vec ${(100 * p.fraction).toFixed(0)}% · ${fmt(p.wordsPerSecond)} words/s · ETA ${clock(p.etaSeconds)}`),
        });
        word2vec?.model.dispose();
        word2vec = { model, label: `CBOW with the default settings on ${corpus.name}` };
        compare();
      } catch (e) {
        if (e.name !== 'AbortError') showError(error, e);
      } finally {
        showRunning(false);
        progress.hidden = true;
      }
    }

    store.on('model', keepWord2vec);
    store.on('lm', (current) => {
      tokens?.dispose();
      tokens = current ? current.lm.tokenEmbeddings() : null;
      $('#cmp-open').disabled = !current;
      $('#cmp-map').disabled = !current;
      compare();
    });
    $('#cmp-open').addEventListener('click', () => open('explore'));
    $('#cmp-map').addEventListener('click', () => open('map'));
    const showRunning = startCancel($('#cmp-train-w2v'), $('#cmp-cancel'));
    let cancelTraining = () => {};
    $('#cmp-train-w2v').addEventListener('click', trainWord2vec);
    $('#cmp-cancel').addEventListener('click', () => cancelTraining());
    $('#cmp-form').addEventListener('submit', (e) => { e.preventDefault(); compare(); });
    $('#cmp-status').textContent = status();
  },
};
