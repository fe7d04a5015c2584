// The server's rules hold after someone joined, not only at the door: suspensions, sign-outs,
// revoked sessions and blocks put people out of live rooms at once (named close code, media
// closed, no way back), admins moderate any room, and anonymous identities come from the server.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { closeCodes } from '../../src/rooms/live/protocol';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { logIn, signUp, WebClient, type Account } from '../support/web-client';
import { speakWithWerift } from '../support/werift-speaker';

let salon: TestSalon;
let admin: Account;
const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'trust_admin'); // the first account is the admin
});
afterAll(() => salon.dispose());

/** A member allowed to host, with a live room. */
async function hostWithRoom(handle: string) {
  const host = await signUp(salon.url, handle);
  expect((await admin.client.post(`/admin/users/${await idOf(handle)}/grant-host`)).status).toBe(200);
  const res = await host.client.post('/studio/rooms', { title: `${handle}'s room` });
  expect(res.status).toBe(201);
  const roomId: string = (await res.json()).id;
  const hostWs = await RoomClient.join(host.client, salon.url, roomId);
  return { host, roomId, hostWs };
}

/** Brings a signed-in member on stage through invitation and consent. */
async function onStage(hostWs: RoomClient, member: Account, roomId: string, as: 'speaker' | 'cohost' = 'speaker') {
  await member.client.get(`/r/${roomId}`); // as a browser does: the page signs this browser's identity
  const ws = await RoomClient.join(member.client, salon.url, roomId);
  const id = `u:${await idOf(member.handle)}`;
  await hostWs.request({ type: as === 'cohost' ? 'inviteCohost' : 'inviteToSpeak', target: id }, (m) => m.type === 'invited' && m.id === id);
  await ws.next((m) => m.type === 'invited');
  await ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === id);
  return { ws, id };
}

const liveProducers = (roomId: string) => {
  const media = salon.deps.media.find(roomId) as unknown as { peers: Map<string, { producer: { closed: boolean } | null }> } | undefined;
  return media ? [...media.peers.values()].filter((p) => p.producer && !p.producer.closed).length : 0;
};

