// The panels doing what a new user expects (the fixes of issue 7): exact words win over
// suggestions, the map draws an analogy only when asked, a refused setting or a cancel leaves the
// previous run on show, links with unknown settings fall back visibly, files are told apart by
// several lines, and small corpora are warned about before training.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveForTests } from './server.mjs';
import {
  countPixels, openFile, openVectors, pasteCorpus, resultWords, setFields, train, trainingEnded, vectorsFile,
} from './page-actions.mjs';

const env = serveForTests();
const open = (hash = '') => openPage(env.browser, `${env.server.url}#corpus=custom${hash}`); // brings its own corpus

// A tiny model: royals along one axis, fruit along another; 'manner' is listed before 'man'.
const SMALL_VECTORS = vectorsFile({
  manner: [0.1, 0.1, 0.9, 0.1], many: [0.2, 0.1, 0.8, 0.2], man: [0.9, 0.1, 0.1, 0.2], king: [1, 0.3, 0, 0.1],
  woman: [0.8, 0.2, 0.1, 0.9], queen: [0.9, 0.4, 0, 0.9], apple: [0, 1, 0.1, 0], pear: [0.1, 0.9, 0.2, 0],
  plum: [0, 0.8, 0.1, 0.1], water: [0.2, 0.5, 0.5, 0.5],
});

// Sentences from a few words, so training is quick and 'king' has clear neighbours.
function corpus(lines, words) {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: lines }, () => Array.from({ length: 8 }, () => words[Math.floor(next() * words.length)]).join(' ')).join('\n');
}
const ROYAL = corpus(1500, ['the', 'king', 'queen', 'man', 'woman', 'rules', 'land', 'castle', 'throne', 'crown', 'prince', 'court']);
const FRUIT = corpus(1500, ['king', 'apple', 'pear', 'plum', 'grape', 'melon', 'lemon', 'fig']);
const ANALOGY_PURPLE = [0x7a, 0x5a, 0xf8];
const LOSS_BLUE = [0x2f, 0x6f, 0xed];

