// Installable app (issue 16): registers the service worker (/sw.js) and hands it the files and API answers this
// page loaded before it was in control, so the next start works offline. body[data-offline-ready] = 1 once every
// hand-over so far is kept.
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let pending = 0;
  navigator.serviceWorker.addEventListener('message', (e) => {
    if (e.data?.type !== 'kept') return;
    pending = Math.max(0, pending - 1);
    document.body.dataset.offlineReady = pending ? '0' : '1';
  });
  const keep = (urls) => {
    const worker = navigator.serviceWorker.controller;
    if (!worker || !urls.length) return;
    pending += 1;
    document.body.dataset.offlineReady = '0';
    worker.postMessage({ type: 'keep', urls });
  };
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(async () => {
    await navigator.serviceWorker.ready;
    const takeOver = () => {
      keep([location.pathname, ...performance.getEntriesByType('resource').map((r) => r.name)]);
      // A request still on its way when the worker took over went past it and is not in that list yet (a card
      // opened meanwhile): kept once it completes. What the worker served itself (workerStart > 0) it keeps already.
      new PerformanceObserver((list) => keep(list.getEntries().filter((e) => !e.workerStart).map((e) => e.name)))
        .observe({ type: 'resource' });
    };
    if (navigator.serviceWorker.controller) takeOver();
    else navigator.serviceWorker.addEventListener('controllerchange', takeOver, { once: true });
  }).catch(() => { /* no service worker (a private window, http on another host): the app works online */ });
}
