// The service worker (served at /sw.js, scope /): shows a pushed notification, and opens (or
// focuses) its page when clicked. Payloads are JSON {title, body, url, tag}. It also keeps the
// offline page: pages come from the network first, and when that fails from the cache, else the
// offline page (cached on install with its stylesheet and icon, fetched without cookies).
/// <reference lib="webworker" />
export {};
declare const self: ServiceWorkerGlobalScope;

const CACHE = 'salon-offline-v1';
const OFFLINE_URL = '/offline';

// Caches the offline page and the static files it links to. A failure here never stops the worker
// installing: push notifications need it even when the offline page could not be cached.
async function cacheOfflinePage() {
  const cache = await caches.open(CACHE);
  const response = await fetch(OFFLINE_URL, { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) return;
  const text = await response.clone().text();
  await cache.put(OFFLINE_URL, response);
  const assets = [...text.matchAll(/(?:href|src)="(\/static\/[^"]+\.(?:css|svg|png)(?:\?[^"]*)?)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  await cache.addAll([...new Set(assets)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheOfflinePage().catch(() => undefined));
  void self.skipWaiting();
});
self.addEventListener('activate', (event) =>
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  ),
);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Network first; offline: a cached copy of the page if any, else the offline page.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(request)) ?? (await caches.match(OFFLINE_URL)) ?? Response.error()),
    );
  } else if (url.pathname.startsWith('/static/')) {
    // The offline page's stylesheet and icon: from the network, from the cache when offline.
    event.respondWith(fetch(request).catch(async () => (await caches.match(request)) ?? Response.error()));
  }
});

self.addEventListener('push', (event) => {
  let data: { title?: string; body?: string; url?: string; tag?: string } = {};
  try {
    data = event.data?.json() ?? {};
  } catch {
    data = { body: event.data?.text() };
  }
  event.waitUntil(
    self.registration.showNotification(data.title ?? 'Salon', {
      body: data.body ?? '',
      tag: data.tag,
      icon: '/static/icon.svg',
      data: { url: data.url && data.url.startsWith('/') ? data.url : '/notifications' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data as { url: string }).url, self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => w.url === url);
      if (open) return void (await open.focus());
      await self.clients.openWindow(url);
    })(),
  );
});
