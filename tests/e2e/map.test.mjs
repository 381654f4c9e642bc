// The map (issue 10): it moves while the default corpus trains, each method draws the engine's
// layout, a word's neighbours can be isolated, UMAP keeps france's neighbours near it, and the
// semantic axes put queen on the woman side and the royal side. One page, one training run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, serveForTests } from './server.mjs';
import { mapDrawn, setFields, trainingEnded } from './page-actions.mjs';

const env = serveForTests();
// UMAP keeps at least this many of france's 10 nearest neighbours (all dimensions) among its 10
// nearest on the map of the whole vocabulary. Measured 4 of 10 (default corpus, 3 epochs, UMAP's
// defaults: 15 neighbours, 400 epochs above 10,000 words; 2 with the earlier NN-descent, before it
// worked in blocks), so the margin is two words.
const UMAP_KEPT = 2;
let page;
let problems;

const layout = () => page.$eval('#map', (m) => m.layout && { ...m.layout, coordinates: [...m.layout.coordinates], shown: [...m.layout.shown] });
const point = (l, word) => {
  const i = l.words.indexOf(word);
  return i < 0 ? null : [l.coordinates[2 * i], l.coordinates[2 * i + 1]];
};

// Waits for the map to show a finished layout of `mode` (the progress label says done).
async function drawn(mode) {
  await mapDrawn(page, mode);
  return layout();
}

