// The oEmbed iframe on another site, in real Chromium: a page served by a tiny Bun.serve on another
// origin carries the iframe HTML that /oembed answered for a replay; the player in it plays the
// replay (a WebAudio analyser inside the frame hears the 440 Hz tone). The room page itself may not
// be framed there (frame-ancestors 'none'). A live room embedded there plays its live HLS on one
// click (a headless speaker sends a 660 Hz Opus tone; the analyser in the frame hears it) and links
// out to the room.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Frame, Page } from 'playwright-core';
import { launchBrowser, measureElementAudio } from '../support/browser';
import { opusPackets, sendInRealTime } from '../support/opus-tone';
import { makeReplay } from '../support/replay-fixture';
import { tempDir } from '../support/salon';
import { speakWithWerift } from '../support/werift-speaker';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';

let salon: TestSalon;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let blog: ReturnType<typeof Bun.serve>;
let replayId: string;
let liveId: string;
let host: Awaited<ReturnType<typeof signUp>>;
const stops: (() => void)[] = [];
const pages = new Map<string, string>();

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'em_admin');
  host = await signUp(salon.url, 'em_host');
  const idOf = async (h: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', h).executeTakeFirstOrThrow()).id;
  await admin.client.post(`/admin/users/${await idOf('em_host')}/grant-host`);
  replayId = (await (await host.client.post('/studio/rooms', { title: 'Embedded tone' })).json()).id;
  await host.client.post(`/r/${replayId}/end`, {});
  await makeReplay(salon, { roomId: replayId, hostId: await idOf('em_host'), speakers: [], seconds: 30, hz: 440 });
  liveId = (await (await host.client.post('/studio/rooms', { title: 'Live and embedded' })).json()).id;
  // "Another site": localhost on its own port (the salon is 127.0.0.1: another origin).
  blog = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => new Response(pages.get(new URL(req.url).pathname) ?? 'not found', { status: pages.has(new URL(req.url).pathname) ? 200 : 404, headers: { 'content-type': 'text/html' } }) });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  stops.forEach((stop) => stop());
  await salon?.deps.hls.close();
  await browser?.close();
  blog?.stop(true);
  await salon.dispose();
});

const blogUrl = (path: string) => `http://localhost:${blog.port}${path}`;
async function oembedHtml(pageUrl: string): Promise<string> {
  const res = await fetch(`${salon.url}/oembed?format=json&url=${encodeURIComponent(pageUrl)}`);
  expect(res.status).toBe(200);
  return (await res.json()).html;
}
async function frameOf(page: Page, prefix: string): Promise<Frame> {
  for (let i = 0; i < 50; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(prefix));
    if (frame) return frame;
    await Bun.sleep(100);
  }
  throw new Error(`no frame at ${prefix}`);
}

test('a replay embedded on another site plays in Chromium: the analyser hears the 440 Hz tone', async () => {
  pages.set('/post', `<!doctype html><html><body><h1>My blog post</h1>${await oembedHtml(`${salon.url}/r/${replayId}?t=5s`)}</body></html>`);
  const page = browser.page;
  await page.goto(blogUrl('/post'));
  const frame = await frameOf(page, `${salon.url}/embed/${replayId}`);
  await frame.waitForSelector('audio.embed-audio');
  await frame.waitForFunction(() => document.querySelector<HTMLAudioElement>('audio.embed-audio')!.readyState >= 1);
  expect(await frame.evaluate(() => document.querySelector<HTMLAudioElement>('audio.embed-audio')!.currentTime)).toBeGreaterThanOrEqual(4.9); // ?t=5s
  await frame.click('audio.embed-audio'); // a user gesture in the frame
  await frame.evaluate(() => document.querySelector<HTMLAudioElement>('audio.embed-audio')!.play());
  const measure = () => measureElementAudio(frame as unknown as Page, 'audio.embed-audio');
  let reading = await measure();
  for (let i = 0; i < 10 && reading.rms < 0.05; i++) reading = await measure();
  expect(reading.paused).toBe(false);
  expect(reading.rms).toBeGreaterThan(0.05);
  expect(Math.abs(reading.peakHz - 440)).toBeLessThan(25);
  await page.screenshot({ path: '/tmp/embed-replay-1280.png' });
}, 60_000);

