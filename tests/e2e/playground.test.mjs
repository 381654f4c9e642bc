// The playground in headless Chromium: what a user does, end to end.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage, outputDir, serveForTests } from './server.mjs';
import { resultWords, train, trainingEnded } from './page-actions.mjs';

const env = serveForTests();
before(() => fs.mkdirSync(outputDir, { recursive: true }));

describe('playground', () => {
  test('an isolated page trains with two threads in its worker', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    assert.match(await train(page, { epochs: 1, threads: 2 }), /^done in/);
    assert.equal(await page.textContent('#train-error'), '');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('loads the default corpus without console errors and says whether threads are available', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    assert.match(await page.textContent('#corpus-name'), /WordNet/);
    assert.match(await page.textContent('#corpus-meta'), /1,4\d\d,\d{3} words/);
    assert.match(await page.textContent('#badge-threads'), /multi-threading available/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('trains the default corpus with progress, then answers king - man + woman with queen in the top 5', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    const labels = new Set();
    const watcher = setInterval(() => page.textContent('#train-stats').then((t) => labels.add(t)).catch(() => {}), 100);
    await train(page, { epochs: 2 });
    clearInterval(watcher);
    assert.match(await page.textContent('#train-progress .label'), /^done in/);
    assert.ok([...labels].some((t) => /words\/s/.test(t) && /ETA/.test(t)), `no live progress seen: ${[...labels].join(' | ')}`);
    assert.ok(await page.$eval('#loss-chart', (el) => el.querySelector('canvas') !== null), 'loss chart drawn');
    assert.match(await page.textContent('#probes'), /king/);
    // The analogy form defaults to man : king :: woman : ?
    const answers = await resultWords(page, 'analogy-results');
    assert.ok(answers.slice(0, 5).includes('queen'), `queen not in the top 5: ${answers.join(', ')}`);
    await page.screenshot({ path: path.join(outputDir, 'playground-trained.png'), fullPage: true });

    // Clicking a word in a result explores that word.
    const clicked = (await resultWords(page, 'neighbours'))[0];
    await page.click('#neighbours li:first-child .word');
    assert.equal(await page.inputValue('#word-input'), clicked);
    const neighbours = await resultWords(page, 'neighbours');
    assert.equal(neighbours.length, 15);
    assert.ok(!neighbours.includes(clicked));

    // Unknown words are reported beside the control; the model stays.
    await page.fill('#word-input', 'zzqxunknown');
    await page.press('#word-input', 'Enter');
    assert.match(await page.textContent('#neighbours-error'), /'zzqxunknown' is not in the vocabulary/);
    assert.match(await page.textContent('#model-status'), /19,0\d\d words/);

    // The map draws the projection and the analogy's parallelogram words.
    await page.click('#analogy-map');
    await page.waitForFunction(() => /PCA of the 2,000/.test(document.querySelector('#map-info').textContent), null, { timeout: 30000 });
    await page.waitForTimeout(800); // the zoom transition
    await page.screenshot({ path: path.join(outputDir, 'playground-map.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('Cancel stops training and the page stays usable with the previous model', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    await train(page, { epochs: 1 });
    const before = await page.textContent('#model-status');
    await page.fill('input[name=epochs]', '200');
    await page.click('#start');
    await page.waitForFunction(() => /words\/s/.test(document.querySelector('#train-stats').textContent), null, { timeout: 60000 });
    await page.click('#cancel');
    assert.equal(await trainingEnded(page), 'cancelled');
    assert.equal(await page.isEnabled('#start'), true);
    assert.equal(await page.isDisabled('#cancel'), true);
    assert.equal(await page.textContent('#model-status'), before, 'the previous model is kept');
    assert.match(await page.textContent('#train-stats'), /previous model is kept/);
    await page.fill('#word-input', 'water');
    await page.press('#word-input', 'Enter');
    assert.ok((await resultWords(page, 'neighbours')).length > 0, 'the kept model still answers');
    // Train again, briefly: the page still works after a cancel.
    await train(page, { epochs: 1 });
    assert.match(await page.textContent('#train-progress .label'), /^done in/);
    assert.ok((await resultWords(page, 'neighbours')).length > 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('a small vectors file loads and answers; a bad one is rejected beside the corpus controls', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    const vec = '4 3\nking 1 0.1 0\nqueen 0.9 0.2 0\napple 0 0 1\npear 0 0.1 0.9\n';
    await page.setInputFiles('#file-input', { name: 'small.vec', mimeType: 'text/plain', buffer: Buffer.from(vec) });
    await page.waitForFunction(() => /loaded from small\.vec/.test(document.querySelector('#model-status').textContent));
    await page.fill('#word-input', 'apple');
    await page.press('#word-input', 'Enter');
    assert.equal((await resultWords(page, 'neighbours'))[0], 'pear');
    const bad = '4 3\nking 1 0.1 0\nqueen 0.9 0.2\n';
    await page.setInputFiles('#file-input', { name: 'bad.vec', mimeType: 'text/plain', buffer: Buffer.from(bad) });
    await page.waitForFunction(() => document.querySelector('#corpus-error').textContent !== '');
    assert.match(await page.textContent('#corpus-error'), /bad\.vec line 3: expected 3 numbers after 'queen', found 2/);
    assert.match(await page.textContent('#model-status'), /small\.vec/, 'the loaded model is kept');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('an empty corpus is rejected beside the control', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    await page.click('#show-paste');
    await page.fill('#paste-text', '   \n  ');
    await page.click('#use-paste');
    assert.match(await page.textContent('#corpus-error'), /empty/);
    assert.match(await page.textContent('#corpus-name'), /WordNet/, 'the previous corpus is kept');
    await page.fill('#paste-text', '... ,,, !!!\n');
    await page.click('#use-paste');
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#train-error').textContent !== '');
    assert.match(await page.textContent('#train-error'), /no words/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('corpus text with markup is shown literally and runs nothing', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url);
    const line = 'the <img src=x onerror=alert(1)> tag and "><script>window.__xss=1</script> stay text';
    await page.click('#show-paste');
    await page.fill('#paste-text', Array(30).fill(line).join('\n'));
    await page.click('#use-paste');
    assert.ok((await page.textContent('#corpus-preview')).includes('<img src=x onerror=alert(1)>'));
    await page.fill('input[name=minCount]', '1');
    await train(page, { epochs: 1 });
    await page.fill('#word-input', 'tag');
    await page.press('#word-input', 'Enter');
    const words = await resultWords(page, 'neighbours');
    assert.ok(words.some((w) => w.includes('onerror=alert(1')), `markup tokens not listed literally: ${words.join(' ')}`);
    assert.ok(words.some((w) => w.includes('script>window.__xss=1</script')), words.join(' '));
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, main script').length), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('looks right on a narrow screen', async () => {
    const { page, problems } = await openPage(env.browser, env.server.url, { width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await page.screenshot({ path: path.join(outputDir, 'playground-narrow.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });
});
