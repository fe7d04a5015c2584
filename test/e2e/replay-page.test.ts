// The replay page in real Chromium: the <audio> element plays the replay (a WebAudio analyser on
// the element hears the 440 Hz tone), `?t=` starts playback there, and a chapter link seeks.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { launchBrowser, measureElementAudio } from '../support/browser';
import { makeReplay } from '../support/replay-fixture';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';

let salon: TestSalon;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let roomId: string;

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'pe_admin');
  const host = await signUp(salon.url, 'pe_host');
  const idOf = async (h: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', h).executeTakeFirstOrThrow()).id;
  await admin.client.post(`/admin/users/${await idOf('pe_host')}/grant-host`);
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Tone replay' })).json()).id;
  await host.client.post(`/r/${roomId}/end`, {});
  await makeReplay(salon, { roomId, hostId: await idOf('pe_host'), speakers: [{ userId: await idOf('pe_admin'), name: 'Guest' }], seconds: 30, hz: 440 });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await salon.dispose();
});

const measure = () => measureElementAudio(browser.page, '#replay-audio');

describe('the replay page in Chromium', () => {
  test('?t= starts playback there and the analyser hears the 440 Hz tone', async () => {
    const page = browser.page;
    await page.goto(`${salon.url}/r/${roomId}?t=12s`);
    await page.waitForFunction(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.readyState >= 1);
    expect(await page.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.currentTime)).toBeGreaterThanOrEqual(11.9);
    await page.click('#replay-toggle');
    let reading = await measure();
    for (let i = 0; i < 10 && reading.rms < 0.05; i++) reading = await measure();
    expect(reading.paused).toBe(false);
    expect(reading.rms).toBeGreaterThan(0.05);
    expect(Math.abs(reading.peakHz - 440)).toBeLessThan(25);
    expect(reading.time).toBeGreaterThan(12);
    expect(reading.time).toBeLessThan(20);
    // The play was counted once.
    await page.waitForFunction(() => document.querySelector('#replay-plays')!.textContent!.startsWith('1 '));
  }, 40_000);

  test('a chapter link seeks to its speaker; the speed buttons change the rate; the share link carries the time', async () => {
    const page = browser.page;
    await page.click('a.chapter >> nth=1'); // the guest, from 0:15
    const time = await page.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.currentTime);
    expect(time).toBeGreaterThanOrEqual(14.9);
    expect(time).toBeLessThan(17);
    await page.click('button.replay-speed[data-rate="1.5"]');
    expect(await page.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.playbackRate)).toBe(1.5);
    await page.click('#replay-toggle'); // pause
    await page.click('#replay-share');
    expect(await page.inputValue('#replay-share-url')).toMatch(new RegExp(`/r/${roomId}\\?t=\\d+s$`));
    // The waveform seeks on click: its middle is the middle of the replay.
    const box = (await page.locator('#replay-waveform canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(Math.abs((await page.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.currentTime)) - 15)).toBeLessThan(1);
  }, 30_000);
});
