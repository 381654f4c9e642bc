// Export: the explored model's vectors as files (made in the page; nothing is uploaded).
import { download, html, requireModel, showError } from '../dom.js';

const markup = () => html`
  <h3>Download the vectors</h3>
  <div class="row buttons">
    <button type="button" data-export="word2vec-text">word2vec text (.vec)</button>
    <button type="button" data-export="word2vec-binary">word2vec binary (.bin)</button>
    <button type="button" data-export="projector-tsv">Embedding Projector (vectors.tsv + metadata.tsv)</button>
  </div>
  <p class="hint">The TSV pair loads into the TensorFlow Embedding Projector (Load → choose both files). Files are made here; nothing is uploaded.</p>
  <p class="error" id="export-error" role="alert"></p>`;

export default {
  id: 'export',
  title: 'Export',
  place: 'tab',
  about: 'Take the vectors elsewhere: word2vec text or binary files open in gensim, fastText tools and this page; ' +
    'the TSV pair opens in the TensorFlow Embedding Projector.',

  markup,

  mount(section, { store, $ }) {
    const errorBox = $('#export-error');

    function save(format) {
      showError(errorBox, null);
      const model = requireModel(store, errorBox);
      if (!model) return;
      try {
        if (format === 'projector-tsv') {
          const { vectors, metadata } = model.save('projector-tsv');
          download(vectors, 'vectors.tsv', 'text/tab-separated-values');
          download(metadata, 'metadata.tsv', 'text/tab-separated-values');
        } else if (format === 'word2vec-binary') {
          download(model.save('word2vec-binary'), 'vectors.bin', 'application/octet-stream');
        } else {
          download(model.save('word2vec-text'), 'vectors.vec', 'text/plain');
        }
      } catch (e) {
        showError(errorBox, e);
      }
    }

    section.querySelectorAll('[data-export]').forEach((b) => b.addEventListener('click', () => save(b.dataset.export)));
    store.on('model', () => showError(errorBox, null));
  },
};
