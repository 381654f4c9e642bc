// ARIA tabs (WAI-ARIA Authoring Practices): role=tablist/tab/tabpanel, aria-selected,
// aria-controls, a roving tabindex, Left/Right (wrapping), Home and End. The selected tab lives in
// the store ('tab'), so any panel can ask for one without knowing the others.
import { el } from './dom.js';

export function createTabs(tablist, container, store) {
  const tabs = []; // { name, button, panel }

  function show(name) {
    for (const tab of tabs) {
      const selected = tab.name === name;
      tab.button.setAttribute('aria-selected', String(selected));
      tab.button.tabIndex = selected ? 0 : -1;
      tab.panel.hidden = !selected;
    }
  }
  store.on('tab', show);

  tablist.addEventListener('keydown', (event) => {
    const at = tabs.findIndex((t) => t.button === document.activeElement);
    if (at < 0) return;
    const last = tabs.length - 1;
    const to = { ArrowRight: at === last ? 0 : at + 1, ArrowLeft: at === 0 ? last : at - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    tabs[to].button.focus();
    store.set('tab', tabs[to].name);
  });

  return {
    /** Adds a tab and its panel for a registered panel; returns the panel's section. */
    add({ id, title }) {
      const button = el('button', {
        type: 'button', role: 'tab', id: `tab-button-${id}`, 'data-tab': id, 'aria-controls': `tab-${id}`,
        'aria-selected': 'false', tabindex: '-1', text: title,
        onclick: () => store.set('tab', id),
      });
      const panel = el('article', { class: 'card tab-panel', id: `tab-${id}`, role: 'tabpanel', 'aria-labelledby': button.id,
        tabindex: '0', hidden: true });
      tablist.append(button);
      container.append(panel);
      tabs.push({ name: id, button, panel });
      if (tabs.length === 1) store.set('tab', id);
      return panel;
    },
  };
}
