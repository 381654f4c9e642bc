// The training Worker for pages: runs embedlab.train() off the main thread.
// Protocol ({id, type} messages):
//   page -> worker  { id, type: 'train', init, text | bytes, options }   { id, type: 'cancel' }
//                   (init: the page's init() options, so the worker loads the same build)
//   (with liveMap: { words, every } in the train message, map frames while training:)
//   worker -> page  { id, type: 'frame', frame: { words, coordinates, rmsError }, progress }
//   worker -> page  { id, type: 'progress', progress }              { id, type: 'probe', neighbours, progress }
//                   { id, type: 'done', words, dim, vectors, training }  (vectors: a transferred ArrayBuffer)
//                   { id, type: 'error', message, name }
//   page -> worker  { id, type: 'evaluate', init, words, dim, vectors, questions, options }
//   worker -> page  { id, type: 'evaluated', report }   (analogy accuracy, off the page's thread)
//   page -> worker  { id, type: 'cluster', init, words, dim, vectors, k, options }
//   worker -> page  { id, type: 'clustered', labels }   (k-means labels, an Int32Array)
//   page -> worker  { id, type: 'project', init, words, dim, vectors, options }   (model.project())
//   worker -> page  { id, type: 'progress', progress }   (progress.coords: a transferred Float32Array)
//                   { id, type: 'projected', result }    ({ words, coords, method, iterations, elapsedMs })
import { init } from './index.js';

const running = new Map(); // id -> AbortController

// Answers one request about vectors sent from the page ({ init, words, dim, vectors }): `answer`
// gets a Model of them and returns the reply (or [reply, transfer]); errors become error replies.
async function withModel(data, answer) {
  let model = null;
  try {
    const el = await init(data.init);
    model = el.fromVectors(data.words, data.dim, new Float32Array(data.vectors));
    const result = answer(model, data);
    const [reply, transfer] = Array.isArray(result) ? result : [result, []];
    self.postMessage({ id: data.id, ...reply }, transfer);
  } catch (error) {
    self.postMessage({ id: data.id, type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) });
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
  if (type === 'project') {
    const controller = new AbortController();
    running.set(id, controller);
    let model = null;
    try {
      const el = await init(event.data.init);
      const { words, dim, vectors, options } = event.data;
      model = el.fromVectors(words, dim, new Float32Array(vectors));
      const result = await model.project({
        ...options,
        signal: controller.signal,
        onProgress: (progress) => self.postMessage({ id, type: 'progress', progress }, progress.coords ? [progress.coords.buffer] : []),
      });
      self.postMessage({ id, type: 'projected', result }, [result.coords.buffer]);
    } catch (error) {
      self.postMessage({ id, type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) });
    } finally {
      model?.dispose();
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
    self.postMessage({ id, type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) });
  } finally {
    model?.dispose();
    running.delete(id);
  }
};
