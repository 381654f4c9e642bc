// Tokens as the transformer section shows them: coloured chips with the token's id under its text,
// white space made visible (· for a space, ↵ for a new line, → for a tab), whether the tokenizer
// spells pieces as raw text or as GPT-2's byte characters (Ġ for a space, Ċ for a new line).
import { el } from '../dom.js';

const VISIBLE = { ' ': '·', '\n': '↵', '\t': '→', '\r': '␍', 'Ġ': '·', 'Ċ': '↵', 'ĉ': '→', 'č': '␍' };

export const visiblePiece = (piece) => [...piece].map((c) => VISIBLE[c] ?? c).join('');

/** A stable pale colour for a token id (the same token has the same colour everywhere). */
export const tokenColour = (id) => `hsl(${(id * 137.508) % 360}, 75%, 88%)`;

/** The text to show for each token of tokenizer.encode()'s { texts, pieces }. */
export const shownTexts = ({ texts, pieces }) => pieces.map((p, i) => (texts && !texts[i].includes('\uFFFD') ? texts[i] : p));

/** A list of chips for { pieces, ids? }; `segments` (0/1 per token) adds the A/B class. */
export function tokenChips(list, { pieces, ids = null, segments = null }) {
  list.replaceChildren(...pieces.map((piece, i) => {
    const id = ids?.[i];
    const chip = el('li', { class: `chip${segments ? ` segment-${segments[i] ? 'b' : 'a'}` : ''}` },
      el('span', { class: 'piece', text: visiblePiece(piece) }),
      id === undefined ? '' : el('span', { class: 'id', text: String(id) }));
    if (id !== undefined && !segments) chip.style.background = tokenColour(id);
    chip.title = id === undefined ? JSON.stringify(piece) : `${JSON.stringify(piece)} · id ${id}`;
    return chip;
  }));
  list.setAttribute('aria-label', `${pieces.length} tokens: ${pieces.map(visiblePiece).join(' | ')}`);
}

/** Probability bars for [{ token, text, probability }] (fill() and next() candidates). */
export function fillBars(list, candidates) {
  list.replaceChildren(...candidates.map(({ token, text, probability }) => {
    const piece = text && !text.includes('\uFFFD') ? text : token;
    const bar = el('span', { class: 'bar', 'aria-hidden': 'true' }, el('span'));
    bar.firstChild.style.width = `${(100 * probability).toFixed(1)}%`;
    return el('li', {}, el('span', { class: 'piece', text: visiblePiece(piece) }), bar, el('span', { class: 'value', text: `${(100 * probability).toFixed(1)}%` }));
  }));
}
