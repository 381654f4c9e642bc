// The embedlab playground: a plain user of the npm package in src/js. This file only builds the
// shell: it mounts the registered panels (web/panels/index.js), loads the engine and shows which
// model is being explored. Panels talk through the store (web/store.js), never to each other.
import { init } from '../src/js/index.js';
import { el, fmt, scoped, showError } from './dom.js';
import { panels } from './panels/index.js';
import { createStore } from './store.js';
import { createTabs } from './tabs.js';
import './style.css';

const $ = (id) => document.getElementById(id);

function stepSection({ id, title }, number) {
  const section = el('article', { class: 'card', id: `${id}-card`, 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title`, text: `${number} · ${title}` }));
  $('steps').append(section);
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

async function main() {
  const store = createStore({ engine: null, corpus: null, model: null, training: { status: 'idle' }, tab: null });
  const tabs = createTabs(document.querySelector('.tabs'), $('tab-panels'), store);
  const modules = await Promise.all(panels.map((load) => load()));
  let step = 0;
  const mounted = modules.map(({ default: panel }) => {
    const section = panel.place === 'tab' ? tabs.add(panel) : stepSection(panel, ++step);
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
