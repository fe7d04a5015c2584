// Live rooms in real browsers. startToneRoom: a host speaking a tone and a guest browser (for tests
// of one listener's page). startRoomScene, for the page-wide checks (mobile layout, accessibility):
// the host (the first account: also the admin) speaking, a speaker brought on stage from a raised
// hand, and a listener with a hand raised.
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser, toneWav } from './browser';
import { startTestSalon, tempDir, type TestSalon } from './salon';

/** A host speaking a 440 Hz tone in a new room, and a second browser that is not in it yet. */
export interface ToneRoom {
  salon: TestSalon;
  roomUrl: string;
  /** The host: the first account, so also the admin; the microphone unmuted. */
  host: Page;
  /** The host's browser: open more pages with it. */
  hostContext: BrowserContext;
  /** Another browser, signed out. */
  guest: Page;
  dispose(): Promise<void>;
}

export async function startToneRoom(prefix: string, title: string, opts: { bypassCSP?: boolean } = {}): Promise<ToneRoom> {
  const salon = await startTestSalon();
  const dir = tempDir(`salon-${prefix}-`);
  const [h, g] = await Promise.all([launchBrowser(await toneWav(dir, 440), opts), launchBrowser(undefined, opts)]);
  await signUpInBrowser(h.page, salon.url, `${prefix}_host`);
  const roomUrl = await startRoomInBrowser(h.page, salon.url, title);
  await h.page.click('button.listen');
  await h.page.getByRole('button', { name: 'Unmute' }).click();
  return {
    salon,
    roomUrl,
    host: h.page,
    hostContext: h.context,
    guest: g.page,
    async dispose() {
      await Promise.all([h, g].map((b) => b.close()));
      await salon.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
  const room = await startToneRoom(prefix, 'Evening talk about gardens and the long winter ahead', opts);
  const { salon, roomUrl, host, guest: speaker } = room;
  const l = await launchBrowser(undefined, opts);
  const listener = l.page;

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
    hostContext: room.hostContext,
    async dispose() {
      await l.close();
      await room.dispose();
    },
  };
}
