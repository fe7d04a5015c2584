// axe-core (from npm, injected from node_modules) over the main pages in Chromium: no serious or
// critical violations. The room as a listener, a speaker and the host, with people on stage and a
// hand raised.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { endedRoomWithReplay } from '../support/replay-fixture';
import { startRoomScene, type RoomScene } from '../support/room-scene';

const axePath = resolve(import.meta.dir, '../../node_modules/axe-core/axe.min.js');
let scene: RoomScene;
let pages: Page;

beforeAll(async () => {
  scene = await startRoomScene('ax', { bypassCSP: true });
  pages = await scene.hostContext.newPage();
}, 90_000);

afterAll(async () => {
  await scene?.dispose();
});

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

/** Serious and critical violations on the page as it is now, one line per rule and element. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(c: Document, o: object): Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  )) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')}`));
}

test('the check finds what it should (a nameless button, an image without alt)', async () => {
  await pages.goto(`${scene.salon.url}/`);
  await pages.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<button id="nameless"></button><img id="no-alt" src="/static/icon-192.png">'));
  const found = await seriousViolations(pages);
  expect(found.some((v) => v.includes('button-name') && v.includes('#nameless'))).toBe(true);
  expect(found.some((v) => v.includes('image-alt') && v.includes('#no-alt'))).toBe(true);
  if (process.env.SALON_AXE_ALL) console.error(found);
}, 30_000);

test('the room as host, speaker and listener: no serious or critical violations', async () => {
  await scene.host.locator('#hand-queue').getByRole('button', { name: 'Listeners' }).click();
  await scene.host.locator('.listener-list li').first().waitFor();
  expect({ host: await seriousViolations(scene.host) }).toEqual({ host: [] });
  expect({ speaker: await seriousViolations(scene.speaker) }).toEqual({ speaker: [] });
  expect({ listener: await seriousViolations(scene.listener) }).toEqual({ listener: [] });
}, 60_000);

const mainPages: [string, string][] = [
  ['home', '/'],
  ['studio', '/studio'],
  ['profile', '/@ax_host'],
  ['settings', '/settings'],
  ['notifications', '/notifications'],
  ['admin dashboard', '/admin'],
  ['admin users', '/admin/users'],
  ['admin settings', '/admin/settings'],
  ['admin rooms', '/admin/rooms'],
  ['admin reports', '/admin/reports'],
  ['admin audit', '/admin/audit'],
  ['admin storage', '/admin/storage'],
  ['admin network', '/admin/network'],
  ['admin email', '/admin/email'],
  ['offline page', '/offline'],
];

for (const [name, path] of mainPages) {
  test(`${name} (${path}): no serious or critical violations`, async () => {
    await pages.goto(`${scene.salon.url}${path}`);
    expect({ [name]: await seriousViolations(pages) }).toEqual({ [name]: [] });
  }, 30_000);
}

test('the replay page: no serious or critical violations', async () => {
  const roomId = await endedRoomWithReplay(scene.salon, 'ax_host', 'ax_speaker');
  await pages.goto(`${scene.salon.url}/r/${roomId}`);
  await pages.locator('#replay-audio').waitFor({ state: 'attached' });
  expect({ replay: await seriousViolations(pages) }).toEqual({ replay: [] });
}, 30_000);

test('dark colour scheme: the room (host) and the home page have no serious or critical violations', async () => {
  await scene.host.emulateMedia({ colorScheme: 'dark' });
  await pages.emulateMedia({ colorScheme: 'dark' });
  try {
    expect({ host: await seriousViolations(scene.host) }).toEqual({ host: [] });
    await pages.goto(`${scene.salon.url}/`);
    expect({ home: await seriousViolations(pages) }).toEqual({ home: [] });
    await pages.goto(`${scene.salon.url}/admin`);
    expect({ admin: await seriousViolations(pages) }).toEqual({ admin: [] });
  } finally {
    await scene.host.emulateMedia({ colorScheme: 'light' });
    await pages.emulateMedia({ colorScheme: 'light' });
  }
}, 30_000);

/** Presses Tab until the focused element matches `selector` with this text (or name); fails after `max`. */
async function tabTo(page: Page, selector: string, text: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(
      ([sel, txt]) => {
        const a = document.activeElement as HTMLElement | null;
        return !!a && a.matches(sel!) && ((a.textContent ?? '').trim() === txt || a.getAttribute('aria-label') === txt);
      },
      [selector, text] as const,
    );
    if (hit) return;
  }
  throw new Error(`Tab never reached ${selector} "${text}"`);
}

