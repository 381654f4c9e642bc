#!/usr/bin/env node
// The playground in headless Chromium: time from page load to a model trained with the default
// settings (CBOW, dim 100, 5 epochs) with one thread and with two, on each corpus asked for (the
// default and the mix of the library: the page's default is the mix only if that takes ≤ 10 s), and
// frames per second while panning the map with every word of the model (points written into a 2-D
// canvas; no GPU here, so FPS is a floor); on the first corpus also the time from page load through
// training to the model's first UMAP map.
// The transformer half: time from opening it to the first trained next-word model with the default
// settings (the tokenizer it trains first included), and training tokens/s with 1 and 2 threads.
//   node scripts/bench/page.mjs [--repeat N] [--corpora wordnet-glosses,mix] [--parts word2vec,transformer]
import fs from 'node:fs';
import path from 'node:path';
import { mapDrawn } from '../../tests/e2e/page-actions.mjs';
import { launchBrowser, openPage, root, startServer } from '../../tests/e2e/server.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const repeat = Number(option('repeat', '3'));
const corpora = option('corpora', 'wordnet-glosses,mix').split(',');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parts = option('parts', 'word2vec,transformer').split(',');

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const server = await startServer();
const browser = await launchBrowser();
const rows = [];
try {
  if (parts.includes('word2vec')) await word2vec();
  if (parts.includes('transformer')) await transformer();
} finally {
  await browser.close();
  server.stop();
}

// Page open (transformer section) → a trained next-word model with the default settings; its
// tokens/s as the page reports it when training ends.
async function trainLanguageModel(threads) {
  const started = Date.now();
  const { page } = await openPage(browser, `${server.url}#section=transformer`);
  await page.waitForFunction(() => /^done/.test(document.querySelector('#tok-progress .label').textContent), null, { timeout: 300000, polling: 50 });
  await page.fill('#lm-form [name=lmThreads]', String(threads));
  await page.click('#lm-start');
  await page.waitForFunction(() => /^(done|failed)/.test(document.querySelector('#lm-progress .label').textContent), null, { timeout: 900000, polling: 50 });
  const label = await page.textContent('#lm-progress .label');
  if (!label.startsWith('done')) throw new Error(`training ${label}: ${await page.textContent('#lm-error')}`);
  const seconds = (Date.now() - started) / 1000;
  const rate = Number((await page.textContent('#lm-stats')).match(/^([\d,]+) tokens\/s/)[1].replaceAll(',', ''));
  await page.close();
  return { seconds, rate };
}

async function transformer() {
  for (const threads of [1, 2]) {
    const runs = [];
    for (let r = 0; r < repeat; r++) runs.push(await trainLanguageModel(threads));
    const name = `${threads} thread${threads > 1 ? 's' : ''}`;
    rows.push(`| transformer: open → trained next-word model (defaults), ${name} | ${median(runs.map((x) => x.seconds)).toFixed(1)} s |`);
    rows.push(`| transformer: training, ${name} | ${fmt(median(runs.map((x) => x.rate)))} tokens/s |`);
  }
}

// After training: the Map tab, UMAP, until the layout has converged; seconds since `started`.
async function firstUmap(page, started) {
  await page.click('button[data-tab=map]');
  await page.selectOption('#map-method', 'umap');
  await mapDrawn(page, 'umap', { timeout: 300000, polling: 50 });
  return (Date.now() - started) / 1000;
}

async function word2vec() {
  let lastPage = null;
  for (const corpus of corpora) for (const threads of [1, 2]) {
    const times = [];
    const trainTimes = [];
    const umapTimes = [];
    for (let r = 0; r < repeat; r++) {
      const started = Date.now();
      const { page } = await openPage(browser, `${server.url}#corpus=${corpus}`);
      await page.waitForFunction((id) => location.hash.includes(`corpus=${id}`) && /words/.test(document.querySelector('#corpus-meta').textContent),
        corpus, { timeout: 120000 });
      await page.fill('input[name=threads]', String(threads));
      await page.click('#start');
      await page.waitForFunction(() => /^done in/.test(document.querySelector('#train-progress .label').textContent), null,
        { timeout: 300000, polling: 50 });
      times.push((Date.now() - started) / 1000);
      trainTimes.push(Number((await page.textContent('#train-progress .label')).match(/([\d.]+) s/)[1]));
      if (corpus === corpora[0]) umapTimes.push(await firstUmap(page, started));
      if (lastPage) await lastPage.close();
      lastPage = page;
    }
    rows.push(`| ${corpus}: load → trained model, ${threads} thread${threads > 1 ? 's' : ''} | ${median(times).toFixed(1)} s (training alone ${median(trainTimes).toFixed(1)} s) |`);
    if (umapTimes.length) rows.push(`| ${corpus}: load → trained model → its first UMAP map (the map's default 2,000 words), ${threads} thread${threads > 1 ? 's' : ''} | ${median(umapTimes).toFixed(1)} s |`);
  }

  // Panning the map with every word of the model.
  const page = lastPage;
  await page.click('button[data-tab=map]');
  await page.click('#map-all');
  await page.waitForFunction(() => document.querySelector('#map').layout?.words.length > 10000, null, { timeout: 60000 });
  const points = await page.$eval('#map', (m) => m.layout.words.length);
  const box = await page.$eval('#map-canvas', (c) => { const r = c.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; });
  await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => { window.__frames++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const t0 = Date.now();
  const f0 = await page.evaluate(() => window.__frames);
  for (let step = 0; Date.now() - t0 < 3000; step++) {
    const a = step / 10;
    await page.mouse.move(cx + Math.cos(a) * box.w / 4, cy + Math.sin(a) * box.h / 4);
  }
  const f1 = await page.evaluate(() => window.__frames);
  const seconds = (Date.now() - t0) / 1000;
  await page.mouse.up();
  rows.push(`| panning the map, ${points.toLocaleString('en-US')} points (2-D canvas, labels placed every frame) | ${((f1 - f0) / seconds).toFixed(0)} frames/s |`);
  await page.close();
}
const table = ['| measure (headless Chromium, median of ' + repeat + ') | result |', '|---|---|', ...rows].join('\n');
console.log(table);
fs.mkdirSync(path.join(root, 'bench-out'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-out', 'page.md'), table + '\n');
