// Real audio end to end: headless Chromium speakers with fake-microphone tones, through the real
// mediasoup worker, to listener pages that analyse what they hear.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio } from '../support/browser';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { joinWithWerift } from '../support/werift-listener';

let salon: TestSalon;
let dir: string;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, guest: Page, member: Page;
let roomUrl: string;

const near = (hz: number, target: number) => Math.abs(hz - target) < 25;
const loud = (r: { rms: number }) => r.rms > 0.05;
const silent = (r: { rms: number }) => r.rms < 0.005;

const signUp = (page: Page, handle: string) => signUpInBrowser(page, salon.url, handle);

beforeAll(async () => {
  salon = await startTestSalon();
  dir = tempDir('salon-e2e-');
  const [tone440, tone660] = await Promise.all([toneWav(dir, 440), toneWav(dir, 660)]);
  const [h, g, m] = await Promise.all([launchBrowser(tone440), launchBrowser(), launchBrowser(tone660)]);
  browsers.push(h!, g!, m!);
  [host, guest, member] = [h!.page, g!.page, m!.page];
  await signUp(host, 'speaker_host');
  roomUrl = await startRoomInBrowser(host, salon.url, 'Tone check');
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('audio in a real browser', () => {
  test('the host speaks a 440 Hz tone; an anonymous listener from the shared link hears it', async () => {
    await host.click('button.listen');
    await host.getByRole('button', { name: 'Unmute' }).click();
    await guest.goto(roomUrl); // no account
    await guest.click('button.listen');
    const reading = await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 440), 20_000, 'the 440 Hz tone');
    expect(reading.rms).toBeGreaterThan(0.05);
    expect(Math.abs(reading.peakHz - 440)).toBeLessThan(25);
  }, 40_000);

  test('muting stops the sound for listeners; unmuting brings it back', async () => {
    await host.locator('#room-controls').getByRole('button', { name: 'Mute', exact: true }).click();
    await waitForAudio(guest, silent, 10_000, 'silence after mute');
    await host.getByRole('button', { name: 'Unmute' }).click();
    await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 440), 10_000, 'the tone after unmute');
  }, 30_000);

  test('audio keeps playing while the listener browses other pages (htmx navigation, preserved player)', async () => {
    await guest.click('a.brand');
    await guest.waitForURL(`${salon.url}/`);
    await guest.locator('#player .player-bar').waitFor({ state: 'visible' });
    await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 440), 10_000, 'the tone on the home page');
    await guest.evaluate(() => ((window as any).salonRoomMarker = 'same page'));
    await guest.click('#player .player-bar a');
    await guest.waitForURL(roomUrl);
    await guest.locator('#stage li.member').first().waitFor();
    // The stage is server-rendered; the client hides the bar once it has handled the swap.
    await guest.locator('#player .player-bar').waitFor({ state: 'hidden', timeout: 5000 });
    expect(await guest.evaluate(() => (window as any).salonRoomMarker)).toBe('same page'); // no reload happened
    await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 440), 10_000, 'the tone back on the room page');
  }, 30_000);

  test('when the media worker dies, the room moves to a new worker and audio resumes by itself', async () => {
    const [worker] = salon.pool.liveWorkers();
    process.kill(worker!.pid, 'SIGKILL');
    await waitForAudio(guest, silent, 10_000, 'the cut');
    await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 440), 30_000, 'the tone after the worker was replaced');
    expect(salon.pool.liveWorkers()[0]!.pid).not.toBe(worker!.pid);
  }, 60_000);

  test('a headless werift listener joined through the same signalling receives the packets', async () => {
    const werift = await joinWithWerift(salon.url, roomUrl.split('/').pop()!);
    await waitFor(() => werift.packets() > 50, 10_000, '50 packets at the werift listener');
    expect(werift.firstPacketAfterMs).toBeGreaterThan(0);
    // A listener cannot publish: no send transport, no producer, whatever it sends.
    const send = await werift.socket.request({ type: 'createTransport', direction: 'send', ref: 's1' }, (m) => m.ref === 's1');
    expect(send).toMatchObject({ type: 'error', code: 'forbidden', message: 'Only people on stage can speak' });
    const recvId = (await werift.socket.request({ type: 'createTransport', direction: 'recv', ref: 's2' }, (m) => m.ref === 's2')).data.id;
    const produce = await werift.socket.request(
      { type: 'produce', transportId: recvId, rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1 }] }, ref: 's3' },
      (m) => m.ref === 's3',
    );
    expect(produce).toMatchObject({ type: 'error', code: 'forbidden' });
    const garbage = await werift.socket.request({ type: 'connectTransport', transportId: recvId, dtlsParameters: { fingerprints: [{ algorithm: 'md5', value: 'x' }] }, ref: 's4' }, (m) => m.ref === 's4');
    expect(garbage.type).toBe('error'); // mediasoup refuses it; the server answers, it does not crash
    expect(werift.socket.closed).toBeNull();
    await werift.close();
  }, 20_000);

  test('a listener raises a hand, is invited up, accepts, and is heard (660 Hz)', async () => {
    await signUp(member, 'tone_member');
    await member.goto(roomUrl);
    await member.click('button.listen');
    await member.getByRole('button', { name: 'Ask to speak' }).click();
    await host.getByRole('button', { name: 'Invite up' }).click();
    await member.getByRole('button', { name: 'Accept' }).click();
    await member.getByRole('button', { name: 'Unmute' }).click();
    await host.locator('#room-controls').getByRole('button', { name: 'Mute', exact: true }).click(); // leave only the new speaker
    await waitForAudio(guest, (r) => loud(r) && near(r.peakHz, 660), 20_000, 'the 660 Hz tone');
    // The host hears the new speaker too.
    await waitForAudio(host, (r) => loud(r) && near(r.peakHz, 660), 10_000, 'the 660 Hz tone at the host');
  }, 40_000);

  test("a removed person's audio stops and rejoining is refused", async () => {
    await waitForAudio(member, loud, 5_000, 'nothing (host muted)').catch(() => undefined);
    const memberId = await member.evaluate(() => (window as any).salonRoom.state.me.id as string);
    await host.locator(`li.member[data-id="${memberId}"] button.danger`).click();
    await member.getByText('You were removed from this room.').first().waitFor();
    expect(await member.evaluate(() => document.querySelectorAll('#room-audio audio').length)).toBe(0);
    await waitForAudio(guest, silent, 10_000, 'silence once the removed speaker is gone');
    await member.goto(roomUrl);
    await member.getByText('You were removed from this room.').first().waitFor();
  }, 30_000);
});

