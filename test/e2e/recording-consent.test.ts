// Recording as people see it, in real Chromium pages against the real server and media worker:
// the host's Record button turns REC on for everyone; someone invited on stage of a recorded room
// is told before accepting, and declining keeps them a listener; someone already on stage when
// recording starts loses their microphone until they choose to stay (or leave the stage). The
// server's rule is checked on its side: no microphone of theirs exists before their consent.
// (It tests the page and the consent rule, not the recorded files.)
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { launchBrowser, signUpInBrowser, startRoomInBrowser } from '../support/browser';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';

let salon: TestSalon;
const browsers: { close(): Promise<void> }[] = [];
let host: Page, bea: Page, cal: Page;
let roomId: string;
const ids: Record<string, string> = {};

const recLabel = 'This room is being recorded';
const rec = (page: Page) => page.getByRole('img', { name: recLabel });
const controls = (page: Page) => page.locator('#room-controls');
const consentDialog = (page: Page) => page.getByRole('dialog', { name: 'This room is now recorded' });
const recordedNotice = (page: Page) => page.getByText('This room is recorded. Your voice will be in the replay.');

const live = () => salon.deps.live.get(roomId)!;
const producers = () => new Map(salon.deps.media.get(roomId).producers());
const producing = () => new Set(producers().keys());
/** The server holds a microphone of theirs that is not paused (their voice goes out). */
const onAir = (name: string) => producers().get(ids[name]!)?.paused === false;
const participant = (name: string) => live().state.get(ids[name]!)!;

/** Every toast a page shows, kept for later checks (they vanish after a few seconds). */
async function keepToasts(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = ((window as any).seenToasts = []);
    new MutationObserver((records) => {
      for (const r of records) for (const node of r.addedNodes) if (node instanceof HTMLElement && node.classList.contains('toast')) seen.push(node.textContent ?? '');
    }).observe(document.body, { childList: true });
  });
}
const toasts = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).seenToasts);

async function invite(name: 'bea' | 'cal') {
  // The list is fetched when shown: show it afresh to see who listens now.
  const toggle = host.locator('.listener-list > button');
  if ((await toggle.textContent()) === 'Hide listeners') await toggle.click();
  await host.getByRole('button', { name: 'Listeners', exact: true }).click();
  await host.locator('.listener-list li', { hasText: `rec_${name}` }).getByRole('button', { name: 'Invite to speak' }).click();
}

beforeAll(async () => {
  salon = await startTestSalon();
  const opened = await Promise.all([launchBrowser(), launchBrowser(), launchBrowser()]);
  browsers.push(...opened);
  [host, bea, cal] = opened.map((b) => b.page) as [Page, Page, Page];
  await signUpInBrowser(host, salon.url, 'rec_host'); // first: the first account may host (it is the admin)
  await Promise.all([signUpInBrowser(bea, salon.url, 'rec_bea'), signUpInBrowser(cal, salon.url, 'rec_cal')]);
  const url = await startRoomInBrowser(host, salon.url, 'Recorded talk');
  roomId = url.split('/').pop()!;
  for (const [name, page] of [['bea', bea], ['cal', cal]] as const) {
    await page.goto(url);
    await page.click('button.listen');
    await page.locator('#room-audio').waitFor({ state: 'attached' });
    await keepToasts(page);
    ids[name] = await page.evaluate(() => (window as any).salonRoom.state.me.id as string);
  }
  await keepToasts(host);
}, 60_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await salon.dispose();
});

test('recording started mid-room: REC for listeners, and a speaker on stage is muted until they choose', async () => {
  // Cal goes on stage before any recording: nothing to consent to, the microphone goes out.
  await invite('cal');
  expect(await recordedNotice(cal).count()).toBe(0);
  await controls(cal).getByRole('button', { name: 'Accept' }).click();
  await controls(cal).getByRole('button', { name: 'Unmute' }).click();
  await waitFor(() => onAir('cal'), 10_000, "cal's microphone");
  expect(await rec(bea).isVisible()).toBe(false);

  await host.getByRole('button', { name: 'Record', exact: true }).click();
  await rec(bea).waitFor({ timeout: 5000 });
  await host.getByRole('button', { name: 'Stop recording' }).waitFor({ timeout: 5000 });
  expect(live().state.recording).toBe(true);
  await waitFor(async () => (await toasts(bea)).includes('The host started recording.'), 5000, 'the start notice');
  // Cal has not consented: the page stops the microphone (muted, so the server pauses it) and asks.
  await consentDialog(cal).waitFor({ timeout: 5000 });
  await waitFor(() => participant('cal').muted && !onAir('cal'), 5000, "cal's microphone to stop");
  await cal.waitForTimeout(1000);
  expect(onAir('cal')).toBe(false); // and it stays off: the page does not try again
  expect(participant('cal').role).toBe('speaker');

  await consentDialog(cal).getByRole('button', { name: 'Leave the stage' }).click();
  await consentDialog(cal).waitFor({ state: 'detached', timeout: 5000 });
  await waitFor(() => participant('cal').role === 'listener', 5000, 'cal back among the listeners');
  expect(participant('cal').recordingConsent).toBe(false);
  expect(producing().has(ids.cal!)).toBe(false);
  expect(await rec(cal).isVisible()).toBe(true); // listeners see REC too (and are never recorded)
}, 30_000);

