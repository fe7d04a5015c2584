// Who may make, see and delete clips, for every kind of person (server-enforced): anonymous,
// listener, speaker, co-host, host, removed, blocked, admin. A live recorded room with a real
// headless speaker (the host) sending Opus, so live clips are really cut.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { opusPackets } from '../support/opus-tone';
import { RoomClient } from '../support/room-client';
import { startTestSalon, tempDir, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

type Who = 'anonymous' | 'listener' | 'speaker' | 'cohost' | 'host' | 'removed' | 'blocked' | 'admin';

let salon: TestSalon;
const people = {} as Record<Exclude<Who, 'anonymous'>, Account>;
const personId = {} as Record<Exclude<Who, 'anonymous'>, string>;
let roomId: string;
let hostSpeaker: WeriftSpeaker;
let stopTone: () => void;

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const setRecording = (fields: { clip_policy?: 'anyone' | 'hosts' | 'off'; visibility?: 'public' | 'unlisted' | 'private' }) => salon.db.updateTable('recordings').set(fields).where('room_id', '=', roomId).execute();

beforeAll(async () => {
  salon = await startTestSalon();
  people.admin = await signUp(salon.url, 'cx_admin');
  for (const who of ['host', 'listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    people[who] = await signUp(salon.url, `cx_${who}`);
    personId[who] = `u:${await idOf(`cx_${who}`)}`;
  }
  await people.admin.client.post(`/admin/users/${await idOf('cx_host')}/grant-host`);
  const created = await people.host.client.post('/studio/rooms', { title: 'Clip matrix', recordIntent: 'on' });
  roomId = (await created.json()).id;
  hostSpeaker = await speakWithWerift(people.host.client, roomId);
  const tone = await opusPackets(tempDir('salon-opus-'), 440, 5);
  const t0 = Date.now();
  let i = 0;
  const timer = setInterval(() => hostSpeaker.send(tone[i++ % tone.length]!, Math.round((Date.now() - t0) * 48)), 20);
  stopTone = () => clearInterval(timer);
  const hostWs = hostSpeaker.socket;
  for (const who of ['listener', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
    const ws = await RoomClient.join(people[who].client, salon.url, roomId);
    if (who === 'speaker' || who === 'cohost') {
      await hostWs.request({ type: who === 'cohost' ? 'inviteCohost' : 'inviteToSpeak', target: personId[who] }, (m) => m.type === 'invited' && m.id === personId[who]);
      await ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === personId[who]);
    }
  }
  hostWs.send({ type: 'remove', target: personId.removed });
  await people.host.client.post('/@cx_blocked/block', {});
  await waitFor(() => !salon.deps.live.get(roomId)!.state.get(personId.blocked) && !salon.deps.live.get(roomId)!.state.get(personId.removed));
  await Bun.sleep(2500); // some audio on the recording clock
}, 40_000);
afterAll(async () => {
  stopTone();
  hostSpeaker.close();
  await salon.dispose();
});

const clientOf = (who: Who) => (who === 'anonymous' ? new WebClient(salon.url) : people[who].client);
const everyone: Who[] = ['anonymous', 'listener', 'speaker', 'cohost', 'host', 'removed', 'blocked', 'admin'];
const clipBy = async (who: Who) => {
  const res = await clientOf(who).post(`/r/${roomId}/clips`, {});
  expect([who, res.status]).toEqual([who, 201]);
  return (await res.json()).id as string;
};

describe('authorization matrix for clip routes', () => {
  test('POST /r/:id/clips, policy "anyone": everyone signed in who may be in the room', async () => {
    await setRecording({ clip_policy: 'anyone' });
    for (const who of everyone) {
      const res = await clientOf(who).post(`/r/${roomId}/clips`, {});
      const expected = who === 'anonymous' ? 401 : who === 'removed' ? 403 : who === 'blocked' ? 404 : 201;
      expect([who, res.status]).toEqual([who, expected]);
    }
  }, 30_000);

  test('POST /r/:id/clips, policy "hosts": the host and co-hosts; "off": nobody', async () => {
    await setRecording({ clip_policy: 'hosts' });
    for (const who of everyone) {
      const res = await clientOf(who).post(`/r/${roomId}/clips`, {});
      const expected = who === 'anonymous' ? 401 : who === 'blocked' ? 404 : ['host', 'cohost'].includes(who) ? 201 : 403;
      expect([who, res.status]).toEqual([who, expected]);
    }
    await setRecording({ clip_policy: 'off' });
    for (const who of everyone) {
      const res = await clientOf(who).post(`/r/${roomId}/clips`, {});
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'blocked' ? 404 : 403]);
    }
    await setRecording({ clip_policy: 'anyone' });
  }, 30_000);

  test('GET /c/:id and its audio: whoever may see the replay (private: host, speakers with a track, admins)', async () => {
    const clip = await clipBy('listener');
    for (const who of everyone) {
      for (const path of [`/c/${clip}`, `/c/${clip}/audio`]) {
        const res = await clientOf(who).get(path, 'html');
        expect([who, path, res.status]).toEqual([who, path, who === 'blocked' ? 404 : 200]);
      }
    }
    await setRecording({ visibility: 'private' });
    for (const who of everyone) {
      const res = await clientOf(who).get(`/c/${clip}`, 'json');
      expect([who, res.status]).toEqual([who, ['host', 'admin'].includes(who) ? 200 : 404]);
    }
    await setRecording({ visibility: 'public' });
  }, 30_000);

  test('POST /c/:id/delete: the room host, the clip maker and admins', async () => {
    const clip = await clipBy('listener');
    for (const who of ['anonymous', 'speaker', 'cohost', 'removed', 'blocked'] as const) {
      const res = await clientOf(who).post(`/c/${clip}/delete`, {});
      expect([who, res.status]).toEqual([who, who === 'anonymous' ? 401 : who === 'blocked' ? 404 : 403]);
    }
    expect((await clientOf('listener').post(`/c/${clip}/delete`, {})).status).toBe(200);
    for (const who of ['host', 'admin'] as const) {
      const another = await clipBy('speaker');
      expect([who, (await clientOf(who).post(`/c/${another}/delete`, {})).status]).toEqual([who, 200]);
      expect((await clientOf('speaker').get(`/c/${another}`, 'json')).status).toBe(404);
    }
  }, 30_000);
});
