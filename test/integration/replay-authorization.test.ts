// Who may use each replay route, for every kind of person (server-enforced), in the pattern of
// room-moderation-matrix.test.ts. The replay's speaker and co-host are the people with tracks in
// it; the listener and the removed person were in the room without speaking (no track); the host
// blocked `blocked` (their rooms and replays are hidden from them: 404 like a live room).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { makeReplay, type ReplayFixture } from '../support/replay-fixture';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';
const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];
const mayHearPrivate: Who[] = ['speaker', 'cohost', 'host', 'admin'];

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
let roomId: string;
let fixture: ReplayFixture;
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
const setVisibility = (visibility: 'public' | 'unlisted' | 'private') => salon.db.updateTable('recordings').set({ visibility }).where('id', '=', fixture.recordingId).execute();

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'ra_admin');
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) people[who] = await signUp(salon.url, `ra_${who}`);
  await people.admin.client.post(`/admin/users/${await idOf('ra_host')}/grant-host`);
  const res = await people.host.client.post('/studio/rooms', { title: 'Replay matrix' });
  roomId = (await res.json()).id;
  for (const who of ['listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) await people[who].client.get(`/r/${roomId}`);
  await people.host.client.post(`/r/${roomId}/end`, {});
  await people.host.client.post('/@ra_blocked/block', {});
  fixture = await makeReplay(salon, {
    roomId,
    hostId: await idOf('ra_host'),
    speakers: [
      { userId: await idOf('ra_speaker'), name: 'Speaker' },
      { userId: await idOf('ra_cohost'), name: 'Co-host' },
    ],
  });
}, 60_000);
afterAll(() => salon.dispose());

async function statuses(call: (client: WebClient) => Promise<Response>) {
  const out: [Who, number][] = [];
  for (const who of everyone) out.push([who, (await call(clientOf(who))).status]);
  return out;
}
const expectStatuses = async (call: (client: WebClient) => Promise<Response>, expected: (who: Who) => number) =>
  expect(await statuses(call)).toEqual(everyone.map((who) => [who, expected(who)]));

describe('authorization matrix for replay routes', () => {
  for (const visibility of ['public', 'unlisted', 'private'] as const) {
    const canHear = (who: Who) => who !== 'blocked' && (visibility !== 'private' || mayHearPrivate.includes(who));

    test(`${visibility}: GET /r/:id (the replay page), the audio files and the peaks`, async () => {
      await setVisibility(visibility);
      const pages = await statuses(async (c) => {
        const res = await c.get(`/r/${roomId}`);
        const body = await res.text();
        return new Response(null, { status: res.status === 200 && body.includes('id="replay-audio"') ? 200 : res.status === 200 ? 204 : res.status });
      });
      // 204 here: the ended-room page without the replay (it does not say a replay exists); blocked: 404.
      expect(pages).toEqual(everyone.map((who) => [who, canHear(who) ? 200 : who === 'blocked' ? 404 : 204]));
      for (const path of ['replay.opus', 'replay.m4a', 'replay/peaks.json']) {
        await expectStatuses((c) => c.get(`/r/${roomId}/${path}`), (who) => (canHear(who) ? 200 : 404));
      }
      await expectStatuses((c) => c.fetch(`/r/${roomId}/replay.opus`, { headers: { range: 'bytes=0-9' } }), (who) => (canHear(who) ? 206 : 404));
    });

    test(`${visibility}: POST /r/:id/replay/played`, async () => {
      await setVisibility(visibility);
      await expectStatuses((c) => c.post(`/r/${roomId}/replay/played`), (who) => (canHear(who) ? 200 : 404));
    });

    test(`${visibility}: POST /r/:id/replay (edit): host and admins`, async () => {
      await setVisibility(visibility);
      await expectStatuses(
        (c) => c.post(`/r/${roomId}/replay`, { description: 'edited', visibility }),
        (who) => (who === 'anonymous' ? 401 : ['host', 'admin'].includes(who) ? 200 : canHear(who) ? 403 : 404),
      );
    });

    test(`${visibility}: POST /r/:id/replay/delete (the confirmation step): host and admins`, async () => {
      await setVisibility(visibility);
      await expectStatuses((c) => c.post(`/r/${roomId}/replay/delete`, {}), (who) => (who === 'anonymous' ? 401 : ['host', 'admin'].includes(who) ? 400 : canHear(who) ? 403 : 404));
      expect(existsSync(fixture.dir)).toBe(true);
    });

    test(`${visibility}: POST /r/:id/replay/profile: the speakers (not the host)`, async () => {
      await setVisibility(visibility);
      await expectStatuses(
        (c) => c.post(`/r/${roomId}/replay/profile`, { hidden: 'yes' }),
        (who) => (who === 'anonymous' ? 401 : ['speaker', 'cohost'].includes(who) ? 200 : canHear(who) ? 403 : 404),
      );
    });
  }

  test('POST /r/:id/replay/delete with confirm=yes: refused to all but the host, then the host deletes', async () => {
    await setVisibility('public');
    for (const who of everyone.filter((w) => w !== 'host' && w !== 'admin')) {
      const res = await clientOf(who).post(`/r/${roomId}/replay/delete`, { confirm: 'yes' });
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'blocked' ? 404 : 403]);
    }
    expect(existsSync(fixture.dir)).toBe(true);
    expect((await clientOf('host').post(`/r/${roomId}/replay/delete`, { confirm: 'yes' })).status).toBe(200);
    expect(existsSync(fixture.dir)).toBe(false);
    await expectStatuses((c) => c.get(`/r/${roomId}/replay.opus`), () => 404);
  });
});
