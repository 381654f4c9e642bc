// What a user does on the playground, as steps the page tests share.

export const resultWords = (page, list) => page.$$eval(`#${list} li .word`, (els) => els.map((e) => e.textContent));

/** Waits until the current run ends (done, failed or cancelled); returns the progress label. */
export async function trainingEnded(page, timeout = 180000) {
  await page.waitForFunction(() => {
    const label = document.querySelector('#train-progress .label').textContent;
    return label.startsWith('done') || label === 'failed' || label === 'cancelled';
  }, null, { timeout });
  return page.textContent('#train-progress .label');
}

/** Sets the given training fields, presses Start and waits for the run to end. */
export async function train(page, { epochs = 2, threads = 1, ...fields } = {}) {
  await setFields(page, { epochs, threads, ...fields });
  await page.click('#start');
  return trainingEnded(page);
}

/** Waits until the map shows a finished layout of `mode` (no longer converging, nothing running). */
export async function mapDrawn(page, mode, { timeout = 120000, polling = 'raf' } = {}) {
  await page.waitForFunction((m) => {
    const l = document.querySelector('#map').layout;
    return l?.mode === m && !/converging/.test(l.note) && document.querySelector('#map-cancel').disabled;
  }, mode, { timeout, polling });
}

export async function setFields(page, fields) {
  for (const [name, value] of Object.entries(fields)) await page.fill(`#train-form [name=${name}]`, String(value));
}

export async function pasteCorpus(page, text) {
  if (await page.isHidden('#paste-box')) await page.click('#show-paste');
  // As a paste: the whole text at once (page.fill types long multi-line text slowly).
  await page.$eval('#paste-text', (area, value) => {
    area.value = value;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.click('#use-paste');
}

/** Opens a file through the corpus panel's file input. */
export async function openFile(page, name, text) {
  await page.setInputFiles('#file-input', { name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

/** Opens a small vectors file and waits until it is the explored model. */
export async function openVectors(page, name, text) {
  await openFile(page, name, text);
  await page.waitForFunction((n) => document.querySelector('#model-status').textContent.includes(`loaded from ${n}`), name);
}

/** word2vec text for { word: [numbers] }, in the given (row) order. */
export function vectorsFile(vectors) {
  const rows = Object.entries(vectors);
  return `${rows.length} ${rows[0][1].length}\n${rows.map(([w, v]) => `${w} ${v.join(' ')}`).join('\n')}\n`;
}

/** Pixels of the canvas `selector` within `tolerance` of an [r, g, b] colour. */
export function countPixels(page, selector, [r, g, b], tolerance = 40) {
  return page.$eval(selector, (canvas, [r, g, b, tolerance]) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 100 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < tolerance) n++;
    }
    return n;
  }, [r, g, b, tolerance]);
}
