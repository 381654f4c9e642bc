// The deployable site: `npm run build`'s Vite build of the playground, served by a plain static file
// server (no Vite). With COOP/COEP it trains on 2 threads; without, single-threaded, and the page
// says so. It carries the licence notices of everything it serves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { plantedCorpus } from '../js/helpers.mjs';
import { pasteCorpus, resultWords, train } from './page-actions.mjs';
import { launchBrowser, openPage, outputDir, root } from './server.mjs';
import { serveStatic } from './static-server.mjs';

const site = path.join(outputDir, 'site');
let browser;

before(async () => {
  // What `npm run build` runs for the site, into a scratch folder.
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build',
    '--config', 'web/vite.config.js', '--outDir', site, '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('the build carries the licence notices of the engine and of every data file it serves', () => {
  for (const file of ['index.html', 'LICENSE', 'NOTICE.md', 'corpus/wordnet-glosses.txt']) {
    assert.ok(fs.existsSync(path.join(site, file)), `${file} is missing from the build`);
  }
  const notices = fs.readdirSync(path.join(root, 'data')).filter((name) => /LICENSE|NOTICE/i.test(name));
  assert.ok(notices.length > 0);
  for (const name of notices) assert.ok(fs.existsSync(path.join(site, 'corpus', name)), `${name} is missing from the build`);
  // The pthreads worker and both builds of the engine travel with the page.
  const assets = fs.readdirSync(path.join(site, 'assets'));
  assert.ok(assets.some((f) => /embedlab-mt.*\.wasm$/.test(f)) && assets.some((f) => /embedlab-st.*\.wasm$/.test(f)), assets.join(' '));
});

for (const isolated of [true, false]) {
  test(`served ${isolated ? 'with' : 'without'} COOP/COEP by a static server: ${isolated ? '2 threads' : 'single-threaded, said in the page'}; trains and answers`, async () => {
    const server = await serveStatic(site, { isolated });
    try {
      const { page, problems } = await openPage(browser, server.url);
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), isolated);
      const badge = await page.textContent('#badge-threads');
      if (isolated) assert.match(badge, /multi-threading available/);
      else assert.match(badge, /single-threaded \(page not cross-origin isolated\)/);
      // The default corpus came from the site itself (corpus/ beside index.html).
      await page.waitForFunction(() => /WordNet/.test(document.querySelector('#corpus-name').textContent));
      await pasteCorpus(page, plantedCorpus({ lines: 3000 }));
      const label = await train(page, { threads: isolated ? 2 : 1, epochs: 10, dim: 24, minCount: 1 });
      assert.match(label, /^done in/);
      if (isolated) assert.match(await page.textContent('#train-stats'), /on 2 threads/);
      await page.click('#analogy-form button[type=submit]');
      await page.waitForFunction(() => document.querySelectorAll('#analogy-results li').length > 0);
      assert.equal((await resultWords(page, 'analogy-results'))[0], 'queen');
      assert.deepEqual(problems, []);
      await page.close();
    } finally {
      await server.close();
    }
  });
}
