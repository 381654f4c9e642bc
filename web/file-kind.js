// Is an opened file a corpus (text to train on) or a vectors file (a ready model)? One line is not
// enough to tell ("1984 2" starts many a text; a 5-dimension GloVe line looks like a sentence with
// numbers), so the first lines are checked against what a vectors file would need, and when they
// disagree the page asks.

const SAMPLE_LINES = 20;
export const SAMPLE_BYTES = 64 * 1024; // classifyFile reads no more than this
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Returns { kind: 'vectors' | 'corpus' | 'ask', why } for a file's bytes; `why` is a sentence for
 * the user when the page has to ask.
 */
export function classifyFile(bytes, name) {
  if (/\.(vec|bin)$/i.test(name)) return { kind: 'vectors', why: `the name ${name} says vectors` };
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const newline = sample.indexOf(10);
  const first = new TextDecoder().decode(sample.subarray(0, newline < 0 ? sample.length : newline)).trim();
  const header = first.match(/^(\d+)\s+(\d+)$/);
  if (header && isBinary(sample.subarray(newline + 1))) return { kind: 'vectors', why: 'a word2vec binary file' };

  const lines = textLines(sample, header ? newline + 1 : 0);
  if (lines.length === 0) return { kind: header ? 'ask' : 'corpus', why: `${name} has only a first line` };
  if (header) {
    const [count, dim] = [Number(header[1]), Number(header[2])];
    const checked = lines.slice(0, Math.max(1, Math.min(count, SAMPLE_LINES)));
    const fitting = checked.filter((fields) => numericTail(fields) === dim && fields.length === dim + 1).length;
    if (fitting === checked.length && dim > 0) return { kind: 'vectors', why: `a word2vec text file of ${count} × ${dim}` };
    if (fitting === 0) return { kind: 'corpus', why: `its first line "${first}" looks like a header, but no line after it has ${dim} numbers` };
    return { kind: 'ask', why: `its first line "${first}" looks like a vectors header (${count} words × ${dim} numbers), ` +
      `but only ${fitting} of the next ${checked.length} lines have ${dim} numbers after a word` };
  }
  // No header: GloVe has a word and the same number of numbers on every line.
  const dims = lines.map(numericTail);
  const strong = dims.filter((d) => d >= 2).length;
  if (strong === 0) return { kind: 'corpus', why: 'its lines are text' };
  if (strong === lines.length && dims.every((d) => d === dims[0]) && lines.length >= 2) {
    return { kind: 'vectors', why: `a GloVe file with ${dims[0]} dimensions` };
  }
  return { kind: 'ask', why: `${strong} of its first ${lines.length} lines are a word followed by numbers, like a GloVe vectors file` };
}

// Fields of the first non-empty lines after `start` (the last line may be cut off by the sample, so
// it is dropped unless the sample is the whole file).
function textLines(sample, start) {
  const text = new TextDecoder().decode(sample.subarray(start));
  const lines = text.split('\n');
  if (sample.length === SAMPLE_BYTES && lines.length > 1) lines.pop();
  return lines.map((l) => l.trim()).filter(Boolean).slice(0, SAMPLE_LINES).map((l) => l.split(/\s+/));
}

// How many numbers follow the first field (0 when any field after the first is not a number).
function numericTail(fields) {
  if (fields.length < 2) return 0;
  return fields.slice(1).every((f) => NUMBER.test(f)) ? fields.length - 1 : 0;
}

// Raw float bytes: a NUL, or bytes that are not UTF-8 (a character cut off at the end is fine).
function isBinary(bytes) {
  if (bytes.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return false;
  } catch {
    return true;
  }
}
