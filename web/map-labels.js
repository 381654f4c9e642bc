// Which words the map labels, and where: a greedy placement by priority that never lets two labels
// overlap. Priority: the words someone asked about (selected, searched, an analogy, neighbours),
// then content words by frequency. A content word is one that is not in the stop list below (the
// function words of English: articles, pronouns, prepositions, auxiliaries…), has at least three
// letters and only letters (or an inner hyphen or apostrophe). Frequency is the word's row: trained
// models list words most frequent first.

const STOP_WORDS = new Set(`a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else etc even ever every few for from
further had has have having he her here hers herself him himself his how however i if in into is it its itself just
least less like made make may me might more most much must my myself neither no nor not now of off often on once one
only or other others our ours ourselves out over own per perhaps quite rather really same shall she should since so
some such than that the their theirs them themselves then there these they this those though through thus to too
toward towards under until up upon us used using very was we well were what when where whether which while who whom
whose why will with within without would yet you your yours yourself yourselves s t d ll m o re ve y`.split(/\s+/));

const WORD_SHAPE = /^\p{L}[\p{L}'-]*\p{L}$/u;

/** Whether `word` is worth a label of its own (see the rule at the top of this file). */
export function isContentWord(word) {
  return word.length >= 3 && WORD_SHAPE.test(word) && !STOP_WORDS.has(word);
}

/**
 * Places labels greedily. `candidates` are { text, x, y, ... } in priority order (screen pixels of
 * the point); each label sits beside its point (right, left, above or below, whichever is free
 * first) or is skipped. `measure(text)` gives a label's width. Returns the placed candidates with
 * their box { left, top, width, height } and text anchor { textX, textY }.
 */
export function placeLabels(candidates, { width, height, measure, lineHeight = 14, max = 60, gap = 4 }) {
  const cell = 48; // a uniform grid of placed boxes makes each overlap test look at a few neighbours only
  const grid = new Map();
  const placed = [];
  const cellsOf = (box) => {
    const keys = [];
    for (let cx = Math.floor(box.left / cell); cx <= Math.floor((box.left + box.width) / cell); cx++) {
      for (let cy = Math.floor(box.top / cell); cy <= Math.floor((box.top + box.height) / cell); cy++) keys.push(`${cx},${cy}`);
    }
    return keys;
  };
  const overlaps = (box) => cellsOf(box).some((key) => (grid.get(key) ?? []).some((other) =>
    box.left < other.left + other.width && other.left < box.left + box.width &&
    box.top < other.top + other.height && other.top < box.top + box.height));
  for (const candidate of candidates) {
    if (placed.length >= max) break;
    const { x, y } = candidate;
    if (!(x >= 0 && x <= width && y >= 0 && y <= height)) continue;
    const w = measure(candidate.text);
    const h = lineHeight;
    const options = [
      { left: x + gap, top: y - h - 1 },          // above right: the usual place
      { left: x + gap, top: y + 1 },              // below right
      { left: x - gap - w, top: y - h - 1 },      // above left
      { left: x - gap - w, top: y + 1 },          // below left
    ];
    for (const { left, top } of options) {
      const box = { left, top, width: w, height: h };
      if (left < 0 || top < 0 || left + w > width || top + h > height || overlaps(box)) continue;
      for (const key of cellsOf(box)) {
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(box);
      }
      placed.push({ ...candidate, box, textX: left, textY: top + h - 3 });
      break;
    }
  }
  return placed;
}
