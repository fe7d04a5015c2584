// Replays over HTTP: audio served with Range requests and the right types and caching, visibility
// per role, downloads, the host's edits (trim and title validation) and deletion.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeReplay, type ReplayFixture } from '../support/replay-fixture';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account, host: Account, speaker: Account, stranger: Account;
let roomId: string;
let fixture: ReplayFixture;
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

async function endedRoom(title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  const id = (await res.json()).id as string;
  expect((await host.client.post(`/r/${id}/end`, {})).status).toBe(200);
  return id;
}

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'rp_admin');
  host = await signUp(salon.url, 'rp_host');
  speaker = await signUp(salon.url, 'rp_speaker');
  stranger = await signUp(salon.url, 'rp_stranger');
  await admin.client.post(`/admin/users/${await idOf('rp_host')}/grant-host`);
  roomId = await endedRoom('Replayed');
  fixture = await makeReplay(salon, { roomId, hostId: await idOf('rp_host'), speakers: [{ userId: await idOf('rp_speaker'), name: 'Speaker' }] });
}, 60_000);
afterAll(() => salon.dispose());

const setVisibility = (visibility: string) => salon.db.updateTable('recordings').set({ visibility: visibility as 'public' }).where('id', '=', fixture.recordingId).execute();

describe('audio serving', () => {
  test('whole files with their types, validators and public caching', async () => {
    const size = statSync(join(fixture.dir, 'replay.opus')).size;
    const opus = await new WebClient(salon.url).get(`/r/${roomId}/replay.opus`);
    expect(opus.status).toBe(200);
    expect(opus.headers.get('content-type')).toBe('audio/ogg');
    expect(opus.headers.get('accept-ranges')).toBe('bytes');
    expect(opus.headers.get('cache-control')).toContain('public');
    expect(opus.headers.get('etag')).toBeTruthy();
    expect(opus.headers.get('last-modified')).toBeTruthy();
    expect((await opus.arrayBuffer()).byteLength).toBe(size);
    const m4a = await new WebClient(salon.url).get(`/r/${roomId}/replay.m4a`);
    expect(m4a.headers.get('content-type')).toBe('audio/mp4');
    expect(new TextDecoder().decode((await m4a.arrayBuffer()).slice(4, 8))).toBe('ftyp');
    const peaks = await new WebClient(salon.url).json(`/r/${roomId}/replay/peaks.json`);
    expect(peaks.durationMs).toBe(10_000);
    // A conditional request with the ETag: 304.
    const again = await new WebClient(salon.url).fetch(`/r/${roomId}/replay.opus`, { headers: { 'if-none-match': opus.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  test('Range: bytes=0-99 gives 206 and exactly 100 bytes; suffix and open ranges; 416 outside the file', async () => {
    const file = new Uint8Array(await Bun.file(join(fixture.dir, 'replay.opus')).arrayBuffer());
    const size = file.length;
    const get = (range: string) => new WebClient(salon.url).fetch(`/r/${roomId}/replay.opus`, { headers: { range } });
    const first = await get('bytes=0-99');
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
    expect(first.headers.get('content-length')).toBe('100');
    const body = new Uint8Array(await first.arrayBuffer());
    expect(body.length).toBe(100);
    expect(new TextDecoder().decode(body.slice(0, 4))).toBe('OggS');
    const suffix = await get('bytes=-50');
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 50}-${size - 1}/${size}`);
    expect([...new Uint8Array(await suffix.arrayBuffer())]).toEqual([...file.slice(size - 50)]);
    const open = await get(`bytes=${size - 10}-`);
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);
    const past = await get(`bytes=${size}-${size + 10}`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect((await get('bytes=50-10')).status).toBe(416);
  });

  test('downloads: attachment when allowed, 403 when the host refuses them', async () => {
    const allowed = await new WebClient(salon.url).get(`/r/${roomId}/replay.m4a?download=1`);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.m4a"$/);
    await salon.db.updateTable('recordings').set({ downloads_allowed: 0 }).where('id', '=', fixture.recordingId).execute();
    expect((await new WebClient(salon.url).get(`/r/${roomId}/replay.m4a?download=1`)).status).toBe(403);
    expect((await new WebClient(salon.url).get(`/r/${roomId}/replay.m4a`)).status).toBe(200); // listening stays open
    const page = await (await new WebClient(salon.url).get(`/r/${roomId}`)).text();
    expect(page).not.toContain('download=1');
    await salon.db.updateTable('recordings').set({ downloads_allowed: 1 }).where('id', '=', fixture.recordingId).execute();
  });
});

describe('the replay page', () => {
  test('the ended room page is the replay: player, speakers, chapters, start time from ?t=', async () => {
    const res = await new WebClient(salon.url).get(`/r/${roomId}?t=0m5s`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('id="replay-audio"');
    expect(page).toContain(`/r/${roomId}/replay.opus#t=5`);
    expect(page).toContain('data-start-ms="5000"');
    expect(page).toContain('Speaker');
    // The host's two stretches 1.5 s apart are one chapter; the speaker's is the second.
    expect(page.match(/class="chapter"/g)?.length).toBe(2);
    expect(page).toContain(`href="/r/${roomId}?t=5s"`);
    expect(page).toContain('download=1');
    expect(page).not.toContain('Manage replay');
    expect(await (await host.client.get(`/r/${roomId}`)).text()).toContain('Manage replay');
  });

  test('while processing: "being prepared", no player, audio 404', async () => {
    await salon.db.updateTable('recordings').set({ status: 'processing' }).where('id', '=', fixture.recordingId).execute();
    const res = await new WebClient(salon.url).get(`/r/${roomId}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Replay is being prepared');
    expect(page).not.toContain('id="replay-audio"');
    expect((await new WebClient(salon.url).get(`/r/${roomId}/replay.opus`)).status).toBe(404);
    await salon.db.updateTable('recordings').set({ status: 'failed', error: 'ffmpeg exited with 1' }).where('id', '=', fixture.recordingId).execute();
    expect(await (await host.client.get(`/r/${roomId}`)).text()).toContain('The replay could not be made: ffmpeg exited with 1');
    expect(await (await new WebClient(salon.url).get(`/r/${roomId}`)).text()).toContain('This replay is not available');
    await salon.db.updateTable('recordings').set({ status: 'ready', error: null }).where('id', '=', fixture.recordingId).execute();
  });

  test('the play counter counts once per client in a window', async () => {
    const listener = new WebClient(salon.url);
    const first = await listener.post(`/r/${roomId}/replay/played`);
    expect(first.status).toBe(200);
    const { plays, counted } = await first.json();
    expect(counted).toBe(true);
    for (let i = 0; i < 5; i++) expect((await (await listener.post(`/r/${roomId}/replay/played`)).json()).counted).toBe(false);
    expect((await salon.db.selectFrom('recordings').select('plays').where('id', '=', fixture.recordingId).executeTakeFirstOrThrow()).plays).toBe(plays);
    expect((await (await new WebClient(salon.url).post(`/r/${roomId}/replay/played`)).json()).plays).toBe(plays + 1);
  });
});

describe('visibility', () => {
  const page = (client: WebClient) => client.get(`/r/${roomId}`);
  const audio = (client: WebClient) => client.get(`/r/${roomId}/replay.opus`);

  test('unlisted: anyone with the link, privately cached', async () => {
    await setVisibility('unlisted');
    const res = await audio(new WebClient(salon.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('private');
    expect(await (await page(new WebClient(salon.url))).text()).toContain('id="replay-audio"');
  });

  test('private: host, speakers and admins; everyone else gets 404 for the audio and the ended-room page', async () => {
    await setVisibility('private');
    for (const [who, client, ok] of [
      ['anonymous', new WebClient(salon.url), false],
      ['stranger', stranger.client, false],
      ['speaker', speaker.client, true],
      ['host', host.client, true],
      ['admin', admin.client, true],
    ] as const) {
      expect([who, (await audio(client)).status]).toEqual([who, ok ? 200 : 404]);
      expect([who, (await client.get(`/r/${roomId}/replay/peaks.json`)).status]).toEqual([who, ok ? 200 : 404]);
      const html = await (await page(client)).text();
      expect([who, html.includes('id="replay-audio"')]).toEqual([who, ok]);
    }
    await setVisibility('public');
  });
});

describe('management', () => {
  test('the host edits title, description, visibility, downloads, clip policy', async () => {
    const res = await host.client.post(`/r/${roomId}/replay`, { title: 'Renamed', description: 'About things', visibility: 'unlisted', downloads: 'no', clipPolicy: 'hosts' });
    expect(res.status).toBe(200);
    const row = await salon.db.selectFrom('recordings').selectAll().where('id', '=', fixture.recordingId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: 'Renamed', description: 'About things', visibility: 'unlisted', downloads_allowed: 0, clip_policy: 'hosts' });
    await host.client.post(`/r/${roomId}/replay`, { visibility: 'public', downloads: 'yes' });
  });

  test('bad input: a 4xx naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ trimEnd: '0:30' }, 'trimEnd'], // past the end of 10 s
      [{ trimStart: '11' }, 'trimStart'],
      [{ trimStart: '8', trimEnd: '4' }, 'trimStart'],
      [{ trimStart: 'soon' }, 'trimStart'],
      [{ title: 'x'.repeat(101) }, 'title'],
      [{ title: 'x'.repeat(5000) }, 'title'], // huge: refused at the edge
      [{ title: '   ' }, 'title'],
      [{ description: 'd'.repeat(2001) }, 'description'],
      [{ visibility: 'everyone' }, 'visibility'],
      [{ clipPolicy: 'maybe' }, 'clipPolicy'],
    ];
    for (const [fields, field] of cases) {
      const res = await host.client.post(`/r/${roomId}/replay`, fields);
      expect([field, res.status]).toEqual([field, 400]);
      expect((await res.json()).field).toBe(field);
    }
    // The HTML form comes back with the message next to the field.
    const form = await host.client.post(`/r/${roomId}/replay`, { trimEnd: '0:30' }, { accept: 'html' });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain('Past the end of the recording (10 s).');
  });

  test('only the host and admins manage; others are refused', async () => {
    expect((await speaker.client.post(`/r/${roomId}/replay`, { title: 'Mine' })).status).toBe(403);
    expect((await stranger.client.post(`/r/${roomId}/replay/delete`, { confirm: 'yes' })).status).toBe(403);
    expect((await new WebClient(salon.url).post(`/r/${roomId}/replay`, { title: 'Anon' })).status).toBe(401);
    expect((await admin.client.post(`/r/${roomId}/replay`, { title: 'By the admin' })).status).toBe(200);
  });

  test('a speaker hides the replay from their profile and shows it again; the host cannot', async () => {
    expect((await speaker.client.post(`/r/${roomId}/replay/profile`, { hidden: 'yes' })).status).toBe(200);
    expect(await salon.db.selectFrom('replay_hidden').selectAll().where('recording_id', '=', fixture.recordingId).execute()).toHaveLength(1);
    expect(await (await speaker.client.get(`/r/${roomId}`)).text()).toContain('Show on my profile');
    expect((await speaker.client.post(`/r/${roomId}/replay/profile`, { hidden: 'no' })).status).toBe(200);
    expect(await salon.db.selectFrom('replay_hidden').selectAll().where('recording_id', '=', fixture.recordingId).execute()).toHaveLength(0);
    expect((await host.client.post(`/r/${roomId}/replay/profile`, { hidden: 'yes' })).status).toBe(403);
  });

  test('delete asks for confirmation, then removes the files and the rows and goes to /studio', async () => {
    const ask = await host.client.post(`/r/${roomId}/replay/delete`, {}, { accept: 'html' });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('name="confirm" value="yes"');
    expect(existsSync(fixture.dir)).toBe(true);
    const done = await host.client.post(`/r/${roomId}/replay/delete`, { confirm: 'yes' }, { accept: 'html' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/studio');
    expect(existsSync(fixture.dir)).toBe(false);
    expect(await salon.db.selectFrom('recordings').selectAll().where('id', '=', fixture.recordingId).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', fixture.recordingId).execute()).toHaveLength(0);
    expect(await salon.db.selectFrom('recording_speech').selectAll().where('recording_id', '=', fixture.recordingId).execute()).toHaveLength(0);
    expect((await new WebClient(salon.url).get(`/r/${roomId}/replay.opus`)).status).toBe(404);
    expect(await (await new WebClient(salon.url).get(`/r/${roomId}`)).text()).toContain('This room has ended.');
  });
});