describe('panels', () => {
  test('Enter explores the typed word when it is a word; a suggestion only when chosen', async () => {
    const { page, problems } = await open();
    await openVectors(page, 'small.vec', SMALL_VECTORS);
    await page.fill('#word-input', '');
    await page.type('#word-input', 'man');
    assert.deepEqual(await page.$$eval('#suggestions li', (li) => li.map((x) => x.textContent)), ['manner', 'many'],
      'suggestions list the longer words');
    await page.press('#word-input', 'Enter');
    assert.equal(await page.inputValue('#word-input'), 'man');
    const neighbours = await resultWords(page, 'neighbours');
    assert.equal(neighbours[0], 'king', `neighbours of man: ${neighbours.join(', ')}`);
    assert.ok(neighbours.includes('manner') && !neighbours.includes('man'), 'the query word is man, not manner');

    // Chosen with the arrow keys, a suggestion is taken.
    await page.fill('#word-input', '');
    await page.type('#word-input', 'man');
    await page.press('#word-input', 'ArrowDown');
    assert.equal(await page.getAttribute('#word-input', 'aria-activedescendant'), await page.getAttribute('#suggestions li:first-child', 'id'));
    await page.press('#word-input', 'Enter');
    assert.equal(await page.inputValue('#word-input'), 'manner');
    // And with a click.
    await page.fill('#word-input', '');
    await page.type('#word-input', 'man');
    await page.click('#suggestions li:nth-child(2)');
    assert.equal(await page.inputValue('#word-input'), 'many');
    assert.ok(!(await resultWords(page, 'neighbours')).includes('many'));
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the map draws the analogy parallelogram only after "Show on map"', async () => {
    const { page, problems } = await open();
    await openVectors(page, 'small.vec', SMALL_VECTORS);
    assert.ok((await resultWords(page, 'analogy-results')).length > 0, 'the default analogy is solved in the Explore tab');
    await page.click('button[data-tab=map]');
    await page.waitForFunction(() => /^PCA of the 10 /.test(document.querySelector('#map-info').textContent));
    assert.equal(await countPixels(page, '#map-overlay', ANALOGY_PURPLE), 0, 'no parallelogram before it is asked for');
    assert.equal(await page.textContent('#map-analogy'), '');

    await page.click('button[data-tab=explore]');
    await page.click('#analogy-map');
    assert.equal(await page.getAttribute('button[data-tab=map]', 'aria-selected'), 'true');
    await page.waitForFunction(() => document.querySelector('#map-analogy').textContent !== '');
    assert.match(await page.textContent('#map-analogy'), /man is to king as woman is to queen/);
    assert.ok(await countPixels(page, '#map-overlay', ANALOGY_PURPLE) > 20, 'the parallelogram is drawn');

    // A new model starts without an analogy on its map.
    await openVectors(page, 'again.vec', SMALL_VECTORS);
    await page.waitForFunction(() => /^PCA of the 10 /.test(document.querySelector('#map-info').textContent));
    await page.waitForFunction(() => document.querySelector('#map-analogy').textContent === '');
    assert.equal(await countPixels(page, '#map-overlay', ANALOGY_PURPLE), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a refused setting keeps the previous curve and probes; a cancel shows the kept model\'s probes', async () => {
    const { page, problems } = await open();
    await pasteCorpus(page, ROYAL);
    assert.match(await train(page, { minCount: 1, epochs: 60, sample: 0 }), /^done in/);
    const probes = await page.textContent('#probes');
    assert.match(probes, /king/);
    assert.ok(await countPixels(page, '#loss-chart canvas', LOSS_BLUE) > 20, 'the loss curve is drawn');

    await setFields(page, { dim: 0 });
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#train-error').textContent !== '');
    assert.match(await page.textContent('#train-error'), /^dim\b/, 'the error names the setting');
    assert.equal(await page.textContent('#probes'), probes);
    assert.ok(await countPixels(page, '#loss-chart canvas', LOSS_BLUE) > 20, 'the previous curve stays');
    assert.match(await page.textContent('#train-progress .label'), /^done in/, 'the progress still describes the previous run');
    assert.match(await page.textContent('#loss-summary'), /^Loss [\d.]+ at the start, [\d.]+ at 100%\.$/);
    assert.match(await page.textContent('#probes-title'), /current model/);
    assert.equal(await page.getAttribute('input[name=dim]', 'aria-invalid'), 'true');
    assert.equal(await page.isEnabled('#start'), true);

    // A run on other text, cancelled after its first probe: the list goes back to the kept model.
    await setFields(page, { dim: 100, epochs: 3000, sample: 0 });
    await pasteCorpus(page, FRUIT);
    await page.click('#start');
    await page.waitForFunction(() => /while training/.test(document.querySelector('#probes-title').textContent), null, { timeout: 60000 });
    assert.match(await page.textContent('#probes'), /apple|pear|plum|grape|melon|lemon|fig/, 'the live probes come from the new run');
    await page.click('#cancel');
    assert.equal(await trainingEnded(page), 'cancelled');
    assert.equal(await page.textContent('#probes'), probes, 'probes show the kept model');
    assert.match(await page.textContent('#probes-title'), /current model/);
    assert.match(await page.textContent('#model-status'), /trained on pasted text/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a link with unknown settings falls back to the defaults and says so', async () => {
    const { page, problems } = await open('&model=banana&loss=hs&dim=0&epochs=3&seed=x');
    assert.equal(await page.inputValue('select[name=model]'), 'cbow');
    assert.equal(await page.inputValue('select[name=loss]'), 'hs', 'valid values are taken');
    assert.equal(await page.inputValue('input[name=dim]'), '100');
    assert.equal(await page.inputValue('input[name=epochs]'), '3');
    assert.equal(await page.inputValue('input[name=seed]'), '1');
    assert.equal(await page.isVisible('#url-note'), true);
    const note = await page.textContent('#url-note');
    assert.match(note, /model=banana is not a valid model; using CBOW/);
    assert.match(note, /dim=0 is not a valid dim; using 100/);
    assert.match(note, /seed=x/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('files are told apart by their first lines, and the page asks when they disagree', async () => {
    const { page, problems } = await open();
    // A text whose first line looks like a word2vec header is still a corpus.
    const novel = '1984 2\nIt was a bright cold day in April, and the clocks were striking thirteen.\nWinston Smith slipped quickly through the glass doors.\n';
    await openFile(page, 'novel.txt', novel);
    await page.waitForFunction(() => document.querySelector('#corpus-name').textContent === 'novel.txt');
    assert.match(await page.textContent('#model-status'), /No model yet/);
    assert.equal(await page.textContent('#corpus-error'), '');

    // A GloVe file with five dimensions (no header) is vectors.
    const glove = ['the', 'cat', 'dog', 'sat', 'ran', 'mat'].map((w, i) => `${w} ${[1, 2, 3, 4, 5].map((k) => ((i * k) % 7) / 7 - 0.4).join(' ')}`).join('\n');
    await openVectors(page, 'glove.txt', glove);
    assert.match(await page.textContent('#model-status'), /6 words × 5 dimensions/);
    assert.equal(await page.textContent('#corpus-name'), 'novel.txt', 'the corpus is unchanged');

    // Half vectors, half text: the user decides.
    const mixed = '3 2\nking 1 0\nthe cat sat on the mat\nqueen 0 1\n';
    await openFile(page, 'mixed.txt', mixed);
    await page.waitForSelector('#file-choice', { state: 'visible' });
    assert.match(await page.textContent('#file-choice'), /mixed\.txt could be a corpus or a vectors file: .*only 2 of the next 3 lines have 2 numbers/);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'choose-corpus', 'the question has the focus');
    await page.click('#choose-vectors');
    await page.waitForFunction(() => document.querySelector('#corpus-error').textContent !== '');
    assert.match(await page.textContent('#corpus-error'), /mixed\.txt line 3/);
    assert.match(await page.textContent('#model-status'), /glove\.txt/, 'the loaded model is kept');

    await openFile(page, 'mixed.txt', mixed);
    await page.waitForSelector('#file-choice', { state: 'visible' });
    await page.keyboard.press('Enter'); // "Use as corpus" has the focus
    await page.waitForFunction(() => document.querySelector('#corpus-name').textContent === 'mixed.txt');
    assert.equal(await page.isHidden('#file-choice'), true);
    assert.equal(await page.textContent('#corpus-error'), '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a corpus too small for min count is warned about before training, with settings that fit', async () => {
    const { page, problems } = await open();
    // 113 words: 'the' 10 times, 'and' 6 times, 97 other words once.
    const others = Array.from({ length: 97 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);
    const text = [...others.slice(0, 50), ...Array(10).fill('the'), ...Array(6).fill('and'), ...others.slice(50)].join(' ');
    assert.equal(text.split(' ').length, 113);
    await pasteCorpus(page, text);
    await page.waitForSelector('#size-warning', { state: 'visible' });
    const warning = await page.textContent('#size-warning');
    assert.match(warning, /Min count 5 keeps about 2 of the 99 different words in this corpus \(113 words in all\)/);
    assert.match(warning, /Try min count 1 and 500 epochs/);
    assert.equal(await page.getAttribute('#size-warning', 'role'), 'status');
    await page.click('#apply-size');
    assert.equal(await page.inputValue('input[name=minCount]'), '1');
    assert.equal(await page.inputValue('input[name=epochs]'), '500');
    assert.match(await page.textContent('#size-warning'), /A longer text would help more than any setting/);
    assert.equal(await page.isHidden('#apply-size'), true);
    assert.match(await train(page, { epochs: 500 }), /^done in/);
    assert.match(await page.textContent('#model-status'), /99 words × 100 dimensions/);

    // A corpus that suits the settings gets no warning: 120 words, each about 130 times.
    await setFields(page, { minCount: 5, epochs: 5 });
    await pasteCorpus(page, corpus(2000, Array.from({ length: 120 }, (_, i) => `word${i}`)));
    assert.equal(await page.isHidden('#size-warning'), true);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
