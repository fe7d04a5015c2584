// A recorded room end to end, in real Chromium: the host (440 Hz) starts a recorded room from the
// studio, a guest (660 Hz) is invited later, accepts the recording notice and speaks; the host
// mutes for a stretch; an anonymous listener listens. After the end the job mixes the replay:
// each speaker's track holds only their voice, the mix holds both (the muted stretch only the
// guest), its length and loudness are right, the listener is in no file, and the replay plays.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findRecordingOfRoom, findTracks } from '../../src/recording/recordings.repository';
import { launchBrowser, signUpInBrowser, toneWav, waitForAudio } from '../support/browser';
import { decodeToSamples, toneLevel } from '../support/opus-tone';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';

let salon: TestSalon;
let dir: string;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, guest: Page, listener: Page;

beforeAll(async () => {
  salon = await startTestSalon();
  dir = tempDir('salon-e2e-rec-');
  const [tone440, tone660] = await Promise.all([toneWav(dir, 440), toneWav(dir, 660)]);
  const opened = await Promise.all([launchBrowser(tone440), launchBrowser(tone660), launchBrowser()]);
  browsers.push(...opened);
  [host, guest, listener] = opened.map((b) => b.page) as [Page, Page, Page];
  await signUpInBrowser(host, salon.url, 'rr_host');
  await signUpInBrowser(guest, salon.url, 'rr_guest');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Integrated loudness (LUFS) of a file, measured by ffmpeg's EBU R128 filter. */
async function loudness(file: string): Promise<number> {
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-hide_banner', '-i', file, '-af', 'ebur128', '-f', 'null', '-'], { stderr: 'pipe' });
  const log = await new Response(proc.stderr).text();
  await proc.exited;
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(log.slice(log.lastIndexOf('Summary')))?.[1]);
}

const controls = (page: Page) => page.locator('#room-controls');
const seconds = (s: number) => Bun.sleep(s * 1000);

test('two Chromium speakers in a recorded room: per-speaker tracks, a loud-enough mix of both, and a replay that plays', async () => {
  await host.goto(`${salon.url}/studio`);
  await host.fill('#field-title', 'Recorded in Chromium');
  await host.check('input[name="recordIntent"]');
  await host.getByRole('button', { name: 'Start now' }).click();
  await host.waitForURL(/\/r\/[a-z0-9]+$/);
  const roomUrl = host.url();
  const roomId = roomUrl.split('/').pop()!;
  const started = Date.now();
  await host.click('button.listen');
  await controls(host).getByRole('button', { name: 'Unmute' }).click();
  await host.getByRole('img', { name: 'This room is being recorded' }).waitFor({ timeout: 5000 });
  const hostId: string = await host.evaluate(() => (window as any).salonRoom.state.me.id);

  await listener.goto(roomUrl); // anonymous: never recorded
  await listener.click('button.listen');
  await waitForAudio(listener, (r) => r.rms > 0.05 && Math.abs(r.peakHz - 440) < 25, 20_000, 'the host');
  await seconds(2);

  // The guest comes late: invited, told the room is recorded, accepts, unmutes.
  await guest.goto(roomUrl);
  await guest.click('button.listen');
  await guest.locator('#room-audio').waitFor({ state: 'attached' });
  const guestId: string = await guest.evaluate(() => (window as any).salonRoom.state.me.id);
  await host.getByRole('button', { name: 'Listeners', exact: true }).click();
  await host.locator('.listener-list li', { hasText: 'rr_guest' }).getByRole('button', { name: 'Invite to speak' }).click();
  await guest.getByText('This room is recorded. Your voice will be in the replay.').waitFor({ timeout: 5000 });
  await controls(guest).getByRole('button', { name: 'Accept' }).click();
  await controls(guest).getByRole('button', { name: 'Unmute' }).click();
  const media = salon.deps.media.get(roomId);
  await waitFor(() => media.producers().some(([id, producer]) => id === guestId && !producer.paused), 10_000, 'the guest on air');
  await seconds(3);

  // The host mutes for a stretch: silent in the recording too.
  await controls(host).locator('button', { hasText: /^Mute$/ }).click();
  await seconds(3);
  await controls(host).getByRole('button', { name: 'Unmute' }).click();
  await seconds(2);

  const recorder = salon.deps.recorders.get(roomId)!;
  host.once('dialog', (dialog) => void dialog.accept());
  await controls(host).getByRole('button', { name: 'End room' }).click();
  await recorder.settled;
  const ended = Date.now();
  await salon.deps.jobs.drain();

  const recording = (await findRecordingOfRoom(salon.db, roomId))!;
  expect(recording.status).toBe('ready');
  expect(Math.abs(recording.duration_ms - (ended - started))).toBeLessThan(1500);
  const tracks = await findTracks(salon.db, recording.id);
  expect(new Set(tracks.map((t) => t.participant_id))).toEqual(new Set([hostId, guestId])); // never the listener
  const folder = salon.deps.recorders.dirOf(recording.id);
  for (const track of tracks) {
    const audio = await decodeToSamples(join(folder, track.file));
    const [own, other] = track.participant_id === guestId ? [660, 440] : [440, 660];
    expect(toneLevel(audio, own)).toBeGreaterThan(0.02);
    expect(toneLevel(audio, other)).toBeLessThan(toneLevel(audio, own) / 20); // only their own voice
  }

  // The mix: both voices, and while the host was muted only the guest.
  const mix = await decodeToSamples(join(folder, 'replay.opus'));
  expect(Math.abs(mix.length / 48 - recording.duration_ms)).toBeLessThan(1000);
  const guestTrack = tracks.find((t) => t.participant_id === guestId)!;
  const at = (ms: number) => Math.round(ms * 48);
  const together = mix.subarray(at(guestTrack.offset_ms + 1500), at(guestTrack.offset_ms + 2500));
  expect(toneLevel(together, 440)).toBeGreaterThan(0.01);
  expect(toneLevel(together, 660)).toBeGreaterThan(0.01);
  const muted = mix.subarray(at(guestTrack.offset_ms + 4500), at(guestTrack.offset_ms + 5500));
  expect(toneLevel(muted, 660)).toBeGreaterThan(0.01);
  expect(toneLevel(muted, 440)).toBeLessThan(toneLevel(muted, 660) / 20);
  expect(Math.abs((await loudness(join(folder, 'replay.m4a'))) + 16)).toBeLessThan(2);

  // The ended room's page is the replay, and it plays.
  await listener.goto(roomUrl);
  await listener.waitForFunction(() => (document.querySelector<HTMLAudioElement>('#replay-audio')?.readyState ?? 0) >= 1, undefined, { timeout: 10_000 });
  await listener.click('#replay-toggle');
  await listener.waitForFunction(() => (document.querySelector<HTMLAudioElement>('#replay-audio')?.currentTime ?? 0) > 1, undefined, { timeout: 10_000 });
  expect(await listener.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.paused)).toBe(false);
}, 120_000);
