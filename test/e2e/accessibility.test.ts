// axe-core (from npm, injected from node_modules) over the main pages in Chromium: no serious or
// critical violations. The room as a listener, a speaker and the host, with people on stage and a
// hand raised.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
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
];

for (const [name, path] of mainPages) {
  test(`${name} (${path}): no serious or critical violations`, async () => {
    await pages.goto(`${scene.salon.url}${path}`);
    expect({ [name]: await seriousViolations(pages) }).toEqual({ [name]: [] });
  }, 30_000);
}

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
