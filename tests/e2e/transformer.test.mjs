// The "Transformer inputs" half of the page on the default corpus, one page load for all of it:
// the tokenizer's merges replay to its tokenization and GPT-2's files give GPT-2's ids; the input
// sum is token + position + segment in the numbers shown; without positions word order is invisible;
// the [MASK] guesses change with the segment; validation loss falls while a small model trains;
// and its token embeddings answer nearest-neighbour questions in the Explore tab.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import { openPage, serveForTests } from './server.mjs';
import { resultWords } from './page-actions.mjs';

const env = serveForTests();
let page;
let problems;
const number = (s) => Number(s.replace('−', '-'));
const NUMBER = '(−?\\d+\\.\\d+)';

describe('transformer inputs', () => {
  before(async () => {
    ({ page, problems } = await openPage(env.browser, `${env.server.url}#section=transformer`, { width: 1440, height: 900 }));
    // Opening the section trains a tokenizer on the corpus.
    await page.waitForFunction(() => /^done/.test(document.querySelector('#tok-progress .label').textContent), null, { timeout: 120000 });
  });
  after(() => page?.close());

  test('the section is a tab, kept in the address bar and switched by keyboard', async () => {
    assert.equal(await page.getAttribute('#section-button-transformer', 'aria-selected'), 'true');
    assert.equal(await page.isHidden('#section-words'), true);
    assert.match(page.url(), /section=transformer/);
    await page.focus('#section-button-transformer');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.isHidden('#section-transformer'), true);
    assert.match(page.url(), /section=words/);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.isVisible('#section-transformer'), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'section-button-transformer');
  });

  test('1 · replaying the merges one by one goes from bytes to the final tokenization', async () => {
    const replay = await page.evaluate(() => {
      const slider = document.querySelector('#tok-merges');
      const ids = () => [...document.querySelectorAll('#tok-chips .id')].map((e) => Number(e.textContent));
      const steps = [];
      const max = Number(slider.max);
      for (let n = 0; n <= max; n++) {
        slider.value = String(n);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        steps.push({ ids: ids(), merge: document.querySelector('#tok-merge-what').textContent });
      }
      return { max, steps, text: document.querySelector('#tok-text').value, pieces: [...document.querySelectorAll('#tok-chips .piece')].map((e) => e.textContent) };
    });
    assert.ok(replay.max > 500, `${replay.max} merges`);
    assert.deepEqual(replay.steps[0].ids, [...Buffer.from(replay.text)], 'no merges: the bytes of the text');
    let changed = 0;
    for (let n = 1; n <= replay.max; n++) {
      const [, left, right, id] = replay.steps[n].merge.match(/\((\d+)\) \+ .*\((\d+)\) → .*\((\d+)\)/).map(Number);
      const expected = [];
      const before = replay.steps[n - 1].ids;
      for (let i = 0; i < before.length; i++) {
        if (before[i] === left && before[i + 1] === right) {
          expected.push(id);
          i++;
        } else expected.push(before[i]);
      }
      assert.deepEqual(replay.steps[n].ids, expected, `merge ${n} (${left} + ${right} → ${id}) applied to the previous tokens`);
      if (expected.length < before.length) changed++;
    }
    assert.ok(changed >= 5, `${changed} merges changed this text`);
    assert.equal(replay.pieces.join(''), replay.text.replaceAll(' ', '·').replaceAll('\n', '↵'), 'the chips spell the text, white space visible');
  });

  test('1 · GPT-2\'s tokenizer, opened from a .tiktoken file, gives GPT-2\'s ids', async () => {
    const text = await page.inputValue('#tok-text');
    await page.setInputFiles('#tok-gpt2-input', { name: 'gpt2.tiktoken', mimeType: 'text/plain', buffer: Buffer.from(gpt2.bpe_ranks) });
    await page.waitForSelector('#tok-gpt2 .chip');
    const ids = await page.$$eval('#tok-gpt2 .id', (els) => els.map((e) => Number(e.textContent)));
    assert.deepEqual(ids, new Tiktoken(gpt2).encode(text));
    assert.equal(await page.textContent('#tok-gpt2-error'), '');
  });

  test('2 · the input sum: token + position + segment = sum in every number shown, and positions change it', async () => {
    const table = async () => {
      await page.waitForSelector('#sum-table tbody tr', { state: 'attached' }); // (in a closed <details>)
      return page.$$eval('#sum-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td.value')].map((td) => td.textContent)));
    };
    const check = (rows) => {
      assert.ok(rows.length >= 20, `${rows.length} rows`);
      for (const [t, p, s, sum] of rows.map((r) => r.map(number))) {
        assert.ok(Math.abs(t + p + s - sum) <= 2.5e-4, `${t} + ${p} + ${s} vs ${sum}`);
      }
    };
    const learned = await table();
    check(learned);
    // Hovering a cell of the sum heatmap reads out the four numbers of that cell.
    const canvas = await page.$('#sum-figure .part:last-of-type canvas');
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + 30, box.y + 20);
    const readout = await page.textContent('#sum-readout');
    const [, t, p, s, sum] = readout.match(new RegExp(`token ${NUMBER} \\+ position ${NUMBER} \\+ segment ${NUMBER} = sum ${NUMBER}`)).map(number);
    assert.ok(Math.abs(t + p + s - sum) <= 2.5e-4, readout);

    await page.selectOption('#sum-form [name=positional]', 'none');
    await page.waitForFunction(() => /"none"/.test(document.querySelector('#sum-note').textContent));
    const none = await table();
    check(none);
    assert.ok(none.every((r) => number(r[1]) === 0), 'no position rows');
    await page.selectOption('#sum-form [name=positional]', 'sinusoidal');
    await page.waitForFunction(() => /Sinusoidal/.test(document.querySelector('#sum-note').textContent));
    const sinusoidal = await table();
    check(sinusoidal);
    // Position 1, dimensions 0 and 1: sin(1) and cos(1).
    const rows = sinusoidal.length / (await page.$$eval('#sum-tokens .chip', (c) => c.length));
    assert.equal(sinusoidal[rows][1], Math.sin(1).toFixed(4));
    assert.equal(sinusoidal[rows + 1][1], Math.cos(1).toFixed(4));
    assert.notDeepEqual(sinusoidal.map((r) => r[3]), none.map((r) => r[3]), 'the sum changes with the positions');
  });

  test('3 · without positions "dog bites man" and "man bites dog" give the same outputs; with them they do not', async () => {
    await page.waitForSelector('#order-table tbody tr[data-kind=rope]');
    const diffs = Object.fromEntries(await page.$$eval('#order-table tbody tr', (rows) => rows.map((r) => [r.dataset.kind, Number(r.dataset.diff)])));
    assert.ok(diffs.none < 1e-5, `none: ${diffs.none}`);
    // (RoPE's effect is small in an untrained model: it only turns the small attention scores.)
    for (const kind of ['sinusoidal', 'learned', 'rope']) assert.ok(diffs[kind] > 1e-4, `${kind}: ${diffs[kind]}`);
    // RoPE: the score of the two words depends on their distance only.
    const scores = await page.$$eval('#rope-result tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td.value')].map((td) => td.textContent)));
    assert.ok(scores.length >= 3);
    const rope = scores.map((r) => number(r[0]));
    const learned = scores.map((r) => number(r[1]));
    assert.ok(Math.max(...rope) - Math.min(...rope) <= 2e-4, `RoPE scores ${rope.join(', ')}`);
    assert.ok(Math.max(...learned) - Math.min(...learned) > 1e-3, `learned scores ${learned.join(', ')}`);
  });

  test('4 · moving a word from sentence A to B changes the [MASK] guesses', async () => {
    await page.waitForFunction(() => document.querySelector('#seg-now').dataset.probabilities);
    const segments = () => page.$$eval('#seg-chips .chip', (chips) => chips.map((c) => (c.classList.contains('segment-b') ? 'B' : 'A')).join(''));
    const before = { probabilities: await page.getAttribute('#seg-now', 'data-probabilities'), segments: await segments() };
    await page.focus('#seg-form [name=split]');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((p) => document.querySelector('#seg-now').dataset.probabilities !== p, before.probabilities);
    const after = await segments();
    const inB = (s) => s.split('').filter((c) => c === 'B').length;
    assert.ok(inB(after) > inB(before.segments), `the word's tokens moved to B: ${before.segments} → ${after}`);
    assert.equal(after.length, before.segments.length, 'the same tokens');
    assert.match(await page.textContent('#seg-change'), /probabilities moved by up to [\d.]+ points/);
    assert.ok(await page.$$eval('#seg-before li', (li) => li.length) > 0, 'the previous guesses are shown beside');
  });

  test('5 · while a small next-word model trains, the validation loss falls', async () => {
    await page.fill('#lm-form [name=steps]', '120');
    await page.fill('#lm-form [name=context]', '32');
    await page.click('#lm-start');
    await page.waitForFunction(() => /^done|^failed|^cancelled/.test(document.querySelector('#lm-progress .label').textContent), null, { timeout: 170000 });
    assert.match(await page.textContent('#lm-progress .label'), /^done/);
    const validation = (await page.getAttribute('#lm-chart', 'data-validation')).split(' ').map(Number);
    assert.ok(validation.length >= 2, `validation losses: ${validation.join(', ')}`);
    assert.ok(validation.at(-1) < validation[0] - 0.5, `validation ${validation[0]} → ${validation.at(-1)}`);
    assert.ok(await page.$$eval('#lm-samples li', (li) => li.length) > 0, 'samples were shown');
    assert.ok((await page.textContent('#lm-probes')).length > 0, 'probe words have neighbours');
  });

  test('6 · the transformer\'s token embeddings answer mostSimilar in Explore', async () => {
    await page.click('#cmp-open');
    assert.equal(await page.getAttribute('#section-button-words', 'aria-selected'), 'true');
    assert.equal(await page.getAttribute('button[data-tab=explore]', 'aria-selected'), 'true');
    assert.match(await page.textContent('#model-status'), /token embeddings/);
    await page.waitForSelector('#neighbours li');
    assert.equal((await resultWords(page, 'neighbours')).length, 15);
    assert.equal(await page.textContent('#neighbours-error'), '');
    assert.match(await page.textContent('#cmp-lm'), /\d\.\d{3}/, 'the side-by-side list shows the transformer\'s neighbours');
  });

  test('no console errors, and every panel explains itself', async () => {
    const abouts = await page.$$eval('#section-transformer .card > .about', (ps) => ps.map((p) => p.textContent));
    assert.equal(abouts.length, 6);
    for (const about of abouts) assert.ok(about.split(/[.!?](\s|$)/).filter((s) => s.trim()).length >= 2, about);
    assert.deepEqual(problems, []);
  });
});
