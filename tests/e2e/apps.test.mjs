// The npm package in other people's apps: the packed tarball is installed into a scratch app that is
// served by Vite's dev server, built by Vite and by webpack, and loaded with no bundler at all, each
// with and without cross-origin isolation. In headless Chromium the app must get the threads variant
// exactly where the page is isolated, train on the main thread and in a Worker, and find queen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, outputDir, recordProblems, root, startVite } from './server.mjs';
import { serveStatic } from './static-server.mjs';

const fixture = path.join(root, 'tests/e2e/app');
const scratch = path.join(outputDir, 'apps');
const node = process.execPath;
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
const webpack = path.join(root, 'node_modules/webpack-cli/bin/cli.js');

let browser;
const servers = [];
const buildLogs = {};

// Runs a command in the scratch app; returns what it printed on stdout and stderr.
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: scratch, encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}\n${result.stderr}`;
}

// Opens `url`, waits for the app's report, and returns it with the console errors seen.
async function openApp(url, { route } = {}) {
  const page = await browser.newPage();
  const problems = recordProblems(page);
  if (route) await page.route(route, (r) => r.abort());
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 90000 });
  const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
  await page.close();
  return { result, problems };
}

before(async () => {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  // What a user does: npm install the published tarball (it has no dependencies, so offline works).
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root }).trim().split('\n')
    .filter((line) => line.endsWith('.tgz')).pop();
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', `./${tarball}`]);
  for (const file of fs.readdirSync(fixture)) fs.copyFileSync(path.join(fixture, file), path.join(scratch, file));
  buildLogs.vite = run(node, [vite, 'build'], { stdio: ['ignore', 'pipe', 'pipe'] });
  buildLogs.webpack = run(node, [webpack, '--config', 'webpack.config.cjs']);
  fs.copyFileSync(path.join(scratch, 'webpack.html'), path.join(scratch, 'dist-webpack', 'index.html'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

test('Vite and webpack build the app with no warning about embedlab (nothing Node-only, no computed imports)', () => {
  for (const [tool, log] of Object.entries(buildLogs)) {
    assert.doesNotMatch(log, /externalized|Critical dependency|node:|worker_threads/, `${tool} printed:\n${log}`);
  }
});

const setups = {
  'Vite dev server': (isolated) => startVite({ cwd: scratch, isolated }).then((s) => ({ ...s, close: async () => s.stop(), page: '' })),
  'Vite build': (isolated) => serveStatic(path.join(scratch, 'dist-vite'), { isolated }).then((s) => ({ ...s, page: '' })),
  'webpack build': (isolated) => serveStatic(path.join(scratch, 'dist-webpack'), { isolated }).then((s) => ({ ...s, page: '' })),
  'no bundler (import map)': (isolated) => serveStatic(scratch, { isolated }).then((s) => ({ ...s, page: 'plain.html' })),
};

for (const [name, start] of Object.entries(setups)) {
  describe(name, () => {
    for (const isolated of [true, false]) {
      test(`${isolated ? 'with' : 'without'} COOP/COEP: ${isolated ? 'threads' : 'single-threaded'}, train and trainInWorker find queen`, async () => {
        const server = await start(isolated);
        servers.push(server);
        const { result, problems } = await openApp(server.url + server.page);
        assert.equal(result.error, undefined, result.error);
        assert.equal(result.isolated, isolated);
        assert.equal(result.variant, isolated ? 'mt' : 'st');
        assert.equal(result.threads, isolated);
        assert.equal(result.train, 'queen');
        assert.equal(result.worker, 'queen');
        assert.deepEqual(problems, []);
      });
    }
  });
}

describe('failures reject instead of hanging', () => {
  let server;
  before(async () => {
    server = await serveStatic(scratch, { isolated: true });
    servers.push(server);
  });

  test('init({ threads: false }) is honoured by the training worker too', async () => {
    const { result, problems } = await openApp(`${server.url}plain.html?nothreads`);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.variant, 'st');
    assert.equal(result.worker, 'queen');
    assert.deepEqual(problems, []);
  });

  test('thread workers that cannot load: init() says why (or falls back) instead of hanging', async () => {
    const { result } = await openApp(`${server.url}plain.html`, { route: '**/embedlab-mt.worker.js' });
    if (result.error) assert.match(result.error, /thread|worker/i);
    else assert.equal(result.variant, 'st', 'fell back to the single-threaded variant');
  });

  test('a training worker that cannot load: trainInWorker() rejects with the reason', async () => {
    const { result } = await openApp(`${server.url}plain.html`, { route: '**/src/js/worker.js' });
    assert.equal(result.train, 'queen');
    assert.match(result.error ?? '', /worker/i);
  });
});
