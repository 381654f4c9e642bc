// Reading what a language model returns: per-token rows, whether they come as an array of
// Float32Arrays or as one row-major Float32Array of n × width.

/** Row i (a Float32Array of `width` numbers) of `part`. */
export function rowOf(part, i, width) {
  if (Array.isArray(part)) return part[i];
  return part.subarray(i * width, (i + 1) * width);
}

/** All rows of `part` as an array. */
export function rowsOf(part, width) {
  if (Array.isArray(part)) return part;
  return Array.from({ length: part.length / width }, (_, i) => rowOf(part, i, width));
}

/** The largest absolute value over some rows (at least a tiny number, to scale colours by). */
export function maxAbs(rows) {
  let m = 1e-9;
  for (const r of rows) for (const v of r) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * The tokens of a language model's answer (inputs(), outputs()) as [{ text, id, segment }]: each
 * token's own text, or its byte-level spelling when it is part of a character (U+FFFD as text).
 */
export function tokenList(r) {
  return r.tokens.map((piece, i) => ({
    text: r.texts?.[i] !== undefined && !r.texts[i].includes('\uFFFD') ? r.texts[i] : piece,
    id: r.ids[i], segment: r.segments?.[i] ?? 0,
  }));
}

/** A number as the panels print it: 4 decimals, a real minus sign. */
export const num = (v) => (v < 0 ? `−${(-v).toFixed(4)}` : v.toFixed(4));
