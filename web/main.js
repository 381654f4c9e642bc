// The embedlab playground: a plain user of the npm package in src/js. This file only builds the
// shell: it mounts the registered panels (web/panels/index.js) in the page's two sections (word
// embeddings, transformer inputs), loads the engine and shows which model is being explored.
// Panels talk through the store (web/store.js), never to each other.
import { init } from '../src/js/index.js';
import { el, fmt, scoped, showError } from './dom.js';
import { panels } from './panels/index.js';
import { createStore } from './store.js';
import { createTabs } from './tabs.js';
import { readUrlState, writeUrlState } from './url-state.js';
import './style.css';

const $ = (id) => document.getElementById(id);

const SECTIONS = [
  { id: 'words', title: 'Word embeddings' },
  { id: 'transformer', title: 'Transformer inputs' },
];

function numberedCard({ id, title, wide }, number, container) {
  const section = el('article', { class: `card${wide ? ' wide' : ''}`, id: `${id}-card`, 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title`, text: `${number} · ${title}` }));
  container.append(section);
  return section;
}

function showEngine(engine) {
  const isolated = globalThis.crossOriginIsolated === true;
  const cores = navigator.hardwareConcurrency || 1;
  $('badge-simd').textContent = `WebAssembly SIMD · ${engine.isa}`;
  $('badge-simd').className = 'badge ok';
  const threads = $('badge-threads');
  threads.textContent = isolated ? `multi-threading available (${cores} cores)` : 'single-threaded (page not cross-origin isolated)';
  threads.className = `badge ${isolated ? 'ok' : 'warn'}`;
}

function showModel(current) {
  const status = $('model-status');
  if (!current) {
    status.textContent = 'No model yet: train one, or open a vectors file.';
    return;
  }
  const { model, label } = current;
  status.replaceChildren(el('b', { text: 'Model: ' }), `${fmt(model.size)} words × ${model.dim} dimensions, ${label}`);
}

// The two halves of the page are tabs too; the chosen one is kept in the address bar (#section=…).
function createSections(store) {
  const sections = createTabs(document.querySelector('.sections'), null, store, { key: 'section', prefix: 'section' });
  for (const section of SECTIONS) sections.add(section, $(`section-${section.id}`));
  const wanted = readUrlState().get('section');
  if (SECTIONS.some((s) => s.id === wanted)) store.set('section', wanted);
  store.on('section', (id) => writeUrlState({ section: id }));
}

async function main() {
  const store = createStore({ engine: null, corpus: null, model: null, training: { status: 'idle' }, tab: null, section: null });
  createSections(store);
  const tabs = createTabs(document.querySelector('.tabs'), $('tab-panels'), store);
  const modules = await Promise.all(panels.map((load) => load()));
  const numbers = { step: 0, transformer: 0 };
  const mounted = modules.map(({ default: panel }) => {
    const section = panel.place === 'tab' ? tabs.add(panel)
      : numberedCard(panel, ++numbers[panel.place], panel.place === 'step' ? $('steps') : $('section-transformer'));
    section.append(el('p', { class: 'about', text: panel.about }), panel.markup?.() ?? '');
    return panel.mount(section, { store, $: scoped(section) });
  });
  store.on('model', showModel);
  // Registered last, so every panel has moved to the new model before the old one is freed.
  store.on('model', (next, previous) => { if (previous && previous.model !== next?.model) previous.model.dispose(); });

  // Training runs in a Worker, which loads the same build: the threads build where the page is isolated.
  const engine = await init();
  showEngine(engine);
  store.set('engine', engine);
  await Promise.all(mounted);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  showError($('page-error'), error);
  document.body.dataset.ready = 'error';
});
