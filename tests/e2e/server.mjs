// Starts the playground's Vite dev server on a free 127.0.0.1 port and Debian's Chromium headless.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const outputDir = path.join(root, 'test-output');

// Starts Vite's dev server (the repository's copy) in `cwd` with `args` on a free 127.0.0.1 port;
// EMBEDLAB_ISOLATION tells the config whether to send COOP/COEP. Ready once the port answers.
export async function startVite({ cwd = root, args = [], isolated = true } = {}) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const vite = spawn(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), ...args, '--port', String(port), '--strictPort'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EMBEDLAB_ISOLATION: isolated ? 'on' : 'off' },
  });
  let log = '';
  vite.stdout.on('data', (chunk) => { log += chunk; });
  vite.stderr.on('data', (chunk) => { log += chunk; });
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (vite.exitCode !== null) throw new Error(`vite exited with ${vite.exitCode}:\n${log}`);
    try {
      if ((await fetch(url)).ok) return { url, stop: () => vite.kill() };
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  vite.kill();
  throw new Error(`vite did not start:\n${log}`);
}

// The playground's dev server.
export function startServer({ isolated = true } = {}) {
  return startVite({ args: ['--config', 'web/vite.config.js'], isolated });
}

// Records console errors and page errors of `page` into the returned list.
export function recordProblems(page) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'], // launch() always starts from a fresh, temporary profile
  });
}

// Opens the page and records console errors, page errors and requests to other hosts.
export async function openPage(browser, url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const problems = recordProblems(page);
  const host = new URL(url).host;
  page.on('request', (r) => {
    const u = new URL(r.url());
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.host !== host) problems.push(`request to another host: ${r.url()}`);
  });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
  return { page, problems };
}

/**
 * For a test file: starts the server and the browser before its tests and stops them after. The
 * returned object has `server` and `browser` once the tests run.
 */
export function serveForTests(options) {
  const env = {};
  before(async () => {
    env.server = await startServer(options);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}
