// ARIA tabs (WAI-ARIA Authoring Practices): role=tablist/tab/tabpanel, aria-selected,
// aria-controls, a roving tabindex, Left/Right (wrapping), Home and End. The selected tab lives in
// the store (under `key`: 'tab' for the panels on the right, 'section' for the page's two halves),
// so any panel can ask for one without knowing the others.
import { el } from './dom.js';

export function createTabs(tablist, container, store, { key = 'tab', prefix = 'tab' } = {}) {
  const tabs = []; // { name, button, panel }

  function show(name) {
    for (const tab of tabs) {
      const selected = tab.name === name;
      tab.button.setAttribute('aria-selected', String(selected));
      tab.button.tabIndex = selected ? 0 : -1;
      tab.panel.hidden = !selected;
    }
  }
  store.on(key, show);

  tablist.addEventListener('keydown', (event) => {
    const at = tabs.findIndex((t) => t.button === document.activeElement);
    if (at < 0) return;
    const last = tabs.length - 1;
    const to = { ArrowRight: at === last ? 0 : at + 1, ArrowLeft: at === 0 ? last : at - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    tabs[to].button.focus();
    store.set(key, tabs[to].name);
  });

  return {
    /**
     * Adds a tab for a registered panel; returns the panel's section. `panel` adopts an element
     * already in the page instead of making a card in `container`.
     */
    add({ id, title }, panel = null) {
      const button = el('button', {
        type: 'button', role: 'tab', id: `${prefix}-button-${id}`, [`data-${prefix}`]: id, 'aria-controls': `${prefix}-${id}`,
        'aria-selected': 'false', tabindex: '-1', text: title,
        onclick: () => store.set(key, id),
      });
      if (!panel) {
        panel = el('article', { class: 'card tab-panel' });
        container.append(panel);
      }
      Object.assign(panel, { id: `${prefix}-${id}`, hidden: true });
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', button.id);
      panel.tabIndex = 0;
      tablist.append(button);
      tabs.push({ name: id, button, panel });
      if (tabs.length === 1) store.set(key, id);
      return panel;
    },
  };
}
