// The page's panels, in order: 'step' panels stack in the left column of the word-embedding half
// (numbered), 'tab' panels become tabs on its right, and 'transformer' panels are the numbered
// cards of the transformer half (wide: true spans its two columns). Adding a panel is one new file
// in this folder and one line here. Each module's default export is { id, title, place, about (two
// or three plain sentences shown under the title), markup() (its static elements, from dom.js
// html``) and mount(section, { store, $ }) ($ finds elements within the section). mount may return
// a promise the page waits for before it calls itself ready.
export const panels = [
  () => import('./corpus.js'),
  () => import('./train.js'),
  () => import('./explore.js'),
  () => import('./map.js'),
  () => import('./evaluate.js'),
  () => import('./export.js'),
  () => import('./tokenizer.js'),
  () => import('./input-sum.js'),
  () => import('./position.js'),
  () => import('./segments.js'),
  () => import('./learning.js'),
  () => import('./compare.js'),
];
