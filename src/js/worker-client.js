// The page's side of the training Worker (worker.js): one worker started on demand, {id, type}
// requests that resolve with the worker's final reply, and no request left hanging when it dies.
import { abortError } from './training.js';

const isNode = typeof process === 'object' && !!process.versions?.node;

export class WorkerClient {
  #worker = null;
  #nextId = 0;
  #pending = new Map(); // id -> reject, for requests the worker has not answered

  /**
   * Sends `message` as one request; resolves with the worker's final reply. `handlers.progress`,
   * `handlers.probe`, `handlers.rows` and `handlers.frame` receive the interim replies; aborting `signal` asks the worker to cancel.
   */
  request(message, { signal, ...handlers } = {}, transfer = []) {
    if (typeof Worker !== 'function' || isNode) return Promise.reject(new Error('the worker needs a browser with Web Workers; in Node call the method directly'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const worker = this.#worker ?? this.#start();
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      const onAbort = () => worker.postMessage({ id, type: 'cancel' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = () => {
        worker.removeEventListener('message', listener);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      // The worker died or was closed: fail instead of waiting forever.
      this.#pending.set(id, (error) => {
        finish();
        reject(error);
      });
      const listener = (event) => {
        const reply = event.data;
        if (reply?.id !== id) return;
        if (reply.type === 'progress' || reply.type === 'probe' || reply.type === 'frame') {
          handlers[reply.type]?.(reply[{ progress: 'progress', probe: 'neighbours', frame: 'frame' }[reply.type]], reply.progress);
          return;
        }
        if (reply.type === 'rows') {
          handlers.rows?.(reply.rows);
          return;
        }
        finish();
        if (reply.type === 'error') {
          const error = new Error(reply.message);
          error.name = reply.name;
          reject(error);
        } else {
          resolve(reply);
        }
      };
      worker.addEventListener('message', listener);
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  /** Stops the worker (a new one starts on the next request); pending requests reject with `error`. */
  close(error) {
    this.#worker?.terminate();
    this.#worker = null;
    for (const reject of [...this.#pending.values()]) reject(error);
  }

  #start() {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    const fail = (event) => this.close(new Error(`the worker failed: ${event?.message ?? 'it could not start or a message could not be read'}`));
    worker.addEventListener('error', fail);
    worker.addEventListener('messageerror', fail);
    this.#worker = worker;
    return worker;
  }
}
