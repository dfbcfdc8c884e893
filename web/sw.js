// The service worker (issue 16): the app shell and the last answers of the API stay on the phone, so the map, the
// reporter's projects, their last reports and milestones open without a connection. Hand-written rather than
// Workbox: workbox-sw loads its modules from a CDN unless every workbox-* package is vendored and the worker is
// built, and this front end has no build step (web/README.md). Writes never go through here: the outbox
// (js/outbox.js) keeps and resends them.
// The server writes a digest of the front end's files here (api/web.py): a release changes this file, the browser
// installs the new worker, and its activation drops the caches of the old release, so no phone runs old modules
// beside new ones.
const RELEASE = '__WARROOM_RELEASE__';
const SHELL = `warroom-shell-${RELEASE}`;
const API = `warroom-api-${RELEASE}`;
const LAZY = ['/js/photo-facts.js', '/vendor/exifr/dist/lite.esm.mjs'];
// The API answers kept for offline use; files, exports and sign-in stay network-only.
const NETWORK_ONLY = /^\/api\/(auth\/(login|logout)|photos\/\d+\/(original|display|thumb|stamped)|exports|reports\/monthly|imports)|\.(xlsx|pdf|gpkg|zip|kml)$/;

self.addEventListener('install', (event) => {
  // Besides the shell, what the page loads only on first use and a reporter may first need offline: reading a
  // photo's EXIF before it is queued (js/photo-facts.js and exifr).
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(['/', '/manifest.webmanifest', ...LAZY])));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const k of await caches.keys()) if (![SHELL, API].includes(k)) await caches.delete(k);
    await self.clients.claim();
  })());
});

// The page lists what it loaded before this worker controlled it (js/pwa.js): keep those too.
self.addEventListener('message', (event) => {
  const { type, urls } = event.data || {};
  if (type === 'signed-out') { event.waitUntil(caches.delete(API)); return; }
  if (type !== 'keep' || !Array.isArray(urls)) return;
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    const api = await caches.open(API);
    await Promise.all(urls.map(async (u) => {
      const url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin || NETWORK_ONLY.test(url.pathname)) return;
      const cache = url.pathname.startsWith('/api/') ? api : shell;
      if (await cache.match(url.href)) return;
      try { const r = await fetch(url.href, { credentials: 'same-origin' }); if (r.ok) await cache.put(url.href, r); } catch { /* offline: next time */ }
    }));
    event.source?.postMessage({ type: 'kept' });
  })());
});

function offline() {
  // What needs the server says so plainly, as the problem+json every other failure is.
  const body = JSON.stringify({
    type: 'about:blank', title: '离线 / Offline', status: 503,
    detail: '当前无网络,此内容需要联网后查看 / offline: this needs a connection',
  });
  return new Response(body, { status: 503, headers: { 'Content-Type': 'application/problem+json' } });
}

async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch {
    const hit = (await cache.match(request)) || (request.mode === 'navigate' ? await cache.match('/', { ignoreSearch: true }) : null);
    return hit || offline();
  }
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  const fresh = fetch(request).then((r) => { if (r.ok) cache.put(request, r.clone()); return r; });
  if (hit) { fresh.catch(() => {}); return hit; }
  return fresh;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NETWORK_ONLY.test(url.pathname)) return;
  if (url.pathname.startsWith('/api/')) event.respondWith(networkFirst(request, API));
  else if (request.mode === 'navigate') event.respondWith(networkFirst(request, SHELL));
  else event.respondWith(staleWhileRevalidate(request));
});
