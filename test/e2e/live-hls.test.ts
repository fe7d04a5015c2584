// Chromium listens to a live room over HLS: hls.js (bundled, /static/hls-player.js) plays
// /r/<id>/live.m3u8 in an <audio> element and a WebAudio analyser on that element hears the
// speaker's 440 Hz tone (sent as real Opus by a headless speaker); the end of the room ends playback.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { launchBrowser, measureElementAudio, type ElementAudioReading } from '../support/browser';
import { opusPackets, sendInRealTime } from '../support/opus-tone';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';
import { speakWithWerift } from '../support/werift-speaker';

let salon: TestSalon;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const stops: (() => void)[] = [];

beforeAll(async () => {
  salon = await startTestSalon();
  browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  stops.forEach((stop) => stop());
  await browser?.close();
  await salon.deps.hls.close();
  await salon.dispose();
});

test('hls.js in Chromium plays the live playlist and hears the speaker', async () => {
  const host = await signUp(salon.url, 'hls_e2e_host');
  const roomId: string = (await (await host.client.post('/studio/rooms', { title: 'Heard over HLS' })).json()).id;
  const speaker = await speakWithWerift(host.client, roomId);
  const tone = await opusPackets(tempDir('salon-hls-e2e-'), 440, 20);
  let i = 0;
  stops.push(sendInRealTime(() => ({ send: (payload, ts) => speaker.send(payload, ts), packet: tone[i++ % tone.length]! })));

  const { page } = browser;
  await page.goto(`${salon.url}/`);
  const engine = await page.evaluate(async ({ url, bundle }) => {
    const audio = document.createElement('audio');
    audio.id = 'hls-audio';
    document.body.append(audio);
    const { attachHls } = (await import(bundle)) as typeof import('../../src/client/hls-player');
    const w = window as unknown as { hlsEnded?: boolean };
    return attachHls(audio, url, { onEnded: () => (w.hlsEnded = true) }).engine;
  }, { url: `/r/${roomId}/live.m3u8`, bundle: '/static/hls-player.js' });
  expect(engine).toBe('hls.js');

  let reading: ElementAudioReading | undefined;
  await waitFor(async () => {
    reading = await measureElementAudio(page, '#hls-audio');
    return reading.rms > 0.02 && Math.abs(reading.peakHz - 440) < 20;
  }, 20_000, 'the 440 Hz tone from the HLS player').catch((error) => {
    throw new Error(`${error.message}; last reading ${JSON.stringify(reading)}`);
  });
  expect(reading!.paused).toBe(false);
  expect(salon.deps.hls.hlsListeners(roomId)).toBe(1);

  speaker.socket.send({ type: 'end' });
  await waitFor(() => page.evaluate(() => !!(window as unknown as { hlsEnded?: boolean }).hlsEnded), 30_000, 'the player to reach the end of the playlist');
}, 90_000);
