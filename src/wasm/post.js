// Inside the module scope: lets Node exit while pthread pool workers are idle.
Module['unrefWorkers'] = function () {
  if (typeof PThread === 'undefined') return;
  PThread.unusedWorkers.concat(PThread.runningWorkers).forEach(function (w) {
    if (w && typeof w.unref === 'function') w.unref();
  });
};
// Tells init() at once when a thread worker cannot load (a blocked or missing file): Emscripten
// 3.1.6 listens only after the module has compiled, so such an error is lost and start-up waits forever.
if (typeof PThread !== 'undefined' && !ENVIRONMENT_IS_PTHREAD && typeof Module['onThreadWorkerError'] === 'function') {
  PThread.unusedWorkers.forEach(function (w) {
    if (w && typeof w.addEventListener === 'function') {
      w.addEventListener('error', function (e) { Module['onThreadWorkerError'](e); });
    }
  });
}
