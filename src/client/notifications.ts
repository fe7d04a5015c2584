// The bell's live count (Server-Sent Events from /notifications/stream) and, on the notification
// settings page, this device's web push: subscribe, unsubscribe. Loaded once per full page load on
// every page (it registers the service worker, /sw.js: push and the offline page, so the app installs);
// htmx swaps of the page body are followed (the count is shown again in the new header).
export {};

declare global {
  interface Window {
    salonBell?: { unread: number };
  }
}

interface BellState {
  unread: number;
  newest: { id: number; text: string; url: string } | null;
}

function showCount(unread: number) {
  const count = document.getElementById('notification-count');
  const bell = document.getElementById('notification-bell');
  if (!count || !bell) return;
  count.textContent = unread > 99 ? '99+' : String(unread);
  count.hidden = unread === 0;
  bell.dataset.unread = String(unread);
  const label = bell.dataset.label ?? '';
  bell.setAttribute('aria-label', unread ? `${label} (${unread})` : label);
}

function watchBell() {
  if (window.salonBell || !document.getElementById('notification-bell') || typeof EventSource === 'undefined') return;
  const state = (window.salonBell = { unread: 0 });
  const source = new EventSource('/notifications/stream');
  source.onmessage = (event) => {
    const data = JSON.parse(event.data) as BellState;
    state.unread = data.unread;
    showCount(data.unread);
  };
  document.addEventListener('htmx:afterSettle', () => showCount(state.unread));
}

const csrfToken = () => {
  try {
    return (JSON.parse(document.body.getAttribute('hx-headers') ?? '{}') as Record<string, string>)['X-CSRF-Token'] ?? '';
  } catch {
    return '';
  }
};

const keyBytes = (base64url: string) => {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
};

async function setUpPushSection(section: HTMLElement) {
  if (section.dataset.ready) return;
  section.dataset.ready = '1';
  const status = section.querySelector<HTMLElement>('.push-status')!;
  const subscribeButton = section.querySelector<HTMLButtonElement>('[data-push="subscribe"]')!;
  const unsubscribeButton = section.querySelector<HTMLButtonElement>('[data-push="unsubscribe"]')!;
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !window.isSecureContext) {
    status.textContent = status.dataset.unsupported ?? '';
    return;
  }
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const show = async () => {
    const current = await registration.pushManager.getSubscription();
    const denied = Notification.permission === 'denied';
    status.textContent = (denied ? status.dataset.denied : current ? status.dataset.on : status.dataset.off) ?? '';
    subscribeButton.hidden = !!current || denied;
    unsubscribeButton.hidden = !current;
  };
  const send = (method: string, path: string, body: unknown) =>
    fetch(path, { method, headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify(body) });
  subscribeButton.addEventListener('click', async () => {
    if ((await Notification.requestPermission()) !== 'granted') return show();
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(section.dataset.publicKey ?? '') });
    const device = navigator.userAgent.match(/(Firefox|Edg|Chrome|Safari)\/[\d.]+/)?.[0] ?? 'Browser';
    await send('POST', '/push/subscriptions', { ...subscription.toJSON(), device: `${device} · ${navigator.platform}` });
    location.reload();
  });
  unsubscribeButton.addEventListener('click', async () => {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await send('POST', '/push/subscriptions/delete', { endpoint: subscription.endpoint }).catch(() => undefined);
      await subscription.unsubscribe();
    }
    location.reload();
  });
  await show();
}

function start() {
  watchBell();
  const section = document.getElementById('push-device');
  if (section) void setUpPushSection(section).catch(() => undefined);
}

function registerWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}

registerWorker();
start();
document.addEventListener('htmx:load', start);
