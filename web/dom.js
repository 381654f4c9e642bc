// The page's only ways to make and change elements. Static markup comes from `html` templates,
// which refuse interpolation; anything a user typed, loaded or trained (words, file names, corpus
// text) goes in through textContent, so it can never become markup.

/** Static markup: html`<p>…</p>` gives a DocumentFragment. `${…}` is an error, by design. */
export function html(strings, ...values) {
  if (values.length > 0) throw new Error('html`` takes no ${…}: put user text in with el() or textContent');
  const template = document.createElement('template');
  template.innerHTML = strings.join('');
  return template.content;
}

/** el('li', { class, text, onclick, 'aria-label': … }, ...children): text via textContent only. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children); // strings become text nodes
  return node;
}

/** `find('#id')` scoped to one panel's section. */
export const scoped = (root) => (selector) => root.querySelector(selector);

export const fmt = (n) => Math.round(n).toLocaleString('en-US');

/** plural(1, 'epoch') → '1 epoch', plural(5, 'epoch') → '5 epochs'. */
export const plural = (n, noun) => `${fmt(n)} ${noun}${n === 1 ? '' : 's'}`;

export function clock(seconds) {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A file size for people: '9.0 MB', '12 kB', '44 bytes'. */
export function fileSize(bytes) {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return bytes >= 1e3 ? `${fmt(bytes / 1e3)} kB` : plural(bytes, 'byte');
}

/** Shows an error's message (or clears it with null) in an error paragraph. */
export function showError(node, error) {
  node.textContent = error ? (error.message ?? String(error)) : '';
}

/** The explored model, or null after saying in `errorBox` that there is none yet. */
export function requireModel(store, errorBox) {
  const model = store.get('model')?.model ?? null;
  if (!model) showError(errorBox, new Error('no model yet: train one or open a vectors file'));
  return model;
}

/** A progress box (.bar + .label): fraction 0..1 and a label. */
export function setProgress(box, fraction, label) {
  box.querySelector('.bar').style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  box.querySelector('.label').textContent = label;
  box.setAttribute('aria-valuenow', String(Math.round(Math.max(0, Math.min(1, fraction)) * 100)));
}

/** A results list of { word, similarity } with bars; each word is a button that calls onWord. */
export function renderResults(list, results, onWord) {
  list.replaceChildren(...results.map(({ word, similarity }, i) => {
    const bar = el('div', { class: 'simbar', 'aria-hidden': 'true' }, el('div'));
    bar.firstChild.style.width = `${Math.max(0, similarity) * 100}%`;
    return el('li', {}, el('span', { class: 'rank', text: String(i + 1) }), wordButton(word, onWord), bar,
      el('span', { class: 'value', text: similarity.toFixed(3) }));
  }));
}

export function wordButton(word, onWord) {
  return el('button', { type: 'button', class: 'word', title: `explore ${word}`, text: word, onclick: () => onWord(word) });
}

/** Saves bytes as a download named `name`. */
export function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Start and Cancel buttons that take turns being enabled; keyboard focus follows, so it never falls
 * to the top of the page. Returns set(running). `fromPage`: also focus Start when a run ends while
 * nothing has the focus (not for runs the page starts by itself, which must not move the focus).
 */
export function startCancel(start, cancel, { fromPage = true } = {}) {
  return (running) => {
    const focused = document.activeElement;
    start.disabled = running;
    cancel.disabled = !running;
    if (running && focused === start) cancel.focus();
    if (!running && (focused === cancel || (fromPage && (focused === document.body || focused === null)))) start.focus();
  };
}

/** Pairs a visible button with a hidden file input: the button is what the keyboard reaches. */
export function fileButton(button, input, onFile) {
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) onFile(file);
  });
}