describe('the map page', () => {
  before(async () => {
    ({ page, problems } = await openPage(env.browser, env.server.url));
  });
  after(() => page?.close());

  describe('map', () => {
    test('while the default corpus trains, the map updates and its points move continuously', async () => {
      await page.click('button[data-tab=map]');
      await setFields(page, { epochs: 3, threads: 1 });
      // Every animation frame, where the first ten words are drawn (normalised map coordinates).
      await page.evaluate(() => {
        window.mapSamples = [];
        const sample = () => {
          const l = document.querySelector('#map').layout;
          if (l?.mode === 'training') window.mapSamples.push({ frames: l.frames, shown: l.shown.slice(0, 20) });
          if (!window.stopSampling) requestAnimationFrame(sample);
        };
        requestAnimationFrame(sample);
      });
      await page.click('#start');
      assert.match(await trainingEnded(page), /^done in/);
      const samples = await page.evaluate(() => { window.stopSampling = true; return window.mapSamples; });
      const frames = samples.at(-1)?.frames ?? 0;
      assert.ok(frames >= 20, `the map updated ${frames} times while training (every 2 %)`);
      // Points move rather than jump: between frames they pass through in-between positions, and no
      // step from one drawn picture to the next is a large part of the map (whose side is 2).
      const distinct = new Set(samples.map((s) => s.shown.join(','))).size;
      assert.ok(distinct > frames * 2, `${distinct} different pictures for ${frames} frames: points are animated`);
      let largest = 0;
      for (let i = 1; i < samples.length; i++) {
        for (let j = 0; j < 20; j++) largest = Math.max(largest, Math.abs(samples[i].shown[j] - samples[i - 1].shown[j]));
      }
      assert.ok(largest < 0.5, `the largest step between two drawn pictures is ${largest.toFixed(3)} of a map 2 wide`);
      // The finished model's map follows the last frame (same words, turned onto it), then is PCA.
      const pca = await drawn('pca');
      assert.equal(pca.words.length, 2000);
      assert.match(pca.note, /^PCA of the 2,000 most frequent words/);
      assert.deepEqual(problems, []);
    });

    test('a word\'s neighbours are listed with distances and can be isolated: exactly k points', async () => {
      await page.fill('#map-search', 'france');
      await page.press('#map-search', 'Enter');
      await page.waitForFunction(() => document.querySelector('#map-neighbours').children.length === 10);
      const cosine = await page.$$eval('#map-neighbours li', (li) => li.map((x) => [x.querySelector('.word').textContent, Number(x.querySelector('.value').textContent)]));
      assert.ok(cosine.every(([, v], i) => v <= 1 && (i === 0 || v <= cosine[i - 1][1])), `cosine similarities fall: ${cosine}`);
      assert.match(await page.textContent('#map-word-title'), /^france: 10 nearest neighbours in all 100 dimensions \(cosine\)/);
      await page.fill('#map-k', '7');
      await page.selectOption('#map-metric', 'euclidean');
      await page.dispatchEvent('#map-k', 'change');
      await page.waitForFunction(() => document.querySelector('#map-neighbours').children.length === 7);
      const euclidean = await page.$$eval('#map-neighbours li', (li) => li.map((x) => [x.querySelector('.word').textContent, Number(x.querySelector('.value').textContent)]));
      assert.ok(euclidean.every(([, v], i) => v > 0 && (i === 0 || v >= euclidean[i - 1][1])), `distances grow: ${euclidean}`);
      await page.click('#map-isolate');
      await page.waitForFunction(() => document.querySelector('#map').layout?.mode === 'isolated');
      const isolated = await layout();
      assert.deepEqual(isolated.words, ['france', ...euclidean.map(([w]) => w)], 'france and exactly its 7 neighbours');
      assert.equal(isolated.coordinates.length, 16);
      assert.deepEqual(new Set(isolated.labels), new Set(isolated.words), 'each isolated word is labelled');
      await page.click('#map-show-all');
      await page.waitForFunction(() => document.querySelector('#map').layout?.mode === 'pca');
      await page.selectOption('#map-metric', 'cosine');
      await page.fill('#map-k', '10');
      await page.dispatchEvent('#map-k', 'change');
      assert.deepEqual(problems, []);
    });

    test('labels never overlap and prefer content words; the labelled words are listed as text', async () => {
      // The list follows the labels once drawing settles.
      await page.waitForFunction(() => {
        const listed = [...document.querySelectorAll('#map-words .word')].map((b) => b.textContent);
        return listed.join(' ') === document.querySelector('#map').layout.labels.join(' ');
      });
      const { labels, labelBoxes } = await layout();
      assert.ok(labels.length >= 12, `${labels.length} labels`);
      for (let i = 0; i < labelBoxes.length; i++) {
        for (let j = 0; j < i; j++) {
          const [a, b] = [labelBoxes[i], labelBoxes[j]];
          const apart = a.left >= b.left + b.width || b.left >= a.left + a.width || a.top >= b.top + b.height || b.top >= a.top + a.height;
          assert.ok(apart, `'${labels[i]}' overlaps '${labels[j]}'`);
        }
      }
      for (const stop of ['the', 'of', 'and', 'a', 'to', 'in', 'or', 'is', 'by']) assert.ok(!labels.includes(stop), `'${stop}' is labelled`);
    });

    test('colour by cluster: k-means labels from the worker colour the points', async () => {
      await page.selectOption('#map-colour', 'clusters');
      await page.waitForFunction(() => /12 clusters of the 2,000 most frequent words/.test(document.querySelector('#map-legend').textContent), null, { timeout: 60000 });
      const colours = await page.$eval('#map-canvas', (c) => {
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
      assert.ok(colours >= 8, `${colours} point colours on the map`);
      await page.selectOption('#map-colour', 'none');
    });
  });

  // The projections of the engine (t-SNE, UMAP, semantic axes): they run in the worker and show
  // their intermediate layouts. Needs a build with model.project (see the note in the report).
  describe('map modes', () => {
    const available = () => page.$eval('#map-method option[value=umap]', (o) => !o.disabled);

    // The 2-D neighbours of `word` among the layout's points (euclidean on the map).
    const mapNeighbours = (l, word, k) => {
      const [x, y] = point(l, word);
      return l.words.map((w, i) => [w, (l.coordinates[2 * i] - x) ** 2 + (l.coordinates[2 * i + 1] - y) ** 2])
        .filter(([w]) => w !== word).sort((a, b) => a[1] - b[1]).slice(0, k).map(([w]) => w);
    };

    test('UMAP over the whole vocabulary converges in view and keeps france\'s neighbours near it', async (t) => {
      if (!(await available())) return t.skip('this build has no projections');
      await page.click('#map-all');
      await drawn('pca');
      await page.selectOption('#map-method', 'umap');
      await page.waitForFunction(() => /converging/.test(document.querySelector('#map').layout?.note ?? ''), null, { timeout: 120000 });
      const umap = await drawn('umap');
      assert.ok(umap.words.length > 19000, `${umap.words.length} words on the UMAP map`);
      await page.fill('#map-search', 'france');
      await page.press('#map-search', 'Enter');
      await page.waitForFunction(() => document.querySelector('#map-neighbours').children.length === 10);
      const full = await page.$$eval('#map-neighbours .word', (b) => b.map((x) => x.textContent));
      const flat = mapNeighbours(umap, 'france', 10);
      const kept = full.filter((w) => flat.includes(w)).length;
      t.diagnostic(`UMAP kept ${kept} of france's 10 nearest neighbours: ${flat.join(', ')}`);
      assert.ok(kept >= UMAP_KEPT, `UMAP keeps ${kept} of france's 10 nearest neighbours among its 10 nearest on the map: ${flat}`);
    });

    test('semantic axes put queen on the woman side and the royal side', async (t) => {
      if (!(await available())) return t.skip('this build has no projections');
      await page.selectOption('#map-method', 'axes');
      assert.equal(await page.isVisible('#map-axes'), true);
      const axes = await drawn('axes');
      assert.deepEqual(await page.$$eval('#map-axes input', (i) => i.map((x) => x.value)), ['man', 'woman', 'ordinary', 'royal']);
      const [queen, king, man, woman] = ['queen', 'king', 'man', 'woman'].map((w) => point(axes, w));
      assert.ok(woman[0] > man[0], `man → woman runs left to right: ${man[0]}, ${woman[0]}`);
      assert.ok(queen[0] > king[0] && queen[0] > man[0], `queen (x ${queen[0]}) is right of king (${king[0]}) and man (${man[0]}): the woman side`);
      assert.ok(queen[1] > woman[1] && queen[1] > man[1], `queen (y ${queen[1]}) is above woman (${woman[1]}) and man (${man[1]}) on ordinary → royal`);
    });

    test('t-SNE draws and can be cancelled; the page has no errors', async (t) => {
      if (!(await available())) return t.skip('this build has no projections');
      await page.fill('#map-count', '3000');
      await page.selectOption('#map-method', 'tsne');
      await page.waitForFunction(() => !document.querySelector('#map-cancel').disabled);
      await page.click('#map-cancel');
      await page.waitForFunction(() => /cancelled/.test(document.querySelector('#map-progress .label').textContent));
      await page.click('#map-draw');
      const tsne = await drawn('tsne');
      assert.equal(tsne.words.length, 3000);
      assert.deepEqual(problems, []);
    });
  });
});
