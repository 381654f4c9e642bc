// The page's settings in the address bar (#corpus=wordnet&model=cbow&dim=100…), so a link
// reproduces a run. Each panel reads and writes only its own keys.

export function readUrlState() {
  return new URLSearchParams(location.hash.slice(1));
}

/** Merges `entries` into the hash without adding a history entry. */
export function writeUrlState(entries) {
  const params = readUrlState();
  for (const [key, value] of Object.entries(entries)) params.set(key, String(value));
  history.replaceState(null, '', `#${params}`);
}

/**
 * Copies the hash's values into a form's controls by name. A value the control rejects (not one of
 * a select's options, or outside an input's min/max/step) leaves the control's default in place;
 * the returned notes say which, in words a user can act on.
 */
export function applyUrlState(form, names, params = readUrlState()) {
  const notes = [];
  for (const name of names) {
    const control = form.elements[name];
    if (!control || !params.has(name)) continue;
    const wanted = params.get(name);
    const fallback = control.value;
    control.value = wanted;
    const known = control.tagName === 'SELECT'
      ? [...control.options].some((o) => o.value === wanted)
      : control.value !== '' && control.checkValidity(); // a number input empties itself for 'x'
    if (!known) {
      control.value = fallback;
      const shown = control.tagName === 'SELECT' ? control.selectedOptions[0]?.textContent : fallback;
      notes.push(`${name}=${wanted.length > 30 ? `${wanted.slice(0, 30)}…` : wanted} is not a valid ${labelOf(control)}; using ${shown}`);
    }
  }
  return notes;
}

function labelOf(control) {
  const label = control.labels?.[0];
  const text = label ? [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim() : '';
  return (text || control.name).toLowerCase();
}
