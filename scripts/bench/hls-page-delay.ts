// End-to-end delay as a listener gets it: headless Chromium runs the room page's own HLS player
// (src/client/hls-player.ts: hls.js with the page's settings) on the live playlist, and a WebAudio
// analyser on the <audio> element notes the wall-clock time each 440 Hz tone starts playing. The
// speakers' child notes when each tone left; the difference is the delay. Chromium and the bench
// share this machine's clock. Where a player joins within a segment decides how far behind it
// settles, so several pages join a third of a segment apart and their delays are pooled.
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../test/support/browser';
import { toneLevel } from '../../test/support/opus-tone';

export interface PageListener {
  /** When each page heard a tone start (wall clock, ms), one list per page. */
  heard(): Promise<number[][]>;
  /** Times the player waited for data after it started, and for how long in all (ms). */
  stalls(): Promise<{ count: number; ms: number }>;
  stop(): Promise<void>;
}

export async function listenInChromium(origin: string, playlistPath: string, pageCount = 3): Promise<PageListener> {
  const browser = await launchBrowser();
  const pages = [browser.page];
  while (pages.length < pageCount) pages.push(await browser.context.newPage());
  for (const page of pages) {
    await join(page, origin, playlistPath);
    await Bun.sleep(1000 / pageCount + 50);
  }
  const sum = (list: { count: number; ms: number }[]) => list.reduce((a, b) => ({ count: a.count + b.count, ms: a.ms + b.ms }), { count: 0, ms: 0 });
  return {
    heard: () => Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { heard: number[] }).heard))),
    stalls: async () => sum(await Promise.all(pages.map((page) => page.evaluate(() => (window as unknown as { stalls: { count: number; ms: number } }).stalls)))),
    stop: () => browser.close(),
  };
}

async function join(page: Page, origin: string, playlistPath: string) {
  await page.goto(`${origin}/`);
  await page.evaluate(`window.toneLevel = ${toneLevel.toString()}`);
  await page.evaluate(async ({ url, bundle }) => {
    const audio = document.createElement('audio');
    document.body.append(audio);
    const { attachHls } = (await import(bundle)) as typeof import('../../src/client/hls-player');
    attachHls(audio, url, {});
    const w = window as unknown as { heard: number[]; stalls: { count: number; ms: number } };
    w.heard = [];
    w.stalls = { count: 0, ms: 0 };
    let waitingSince = 0;
    audio.addEventListener('waiting', () => {
      if (audio.currentTime > 0) (w.stalls.count++, (waitingSince = performance.now()));
    });
    audio.addEventListener('playing', () => {
      if (waitingSince) w.stalls.ms += performance.now() - waitingSince;
      waitingSince = 0;
    });
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    ctx.createMediaElementSource(audio).connect(analyser);
    analyser.connect(ctx.destination);
    await ctx.resume();
    const samples = new Float32Array(analyser.fftSize);
    // The tests' Goertzel (toneLevel, put on the page below): the 440 Hz amplitude in the last ~21 ms played.
    const { toneLevel } = window as unknown as { toneLevel: (samples: Float32Array, hz: number, rate: number) => number };
    const level = () => {
      analyser.getFloatTimeDomainData(samples);
      return toneLevel(samples, 440, ctx.sampleRate);
    };
    let on = false;
    let quiet = 0;
    setInterval(() => {
      const value = level();
      if (!on && value > 0.05) {
        on = true;
        quiet = 0;
        w.heard.push(Date.now());
      } else if (on && value < 0.02 && ++quiet >= 10) on = false;
      else if (value >= 0.02) quiet = 0;
    }, 5);
  }, { url: playlistPath, bundle: '/static/hls-player.js' });
}
