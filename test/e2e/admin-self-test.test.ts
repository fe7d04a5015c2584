// The admin's connectivity self-test (/admin/network) in a real Chromium: it joins a silent test over
// the real signalling and mediasoup path (no room), and reports the path the audio took and the
// round-trip time. On loopback with UDP open, both directions connect over UDP. The page also shows
// the https warning and the media address and ports handed to browsers; non-admins are refused.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { launchBrowser, signUpInBrowser } from '../support/browser';
import { startTestSalon, type TestSalon } from '../support/salon';

let salon: TestSalon;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  salon = await startTestSalon({ webRtcPort: '0' });
});

afterAll(async () => {
  for (const close of closers) await close();
  await salon.dispose();
});

test('an admin runs the self-test and sees UDP and a round-trip time for both directions', async () => {
  const b = await launchBrowser();
  closers.push(b.close);
  const page = b.page;
  await signUpInBrowser(page, salon.url, 'net_admin'); // the first account is the admin
  await page.goto(`${salon.url}/admin/settings`);
  await page.locator('#https-warning').waitFor(); // no https publicUrl: said on the settings page too
  await page.getByRole('link', { name: 'Network', exact: true }).click();
  await page.waitForURL(/\/admin\/network$/);

  expect(await page.locator('#https-warning').textContent()).toContain('publicUrl is not set');
  expect(await page.locator('#media-address').textContent()).toBe('127.0.0.1');
  expect(Number(await page.locator('#media-ports').textContent())).toBeGreaterThan(0); // the real (random) port
  expect(await page.locator('#media-turn').textContent()).toContain('none');
  const roomsBefore = await salon.db.selectFrom('rooms').select('id').execute();

  const run = page.getByRole('button', { name: 'Run the self-test' });
  await run.waitFor();
  await page.waitForFunction(() => !(document.getElementById('self-test-run') as HTMLButtonElement).disabled);
  await run.click();
  const outcome = page.locator('#self-test-outcome');
  await outcome.waitFor({ timeout: 30_000 });
  const rows = await page.locator('#self-test-outcome li').evaluateAll((items) => items.map((li) => ({ direction: (li as HTMLElement).dataset.direction, path: (li as HTMLElement).dataset.path, rtt: (li as HTMLElement).dataset.rtt, text: li.textContent })));
  expect(rows.map((r) => [r.direction, r.path])).toEqual([
    ['send', 'udp'],
    ['recv', 'udp'],
  ]);
  for (const row of rows) {
    expect(Number(row.rtt)).toBeGreaterThanOrEqual(0);
    expect(row.text).toMatch(/UDP \(the best case\) · round trip \d+ ms/);
  }
  // No room was created or listed, and the test's router went with the socket.
  expect(await salon.db.selectFrom('rooms').select('id').execute()).toEqual(roomsBefore);
  expect(salon.deps.live.all()).toHaveLength(0);

  const shots = process.env.SALON_SCREENSHOT_DIR;
  if (shots) {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${shots}/admin-network-${width}.png`, fullPage: true });
    }
  }
}, 60_000);

test('the self-test socket refuses people who are not admins', async () => {
  const b = await launchBrowser();
  closers.push(b.close);
  await signUpInBrowser(b.page, salon.url, 'net_member');
  const refused = await b.page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => resolve('opened');
        socket.onerror = () => resolve('refused');
      }),
    `${salon.url.replace('http', 'ws')}/admin/network/self-test`,
  );
  expect(refused).toBe('refused');
  const res = await b.page.goto(`${salon.url}/admin/network`);
  expect(res?.status()).toBe(403);
}, 30_000);
