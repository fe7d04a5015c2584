// The room page's live HLS fallback (issue 15): a listener whose WebRTC cannot connect, listeners past
// the instance's `webrtcListenersPerRoom`, and a page whose socket is refused all hear the room's
// 440 Hz tone over /r/<id>/live.m3u8, a few seconds behind, and count in the listener number.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, measureElementAudio, signUpInBrowser, startRoomInBrowser, toneWav, waitForAudio } from '../support/browser';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';

let salon: TestSalon;
let dir: string;
const browsers: { close(): Promise<void> }[] = [];
let host: Page;
let roomUrl: string;
let roomId: string;

const near = (hz: number, target: number) => Math.abs(hz - target) < 25;
const tone = (r: { rms: number; peakHz: number }) => r.rms > 0.02 && near(r.peakHz, 440);

async function listener(): Promise<Page> {
  const b = await launchBrowser();
  browsers.push(b);
  return b.page;
}

/** Polls the HLS <audio> element until it plays the tone. */
async function hearsHlsTone(page: Page, timeoutMs = 25_000) {
  await page.locator('#hls-audio').waitFor({ state: 'attached', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let last = { rms: 0, peakHz: 0, time: 0, paused: true };
  while (Date.now() < deadline) {
    last = await measureElementAudio(page, '#hls-audio');
    if (tone(last) && !last.paused) return last;
  }
  throw new Error(`no 440 Hz tone over HLS; last rms=${last.rms.toFixed(4)} peak=${last.peakHz.toFixed(0)} time=${last.time.toFixed(1)} paused=${last.paused}`);
}

const webrtcListeners = () => salon.deps.media.find(roomId)?.routerLoad().reduce((n, r) => n + r.listeners, 0) ?? 0;
const shownCount = async (page: Page) => Number(await page.locator('#listener-count').textContent());

beforeAll(async () => {
  salon = await startTestSalon();
  dir = tempDir('salon-hls-fallback-');
  const h = await launchBrowser(await toneWav(dir, 440));
  browsers.push(h);
  host = h.page;
  await signUpInBrowser(host, salon.url, 'hls_host');
  roomUrl = await startRoomInBrowser(host, salon.url, 'HLS fallback');
  roomId = roomUrl.split('/r/')[1]!;
  await host.click('button.listen');
  await host.getByRole('button', { name: 'Unmute' }).click();
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('live HLS on the room page', () => {
  test('a listener whose WebRTC cannot connect (media blocked) ends up on HLS, hears the tone, and is told of the delay', async () => {
    const page = await listener();
    // Media blocked: the browser never learns the server's ICE candidates, so its receive transport never connects.
    await page.addInitScript(() => {
      const original = RTCPeerConnection.prototype.setRemoteDescription;
      RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) {
        const sdp = description?.sdp?.split('\r\n').filter((line) => !line.startsWith('a=candidate')).join('\r\n');
        return original.apply(this, [description && { type: description.type, sdp }] as never) as Promise<void>;
      } as typeof original;
    });
    await page.goto(roomUrl);
    await page.click('button.listen');
    await page.locator('#hls-notice').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator('#hls-notice').textContent()).toContain('Listening with a few seconds of delay');
    await hearsHlsTone(page);
    // Its WebRTC place was given back; the stage is still live over the socket.
    await waitFor(() => webrtcListeners() === 0, 5000, 'the WebRTC transport closed');
    expect(await page.locator('#stage li.member').count()).toBe(1);
    expect(await page.evaluate(() => document.querySelectorAll('#room-audio audio').length)).toBe(0);
  }, 60_000);

  test('past webrtcListenersPerRoom, the next listener gets HLS (the server refuses it a WebRTC transport)', async () => {
    await salon.deps.settings.update({ webrtcListenersPerRoom: 1 });
    const first = await listener();
    await first.goto(roomUrl);
    await first.click('button.listen');
    await waitForAudio(first, tone, 20_000, 'the tone over WebRTC');
    expect(webrtcListeners()).toBe(1);
    expect(await first.locator('#hls-notice').isHidden()).toBe(true);

    const second = await listener();
    await second.goto(roomUrl);
    await second.click('button.listen');
    await second.locator('#hls-notice').waitFor({ state: 'visible', timeout: 10_000 });
    await hearsHlsTone(second);
    expect(webrtcListeners()).toBe(1);
    // Asking anyway is refused on the server (from a page of its own: a second socket replaces the page's).
    const prober = await listener();
    await prober.goto(roomUrl);
    const refused = await prober.evaluate(async () => {
      const ws = new WebSocket(`ws://${location.host}${location.pathname}/ws`);
      return new Promise<string>((resolve) => {
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.type === 'snapshot') ws.send(JSON.stringify({ type: 'createTransport', direction: 'recv', ref: 'x' }));
          if (m.ref === 'x') resolve(`${m.type}:${m.code ?? ''}`);
        };
        setTimeout(() => resolve('timeout'), 5000);
      });
    });
    expect(refused).toBe('error:limitReached');
    await prober.close();
  }, 60_000);

  test('an HLS listener moved on stage switches to WebRTC: the HLS player stops, they hear and send over WebRTC', async () => {
    const page = await listener();
    await signUpInBrowser(page, salon.url, 'hls_guest');
    await page.goto(roomUrl);
    await page.click('button.listen');
    await hearsHlsTone(page); // the room's WebRTC listeners are still full (1)
    const me = await page.evaluate(() => (window as any).salonRoom.state.me.id as string);
    await host.evaluate((target) => (window as any).salonRoom.connection.send({ type: 'inviteToSpeak', target }), me);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.locator('#hls-audio').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.locator('#hls-notice').isHidden()).toBe(true);
    await waitForAudio(page, tone, 20_000, 'the tone over WebRTC on stage');
    await waitFor(() => page.evaluate(() => (window as any).salonRoom.audio.hasMicrophone as boolean), 10_000, 'their microphone sent');
    await host.evaluate((target) => (window as any).salonRoom.connection.send({ type: 'moveToListeners', target }), me);
    await page.close();
  }, 60_000);

  test('a page whose socket is refused degrades to a plain HLS player, and counts in the listener number', async () => {
    await salon.deps.settings.update({ webrtcListenersPerRoom: 0 });
    // The socket holders on HLS are not counted twice: the number is the participants' once the pages that left stopped fetching.
    const live = salon.deps.live.get(roomId)!;
    await waitFor(async () => live.listenerCount() === live.state.listenerCount() && (await shownCount(host)) === live.listenerCount(), 20_000, 'the count settled').catch(async (error) => {
      throw new Error(`${error.message}: shown ${await shownCount(host)}, counted ${live.listenerCount()}, participants ${live.state.listenerCount()}, HLS ${salon.deps.hls.hlsListeners(roomId)}`);
    });
    const before = await shownCount(host);
    const open = salon.deps.live.get(roomId)!.sockets.size;
    await salon.deps.settings.update({ roomSocketsPerIp: open }); // every socket from 127.0.0.1 is taken
    const page = await listener();
    await page.goto(roomUrl);
    await page.locator('#room-controls button.listen').waitFor({ timeout: 10_000 });
    expect(await page.locator('.room-head h1').textContent()).toBe('HLS fallback');
    expect(await page.locator('body > .toast').count()).toBe(0); // no error: a player
    expect(await page.locator('#room-controls').textContent()).toContain('you can still listen');
    expect(salon.deps.live.get(roomId)!.sockets.size).toBe(open);
    await page.click('#room-controls button.listen');
    await hearsHlsTone(page);
    expect(await page.locator('#hls-notice').isVisible()).toBe(true);
    // The HLS listener without a socket is counted once (the socket holders on HLS are not counted twice).
    await waitFor(async () => (await shownCount(host)) === before + 1, 15_000, `the listener count ${before} + 1`);
    await salon.deps.settings.update({ roomSocketsPerIp: 100 });
  }, 60_000);
});
