// Tokenizer: a byte-pair tokenizer trained on the current corpus (in slices, with progress and
// Cancel), its merges replayed one by one on the user's text, and the same text cut by the word
// tokenizer of the word-embedding half and, when the user opens its files, by GPT-2's tokenizer.
// The trained tokenizer is the store's 'tokenizer', which every other transformer panel uses.
import { clock, fmt, html, plural, setProgress, showError, startCancel } from '../dom.js';
import { shownTexts, tokenChips, visiblePiece } from '../lm/tokens.js';
import { readUrlState, writeUrlState } from '../url-state.js';

const DEFAULT_SENTENCE = 'The unbelievable kings of France ruled.\nA second line!';

const markup = () => html`
  <div class="tok-grid"><div>
  <div class="row">
    <label>Vocabulary size <input id="tok-vocab" type="number" min="261" max="65536" step="1" value="1024"></label>
    <button type="button" class="primary" id="tok-train">Train tokenizer</button>
    <button type="button" id="tok-cancel" disabled>Cancel</button>
  </div>
  <div class="progress" id="tok-progress" role="progressbar" aria-label="tokenizer training progress" aria-valuemin="0" aria-valuemax="100">
    <div class="bar"></div><span class="label">no tokenizer yet</span>
  </div>
  <p class="error" id="tok-error" role="alert"></p>
  <label class="block">Text to tokenize
    <textarea id="tok-text" rows="2" spellcheck="false"></textarea>
  </label>
  <label class="block">Merges applied: <b id="tok-merge-count">0</b>
    <input id="tok-merges" type="range" min="0" max="0" value="0" disabled aria-describedby="tok-merge-what">
  </label>
  <p class="hint" id="tok-merge-what" aria-live="polite"></p>
  <h3 class="sub">Byte-pair tokens <span class="count" id="tok-bpe-count"></span></h3>
  <ul class="chips" id="tok-chips" role="list"></ul>
  </div><div>
  <h3 class="sub">Word tokenizer (word2vec) <span class="count" id="tok-word-count"></span></h3>
  <ul class="chips" id="tok-words" role="list"></ul>
  <h3 class="sub">GPT-2 <span class="count" id="tok-gpt2-count"></span></h3>
  <div class="dropzone small" id="tok-gpt2-drop">
    <button type="button" id="tok-gpt2-open">Open GPT-2's tokenizer files…</button>
    <input type="file" id="tok-gpt2-input" accept=".tiktoken,.json,.txt" multiple hidden>
    <span>or drop <code>gpt2.tiktoken</code>, or <code>vocab.json</code> + <code>merges.txt</code>, here</span>
  </div>
  <p class="error" id="tok-gpt2-error" role="alert"></p>
  <ul class="chips" id="tok-gpt2" role="list"></ul>
  </div></div>`;