describe('one room over several workers', () => {
  test('past the per-router limit, new listeners go to a router on another worker, fed by pipeToRouter', async () => {
    const big = await startTestSalon({ workers: '2', routerListenerLimit: '2' });
    const speaker = await launchBrowser(await toneWav(dir, 440));
    try {
      const page = speaker.page;
      await signUpInBrowser(page, big.url, 'big_host');
      const roomId = (await startRoomInBrowser(page, big.url, 'Big room')).split('/').pop()!;
      await page.click('button.listen');
      await page.getByRole('button', { name: 'Unmute' }).click();

      const listeners: Awaited<ReturnType<typeof joinWithWerift>>[] = [];
      for (let i = 0; i < 4; i++) listeners.push(await joinWithWerift(big.url, roomId));
      await waitFor(() => listeners.every((l) => l.packets() > 20), 15_000, 'every werift listener to receive packets');
      const load = big.deps.media.get(roomId).routerLoad();
      expect(load.length).toBe(2);
      expect(new Set(load.map((r) => r.workerPid)).size).toBe(2); // two cores
      expect(load[1]!.listeners).toBeGreaterThanOrEqual(2);
      for (const l of listeners) await l.close();
    } finally {
      await speaker.close();
      await big.dispose();
    }
  }, 60_000);
});