test('the room page itself is not framed on another site; the live embed links out to the room', async () => {
  pages.set('/framed', `<!doctype html><html><body><iframe src="${salon.url}/r/${replayId}" width="600" height="300"></iframe></body></html>`);
  const page = browser.page;
  await page.goto(blogUrl('/framed'));
  await Bun.sleep(1000);
  const framed = page.frames().find((f) => f !== page.mainFrame());
  // Blocked by frame-ancestors 'none': the frame never shows the room page.
  expect(await framed?.evaluate(() => document.querySelector('#replay') !== null).catch(() => false)).toBe(false);

  pages.set('/live', `<!doctype html><html><body>${await oembedHtml(`${salon.url}/r/${liveId}`)}</body></html>`);
  await page.goto(blogUrl('/live'));
  const frame = await frameOf(page, `${salon.url}/embed/${liveId}`);
  const link = await frame.waitForSelector('a.embed-listen');
  expect(await link.getAttribute('href')).toBe(`${salon.url}/r/${liveId}`);
  expect(await link.getAttribute('target')).toBe('_blank');
}, 40_000);

test('a live room embedded on another site plays its live HLS on one click: the analyser hears the 660 Hz speaker', async () => {
  const packets = (await opusPackets(tempDir('salon-embed-'), 660, 20))!;
  const speaker = await speakWithWerift(host.client, liveId);
  let i = 0;
  stops.push(sendInRealTime(() => ({ send: (payload, ts) => speaker.send(payload, ts), packet: packets[i++ % packets.length]! })));
  pages.set('/live-post', `<!doctype html><html><body>${await oembedHtml(`${salon.url}/r/${liveId}`)}</body></html>`);
  const page = browser.page;
  await page.goto(blogUrl('/live-post'));
  const frame = await frameOf(page, `${salon.url}/embed/${liveId}`);
  await frame.click('.embed-play');
  await frame.waitForFunction(() => !document.querySelector<HTMLAudioElement>('audio.embed-live')!.paused, undefined, { timeout: 20_000 });
  const measure = () => measureElementAudio(frame as unknown as Page, 'audio.embed-live');
  let reading = await measure();
  for (let n = 0; n < 20 && reading.rms < 0.05; n++) reading = await measure();
  expect(reading.rms).toBeGreaterThan(0.05);
  expect(Math.abs(reading.peakHz - 660)).toBeLessThan(25);
}, 60_000);

test('share pages at 390 and 1280 px (screenshots to look at)', async () => {
  const page = browser.page;
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    for (const [name, path] of [['live', `/r/${liveId}`], ['replay', `/r/${replayId}`], ['embed', `/embed/${replayId}`]] as const) {
      await page.goto(`${salon.url}${path}`);
      await page.screenshot({ path: `/tmp/share-${name}-${width}.png`, fullPage: true });
    }
  }
  // The share button: no Web Share API in desktop Chromium on Linux, so it copies, and says so.
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: salon.url });
  await page.goto(`${salon.url}/r/${liveId}`);
  await page.click('.share-button');
  await page.waitForFunction(() => document.querySelector('.share-status')!.textContent === 'Link copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${salon.url}/r/${liveId}`);
  await page.screenshot({ path: '/tmp/share-copied-1280.png' });
  const card = await fetch(`${salon.url}/r/${liveId}/card.png`);
  await Bun.write('/tmp/share-card-live.png', await card.arrayBuffer());
  await Bun.write('/tmp/share-card-replay.png', await (await fetch(`${salon.url}/r/${replayId}/card.png`)).arrayBuffer());
}, 60_000);