export default {
  id: 'tokenizer',
  title: 'Tokenizer',
  place: 'transformer',
  wide: true,
  about: 'A transformer reads token ids, not words. Byte-pair encoding starts from single bytes and keeps ' +
    'merging the most frequent neighbouring pair in the corpus; move the slider to replay the merges on your text.',

  markup,

  mount(section, { store, $ }) {
    const error = $('#tok-error');
    const box = $('#tok-progress');
    let running = null;
    let gpt2 = null;

    const text = () => $('#tok-text').value;
    $('#tok-text').value = readUrlState().get('tokText') ?? DEFAULT_SENTENCE;
    const vocabFromUrl = Number(readUrlState().get('vocab'));
    if (vocabFromUrl >= 261 && vocabFromUrl <= 65536) $('#tok-vocab').value = String(vocabFromUrl);

    function describeMerge(tok, n) {
      if (n === 0) return 'No merges: every byte of the text is its own token.';
      const merge = tok.merges[n - 1];
      const piece = (id) => `"${visiblePiece(pieceOf(tok, id))}" (${id})`;
      return `Merge ${fmt(n)}: ${piece(merge.left)} + ${piece(merge.right)} → ${piece(merge.id)}, ` +
        `a pair seen ${fmt(merge.count)} times in the corpus.`;
    }

    function renderBpe() {
      const current = store.get('tokenizer');
      if (!current) {
        $('#tok-chips').replaceChildren();
        $('#tok-bpe-count').textContent = '';
        return;
      }
      const { tokenizer } = current;
      const n = Number($('#tok-merges').value);
      try {
        const encoded = tokenizer.encode(text(), { merges: n });
        const ids = [...encoded.ids];
        tokenChips($('#tok-chips'), { ids, pieces: shownTexts(encoded) });
        $('#tok-bpe-count').textContent = `${plural(ids.length, 'token')} after ${plural(n, 'merge')}`;
        $('#tok-merge-count').textContent = fmt(n);
        $('#tok-merge-what').textContent = describeMerge(tokenizer, n);
        showError(error, null);
      } catch (e) {
        showError(error, e);
      }
    }

    function renderWords() {
      const engine = store.get('engine');
      if (!engine) return;
      const words = engine.tokenize(text()).split(/\s+/).filter(Boolean);
      tokenChips($('#tok-words'), { pieces: words });
      $('#tok-word-count').textContent = `${plural(words.length, 'token')} (lowercased, punctuation stripped; a word not in the vocabulary is lost)`;
    }

    function renderGpt2() {
      if (!gpt2) return;
      try {
        const encoded = gpt2.encode(text());
        const ids = [...encoded.ids];
        tokenChips($('#tok-gpt2'), { ids, pieces: shownTexts(encoded) });
        $('#tok-gpt2-count').textContent = plural(ids.length, 'token');
        showError($('#tok-gpt2-error'), null);
      } catch (e) {
        showError($('#tok-gpt2-error'), e);
      }
    }

    function renderAll() {
      renderBpe();
      renderWords();
      renderGpt2();
    }

    const showRunning = startCancel($('#tok-train'), $('#tok-cancel'), { fromPage: false }); // it also starts by itself
    function setRunning(controller) {
      running = controller;
      showRunning(!!controller);
    }

    async function train() {
      const corpus = store.get('corpus');
      const engine = store.get('engine');
      showError(error, null);
      if (!corpus || !engine) {
        showError(error, new Error(corpus ? 'the engine is still loading; try again in a moment' : 'choose a corpus first'));
        return;
      }
      const vocabSize = Number($('#tok-vocab').value);
      writeUrlState({ vocab: vocabSize });
      const controller = new AbortController();
      setRunning(controller);
      const started = performance.now();
      setProgress(box, 0, 'counting pairs…');
      try {
        const tokenizer = await engine.trainTokenizerInWorker(corpus.data, {
          vocabSize,
          signal: controller.signal,
          onProgress: (p) => {
            const rate = p.mergesDone / Math.max(p.elapsedMs / 1000, 1e-3);
            setProgress(box, p.fraction, `${fmt(p.mergesDone)} of ${fmt(p.mergesTotal)} merges · ${fmt(rate)} merges/s · ETA ${clock(p.etaSeconds)}`);
          },
        });
        const seconds = (performance.now() - started) / 1000;
        setProgress(box, 1, `done in ${seconds.toFixed(1)} s: ${fmt(tokenizer.merges.length)} merges, ${fmt(tokenizer.size)} tokens`);
        store.set('tokenizer', { tokenizer, label: `BPE ${fmt(tokenizer.size)} on ${corpus.name}` });
      } catch (e) {
        if (e.name === 'AbortError') setProgress(box, 0, store.get('tokenizer') ? 'cancelled; the previous tokenizer is kept' : 'cancelled');
        else {
          setProgress(box, 0, 'failed');
          showError(error, e);
        }
      } finally {
        setRunning(null);
      }
    }

    async function openGpt2(files) {
      const engine = store.get('engine');
      const errorBox = $('#tok-gpt2-error');
      showError(errorBox, null);
      try {
        const byName = (re) => files.find((f) => re.test(f.name));
        const tiktoken = byName(/\.tiktoken$/i);
        const vocab = byName(/\.json$/i);
        const merges = byName(/merges.*\.txt$|\.txt$/i);
        let loaded;
        if (tiktoken) loaded = engine.loadTokenizer(new Uint8Array(await tiktoken.arrayBuffer()));
        else if (vocab && merges) loaded = engine.loadTokenizer({ vocab: await vocab.text(), merges: await merges.text() });
        else throw new Error(`${files.map((f) => f.name).join(', ')}: open gpt2.tiktoken, or vocab.json and merges.txt together`);
        gpt2?.dispose();
        gpt2 = loaded;
        renderGpt2();
      } catch (e) {
        showError(errorBox, e);
      }
    }

    $('#tok-train').addEventListener('click', train);
    $('#tok-cancel').addEventListener('click', () => running?.abort());
    $('#tok-text').addEventListener('input', renderAll);
    $('#tok-text').addEventListener('change', () => writeUrlState({ tokText: text() }));
    $('#tok-merges').addEventListener('input', renderBpe);
    const input = $('#tok-gpt2-input');
    $('#tok-gpt2-open').addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      const files = [...input.files];
      input.value = '';
      if (files.length) openGpt2(files);
    });
    const drop = $('#tok-gpt2-drop');
    drop.addEventListener('dragover', (e) => { e.preventDefault(); e.stopPropagation(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => { // not a corpus: the page's own drop handler must not see it
      e.preventDefault();
      e.stopPropagation();
      drop.classList.remove('over');
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) openGpt2(files);
    });

    store.on('tokenizer', (current, previous) => {
      const slider = $('#tok-merges');
      const merges = current?.tokenizer.merges.length ?? 0;
      slider.max = String(merges);
      slider.value = String(merges);
      slider.disabled = !current;
      renderBpe();
      if (previous && previous.tokenizer !== current?.tokenizer) previous.tokenizer.dispose();
    });
    store.on('engine', renderWords);
    // The section needs a tokenizer: the first visit trains one on the corpus with the default size.
    const ensure = () => {
      if (store.get('section') === 'transformer' && store.get('corpus') && store.get('engine') && !store.get('tokenizer') && !running) train();
    };
    for (const key of ['section', 'corpus', 'engine']) store.on(key, ensure);
  },
};

// A token's text: its own, or its byte-level spelling when it is part of a character.
function pieceOf(tokenizer, id) {
  const text = tokenizer.decode([id]);
  return text.includes('\uFFFD') ? tokenizer.piece(id) : text;
}
