// Installable app (issue 16): registers the service worker (/sw.js) and hands it the files and API answers this
// page loaded before it was in control, so the next start works offline. body[data-offline-ready] = 1 once kept.
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (e) => { if (e.data?.type === 'kept') document.body.dataset.offlineReady = '1'; });
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(async () => {
    await navigator.serviceWorker.ready;
    const keep = () => {
      const urls = [location.pathname, ...performance.getEntriesByType('resource').map((r) => r.name)];
      navigator.serviceWorker.controller?.postMessage({ type: 'keep', urls });
    };
    if (navigator.serviceWorker.controller) keep();
    else navigator.serviceWorker.addEventListener('controllerchange', keep, { once: true });
  }).catch(() => { /* no service worker (a private window, http on another host): the app works online */ });
}
