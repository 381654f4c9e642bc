// The training Worker for pages: runs embedlab.train() off the main thread.
// Protocol ({id, type} messages):
//   page -> worker  { id, type: 'train', init, text | bytes, options }   { id, type: 'cancel' }
//                   (init: the page's init() options, so the worker loads the same build)
//   (with liveMap: { words, every } in the train message, map frames while training:)
//   worker -> page  { id, type: 'frame', frame: { words, coordinates, rmsError }, progress }
//   worker -> page  { id, type: 'progress', progress }              { id, type: 'probe', neighbours, progress }
//                   { id, type: 'done', words, dim, vectors, training }  (vectors: a transferred ArrayBuffer)
//                   { id, type: 'error', message, name }
//   page -> worker  { id, type: 'trainTokenizer' | 'trainLanguageModel', init, text, options }
//                   (options.tokenizer: a tokenizer file's bytes)
//   worker -> page  { id, type: 'progress', progress }   { id, type: 'done', bytes, training }
//                   (bytes: the tokenizer's or language model's file, a transferred ArrayBuffer)
//   page -> worker  { id, type: 'evaluate', init, words, dim, vectors, questions, options }
//   worker -> page  { id, type: 'evaluated', report }   (analogy accuracy, off the page's thread)
//   page -> worker  { id, type: 'cluster', init, words, dim, vectors, k, options }
//   worker -> page  { id, type: 'clustered', labels }   (k-means labels, an Int32Array)
//   page -> worker  { id, type: 'project', init, words, dim, vectors, options }   (model.project())
//   worker -> page  { id, type: 'progress', progress }   (progress.coords: a transferred Float32Array)
//                   { id, type: 'projected', result }    ({ words, coords, method, iterations, elapsedMs })
//   page -> worker  { id, type: 'load', init, file, options }      (a File/Blob of vectors)
//   worker -> page  { id, type: 'rows', rows: { dim, expectedRows, words, vectors } }  (vectors: transferred)
//                   { id, type: 'progress', progress }   { id, type: 'loaded', rows }  (the last rows)
import { rawModule } from './embedlab.js';
import { init } from './index.js';
import { chunksOf, progressMeter } from './loading.js';
import { abortError, yieldToEventLoop } from './training.js';

// Parses a vectors file in batch mode and hands each chunk's rows to the page, which builds the
// model in its own instance: the worker holds no more than a chunk.
async function load(id, data, signal) {
  const raw = rawModule(await init(data.init));
  const stream = raw.VectorStream.create(data.options ?? {}, data.file.size, true);
  const meter = progressMeter(data.file.size);
  const batch = () => {
    const { words, vectors } = stream.takeBatch();
    return { dim: stream.dim(), expectedRows: stream.expectedRows(), words, vectors: vectors.buffer };
  };
  try {
    for await (const chunk of chunksOf(data.file)) {
      if (signal.aborted) throw abortError(signal, 'loading');
      stream.feed(chunk);
      const rows = batch();
      if (rows.words.length > 0) self.postMessage({ id, type: 'rows', rows }, [rows.vectors]);
      meter.report((progress) => self.postMessage({ id, type: 'progress', progress }), stream.bytesRead(), stream.rows());
      await yieldToEventLoop(); // lets a cancel message arrive
    }
    if (signal.aborted) throw abortError(signal, 'loading');
    stream.finish();
    const rows = batch();
    meter.report((progress) => self.postMessage({ id, type: 'progress', progress }), stream.bytesRead(), stream.rows(), true);
    self.postMessage({ id, type: 'loaded', rows }, [rows.vectors]);
  } finally {
    stream.delete();
  }
}

const running = new Map(); // id -> AbortController

// The error reply of request `id`: the error's name and message (an Error does not survive postMessage).
function postError(id, error) {
  self.postMessage({ id, type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) });
}

// Answers one request about vectors sent from the page ({ init, words, dim, vectors }): `answer`
// gets a Model of them and returns (or resolves to) the reply or [reply, transfer]; errors become
// error replies.
async function withModel(data, answer) {
  let model = null;
  try {
    const el = await init(data.init);
    model = el.fromVectors(data.words, data.dim, new Float32Array(data.vectors));
    const result = await answer(model, data);
    const [reply, transfer] = Array.isArray(result) ? result : [result, []];
    self.postMessage({ id: data.id, ...reply }, transfer);
  } catch (error) {
    postError(data.id, error);
  } finally {
    model?.dispose();
  }
}

