// The room page in a real browser while a real speaker talks: the listener's own controls stay as
// they set them (speaking events redraw only the speaking rings), and when the host ends the room
// the page shows that it ended, with no stale live state beside it.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { waitForAudio } from '../support/browser';
import { startToneRoom, type ToneRoom } from '../support/room-scene';
import type { TestSalon } from '../support/salon';

let room: ToneRoom;
let salon: TestSalon;
let host: Page, guest: Page;
let roomUrl: string;

beforeAll(async () => {
  room = await startToneRoom('controls', 'Controls check');
  ({ salon, host, guest, roomUrl } = room);
}, 60_000);

afterAll(async () => {
  await room?.dispose();
});

const slider = () => guest.locator('#room-controls input[type=range]');
const speakingRings = () => guest.locator('#stage li.member.speaking');

test('the volume slider keeps its value and focus while speakers talk', async () => {
  await guest.goto(roomUrl);
  await guest.click('button.listen');
  await waitForAudio(guest, (r) => r.rms > 0.05, 20_000, 'the host tone');
  await slider().fill('0.3');
  await slider().focus();
  // New speaking events after the change: the host goes silent, then speaks again.
  await speakingRings().first().waitFor({ timeout: 10_000 });
  await host.locator('#room-controls').getByRole('button', { name: 'Mute', exact: true }).click();
  await speakingRings().first().waitFor({ state: 'detached', timeout: 10_000 });
  await host.getByRole('button', { name: 'Unmute' }).click();
  await speakingRings().first().waitFor({ timeout: 10_000 });
  await guest.waitForTimeout(1000); // more level updates while the speaker talks

  expect(await slider().inputValue()).toBe('0.3');
  expect(await slider().evaluate((input) => input === document.activeElement)).toBe(true);
  const volumes = await guest.evaluate(() => [...document.querySelectorAll<HTMLAudioElement>('#room-audio audio')].map((a) => a.volume));
  expect(volumes.length).toBeGreaterThan(0);
  for (const volume of volumes) expect(volume).toBeCloseTo(0.3, 5);
}, 60_000);

test('when the host ends the room, the open page says so and shows no live state', async () => {
  host.once('dialog', (dialog) => void dialog.accept());
  await host.locator('#room-controls').getByRole('button', { name: 'End room' }).click();
  const status = guest.locator('#room-status');
  await status.getByText('This room has ended.').waitFor({ timeout: 10_000 });
  expect(await status.textContent()).not.toContain('listening');
  expect(await guest.locator('#stage li').count()).toBe(0);
  expect(await guest.locator('#stage').isVisible()).toBe(false);
  expect(await guest.locator('#room-controls button').count()).toBe(0);
  expect(await guest.locator('#reactions').isVisible()).toBe(false);
  expect(await guest.locator('#room-audio audio').count()).toBe(0);
  expect(await guest.getByText('This room has ended.').count()).toBe(1); // said once, not beside stale state

  await guest.reload();
  await guest.getByText('This room has ended.').waitFor();
  expect(await guest.locator('#room-status, #stage, #listener-count').count()).toBe(0);
}, 30_000);
