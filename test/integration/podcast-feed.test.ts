// The host's podcast feed, parsed with a real feed parser (feedsmith): the required RSS, iTunes and
// Podcasting 2.0 tags, only public ready replays, enclosure length = the file, one podcast:person
// per speaker, valid chapters JSON, a liveItem while the host is live; and the listings.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseRssFeed } from 'feedsmith';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account;
let guest: Account;
let hostId: number;
let guestId: number;
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

async function tone(file: string, seconds: number) {
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k', file]);
  expect(await proc.exited).toBe(0);
}

/** An ended room with a recording in the given state, its files and its speaker timeline. */
async function replay(id: string, fields: { visibility: 'public' | 'unlisted' | 'private'; status?: 'ready' | 'processing'; withGuest?: boolean }) {
  await salon.db.insertInto('rooms').values({ id, host_id: hostId, title: `Room ${id}`, status: 'ended', started_at: '2026-01-02T10:00:00.000Z', ended_at: '2026-01-02T10:05:00.000Z' }).execute();
  const recordingId = `rec${id}`;
  await salon.db
    .insertInto('recordings')
    .values({ id: recordingId, room_id: id, host_id: hostId, title: `Episode ${id}`, description: `About ${id}`, status: fields.status ?? 'ready', visibility: fields.visibility, duration_ms: 4000, stopped_at: '2026-01-02T10:05:00.000Z' })
    .execute();
  const dir = salon.deps.recorders.dirOf(recordingId);
  mkdirSync(dir, { recursive: true });
  await tone(join(dir, 'replay.m4a'), 4);
  const tracks = [{ participant_id: `u:${hostId}`, user_id: hostId, name: 'Feed Host', file: 'tracks/1.webm', offset_ms: 0 }];
  if (fields.withGuest) tracks.push({ participant_id: `u:${guestId}`, user_id: guestId, name: 'Feed Guest', file: 'tracks/2.webm', offset_ms: 500 });
  await salon.db.insertInto('recording_tracks').values(tracks.map((t) => ({ ...t, recording_id: recordingId }))).execute();
  await salon.db
    .insertInto('recording_speech')
    .values([
      { recording_id: recordingId, participant_id: `u:${hostId}`, user_id: hostId, name: 'Feed Host', start_ms: 0, end_ms: 1800 },
      { recording_id: recordingId, participant_id: `u:${guestId}`, user_id: guestId, name: 'Feed Guest', start_ms: 2000, end_ms: 3900 },
    ])
    .execute();
  return { recordingId, dir };
}

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'feed_admin');
  host = await signUp(salon.url, 'feed_host', { displayName: 'Feed Host' });
  guest = await signUp(salon.url, 'feed_guest');
  hostId = await idOf('feed_host');
  guestId = await idOf('feed_guest');
  await admin.client.post(`/admin/users/${hostId}/grant-host`);
  await replay('pubone', { visibility: 'public', withGuest: true });
  await replay('pubtwo', { visibility: 'public' });
  await replay('unlist', { visibility: 'unlisted' });
  await replay('privat', { visibility: 'private', withGuest: true });
  await replay('notyet', { visibility: 'public', status: 'processing' });
}, 30_000);
afterAll(() => salon.dispose());

