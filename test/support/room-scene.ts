// A live room with people in it, in real browsers, for the page-wide checks (mobile layout,
// accessibility): the host (the first account: also the admin) speaking, a speaker brought on stage
// from a raised hand, and a listener with a hand raised.
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav } from './browser';
import { startTestSalon, tempDir, type TestSalon } from './salon';

export interface RoomScene {
  salon: TestSalon;
  roomUrl: string;
  host: Page;
  speaker: Page;
  listener: Page;
  /** The host's browser (signed in as the admin): open more pages with it. */
  hostContext: BrowserContext;
  dispose(): Promise<void>;
}

export async function startRoomScene(prefix: string, opts: { bypassCSP?: boolean } = {}): Promise<RoomScene> {
  const salon = await startTestSalon();
  const dir = tempDir(`salon-${prefix}-`);
  const [h, s, l] = await Promise.all([launchBrowser(await toneWav(dir, 440), opts), launchBrowser(undefined, opts), launchBrowser(undefined, opts)]);
  const [host, speaker, listener] = [h.page, s.page, l.page];
  await signUpInBrowser(host, salon.url, `${prefix}_host`);
  const roomUrl = await startRoomInBrowser(host, salon.url, 'Evening talk about gardens and the long winter ahead');
  await host.click('button.listen');
  await host.getByRole('button', { name: 'Unmute' }).click();

  await Promise.all([signUpInBrowser(speaker, salon.url, `${prefix}_speaker`), signUpInBrowser(listener, salon.url, `${prefix}_listener`)]);
  await speaker.goto(roomUrl);
  await speaker.click('button.listen');
  await speaker.getByRole('button', { name: 'Ask to speak' }).click();
  await host.locator('#hand-queue').getByRole('button', { name: 'Invite up' }).click();
  const accept = speaker.getByRole('button', { name: 'Accept' });
  await Promise.race([accept.click({ timeout: 10_000 }).catch(() => undefined), speaker.getByRole('button', { name: /^(Mute|Unmute)$/ }).waitFor({ timeout: 10_000 })]);
  await host.locator('#stage li.member').nth(1).waitFor({ timeout: 10_000 });

  await listener.goto(roomUrl);
  await listener.click('button.listen');
  await listener.getByRole('button', { name: 'Ask to speak' }).click();
  await host.locator('#hand-queue ol li').first().waitFor({ timeout: 10_000 });
  return {
    salon,
    roomUrl,
    host,
    speaker,
    listener,
    hostContext: h.context,
    async dispose() {
      await Promise.all([h, s, l].map((b) => b.close()));
      await salon.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