self.onmessage = async (event) => {
  const { id, type } = event.data ?? {};
  if (type === 'cancel') {
    running.get(id)?.abort();
    return;
  }
  if (type === 'evaluate') {
    await withModel(event.data, (model, { questions, options }) => ({ type: 'evaluated', report: model.evaluateAnalogies(questions, options) }));
    return;
  }
  if (type === 'cluster') {
    await withModel(event.data, (model, { k, options }) => {
      const labels = model.clusterWords(k, options);
      return [{ type: 'clustered', labels }, [labels.buffer]];
    });
    return;
  }
  if (type === 'trainTokenizer' || type === 'trainLanguageModel') {
    await trainLanguage(event.data);
    return;
  }
  if (type === 'project') {
    const controller = new AbortController();
    running.set(id, controller);
    await withModel(event.data, async (model, { options }) => {
      const result = await model.project({
        ...options,
        signal: controller.signal,
        onProgress: (progress) => self.postMessage({ id, type: 'progress', progress }, progress.coords ? [progress.coords.buffer] : []),
      });
      return [{ type: 'projected', result }, [result.coords.buffer]];
    });
    running.delete(id);
    return;
  }
  if (type === 'load') {
    const controller = new AbortController();
    running.set(id, controller);
    try {
      await load(id, event.data, controller.signal);
    } catch (error) {
      postError(id, error);
    } finally {
      running.delete(id);
    }
    return;
  }
  if (type !== 'train') {
    self.postMessage({ id, type: 'error', name: 'Error', message: `unknown message type '${type}'` });
    return;
  }
  const controller = new AbortController();
  running.set(id, controller);
  let model = null;
  try {
    const el = await init(event.data.init);
    const options = event.data.options ?? {};
    const liveMap = event.data.liveMap && {
      ...event.data.liveMap,
      // A copy goes to the page: the worker keeps the frame to align the next one to.
      onFrame: (frame, progress) => {
        const coordinates = frame.coordinates.slice();
        self.postMessage({ id, type: 'frame', frame: { ...frame, coordinates }, progress }, [coordinates.buffer]);
      },
    };
    model = await el.train(event.data.text ?? event.data.bytes, {
      ...options,
      liveMap,
      signal: controller.signal,
      onProgress: (progress) => self.postMessage({ id, type: 'progress', progress }),
      onProbe: (neighbours, progress) => self.postMessage({ id, type: 'probe', neighbours, progress }),
    });
    const vectors = model.vectors();
    self.postMessage(
      { id, type: 'done', words: model.words, dim: model.dim, vectors: vectors.buffer, training: model.training },
      [vectors.buffer],
    );
  } catch (error) {
    postError(id, error);
  } finally {
    model?.dispose();
    running.delete(id);
  }
};

// trainTokenizer / trainLanguageModel: progress (with the probes) as messages, the result as its file.
async function trainLanguage({ id, type, init: initOptions, text, options = {} }) {
  const controller = new AbortController();
  running.set(id, controller);
  let tokenizer = null;
  let result = null;
  try {
    const el = await init(initOptions);
    const onProgress = (progress) => self.postMessage({ id, type: 'progress', progress });
    if (type === 'trainTokenizer') {
      result = await el.trainTokenizer(text, { ...options, signal: controller.signal, onProgress });
    } else {
      if (options.tokenizer) tokenizer = el.loadTokenizer(new Uint8Array(options.tokenizer));
      result = await el.trainLanguageModel(text, { ...options, tokenizer: tokenizer ?? undefined, signal: controller.signal, onProgress });
    }
    const bytes = result.save();
    self.postMessage({ id, type: 'done', bytes: bytes.buffer, training: result.training }, [bytes.buffer]);
  } catch (error) {
    postError(id, error);
  } finally {
    result?.dispose();
    tokenizer?.dispose();
    running.delete(id);
  }
}