test('invited on stage of a recorded room: told first; declining keeps them a listener', async () => {
  await invite('bea');
  await recordedNotice(bea).waitFor({ timeout: 5000 });
  await controls(bea).getByRole('button', { name: 'Not now' }).click();
  await recordedNotice(bea).waitFor({ state: 'detached', timeout: 5000 });
  await bea.waitForTimeout(500);
  expect(participant('bea')).toMatchObject({ role: 'listener', pendingInvite: null, recordingConsent: false });
  expect(await bea.evaluate(() => (window as any).salonRoom.state.me.role)).toBe('listener');
  expect(producing().has(ids.bea!)).toBe(false);
}, 20_000);

test('accepting consents before going on stage; the microphone exists only after consent', async () => {
  await invite('cal');
  await recordedNotice(cal).waitFor({ timeout: 5000 });
  expect(producing().has(ids.cal!)).toBe(false);
  await controls(cal).getByRole('button', { name: 'Accept' }).click();
  await waitFor(() => producing().has(ids.cal!), 10_000, "cal's microphone after consent");
  expect(participant('cal')).toMatchObject({ role: 'speaker', recordingConsent: true });
  expect(await consentDialog(cal).count()).toBe(0); // accepting the invitation was the consent
  await host.locator(`#stage li.member[data-id="${ids.cal}"]`).waitFor({ timeout: 5000 });
}, 20_000);

test('"Stay on stage and be recorded" brings the microphone back; stopping turns REC off for everyone', async () => {
  await host.getByRole('button', { name: 'Stop recording' }).click();
  await rec(bea).waitFor({ state: 'hidden', timeout: 5000 });
  await waitFor(async () => (await toasts(bea)).includes('Recording stopped.'), 5000, 'the stop notice');
  // Not recorded now: Bea goes on stage without being asked.
  await invite('bea');
  await controls(bea).getByRole('button', { name: 'Accept' }).click();
  await controls(bea).getByRole('button', { name: 'Unmute' }).click();
  await controls(cal).getByRole('button', { name: 'Unmute' }).click();
  await waitFor(() => onAir('bea') && onAir('cal'), 10_000, "bea's and cal's microphones");
  const before = producers().get(ids.bea!)!.id;

  await host.getByRole('button', { name: 'Record', exact: true }).click();
  await consentDialog(bea).waitFor({ timeout: 5000 });
  await waitFor(() => !onAir('bea'), 5000, "bea's microphone to stop");
  expect(onAir('cal')).toBe(true); // Cal consented already: still on air
  expect(await consentDialog(cal).count()).toBe(0);

  await consentDialog(bea).getByRole('button', { name: 'Stay on stage and be recorded' }).click();
  await consentDialog(bea).waitFor({ state: 'detached', timeout: 5000 });
  // A new microphone, sent after the consent; she is muted and speaks when she is ready.
  await waitFor(() => producers().get(ids.bea!)?.id !== before && producing().has(ids.bea!), 10_000, "bea's microphone after consent");
  expect(participant('bea')).toMatchObject({ role: 'speaker', recordingConsent: true, muted: true });
  await controls(bea).getByRole('button', { name: 'Unmute' }).click();
  await waitFor(() => onAir('bea'), 5000, 'bea on air again');

  // Nobody saw a refusal along the way: the pages never sent a microphone before consent.
  for (const page of [host, bea, cal]) for (const text of await toasts(page)) expect(text).not.toMatch(/not allowed|recorded: accept/i);
}, 30_000);

const recTag = async () => (await (await fetch(`${salon.url}/r/${roomId}`)).text()).match(/<span[^>]*id="rec-indicator"[^>]*>/)?.[0];

test('REC is in the page as served (before any script runs); an instance that forbids recording refuses it and offers no Record button', async () => {
  expect(await recTag()).not.toContain(' hidden');
  await host.getByRole('button', { name: 'Stop recording' }).click();
  await rec(cal).waitFor({ state: 'hidden', timeout: 5000 });
  expect(await recTag()).toContain(' hidden');
  await salon.deps.settings.update({ recordingAllowed: 'no' });
  try {
    // The open page still offers it: the server's refusal is shown in words made for it.
    await host.getByRole('button', { name: 'Record', exact: true }).click();
    await waitFor(async () => (await toasts(host)).includes('Recording is turned off on this server.'), 5000, 'the refusal');
    expect(live().state.recording).toBe(false);
    await host.reload();
    await controls(host).getByRole('button', { name: 'End room' }).waitFor();
    expect(await host.getByRole('button', { name: 'Record', exact: true }).count()).toBe(0);
    expect(() => live().recordingGate()).toThrow('Recording is turned off on this server');
  } finally {
    await salon.deps.settings.update({ recordingAllowed: 'yes' });
  }
}, 20_000);
