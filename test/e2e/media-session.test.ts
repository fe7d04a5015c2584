// The Media Session API (lock screen, OS media controls): a live room's listener sees the room's
// title, host and artwork, pause/play pause and resume the room's audio elements, stop leaves the
// room; a replay offers play/pause and seeking, with the playback state kept in step.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { waitForAudio } from '../support/browser';
import { makeReplay } from '../support/replay-fixture';
import { startToneRoom, type ToneRoom } from '../support/room-scene';
import type { TestSalon } from '../support/salon';
import { logIn, signUp } from '../support/web-client';

let room: ToneRoom;
let salon: TestSalon;
let host: Page, guest: Page;
let roomUrl: string;

// Keeps the handlers the page sets, so the test can press the OS buttons.
const recordHandlers = () => {
  const handlers: Record<string, ((details: object) => void) | null> = {};
  (window as unknown as { mediaHandlers: typeof handlers }).mediaHandlers = handlers;
  const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    handlers[action] = handler as never;
    set(action, handler);
  };
};
const press = (page: Page, action: string, details: object = {}) =>
  page.evaluate(([a, d]) => (window as unknown as { mediaHandlers: Record<string, (d: object) => void> }).mediaHandlers[a as string]!({ action: a, ...(d as object) }), [action, details] as const);
const session = (page: Page) =>
  page.evaluate(() => {
    const m = navigator.mediaSession.metadata;
    return { title: m?.title, artist: m?.artist, artwork: m?.artwork.map((a) => a.src), state: navigator.mediaSession.playbackState };
  });

beforeAll(async () => {
  room = await startToneRoom('ms', 'Night owls');
  ({ salon, host, guest, roomUrl } = room);
  await guest.addInitScript(recordHandlers);
}, 60_000);

afterAll(async () => {
  await room?.dispose();
});

test('live: title, host and artwork; pause and play; stop leaves the room', async () => {
  await guest.goto(roomUrl);
  expect((await session(guest)).title).toBeUndefined(); // nothing plays yet
  await guest.click('button.listen');
  await waitForAudio(guest, (r) => r.rms > 0.05, 20_000, 'the host tone');
  const playing = await session(guest);
  expect(playing).toMatchObject({ title: 'Night owls', artist: 'ms_host', state: 'playing' });
  expect(playing.artwork![0]).toContain('/static/icon-512.png');

  await press(guest, 'pause');
  expect((await session(guest)).state).toBe('paused');
  expect(await guest.evaluate(() => [...document.querySelectorAll<HTMLAudioElement>('#room-audio audio')].every((a) => a.paused))).toBe(true);
  await press(guest, 'play');
  expect((await session(guest)).state).toBe('playing');
  await waitForAudio(guest, (r) => r.rms > 0.05, 10_000, 'the tone again');

  await Promise.all([guest.waitForURL(`${salon.url}/`), press(guest, 'stop')]);
  expect(await session(guest)).toMatchObject({ title: undefined, state: 'none' });
}, 60_000);

test('replay: play/pause and seeking from the media controls, state in step', async () => {
  const admin = await logIn(salon.url, 'ms_host', 'long-enough-pw'); // the first account: the admin
  const replayHost = await signUp(salon.url, 'ms_replay_host');
  const idOf = async (h: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', h).executeTakeFirstOrThrow()).id;
  await admin.client.post(`/admin/users/${await idOf('ms_replay_host')}/grant-host`);
  const roomId = (await (await replayHost.client.post('/studio/rooms', { title: 'Morning replay' })).json()).id as string;
  await replayHost.client.post(`/r/${roomId}/end`, {});
  await makeReplay(salon, { roomId, hostId: await idOf('ms_replay_host'), speakers: [{ userId: await idOf('ms_replay_host'), name: 'Host' }], seconds: 30 });

  await guest.goto(`${salon.url}/r/${roomId}`);
  await guest.waitForFunction(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.readyState >= 1);
  await guest.click('#replay-toggle');
  await guest.waitForFunction(() => navigator.mediaSession.playbackState === 'playing');
  expect(await session(guest)).toMatchObject({ title: 'Replay fixture', artist: 'ms_replay_host' }) // the recording's title;
  const time = () => guest.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.currentTime);
  await press(guest, 'seekto', { seekTime: 20 });
  expect(await time()).toBeGreaterThanOrEqual(19.9);
  await press(guest, 'seekbackward', { seekOffset: 10 });
  expect(Math.round(await time())).toBeLessThan(12);
  await press(guest, 'seekforward', {});
  expect(Math.round(await time())).toBeGreaterThanOrEqual(19);
  await press(guest, 'pause');
  await guest.waitForFunction(() => navigator.mediaSession.playbackState === 'paused');
  expect(await guest.evaluate(() => document.querySelector<HTMLAudioElement>('#replay-audio')!.paused)).toBe(true);
  await press(guest, 'play');
  await guest.waitForFunction(() => navigator.mediaSession.playbackState === 'playing');
}, 60_000);
