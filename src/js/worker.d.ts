// embedlab/worker: the module a page's training Worker runs (started for you by
// el.trainInWorker() and el.evaluateInWorker(); bundlers follow it from there). It exports nothing.
// Its messages ({ id, type } requests: 'train', 'evaluate', 'cancel'; replies: 'progress', 'probe',
// 'done', 'evaluated', 'error') are an internal protocol between it and src/js/embedlab.js.
export {};
