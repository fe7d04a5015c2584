// Join latency: time from clicking Listen (Chromium) or starting to join (werift) to the first
// audio packet, over N joins, against a real server with one Chromium speaker on loopback.
//   bun scripts/bench-join.ts [--joins 20]      (after `npm run setup`; needs MEDIASOUP_WORKER_BIN)
import { chromium } from 'playwright-core';
import { rmSync } from 'node:fs';
import { chromiumPath, launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav } from '../test/support/browser';
import { startTestSalon, tempDir } from '../test/support/salon';
import { joinWithWerift } from '../test/support/werift-listener';

const arg = (name: string, fallback: number) => {
  const i = Bun.argv.indexOf(`--${name}`);
  return i > 0 ? Number(Bun.argv[i + 1]) : fallback;
};
const joins = arg('joins', 20);
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)} (n=${values.length})`;
};

const salon = await startTestSalon({ logLevel: 'error' });
const dir = tempDir('salon-bench-');
const speaker = await launchBrowser(await toneWav(dir, 440));
const host = speaker.page;
await signUpInBrowser(host, salon.url, 'bench_host');
const roomUrl = await startRoomInBrowser(host, salon.url, 'Join benchmark');
await host.click('button.listen');
await host.getByRole('button', { name: 'Unmute' }).click();

// Chromium listeners: a fresh browser context (anonymous visitor) per join.
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection'],
});
const chromiumTimes: number[] = [];
for (let i = 0; i < joins; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(roomUrl);
  await page.waitForSelector('button.listen');
  const ms = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        document.querySelector<HTMLButtonElement>('button.listen')!.click();
        const timer = setInterval(() => {
          // A remote track is muted until its first RTP packet arrives.
          const track = [...document.querySelectorAll<HTMLAudioElement>('#room-audio audio')]
            .flatMap((a) => (a.srcObject as MediaStream).getAudioTracks())
            .find((t) => !t.muted);
          if (track) {
            clearInterval(timer);
            resolve(performance.now() - t0);
          }
        }, 2);
        setTimeout(() => reject(new Error('no audio within 10 s')), 10_000);
      }),
  );
  chromiumTimes.push(ms);
  await context.close();
}
console.log(`Chromium, Listen click → first packet: ${stats(chromiumTimes)}`);

const weriftTimes: number[] = [];
const roomId = roomUrl.split('/').pop()!;
for (let i = 0; i < joins; i++) {
  const listener = await joinWithWerift(salon.url, roomId);
  const deadline = Date.now() + 10_000;
  while (listener.firstPacketAfterMs === null && Date.now() < deadline) await Bun.sleep(2);
  if (listener.firstPacketAfterMs === null) throw new Error('werift listener got no packet within 10 s');
  weriftTimes.push(listener.firstPacketAfterMs);
  await listener.close();
}
console.log(`werift, join start (page + socket + signalling) → first packet: ${stats(weriftTimes)}`);

await browser.close();
await speaker.close();
await salon.dispose();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
