// Without cross-origin isolation the page still trains, single-threaded, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveForTests } from './server.mjs';

const env = serveForTests({ isolated: false });

test('a page that is not cross-origin isolated trains single-threaded and says so', async () => {
  const { page, problems } = await openPage(env.browser, env.server.url);
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), false);
  assert.match(await page.textContent('#badge-threads'), /single-threaded/);
  assert.equal(await page.getAttribute('input[name=threads]', 'max'), '1');
  await page.fill('input[name=threads]', '2');
  await page.click('#start');
  await page.waitForFunction(() => document.querySelector('#train-error').textContent !== '');
  assert.match(await page.textContent('#train-error'), /single-threaded here/);
  await page.fill('input[name=threads]', '1');
  await page.fill('input[name=epochs]', '1');
  await page.click('#start');
  await page.waitForFunction(() => /^done in/.test(document.querySelector('#train-progress .label').textContent), null, { timeout: 120000 });
  assert.ok((await page.$$('#neighbours li')).length > 0);
  assert.deepEqual(problems, []);
  await page.close();
});
