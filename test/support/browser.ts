// Headless Debian Chromium for end-to-end tests (playwright-core drives it), with a fake
// microphone that plays a given WAV file, and helpers to measure the audio a page receives.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const chromiumPath = '/usr/bin/chromium';

export interface LaunchOptions {
  /** More Chromium flags (e.g. --ignore-certificate-errors, --host-resolver-rules=...). */
  extraArgs?: string[];
  /** Another executable that ends up exec'ing Chromium (e.g. a wrapper entering a network namespace). */
  executablePath?: string;
  /** Let the test inject scripts (axe-core) into pages despite their Content-Security-Policy. */
  bypassCSP?: boolean;
}

export async function launchBrowser(fakeMicWav?: string, opts: LaunchOptions = {}): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'salon-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
    ...(fakeMicWav ? [`--use-file-for-fake-audio-capture=${fakeMicWav}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const context = await chromium.launchPersistentContext(profile, { executablePath: opts.executablePath ?? chromiumPath, args, viewport: { width: 1000, height: 900 }, bypassCSP: opts.bypassCSP });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A sine tone as a WAV file (sox), mono 48 kHz. */
export async function toneWav(dir: string, hz: number, seconds = 120): Promise<string> {
  const file = join(dir, `tone-${hz}.wav`);
  const proc = Bun.spawn(['sox', '-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5'], { stderr: 'pipe' });
  if ((await proc.exited) !== 0) throw new Error(`sox failed: ${await new Response(proc.stderr).text()}`);
  return file;
}

export interface AudioReading {
  rms: number;
  peakHz: number;
}

export interface ElementAudioReading extends AudioReading {
  time: number;
  paused: boolean;
}

/** Loudness and dominant frequency of what one <audio> element of the page plays (WebAudio on the element). */
export function measureElementAudio(page: Page, selector: string): Promise<ElementAudioReading> {
  return page.evaluate(async (selector) => {
    const audio = document.querySelector<HTMLAudioElement>(selector)!;
    const w = window as unknown as { salonElementAnalyser?: { ctx: AudioContext; analyser: AnalyserNode; audio: HTMLAudioElement } };
    // An element can feed one MediaElementSource only: keep it, and make a new one for a new element.
    if (w.salonElementAnalyser?.audio !== audio) {
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      ctx.createMediaElementSource(audio).connect(analyser);
      analyser.connect(ctx.destination);
      w.salonElementAnalyser = { ctx, analyser, audio };
    }
    const { ctx, analyser } = w.salonElementAnalyser!;
    await ctx.resume();
    await new Promise((r) => setTimeout(r, 600));
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let peak = 1;
    for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[peak]!) peak = i;
    return { rms, peakHz: (peak * ctx.sampleRate) / analyser.fftSize, time: audio.currentTime, paused: audio.paused };
  }, selector);
}

/** Measures what the page's room audio element is playing: loudness and dominant frequency. */
export function measureRoomAudio(page: Page, windowMs = 600): Promise<AudioReading> {
  return page.evaluate(async (ms) => {
    // Every <audio> the room plays (one per speaker), mixed: a MediaStreamSource reads one track only.
    const players = [...document.querySelectorAll<HTMLAudioElement>('#room-audio audio')];
    const liveTracks = players.flatMap((p) => (p.srcObject as MediaStream | null)?.getAudioTracks() ?? []).filter((t) => t.readyState === 'live');
    if (liveTracks.length === 0) return { rms: 0, peakHz: 0 };
    const w = window as unknown as { salonTestAudio?: { ctx: AudioContext; analyser: AnalyserNode; tracks: string } };
    const tracks = liveTracks.map((t) => t.id).join();
    if (!w.salonTestAudio || w.salonTestAudio.tracks !== tracks) {
      void w.salonTestAudio?.ctx.close();
      const ctx = new AudioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 8192;
      for (const track of liveTracks) ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      w.salonTestAudio = { ctx, analyser, tracks };
    }
    const { ctx, analyser } = w.salonTestAudio;
    await ctx.resume();
    await new Promise((r) => setTimeout(r, ms));
    const time = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(time);
    const rms = Math.sqrt(time.reduce((sum, x) => sum + x * x, 0) / time.length);
    const freq = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(freq);
    let peak = 1;
    for (let i = 1; i < freq.length; i++) if (freq[i]! > freq[peak]!) peak = i;
    return { rms, peakHz: (peak * ctx.sampleRate) / analyser.fftSize };
  }, windowMs);
}

/** Polls the received audio until `check` holds (or fails with the last reading). */
export async function waitForAudio(page: Page, check: (r: AudioReading) => boolean, timeoutMs = 15_000, what = 'audio'): Promise<AudioReading> {
  const deadline = Date.now() + timeoutMs;
  let last: AudioReading = { rms: 0, peakHz: 0 };
  while (Date.now() < deadline) {
    last = await measureRoomAudio(page);
    if (check(last)) return last;
  }
  throw new Error(`Timed out waiting for ${what}; last reading rms=${last.rms.toFixed(4)} peak=${last.peakHz.toFixed(0)} Hz`);
}

/** Signs up through the real form in the page; music mode on (voice processing fades test tones). */
export async function signUpInBrowser(page: Page, baseUrl: string, handle: string): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await page.fill('#field-handle', handle);
  await page.fill('#field-email', `${handle}@example.org`);
  await page.fill('#field-password', 'long-enough-pw');
  await page.click('button.primary');
  await page.waitForURL(new RegExp(`/@${handle}$`));
  await page.evaluate(() => localStorage.setItem('salon.musicMode', 'on'));
}

/** Opens a room from the studio and returns its URL. */
export async function startRoomInBrowser(page: Page, baseUrl: string, title: string): Promise<string> {
  await page.goto(`${baseUrl}/studio`);
  await page.fill('#field-title', title);
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.waitForURL(/\/r\/[a-z0-9]+$/);
  return page.url();
}
