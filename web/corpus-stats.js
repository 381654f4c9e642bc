// Counts a corpus in the page, before any training: words and lines for the corpus panel, and word
// frequencies for the training panel's "too small to learn from" warning. Words are split the way
// the engine's tokenizer splits them (whitespace, lowercased, leading and trailing punctuation
// stripped), so the vocabulary sizes are close estimates, not exact.

/** Words (whitespace-separated runs) and lines of a string or UTF-8 bytes, in one pass. */
export function countWords(data) {
  let words = 0;
  let lines = 0;
  let inWord = false;
  const isString = typeof data === 'string';
  for (let i = 0; i < data.length; i++) {
    const c = isString ? data.charCodeAt(i) : data[i];
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (c === 10) lines++;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  if (data.length > 0 && (isString ? data.charCodeAt(data.length - 1) : data[data.length - 1]) !== 10) lines++;
  return { words, lines };
}

const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** How often each distinct word occurs, most frequent first. */
export function wordFrequencies(data) {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  const counts = new Map();
  for (const token of text.split(/\s+/u)) {
    const word = token.toLowerCase().replace(EDGE_PUNCTUATION, '');
    if (word) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return Int32Array.from(counts.values()).sort().reverse();
}

/** Distinct words and tokens that survive `minCount`. */
export function vocabularyAt(frequencies, minCount) {
  let words = 0;
  let tokens = 0;
  for (const f of frequencies) {
    if (f < minCount) break;
    words++;
    tokens += f;
  }
  return { words, tokens };
}

// Below these, nearest neighbours are mostly chance: too few words to compare, or too few
// training examples (tokens × epochs) for the vectors to move from their random start.
export const ENOUGH_WORDS = 100;
export const ENOUGH_EXAMPLES = 50000;
const EPOCH_STEPS = [5, 10, 20, 50, 100, 200, 500, 1000];

/**
 * null when min count and epochs suit the corpus; otherwise what they leave ({ distinct, tokens,
 * kept, keptTokens }) and settings that fit better ({ minCount, epochs }; equal to the given ones when nothing
 * would help).
 */
export function checkCorpusSize(frequencies, { minCount, epochs }) {
  const kept = vocabularyAt(frequencies, minCount);
  if (kept.words >= ENOUGH_WORDS && kept.tokens * epochs >= ENOUGH_EXAMPLES) return null;
  const distinct = frequencies.length;
  const tokens = vocabularyAt(frequencies, 1).tokens;
  // The largest min count that keeps ENOUGH_WORDS words (or all of them, for a tinier corpus).
  const suggestedMinCount = distinct === 0 ? minCount : Math.min(minCount, frequencies[Math.min(ENOUGH_WORDS, distinct) - 1]);
  const keptTokens = Math.max(1, vocabularyAt(frequencies, suggestedMinCount).tokens);
  const needed = Math.ceil(ENOUGH_EXAMPLES / keptTokens);
  const suggestedEpochs = Math.max(epochs, EPOCH_STEPS.find((e) => e >= needed) ?? EPOCH_STEPS.at(-1));
  return { distinct, tokens, kept: kept.words, keptTokens: kept.tokens, minCount: suggestedMinCount, epochs: suggestedEpochs };
}
