// Every main page at 390 px wide: nothing runs off the side of the screen (no page-level sideways
// scroll), and the room's controls and the header's links are big enough to touch (44 px tall).
// With SALON_SCREENSHOTS=<dir>, each page is saved at 390 and 1200 px to look at.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { endedRoomWithReplay } from '../support/replay-fixture';
import { startRoomScene, type RoomScene } from '../support/room-scene';

let scene: RoomScene;
let pages: Page; // the host's second tab, for the pages around the room
const shots = process.env.SALON_SCREENSHOTS;

beforeAll(async () => {
  scene = await startRoomScene('mob');
  pages = await scene.hostContext.newPage();
  if (shots) mkdirSync(shots, { recursive: true });
}, 90_000);

afterAll(async () => {
  await scene?.dispose();
});

async function overflow(page: Page) {
  return page.evaluate(() => {
    const width = innerWidth;
    const wide = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'fixed' && !e.closest('.table-wrap, .live-bar'))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide };
  });
}

/** Visible controls (buttons, links styled as buttons, inputs, selects, nav links) under 44 px tall. */
async function smallTargets(page: Page, scope: string) {
  return page.evaluate((scope) => {
    const controls = [...document.querySelectorAll<HTMLElement>(`${scope} :is(button, a.button, select, input:not([type=hidden]), summary), .site-nav a, .site-nav button`)];
    return controls
      .filter((e) => e.checkVisibility() && e.getBoundingClientRect().width > 0) // not in a closed <details> either
      .filter((e) => e.getBoundingClientRect().height < 43.5 && !(e instanceof HTMLInputElement && ['checkbox', 'radio'].includes(e.type) && e.closest('label')))
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || e.getAttribute('aria-label') || (e as HTMLInputElement).type || '').trim().slice(0, 30)}" ${Math.round(e.getBoundingClientRect().height)}px`);
  }, scope);
}

async function check(page: Page, name: string, url?: string, opts: { targets?: string } = {}) {
  await page.setViewportSize({ width: 390, height: 844 });
  if (url) await page.goto(url);
  await page.waitForTimeout(150);
  if (shots) await page.screenshot({ path: join(shots, `${name}-390.png`), fullPage: true });
  const result = await overflow(page);
  expect({ name, ...result, wide: result.scrollWidth > result.width ? result.wide : [] }).toEqual({ name, scrollWidth: result.scrollWidth, width: 390, wide: [] });
  expect(result.scrollWidth).toBeLessThanOrEqual(390);
  if (opts.targets) expect({ name, small: await smallTargets(page, opts.targets) }).toEqual({ name, small: [] });
  if (shots) {
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(shots, `${name}-1200.png`), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
  }
}

test('the room at 390 px: as the host (stage, hand queue, listeners), a speaker and a listener', async () => {
  await scene.host.locator('#hand-queue').getByRole('button', { name: 'Listeners' }).click();
  await scene.host.locator('.listener-list li').first().waitFor();
  await check(scene.host, 'room-host', undefined, { targets: '#room' });
  await check(scene.speaker, 'room-speaker', undefined, { targets: '#room' });
  await check(scene.listener, 'room-listener', undefined, { targets: '#room' });
}, 60_000);

test('the player bar at 390 px: a listener browsing away keeps the room playing', async () => {
  await scene.listener.getByRole('link', { name: /@mob_listener/ }).click();
  await scene.listener.locator('#player .player-bar').waitFor();
  await check(scene.listener, 'player-bar', undefined, { targets: '#player' });
  await scene.listener.goBack();
}, 30_000);

const mainPages: [string, string][] = [
  ['home', '/'],
  ['studio', '/studio'],
  ['profile', '/@mob_host'],
  ['settings', '/settings'],
  ['notifications', '/notifications'],
  ['admin-dashboard', '/admin'],
  ['admin-users', '/admin/users'],
  ['admin-settings', '/admin/settings'],
  ['admin-rooms', '/admin/rooms'],
  ['admin-reports', '/admin/reports'],
  ['admin-audit', '/admin/audit'],
  ['admin-storage', '/admin/storage'],
  ['admin-network', '/admin/network'],
  ['admin-email', '/admin/email'],
];

for (const [name, path] of mainPages) {
  test(`${name} (${path}) fits 390 px, header links big enough to touch`, async () => {
    await check(pages, name, `${scene.salon.url}${path}`, { targets: 'main' === name ? 'main' : 'header' });
  }, 30_000);
}

test('the replay page fits 390 px, its controls big enough to touch', async () => {
  const roomId = await endedRoomWithReplay(scene.salon, 'mob_host', 'mob_speaker');
  await check(pages, 'replay', `${scene.salon.url}/r/${roomId}`, { targets: 'main' });
  await pages.click('#replay-manage summary'); // the host's form: title, visibility, trim
  await check(pages, 'replay-manage', undefined, { targets: 'main' });
}, 30_000);
