// A listener keeps hearing the room while using the rest of the site: a form submitted on another
// page (saving profile settings) navigates like a boosted link (HX-Location), so the preserved
// #player with the room audio is not torn down by a full page load.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio } from '../support/browser';
import { startTestSalon, tempDir, type TestSalon } from '../support/salon';

let salon: TestSalon;
let dir: string;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, listener: Page;
let roomUrl: string;

const tone = (r: { rms: number; peakHz: number }) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25;

beforeAll(async () => {
  salon = await startTestSalon();
  dir = tempDir('salon-e2e-forms-');
  const [h, l] = await Promise.all([launchBrowser(await toneWav(dir, 440)), launchBrowser()]);
  browsers.push(h, l);
  [host, listener] = [h.page, l.page];
  await signUpInBrowser(host, salon.url, 'forms_host');
  roomUrl = await startRoomInBrowser(host, salon.url, 'Forms check');
  await host.click('button.listen');
  await host.getByRole('button', { name: 'Unmute' }).click();
  await signUpInBrowser(listener, salon.url, 'forms_listener');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('saving profile settings on another page keeps the room audio playing', async () => {
  await listener.goto(roomUrl);
  await listener.click('button.listen');
  await waitForAudio(listener, tone, 20_000, 'the host tone');
  // Marks that a full page load would lose: a window property and the playing audio element itself.
  await listener.evaluate(() => {
    const w = window as unknown as { salonFormsMarker: string; salonFormsAudio: Element | null };
    w.salonFormsMarker = 'same page';
    w.salonFormsAudio = document.querySelector('#room-audio audio');
  });

  await listener.locator('header a[href="/settings"]').click(); // a boosted link
  await listener.waitForURL(`${salon.url}/settings`);
  await listener.locator('#player .player-bar').waitFor({ state: 'visible' });
  await listener.fill('#field-displayName', 'Still Listening');
  await listener.getByRole('button', { name: 'Save' }).click(); // a boosted form
  await listener.waitForURL(`${salon.url}/@forms_listener`);
  await listener.locator('h1', { hasText: 'Still Listening' }).waitFor();

  const after = await listener.evaluate(() => {
    const w = window as unknown as { salonFormsMarker?: string; salonFormsAudio?: HTMLAudioElement | null };
    const audio = w.salonFormsAudio;
    return {
      marker: w.salonFormsMarker ?? null,
      sameElement: !!audio && audio === document.querySelector('#room-audio audio'),
      connected: !!audio?.isConnected,
      playing: !!audio && !audio.paused,
    };
  });
  expect(after).toEqual({ marker: 'same page', sameElement: true, connected: true, playing: true });
  const reading = await waitForAudio(listener, tone, 10_000, 'the tone after saving settings');
  expect(reading.rms).toBeGreaterThan(0.05);
}, 60_000);
