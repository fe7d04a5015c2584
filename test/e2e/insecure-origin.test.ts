// A plain-http page on a non-localhost address (as from another machine of the network): Chromium
// does not treat it as a secure context. The room page says so before anything is tried, in the
// person's language: listening works (and does: the tone is heard), speaking needs https; an admin
// also gets a link to the HTTPS set-up. No "device not supported" or other library words appear.
// Salon listens on all addresses; the test adds a /32 address to the loopback interface (root, `ip`).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio } from '../support/browser';
import { run } from '../support/netns';
import { startTestSalon, tempDir, type TestSalon } from '../support/salon';

let salon: TestSalon;
let dir: string;
let address = '';
const closers: (() => Promise<void>)[] = [];
let roomPath: string;
const insecure = (path: string) => `http://${address}:${salon.port}${path}`;

async function addAddress(): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('test/e2e/insecure-origin.test.ts needs root (it adds an address to the loopback interface)');
  const used = await run('ip', '-4', '-o', 'addr');
  for (let i = 0; i < 256; i++) {
    const candidate = `10.215.${(process.pid + i) % 256}.1`;
    if (used.includes(`${candidate}/`)) continue;
    await run('ip', 'addr', 'add', `${candidate}/32`, 'dev', 'lo');
    return candidate;
  }
  throw new Error('no free 10.215.X.1 address');
}

async function browser(): Promise<Page> {
  const b = await launchBrowser();
  closers.push(b.close);
  return b.page;
}

beforeAll(async () => {
  address = await addAddress();
  salon = await startTestSalon({ host: '0.0.0.0' });
  dir = tempDir('salon-e2e-insecure-');
  const b = await launchBrowser(await toneWav(dir, 440));
  closers.push(b.close);
  const local = `http://127.0.0.1:${salon.port}`; // loopback is a secure context: the host speaks from here
  await signUpInBrowser(b.page, local, 'insecure_admin'); // the first account is the admin
  roomPath = new URL(await startRoomInBrowser(b.page, local, 'Plain http')).pathname;
  await b.page.click('button.listen');
  await b.page.getByRole('button', { name: 'Unmute' }).click();
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close();
  await salon?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (address) await run('ip', 'addr', 'del', `${address}/32`, 'dev', 'lo').catch(() => {});
});

test('an anonymous listener on plain http is told what works, before clicking, and hears the room', async () => {
  const page = await browser();
  await page.goto(insecure(roomPath));
  expect(await page.evaluate(() => window.isSecureContext)).toBe(false);
  const notice = page.locator('#insecure-notice');
  await notice.waitFor();
  const text = (await notice.innerText()).replace(/\s+/g, ' ');
  expect(text).toContain('This address is not secure (plain http).');
  expect(text).toContain('You can listen here.');
  expect(text).not.toContain('Listening is not available');
  expect(text).toContain('Speaking needs a secure (https) address');
  expect(text).toContain('ask the admin of this server to set up HTTPS');
  expect(await notice.getByRole('link', { name: 'How to set up HTTPS' }).count()).toBe(0); // admins only

  await page.click('button.listen');
  const reading = await waitForAudio(page, (r) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25, 20_000, 'the host tone over plain http');
  expect(reading.rms).toBeGreaterThan(0.05);
  expect(await page.locator('.toast').allTextContents()).toEqual([]); // no "device not supported"
  expect(await page.locator('body').textContent()).not.toContain('not supported');

  const shots = process.env.SALON_SCREENSHOT_DIR;
  if (shots) {
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${shots}/insecure-room-${width}.png`, fullPage: true });
    }
  }
}, 60_000);

test('in French', async () => {
  const page = await browser();
  await page.setExtraHTTPHeaders({ 'accept-language': 'fr' });
  await page.goto(insecure(roomPath));
  const notice = page.locator('#insecure-notice');
  await notice.waitFor();
  const text = (await notice.innerText()).replace(/\s+/g, ' ');
  expect(text).toContain("Cette adresse n'est pas sécurisée (http simple).");
  expect(text).toContain('Vous pouvez écouter ici.');
  expect(text).toContain('Pour parler, il faut une adresse sécurisée (https)');
  expect(text).toContain("demandez à l'admin de ce serveur de mettre en place HTTPS");
}, 30_000);

test('an admin on plain http gets the link to the HTTPS set-up, and the microphone is explained, not failed', async () => {
  const page = await browser();
  await page.goto(insecure('/login'));
  await page.fill('#field-login', 'insecure_admin');
  await page.fill('#field-password', 'long-enough-pw');
  await page.click('button.primary');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await page.goto(insecure(roomPath));
  const notice = page.locator('#insecure-notice');
  await notice.waitFor();
  const link = notice.getByRole('link', { name: 'How to set up HTTPS' });
  expect(await link.getAttribute('href')).toBe('/admin/network#https');
  // The host's own account on a plain-http page (it replaces the secure window): listening works,
  // and the microphone it would send is refused in words.
  await page.click('button.listen');
  const toast = page.locator('.toast');
  await toast.waitFor({ timeout: 15_000 });
  expect(await toast.textContent()).toContain('Speaking needs a secure (https) address');
  await link.click();
  await page.waitForURL(/\/admin\/network/);
  expect(await page.locator('#https-warning').textContent()).toContain('docs/reverse-proxy.md');
}, 60_000);
