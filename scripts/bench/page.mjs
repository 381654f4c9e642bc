#!/usr/bin/env node
// The playground in headless Chromium: time from page load to a trained default model (CBOW,
// dim 100, 5 epochs) with one thread and with two, and frames per second while panning the map
// with every word of the model (points written into a 2-D canvas; no GPU here, so FPS is a floor).
//   node scripts/bench/page.mjs [--repeat N]
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openPage, root, startServer } from '../../tests/e2e/server.mjs';

const i = process.argv.indexOf('--repeat');
const repeat = i > 0 ? Number(process.argv[i + 1]) : 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launchBrowser();
const rows = [];
try {
  let lastPage = null;
  for (const threads of [1, 2]) {
    const times = [];
    const trainTimes = [];
    for (let r = 0; r < repeat; r++) {
      const started = Date.now();
      const { page } = await openPage(browser, server.url);
      await page.fill('input[name=threads]', String(threads));
      await page.click('#start');
      await page.waitForFunction(() => /^done in/.test(document.querySelector('#train-progress .label').textContent), null,
        { timeout: 300000, polling: 50 });
      times.push((Date.now() - started) / 1000);
      trainTimes.push(Number((await page.textContent('#train-progress .label')).match(/([\d.]+) s/)[1]));
      if (lastPage) await lastPage.close();
      lastPage = page;
    }
    rows.push(`| load → trained model, ${threads} thread${threads > 1 ? 's' : ''} | ${median(times).toFixed(1)} s (training alone ${median(trainTimes).toFixed(1)} s) |`);
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
} finally {
  await browser.close();
  server.stop();
}
const table = ['| measure (headless Chromium, median of ' + repeat + ') | result |', '|---|---|', ...rows].join('\n');
console.log(table);
fs.mkdirSync(path.join(root, 'bench-out'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench-out', 'page.md'), table + '\n');