describe('live sockets follow the account', () => {
  test('a suspended speaker is put out at once (4402), their microphone closed, and cannot come back', async () => {
    const { roomId, hostWs } = await hostWithRoom('trust_host1');
    const speaker = await signUp(salon.url, 'trust_speaker1');
    const { ws, id } = await onStage(hostWs, speaker, roomId);
    const microphone = await speakWithWerift(speaker.client, roomId, ws);
    expect(liveProducers(roomId)).toBe(2 - 1); // the speaker's (the host publishes nothing here)

    expect((await admin.client.post(`/admin/users/${await idOf('trust_speaker1')}/suspend`)).status).toBe(200);
    expect((await ws.waitClosed()).code).toBe(closeCodes.suspended);
    await hostWs.next((m) => m.type === 'participantLeft' && m.id === id);
    expect(salon.deps.live.get(roomId)!.state.get(id)).toBeUndefined();
    expect(liveProducers(roomId)).toBe(0);

    // The same browser, as an anonymous listener, stays out too.
    await speaker.client.get(`/r/${roomId}`);
    const back = await RoomClient.join(speaker.client, salon.url, roomId);
    expect(back.messages[0]).toMatchObject({ type: 'error', code: 'forbidden' });
    microphone.close();
  });

  test('logging out closes that session\'s room socket (4401); a revoked session too, from another device', async () => {
    const { roomId, hostWs } = await hostWithRoom('trust_host2');
    const member = await signUp(salon.url, 'trust_listener2');
    const ws = await RoomClient.join(member.client, salon.url, roomId);
    expect(ws.snapshot.you.id).toBe(`u:${await idOf('trust_listener2')}`);
    expect((await member.client.post('/logout', {})).status).toBe(200);
    expect((await ws.waitClosed()).code).toBe(closeCodes.signedOut);

    const { client: phone } = await logIn(salon.url, member.handle, member.password);
    const { client: laptop } = await logIn(salon.url, member.handle, member.password);
    const phoneWs = await RoomClient.join(phone, salon.url, roomId);
    const sessions = (await laptop.json('/settings/sessions')).sessions as { id: string; current: boolean }[];
    const phoneSession = sessions.find((s) => !s.current)!;
    expect((await laptop.post(`/settings/sessions/${phoneSession.id}/revoke`, {})).status).toBe(200);
    expect((await phoneWs.waitClosed()).code).toBe(closeCodes.signedOut);
    // The revoked cookie is nobody now: the room sees an anonymous listener, not the member.
    await phone.get(`/r/${roomId}`);
    const again = await RoomClient.join(phone, salon.url, roomId);
    expect(again.snapshot.you.anonymous).toBe(true);
    again.close();
    hostWs.close();
  });

  test('a host\'s block puts the person out (4403), keeps them out signed in or not, and hides the room after it ends', async () => {
    const { host, roomId, hostWs } = await hostWithRoom('trust_host3');
    const pest = await signUp(salon.url, 'trust_pest3');
    const { ws } = await onStage(hostWs, pest, roomId, 'cohost'); // even with host powers
    expect((await host.client.post('/@trust_pest3/block', {})).status).toBe(200);
    expect((await ws.waitClosed()).code).toBe(closeCodes.removed);
    expect(salon.deps.live.get(roomId)!.state.isManager(`u:${await idOf('trust_pest3')}`)).toBe(false);

    const again = await RoomClient.join(pest.client, salon.url, roomId);
    expect(again.messages[0]).toMatchObject({ type: 'error', code: 'forbidden' });
    // Signed out, from the same browser: still out.
    await pest.client.post('/logout', {});
    expect((await pest.client.get(`/r/${roomId}`)).status).toBe(404);
    const anonymous = await RoomClient.join(pest.client, salon.url, roomId);
    expect(anonymous.messages[0]).toMatchObject({ type: 'error' });
    expect((await anonymous.waitClosed()).code).toBe(closeCodes.refused);

    await hostWs.request({ type: 'end' }, (m) => m.type === 'roomEnded');
    const { client: pestAgain } = await logIn(salon.url, pest.handle, pest.password);
    expect((await pestAgain.get(`/r/${roomId}`)).status).toBe(404);
    expect((await new WebClient(salon.url).get(`/r/${roomId}`)).status).toBe(200);
  });

  test('a suspended host\'s room passes to the present co-host; without one it ends', async () => {
    const first = await hostWithRoom('trust_host4');
    const cohost = await signUp(salon.url, 'trust_cohost4');
    const { ws: cohostWs, id: cohostId } = await onStage(first.hostWs, cohost, first.roomId, 'cohost');
    await admin.client.post(`/admin/users/${await idOf('trust_host4')}/suspend`);
    expect((await first.hostWs.waitClosed()).code).toBe(closeCodes.suspended);
    await cohostWs.next((m) => m.type === 'actingHostChanged' && m.id === cohostId);
    expect(salon.deps.live.get(first.roomId)?.state.status).toBe('live');

    const second = await hostWithRoom('trust_host5');
    const listener = await RoomClient.join((await signUp(salon.url, 'trust_listener5')).client, salon.url, second.roomId);
    await admin.client.post(`/admin/users/${await idOf('trust_host5')}/suspend`);
    expect((await listener.next((m) => m.type === 'roomEnded')).reason).toBe('hostSuspended');
    expect((await listener.waitClosed()).code).toBe(closeCodes.ended);
    const row = await salon.db.selectFrom('rooms').selectAll().where('id', '=', second.roomId).executeTakeFirstOrThrow();
    await waitFor(async () => (await salon.db.selectFrom('rooms').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status === 'ended');
  });
});

describe('admins moderate any live room', () => {
  test('from the room: an admin listener removes a speaker and ends the room', async () => {
    const { roomId, hostWs } = await hostWithRoom('trust_host6');
    const speaker = await signUp(salon.url, 'trust_speaker6');
    const { ws: speakerWs, id: speakerId } = await onStage(hostWs, speaker, roomId);
    const adminWs = await RoomClient.join(admin.client, salon.url, roomId);
    expect(adminWs.snapshot.you).toMatchObject({ role: 'listener', moderator: true });
    // A member listener may not; the admin may.
    const member = await RoomClient.join((await signUp(salon.url, 'trust_member6')).client, salon.url, roomId);
    expect((await member.request({ type: 'remove', target: speakerId }, (m) => m.type === 'error')).code).toBe('forbidden');
    adminWs.send({ type: 'remove', target: speakerId });
    expect((await speakerWs.waitClosed()).code).toBe(closeCodes.removed);
    expect((await RoomClient.join(speaker.client, salon.url, roomId)).messages[0]).toMatchObject({ code: 'removed' });
    const removal = await salon.db.selectFrom('room_removals').selectAll().where('room_id', '=', roomId).executeTakeFirstOrThrow();
    expect(removal).toMatchObject({ participant_key: speakerId, removed_by: await idOf('trust_admin') });

    adminWs.send({ type: 'end' });
    expect((await hostWs.next((m) => m.type === 'roomEnded')).reason).toBe('moderator');
  });

  test('from /admin/rooms: the admin sees live rooms, removes anyone (the host too) and ends a room', async () => {
    const { host, roomId, hostWs } = await hostWithRoom('trust_host7');
    const listener = await signUp(salon.url, 'trust_listener7');
    const listenerWs = await RoomClient.join(listener.client, salon.url, roomId);
    const listing = await admin.client.get('/admin/rooms');
    expect(listing.status).toBe(200);
    const page = await listing.text();
    expect(page).toContain("trust_host7&#39;s room");
    expect(page).toContain('trust_listener7');

    const listenerId = `u:${await idOf('trust_listener7')}`;
    expect((await host.client.post(`/r/${roomId}/remove`, { participant: listenerId })).status).toBe(403); // this route is the admins'
    expect((await admin.client.post(`/r/${roomId}/remove`, { participant: listenerId })).status).toBe(200);
    expect((await listenerWs.waitClosed()).code).toBe(closeCodes.removed);
    expect((await admin.client.post(`/r/${roomId}/remove`, { participant: 'u:999999' })).status).toBe(404);
    expect((await admin.client.post(`/r/${roomId}/remove`, { participant: `u:${await idOf('trust_host7')}` })).status).toBe(200);
    expect((await hostWs.waitClosed()).code).toBe(closeCodes.removed);

    expect((await admin.client.post(`/r/${roomId}/end`, {})).status).toBe(200);
    await waitFor(() => !salon.deps.live.get(roomId));
    await waitFor(async () => (await salon.db.selectFrom('rooms').select('end_reason').where('id', '=', roomId).executeTakeFirstOrThrow()).end_reason === 'moderator');
  });
});

describe('anonymous identities come from the server', () => {
  test('a made-up anonymous cookie is refused; the one the page signs works', async () => {
    const { roomId, hostWs } = await hostWithRoom('trust_host8');
    const forger = new WebClient(salon.url);
    forger.cookies.set('salon_anon', 'abcdefghijklmnopqrstuvwxyz012345');
    const forged = await RoomClient.join(forger, salon.url, roomId);
    expect(forged.messages[0]).toMatchObject({ type: 'error', code: 'signInRequired' });

    const visitor = new WebClient(salon.url);
    await visitor.get(`/r/${roomId}`);
    const token = visitor.cookies.get('salon_anon')!;
    const [anonymousId, , signature] = token.split('.');
    forger.cookies.set('salon_anon', `${anonymousId}.1.${signature}`); // claims another account: the signature no longer fits
    expect((await RoomClient.join(forger, salon.url, roomId)).messages[0]).toMatchObject({ code: 'signInRequired' });
    const ok = await RoomClient.join(visitor, salon.url, roomId);
    expect(ok.snapshot.you).toMatchObject({ id: `a:${anonymousId}`, anonymous: true });

    // Removed anonymously: that browser stays out, also once signed in.
    hostWs.send({ type: 'remove', target: `a:${anonymousId}` });
    expect((await ok.waitClosed()).code).toBe(closeCodes.removed);
    expect((await RoomClient.join(visitor, salon.url, roomId)).messages[0]).toMatchObject({ code: 'removed' });
    await logIn(salon.url, admin.handle, admin.password, visitor);
    await visitor.get(`/r/${roomId}`);
    expect((await RoomClient.join(visitor, salon.url, roomId)).messages[0]).toMatchObject({ code: 'removed' });
  });

  test('new anonymous identities and room sockets are limited per network address', async () => {
    const { roomId } = await hostWithRoom('trust_host9');
    await admin.client.post('/admin/settings', { anonymousListenersPerIpPerHour: '2', roomSocketsPerIp: '2' });
    try {
      const fromOneAddress = () => new WebClient(salon.url, { ip: '192.0.2.7' });
      const browsers = [fromOneAddress(), fromOneAddress(), fromOneAddress()];
      for (const browser of browsers) await browser.get(`/r/${roomId}`);
      expect(browsers.map((b) => b.cookies.has('salon_anon'))).toEqual([true, true, false]);
      const third = await browsers[2]!.get(`/r/${roomId}`);
      expect(await third.text()).toContain('Too many anonymous listeners from your network');

      const member = await signUp(salon.url, 'trust_member9');
      const sameAddress = new WebClient(salon.url, { ip: '192.0.2.7' });
      await logIn(salon.url, member.handle, member.password, sameAddress);
      const sockets = [await RoomClient.join(browsers[0]!, salon.url, roomId), await RoomClient.join(browsers[1]!, salon.url, roomId)];
      expect(sockets.every((s) => s.snapshot)).toBe(true);
      const refused = await RoomClient.join(sameAddress, salon.url, roomId);
      expect(refused.messages[0]).toMatchObject({ code: 'tooManyConnections' });
      expect((await refused.waitClosed()).code).toBe(closeCodes.tooManyConnections);
      sockets[0]!.close();
      await waitFor(async () => {
        const next = await RoomClient.join(sameAddress, salon.url, roomId);
        const ok = !!next.snapshot;
        next.close();
        return ok;
      });
    } finally {
      await admin.client.post('/admin/settings', { anonymousListenersPerIpPerHour: '60', roomSocketsPerIp: '100' });
    }
  });
});
