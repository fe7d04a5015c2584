// The installable web app: a valid manifest (instance name, icons that are real PNGs of their
// size), the service worker registers on every page, Chromium finds nothing stopping an install
// (CDP Page.getInstallabilityErrors), and with the network gone a page falls back to the offline
// page, styled from the cache.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { startTestSalon, type TestSalon } from '../support/salon';

let salon: TestSalon;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  salon = await startTestSalon();
  browser = await launchBrowser();
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await salon?.dispose();
});

const pngSize = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  expect([...bytes.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  return [view.getUint32(16), view.getUint32(20)];
};

test('the manifest names the instance and lists 192 and 512 px icons, one maskable', async () => {
  const response = await fetch(`${salon.url}/manifest.webmanifest`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/manifest+json');
  const manifest = (await response.json()) as {
    name: string; short_name: string; start_url: string; display: string; theme_color: string; background_color: string;
    icons: { src: string; sizes: string; type: string; purpose: string }[];
  };
  expect(manifest.name).toBe('Salon');
  expect(manifest.short_name.length).toBeLessThanOrEqual(12);
  expect(manifest.start_url).toBe('/');
  expect(manifest.display).toBe('standalone');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/);
  for (const [size, purpose] of [[192, 'any'], [512, 'any'], [512, 'maskable']] as const) {
    const icon = manifest.icons.find((i) => i.sizes === `${size}x${size}` && i.purpose === purpose && i.type === 'image/png');
    expect(icon).toBeDefined();
    const png = await fetch(new URL(icon!.src, salon.url));
    expect(png.status).toBe(200);
    expect(pngSize(new Uint8Array(await png.arrayBuffer()))).toEqual([size, size]);
  }
  const home = await (await fetch(salon.url)).text();
  expect(home).toContain('<link rel="manifest" href="/manifest.webmanifest">');
  expect(home).toContain('<meta name="theme-color"');
});

test('the service worker registers, and Chromium reports no installability errors', async () => {
  await page.goto(salon.url);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${salon.url}/`);
  const cdp = await browser.context.newCDPSession(page);
  const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
  expect(installabilityErrors).toEqual([]);
  const { errors, url } = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
  expect(url).toBe(`${salon.url}/manifest.webmanifest`);
  expect(errors).toEqual([]);
  await cdp.detach();
}, 30_000);

test('offline, a page shows the offline page with its stylesheet; online again, the real page', async () => {
  await page.goto(salon.url);
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.waitForFunction(async () => !!(await caches.match('/offline')));
  await browser.context.setOffline(true);
  await page.goto(`${salon.url}/login`);
  await page.getByRole('heading', { name: 'You are offline' }).waitFor();
  // Styled: the cached stylesheet applies (the body's background is the theme's, not the default white).
  const styled = await page.evaluate(() => document.styleSheets.length > 0 && getComputedStyle(document.body).display === 'flex');
  expect(styled).toBe(true);
  await browser.context.setOffline(false);
  await page.goto(`${salon.url}/login`);
  expect(await page.locator('input[type=password]').count()).toBe(1);
  expect(await page.getByRole('heading', { name: 'You are offline' }).count()).toBe(0);
}, 30_000);
