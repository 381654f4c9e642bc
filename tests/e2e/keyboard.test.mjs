// The playground by keyboard and with a screen reader: every control reachable and named, a focus
// ring that can be seen, ARIA tabs, focus that stays put through a training run, and progress
// said aloud without chatter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveForTests } from './server.mjs';
import { openVectors, pasteCorpus, trainingEnded, vectorsFile } from './page-actions.mjs';

const env = serveForTests();
const open = (hash = '') => openPage(env.browser, `${env.server.url}#corpus=custom${hash}`); // brings its own corpus

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Presses Tab until the element with `id` has the focus; false if it never does. */
async function tabTo(page, id, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await focusedId(page) === id) return true;
  }
  return false;
}

const VECTORS = vectorsFile({ king: [1, 0.2, 0], queen: [0.9, 0.3, 0.1], apple: [0, 0, 1], pear: [0.1, 0, 0.9] });

describe('keyboard and screen readers', () => {
  test('"Open a file…" and "Choose questions file…" are reached by Tab and open a file chooser', async () => {
    const { page, problems } = await open();
    // Listen from the start: Playwright intercepts file choosers only once a listener is set up.
    const opened = [];
    page.on('filechooser', (chooser) => opened.push(chooser.element().getAttribute('id')));
    const chooserOpened = async (count) => { // the id of the count-th file input that opened (or undefined)
      for (let i = 0; i < 200 && opened.length < count; i++) await page.waitForTimeout(50);
      return opened[count - 1];
    };
    await page.focus('#use-builtin');
    assert.ok(await tabTo(page, 'open-file', 5), 'Tab reaches "Open a file…"');
    await page.keyboard.press('Enter');
    assert.equal(await chooserOpened(1), 'file-input');

    await page.focus('button[data-tab=explore]');
    await page.keyboard.press('End'); // the Export tab
    await page.keyboard.press('ArrowLeft'); // Evaluate
    assert.ok(await tabTo(page, 'choose-questions', 5), 'Tab reaches "Choose questions file…"');
    await page.keyboard.press('Space');
    assert.equal(await chooserOpened(2), 'questions-input');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the focus ring has at least 3:1 contrast with what is around it', async () => {
    const { page, problems } = await open();
    await openVectors(page, 'small.vec', VECTORS);
    const selectors = ['#use-builtin', '#show-paste', '#open-file', '#start', 'select[name=model]', 'input[name=dim]',
      '#tab-button-explore', '#word-input', '#neighbours li:first-child .word', '#map-reset'];
    await page.focus('#use-builtin');
    await page.keyboard.press('Shift+Tab'); // keyboard focus, so :focus-visible applies
    for (const selector of selectors) {
      if (selector === '#map-reset') { // show the Map tab by keyboard
        await page.focus('#tab-button-explore');
        await page.keyboard.press('ArrowRight');
      }
      await page.focus(selector);
      const ring = await page.$eval(selector, (node) => {
        const style = getComputedStyle(node);
        const rgb = (c) => c.match(/[\d.]+/g).map(Number);
        const luminance = ([r, g, b]) => {
          const lin = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
          return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        };
        // The ring sits outside the control (outline-offset), over its container's background.
        let around = node.parentElement;
        while (around && rgb(getComputedStyle(around).backgroundColor)[3] === 0) around = around.parentElement;
        const background = around ? rgb(getComputedStyle(around).backgroundColor) : [255, 255, 255];
        const [l1, l2] = [luminance(rgb(style.outlineColor)), luminance(background)].sort((a, b) => b - a);
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), contrast: (l1 + 0.05) / (l2 + 0.05) };
      });
      assert.notEqual(ring.style, 'none', `${selector} shows a focus ring`);
      assert.ok(ring.width >= 2, `${selector} ring is ${ring.width}px wide`);
      assert.ok(ring.contrast >= 3, `${selector} ring contrast is ${ring.contrast.toFixed(2)}:1`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('the tabs are ARIA tabs: roles, selection, Left/Right/Home/End and one tab stop', async () => {
    const { page, problems } = await open();
    assert.equal(await page.getAttribute('.tabs', 'role'), 'tablist');
    const state = () => page.$$eval('.tabs [role=tab]', (tabs) => tabs.map((t) => {
      const panel = document.getElementById(t.getAttribute('aria-controls'));
      return {
        name: t.textContent, selected: t.getAttribute('aria-selected'), tabindex: t.getAttribute('tabindex'),
        panelRole: panel?.getAttribute('role'), panelLabel: panel?.getAttribute('aria-labelledby') === t.id, panelShown: !panel?.hidden,
      };
    }));
    const first = await state();
    assert.deepEqual(first.map((t) => t.name), ['Explore', 'Map', 'Evaluate', 'Export']);
    for (const t of first) {
      assert.equal(t.panelRole, 'tabpanel');
      assert.equal(t.panelLabel, true);
      assert.equal(t.panelShown, t.selected === 'true');
      assert.equal(t.tabindex, t.selected === 'true' ? '0' : '-1');
    }
    const selected = async () => (await state()).find((t) => t.selected === 'true').name;
    const focused = () => page.evaluate(() => document.activeElement.textContent);
    await page.focus('.tabs [role=tab][aria-selected=true]');
    for (const [key, expected] of [['ArrowRight', 'Map'], ['ArrowRight', 'Evaluate'], ['End', 'Export'], ['ArrowRight', 'Explore'],
      ['ArrowLeft', 'Export'], ['Home', 'Explore']]) {
      await page.keyboard.press(key);
      assert.equal(await selected(), expected, `after ${key}`);
      assert.equal(await focused(), expected, `focus after ${key}`);
    }
    // One tab stop: Tab leaves the tab list for the selected panel.
    await page.keyboard.press('Tab');
    assert.equal(await focusedId(page), 'tab-explore');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('training by keyboard keeps the focus on Start/Cancel and announces progress politely', async () => {
    const { page, problems } = await open();
    await pasteCorpus(page, Array(400).fill('the king and the queen rule the land while the man and the woman work').join('\n'));
    await page.fill('input[name=minCount]', '1');
    await page.fill('input[name=epochs]', '300');
    await page.evaluate(() => {
      window.__said = [];
      window.__labels = new Set();
      const region = document.querySelector('#train-announce');
      if (region) {
        new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => window.__said.push(n.textContent))))
          .observe(region, { childList: true, characterData: true, subtree: true });
      }
      new MutationObserver(() => window.__labels.add(document.querySelector('#train-progress .label').textContent))
        .observe(document.querySelector('#train-progress'), { childList: true, characterData: true, subtree: true });
    });
    await page.focus('#share');
    await page.keyboard.press('Shift+Tab'); // Cancel is disabled, so this is Start
    assert.equal(await focusedId(page), 'start');
    await page.keyboard.press('Enter');
    assert.match(await trainingEnded(page), /^done in/);
    assert.equal(await focusedId(page), 'start', 'the focus is back on Start, not at the top of the page');
    assert.equal(await page.getAttribute('#train-announce', 'role'), 'status');
    assert.equal(await page.getAttribute('#model-status', 'role'), 'status');
    const said = await page.evaluate(() => window.__said);
    const labels = await page.evaluate(() => window.__labels.size);
    assert.equal(said[0], 'Training started.');
    assert.match(said.at(-1), /^Training done in [\d.]+ s: 10 words\.$/);
    assert.ok(said.length <= 6, `announced ${said.length} times: ${said.join(' | ')}`);
    assert.ok(labels > said.length, 'the visible progress changes more often than it is announced');

    // Start, then Cancel by keyboard: the focus moves to Cancel and back.
    await page.fill('input[name=epochs]', '10000');
    await page.focus('#start');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#cancel').disabled === false);
    assert.equal(await focusedId(page), 'cancel');
    await page.keyboard.press('Enter');
    assert.equal(await trainingEnded(page), 'cancelled');
    assert.equal(await focusedId(page), 'start');
    assert.match(await page.textContent('#train-announce'), /^Training cancelled\. The previous model is kept\.$/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('every control has a name and can take the keyboard focus', async () => {
    const { page, problems } = await open();
    await openVectors(page, 'small.vec', VECTORS);
    const unnamed = await page.$$eval('input, select, textarea, button', (controls) => controls
      .filter((c) => !c.hidden) // e.g. the file inputs, opened by their buttons
      .filter((c) => {
        const byId = (c.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('');
        const name = c.getAttribute('aria-label') || byId || [...(c.labels ?? [])].map((l) => l.textContent).join('') ||
          (c.tagName === 'BUTTON' ? c.textContent : '') || c.title;
        return !name.trim() || (c.tabIndex < 0 && c.getAttribute('role') !== 'tab'); // tabs: one stop, then arrows
      })
      .map((c) => c.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
