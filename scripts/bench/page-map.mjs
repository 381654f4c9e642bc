#!/usr/bin/env node
// t-SNE of a whole big vocabulary in the playground (headless Chromium, the page's Worker, as many
// threads as the page has): opens a vectors file (default: the 50,000 most frequent words that
// scripts/bench/projection.mjs prepares, bench-out/projection/top-50000.vec), picks t-SNE with that
// many words, presses Draw and times it until the map is finished. Not a test.
//   node scripts/bench/page-map.mjs [--vectors FILE] [--words N] [--method tsne]
import fs from 'node:fs';
import path from 'node:path';
import { mapDrawn } from '../../tests/e2e/page-actions.mjs';
import { launchBrowser, openPage, root, startServer } from '../../tests/e2e/server.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const vectors = option('vectors', path.join(root, 'bench-out', 'projection', 'top-50000.vec'));
const words = Number(option('words', '50000'));
const method = option('method', 'tsne');
if (!fs.existsSync(vectors)) throw new Error(`${vectors} is missing: run scripts/bench/projection.mjs --sizes 50000 first`);

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, server.url);
  // By path (a 5 MB buffer through setInputFiles times out).
  await page.setInputFiles('#file-input', vectors);
  await page.waitForFunction((n) => document.querySelector('#model-status').textContent.includes(`loaded from ${n}`),
    path.basename(vectors), { timeout: 120000 });
  await page.click('button[data-tab=map]');
  await page.selectOption('#map-method', method);
  await page.fill('#map-count', String(words));
  const threads = await page.evaluate(() => globalThis.crossOriginIsolated);
  const started = Date.now();
  await page.click('#map-draw');
  await mapDrawn(page, method, { timeout: 600000, polling: 100 });
  const seconds = (Date.now() - started) / 1000;
  const shown = await page.$eval('#map', (m) => m.layout.words.length);
  console.log(`page ${method}: ${shown.toLocaleString('en-US')} words in ${seconds.toFixed(1)} s (cross-origin isolated: ${threads})`);
} finally {
  await browser.close();
  server.stop();
}
