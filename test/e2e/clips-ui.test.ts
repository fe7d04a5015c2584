// Clips as people make them, in real Chromium against the real server: a signed-in listener of a
// recorded room presses "Clip the last 30 s" while the host (a 440 Hz fake microphone) speaks; a
// toast links to the clip while the room keeps playing (no navigation), the host's "off" setting
// comes back as a toast, and the clip page's <audio> plays the tone. After the room, the replay's
// clip button takes the player's position. SALON_SCREENSHOTS=<dir> saves both pages at 390 and 1280 px.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findRecordingOfRoom } from '../../src/recording/recordings.repository';
import { launchBrowser, signUpInBrowser, toneWav, waitForAudio, measureElementAudio } from '../support/browser';
import { startTestSalon, tempDir, type TestSalon } from '../support/salon';

let salon: TestSalon;
let dir: string;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, listener: Page;
let roomId: string;

beforeAll(async () => {
  salon = await startTestSalon();
  dir = tempDir('salon-e2e-clips-');
  const opened = await Promise.all([launchBrowser(await toneWav(dir, 440)), launchBrowser()]);
  browsers.push(...opened);
  [host, listener] = opened.map((b) => b.page) as [Page, Page];
  await signUpInBrowser(host, salon.url, 'cu_host'); // first: the first account may host (it is the admin)
  await signUpInBrowser(listener, salon.url, 'cu_listener');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const controls = (page: Page) => page.locator('#room-controls');
const clipButton = (page: Page) => controls(page).getByRole('button', { name: /Clip the last 30 s/ });
const toast = (page: Page) => page.locator('body > .toast');
const shots = process.env.SALON_SCREENSHOTS;

async function screenshots(page: Page, name: string) {
  if (!shots) return;
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1000, height: 900 });
}


test('a listener clips the live room (toast, room keeps playing, the clip plays 440 Hz), then clips the replay at the player position', async () => {
  await host.goto(`${salon.url}/studio`);
  await host.fill('#field-title', 'Clipped in Chromium');
  await host.check('input[name="recordIntent"]');
  await host.getByRole('button', { name: 'Start now' }).click();
  await host.waitForURL(/\/r\/[a-z0-9]+$/);
  const roomUrl = host.url();
  roomId = roomUrl.split('/').pop()!;
  await host.click('button.listen');
  await controls(host).getByRole('button', { name: 'Unmute' }).click();

  await listener.goto(roomUrl);
  await listener.click('button.listen');
  await waitForAudio(listener, (r) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25, 20_000, 'the host');
  await clipButton(listener).waitFor({ timeout: 5000 });
  // Without JavaScript the same button is a plain form (its answer: a redirect to the clip page).
  const html = await listener.evaluate((url) => fetch(url).then((r) => r.text()), roomUrl);
  expect(html).toMatch(new RegExp(`<noscript>.*<form method="post" action="/r/${roomId}/clips"`, 's'));
  await Bun.sleep(3000); // some seconds recorded

  // The host turned clips off: the server's refusal, as a toast.
  await salon.db.updateTable('recordings').set({ clip_policy: 'off' }).where('room_id', '=', roomId).execute();
  await clipButton(listener).click();
  await toast(listener).filter({ hasText: 'The host turned clips off for this room.' }).waitFor({ timeout: 5000 });
  await salon.db.updateTable('recordings').set({ clip_policy: 'anyone' }).where('room_id', '=', roomId).execute();

  // One click: the button waits for the answer, then a toast links to the clip; the page stays.
  await clipButton(listener).click();
  expect(await controls(listener).locator('button.clip-button').isDisabled()).toBe(true);
  const ready = toast(listener).filter({ hasText: 'Clip ready' });
  await ready.waitFor({ timeout: 15_000 });
  expect(listener.url()).toBe(roomUrl);
  await controls(listener).locator('button.clip-button:not([disabled])').waitFor({ timeout: 2000 });
  await waitForAudio(listener, (r) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25, 5000, 'the room after clipping');
  await screenshots(listener, 'room-clip');
  const clips = await salon.db.selectFrom('clips').selectAll().execute();
  expect(clips).toHaveLength(1);
  expect(clips[0]!.duration_ms).toBeGreaterThan(3000);

  // Open: an htmx navigation to the clip page; the room goes on in the player bar, the clip plays the tone.
  await ready.getByRole('link', { name: 'Open' }).click();
  await listener.waitForURL(`${salon.url}/c/${clips[0]!.id}`);
  await listener.locator('#player .player-bar:not([hidden])').waitFor({ timeout: 5000 });
  await listener.waitForFunction(() => document.querySelector<HTMLAudioElement>('.clip-player')!.readyState >= 1, undefined, { timeout: 10_000 });
  await listener.evaluate(() => document.querySelector<HTMLAudioElement>('.clip-player')!.play());
  let heard = { rms: 0, peakHz: 0, paused: true };
  for (let i = 0; i < 10 && !(heard.rms > 0.02 && Math.abs(heard.peakHz - 440) < 25); i++) heard = await measureElementAudio(listener, '.clip-player');
  expect(heard.paused).toBe(false);
  expect(heard.rms).toBeGreaterThan(0.02);
  expect(Math.abs(heard.peakHz - 440)).toBeLessThan(25);

  // After the room: the replay's clip button clips the 30 s before the player's position.
  const recorder = salon.deps.recorders.get(roomId)!;
  host.once('dialog', (dialog) => void dialog.accept());
  await controls(host).getByRole('button', { name: 'End room' }).click();
  await recorder.settled;
  await salon.deps.jobs.drain();
  expect((await findRecordingOfRoom(salon.db, roomId))!.status).toBe('ready');

  await listener.goto(roomUrl);
  const form = listener.locator('#replay-clip form.clip-form');
  expect(Number(await form.locator('input[name="t"]').inputValue())).toBeGreaterThan(3000); // without JavaScript: up to 30 s from the start
  await listener.waitForFunction(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.readyState >= 1, undefined, { timeout: 10_000 });
  await listener.evaluate(() => (document.querySelector<HTMLAudioElement>('#replay-audio')!.currentTime = 4));
  await screenshots(listener, 'replay-clip');
  await form.getByRole('button', { name: /Clip the 30 s before this point/ }).click();
  await listener.waitForURL(/\/c\/[A-Za-z0-9]+$/, { timeout: 15_000 });
  const replayClip = await salon.db.selectFrom('clips').selectAll().where('id', '=', listener.url().split('/').pop()!).executeTakeFirstOrThrow();
  expect(replayClip).toMatchObject({ start_ms: 0, duration_ms: 4000 });
  await listener.locator('.clip-player').waitFor();
}, 90_000);