/** The focused element shows a visible focus ring (the :focus-visible outline). */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement!;
    const style = getComputedStyle(a);
    return { visible: a.matches(':focus-visible'), outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });

/** Counts what the room's live region says from now on. */
const watchAnnouncer = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { said: string[] };
    w.said = [];
    const region = document.getElementById('room-announcer')!;
    new MutationObserver(() => region.textContent && w.said.push(region.textContent)).observe(region, { childList: true, characterData: true, subtree: true });
  });
const said = (page: Page) => page.evaluate(() => (window as unknown as { said: string[] }).said);

test('keyboard only: a listener listens, asks to speak, accepts, unmutes; the host invites, mutes and removes; each change said once', async () => {
  const { host, listener, speaker } = scene;
  await watchAnnouncer(host);
  await watchAnnouncer(speaker);
  // The listener starts again from a fresh page, by keyboard only.
  await listener.goto(scene.roomUrl);
  await listener.locator('button.listen').waitFor();
  await tabTo(listener, 'button.listen', 'Listen');
  expect(await focusRing(listener)).toEqual({ visible: true, outline: true });
  await listener.keyboard.press('Enter');
  await listener.locator('button.listen').waitFor({ state: 'detached' });
  // Focus stayed in the controls (on the control now in Listen's place), not lost to the page.
  expect(await listener.evaluate(() => !!document.activeElement?.closest('#room-controls'))).toBe(true);
  if (await listener.getByRole('button', { name: 'Lower hand' }).count()) {
    // Still raised from before the reload: lowered first.
    await tabTo(listener, 'button', 'Lower hand');
    await listener.keyboard.press('Enter');
    await listener.getByRole('button', { name: 'Ask to speak' }).waitFor();
  }
  await tabTo(listener, 'button', 'Ask to speak');
  expect(await focusRing(listener)).toEqual({ visible: true, outline: true });
  await listener.keyboard.press('Enter');
  await listener.getByRole('button', { name: 'Lower hand' }).waitFor();
  await host.waitForFunction(() => (window as unknown as { said: string[] }).said.some((s) => s.includes('ax_listener asks to speak')));

  // The host invites them up from the hand queue, by keyboard.
  await tabTo(host, '#hand-queue button', 'Invite up');
  expect(await focusRing(host)).toEqual({ visible: true, outline: true });
  await host.keyboard.press('Enter');
  await listener.getByRole('button', { name: 'Accept' }).waitFor();
  await tabTo(listener, 'button', 'Accept');
  await listener.keyboard.press('Enter');
  await listener.getByRole('button', { name: 'Unmute' }).waitFor();
  await speaker.waitForFunction(() => (window as unknown as { said: string[] }).said.some((s) => s.includes('ax_listener is on stage')));
  await tabTo(listener, '#room-controls button', 'Unmute');
  await listener.keyboard.press('Enter');
  await listener.getByRole('button', { name: 'Mute', exact: true }).waitFor();

  // The host mutes them, then removes them, from the stage, by keyboard.
  const member = host.locator('#stage li.member', { hasText: 'ax_listener' });
  await member.getByRole('button', { name: 'Mute' }).waitFor();
  await tabTo(host, '#stage .member-actions button', 'Mute');
  expect(await focusRing(host)).toEqual({ visible: true, outline: true });
  await host.keyboard.press('Enter');
  await listener.getByRole('button', { name: 'Unmute' }).waitFor();
  await tabTo(host, '#stage .member-actions button', 'Remove');
  await host.keyboard.press('Enter');
  await member.waitFor({ state: 'detached' });
  await speaker.waitForFunction(() => (window as unknown as { said: string[] }).said.some((s) => s.includes('ax_listener left the stage')));

  // The host speaks all along (speaking rings come and go): none of that was said; each change once.
  await host.waitForTimeout(1500);
  const heardBySpeaker = await said(speaker);
  expect(heardBySpeaker.length).toBeLessThanOrEqual(3);
  expect(heardBySpeaker.filter((s) => s.includes('is on stage')).length).toBe(1);
  expect(heardBySpeaker.join(' ')).not.toContain('ax_host');
  expect(await host.locator('#room-status[aria-live], #stage[aria-live], #player[aria-live]').count()).toBe(0);
}, 90_000);
