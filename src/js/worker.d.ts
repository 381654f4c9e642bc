// embedlab/worker: the module a page's training Worker runs (started for you by
// el.trainInWorker(), el.evaluateInWorker(), el.trainTokenizerInWorker() and el.trainLanguageModelInWorker();
// bundlers follow it from there). It exports nothing.
// Its messages ({ id, type } requests: 'train', 'trainTokenizer', 'trainLanguageModel', 'evaluate', 'cancel'; replies: 'progress', 'probe',
// 'done', 'evaluated', 'error') are an internal protocol between it and src/js/embedlab.js.
export {};