test('the feed is RSS 2.0 with the iTunes and podcast namespaces, public ready replays only', async () => {
  const res = await fetch(`${salon.url}/@feed_host/podcast.rss`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  const xml = await res.text();
  expect(xml).toContain('xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"');
  expect(xml).toContain('xmlns:podcast="https://podcastindex.org/namespace/1.0"');
  const feed = parseRssFeed(xml);
  expect(feed.title).toContain('Feed Host');
  expect(feed.link).toBe(`${salon.url}/@feed_host`);
  expect(feed.description).toBeTruthy();
  expect(feed.language).toBe('en');
  expect(feed.itunes?.author).toBe('Feed Host');
  expect(feed.podcast?.liveItems ?? []).toHaveLength(0);

  const items = feed.items ?? [];
  expect(items.map((i) => i.link).sort()).toEqual([`${salon.url}/r/pubone`, `${salon.url}/r/pubtwo`]);
  for (const item of items) {
    const roomId = item.link!.split('/').pop()!;
    const enclosure = item.enclosures![0]!;
    expect(enclosure.url).toBe(`${salon.url}/r/${roomId}/replay.m4a`);
    expect(enclosure.type).toBe('audio/mp4');
    expect(enclosure.length).toBe(statSync(join(salon.deps.recorders.dirOf(`rec${roomId}`), 'replay.m4a')).size);
    expect(item.guid?.value).toBeTruthy();
    expect(item.pubDate).toBeTruthy();
    expect(item.itunes?.duration).toBe(4);
    expect(item.podcast?.chapters?.url).toBe(`${salon.url}/r/${roomId}/chapters.json`);
  }
  const withGuest = items.find((i) => i.link!.endsWith('/pubone'))!;
  expect(withGuest.podcast?.persons).toEqual([
    { display: 'Feed Host', role: 'host', href: `${salon.url}/@feed_host` },
    { display: 'feed_guest', role: 'guest', href: `${salon.url}/@feed_guest` },
  ]);
  expect(items.find((i) => i.link!.endsWith('/pubtwo'))!.podcast?.persons).toHaveLength(1);
});

test('chapters JSON follows the Podcasting 2.0 format; private replays refuse it to others', async () => {
  const res = await fetch(`${salon.url}/r/pubone/chapters.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json+chapters');
  const body = await res.json();
  expect(body.version).toBe('1.2.0');
  expect(body.chapters.map((c: { title: string }) => c.title)).toEqual(['Feed Host', 'Feed Guest']);
  expect(body.chapters[0].startTime).toBe(0);
  expect(body.chapters[1].startTime).toBe(2);
  expect((await fetch(`${salon.url}/r/privat/chapters.json`)).status).toBe(404);
  expect((await new WebClient(salon.url).get('/r/privat/chapters.json', 'json')).status).toBe(404);
  expect((await guest.client.get('/r/privat/chapters.json', 'json')).status).toBe(200); // a speaker of it
  expect((await host.client.get('/r/privat/chapters.json', 'json')).status).toBe(200);
  expect((await fetch(`${salon.url}/r/unlist/chapters.json`)).status).toBe(200); // link only, but the link works
  expect((await fetch(`${salon.url}/r/nosuch/chapters.json`)).status).toBe(404);
});

test('a live room appears as podcast:liveItem linking to the room', async () => {
  const created = await host.client.post('/studio/rooms', { title: 'On air' });
  expect(created.status).toBe(201);
  const roomId: string = (await created.json()).id;
  const feed = parseRssFeed(await (await fetch(`${salon.url}/@feed_host/podcast.rss`)).text());
  const live = feed.podcast?.liveItems ?? [];
  expect(live).toHaveLength(1);
  expect(live[0]!.status).toBe('live');
  expect(live[0]!.contentLinks?.[0]?.href).toBe(`${salon.url}/r/${roomId}`);
  await host.client.post(`/r/${roomId}/end`, {});
});

test('an unknown handle has no feed; profiles and the studio list replays and link the feed', async () => {
  expect((await fetch(`${salon.url}/@nobody_here/podcast.rss`)).status).toBe(404);
  const hostLists = await new WebClient(salon.url).json('/@feed_host/replays');
  expect(hostLists.replays.map((r: { room_id: string }) => r.room_id).sort()).toEqual(['pubone', 'pubtwo']);
  const guestLists = await new WebClient(salon.url).json('/@feed_guest/replays');
  expect(guestLists.replays.map((r: { room_id: string }) => r.room_id)).toEqual(['pubone']);
  // A speaker hides it from their profile.
  await salon.db.insertInto('replay_hidden').values({ recording_id: 'recpubone', user_id: guestId }).execute();
  expect((await new WebClient(salon.url).json('/@feed_guest/replays')).replays).toEqual([]);
  const page = await (await new WebClient(salon.url).get('/@feed_host/replays')).text();
  expect(page).toContain('href="/@feed_host/podcast.rss"');
  expect(page).toContain('Episode pubone');
  const profile = await (await new WebClient(salon.url).get('/@feed_host')).text();
  expect(profile).toContain('hx-get="/@feed_host/replays"');
  const studio = await host.client.json('/studio/replays');
  expect(studio.replays.map((r: { room_id: string; status: string }) => `${r.room_id}:${r.status}`).sort()).toEqual(['notyet:processing', 'privat:ready', 'pubone:ready', 'pubtwo:ready', 'unlist:ready']);
  expect((await new WebClient(salon.url).get('/studio/replays', 'json')).status).toBe(401);
});
