// Live rooms with several real WebSocket clients on a real server and SQLite file.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let host: Account, cohost: Account, speaker: Account, listener: Account, other: Account, blocked: Account, nobody: Account;
let roomId: string;
type Handle = 'hostess' | 'cohost' | 'speaker' | 'listener' | 'other' | 'blocked' | 'nobody';
const ids = {} as Record<Handle, string>;

beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'hostess'); // first account: admin, may host
  [cohost, speaker, listener, other, blocked, nobody] = (await Promise.all(
    ['cohost', 'speaker', 'listener', 'other', 'blocked', 'nobody'].map((h) => signUp(salon.url, h)),
  )) as [Account, Account, Account, Account, Account, Account];
  for (const account of [host, cohost, speaker, listener, other, blocked, nobody]) {
    ids[account.handle as Handle] = `u:${(await salon.db.selectFrom('users').select('id').where('handle', '=', account.handle).executeTakeFirstOrThrow()).id}`;
  }
  await host.client.post('/@blocked/block');
});
afterAll(() => salon.dispose());

describe('creating a room', () => {
  test('someone not allowed to host is told why', async () => {
    const res = await nobody.client.post('/studio/rooms', { title: 'My room' });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toBe('You cannot host yet: 600 followers are needed and you have 0.');
  });

  test('title and topics are validated', async () => {
    const noTitle = await host.client.post('/studio/rooms', { title: '  ' });
    expect(noTitle.status).toBe(422);
    expect((await noTitle.json()).field).toBe('title');
    const long = await host.client.post('/studio/rooms', { title: 'x'.repeat(101) });
    expect((await long.json()).field).toBe('title');
    const topics = await host.client.post('/studio/rooms', { title: 'Fine', topics: 'a, b, c, d' });
    expect(await topics.json()).toMatchObject({ field: 'topics', error: 'At most 3 topics.' });
    const policy = await host.client.post('/studio/rooms', { title: 'Fine', speakPolicy: 'everyone' });
    expect((await policy.json()).field).toBe('speakPolicy');
  });

  test('"Start now" makes it live at /r/<id>; one live room per host', async () => {
    const res = await host.client.post('/studio/rooms', { title: 'Jazz & <friends>', topics: 'jazz, #music' });
    expect(res.status).toBe(201);
    const body = await res.json();
    roomId = body.id;
    expect(body.url).toBe(`/r/${roomId}`);
    const again = await host.client.post('/studio/rooms', { title: 'Second' });
    expect(again.status).toBe(409);
    const row = await salon.db.selectFrom('rooms').selectAll().where('id', '=', roomId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'live', title: 'Jazz & <friends>', topics: '["jazz","music"]', speak_policy: 'anyone' });
  });

  test('the room page works as a plain link for anyone, and escapes what people typed', async () => {
    const anonymous = new WebClient(salon.url);
    const res = await anonymous.get(`/r/${roomId}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Jazz &amp; &lt;friends&gt;');
    expect(page).toContain('#jazz');
    expect(page).toContain('/static/room.js');
    expect(anonymous.cookies.has('salon_anon')).toBe(true);
    expect((await anonymous.get('/r/zzzzzzzz')).status).toBe(404);
  });
});

describe('roles and the stage over WebSockets', () => {
  let hostWs: RoomClient, cohostWs: RoomClient, speakerWs: RoomClient, listenerWs: RoomClient, otherWs: RoomClient;

  test('everyone gets a snapshot; listener joins are counted, not announced one by one', async () => {
    hostWs = await RoomClient.join(host.client, salon.url, roomId);
    expect(hostWs.snapshot.you).toMatchObject({ role: 'host', muted: true });
    expect(hostWs.snapshot.hands).toEqual([]);
    [cohostWs, speakerWs, listenerWs, otherWs] = (await Promise.all(
      [cohost, speaker, listener, other].map((a) => RoomClient.join(a.client, salon.url, roomId)),
    )) as [RoomClient, RoomClient, RoomClient, RoomClient];
    expect(listenerWs.snapshot.you.role).toBe('listener');
    expect(listenerWs.snapshot.hands).toBeUndefined(); // the queue is for hosts
    expect(listenerWs.snapshot.stage.map((p: { id: string }) => p.id)).toEqual([ids.hostess]);
    await hostWs.next((m) => m.type === 'listenerCount' && m.count === 4);
    expect(hostWs.messages.some((m) => m.type === 'participantJoined' && m.participant.role === 'listener')).toBe(false);
  });

  test('hand raising: ordered queue for hosts, approval invites up, the listener consents', async () => {
    await speakerWs.request({ type: 'raiseHand' }, (m) => m.type === 'handRaised');
    await listenerWs.request({ type: 'raiseHand' }, (m) => m.type === 'handRaised');
    await hostWs.next((m) => m.type === 'handRaised' && m.id === ids.listener);
    const hostSaw = await hostWs.next((m) => m.type === 'handRaised' && m.id === ids.speaker);
    expect(hostSaw.name).toBe('speaker');
    // Other listeners do not see the queue.
    expect(otherWs.messages.some((m) => m.type === 'handRaised')).toBe(false);
    expect(cohostWs.messages.some((m) => m.type === 'handRaised')).toBe(false);

    // Listener lowers their own hand.
    await listenerWs.request({ type: 'lowerHand' }, (m) => m.type === 'handLowered');
    await hostWs.next((m) => m.type === 'handLowered' && m.id === ids.listener && m.reason === 'self');

    // "Next" takes the first in line: the speaker-to-be is invited and accepts.
    await hostWs.request({ type: 'nextHand' }, (m) => m.type === 'invited' && m.id === ids.speaker);
    await speakerWs.next((m) => m.type === 'invited' && m.as === 'speaker');
    await speakerWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === ids.speaker);
    const seen = await otherWs.next((m) => m.type === 'roleChanged' && m.id === ids.speaker);
    expect(seen).toMatchObject({ role: 'speaker', muted: true, participant: { name: 'speaker', role: 'speaker' } });
  });

  test('an invitation can be declined', async () => {
    await hostWs.request({ type: 'inviteToSpeak', target: ids.other }, (m) => m.type === 'invited');
    await otherWs.next((m) => m.type === 'invited');
    await otherWs.request({ type: 'declineInvite' }, (m) => m.type === 'inviteDeclined');
    await hostWs.next((m) => m.type === 'inviteDeclined' && m.id === ids.other);
  });

  test('co-host invitation needs consent; co-hosts cannot end the room or add co-hosts', async () => {
    await hostWs.request({ type: 'inviteCohost', target: ids.cohost }, (m) => m.type === 'invited');
    await cohostWs.next((m) => m.type === 'invited' && m.as === 'cohost');
    await cohostWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.role === 'cohost');
    // Now a manager, the co-host receives the hand queue.
    await cohostWs.next((m) => m.type === 'handQueue');
    const endTry = await cohostWs.request({ type: 'end' }, (m) => m.type === 'error');
    expect(endTry).toMatchObject({ code: 'forbidden', message: 'Only the host can end the room' });
    const addTry = await cohostWs.request({ type: 'inviteCohost', target: ids.other }, (m) => m.type === 'error');
    expect(addTry.code).toBe('forbidden');
  });

  test('the speaker unmutes; a co-host mutes them; only the speaker can unmute', async () => {
    await speakerWs.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && m.muted === false);
    await cohostWs.request({ type: 'muteSpeaker', target: ids.speaker }, (m) => m.type === 'muteChanged' && m.byModerator === true);
    await listenerWs.next((m) => m.type === 'muteChanged' && m.id === ids.speaker && m.muted === true);
    const listenerTry = await listenerWs.request({ type: 'unmute' }, (m) => m.type === 'error');
    expect(listenerTry.code).toBe('forbidden');
    await speakerWs.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && m.muted === false);
  });

  test('mute all, then move a speaker back to listeners', async () => {
    await hostWs.request({ type: 'muteAll' }, (m) => m.type === 'muteChanged' && m.id === ids.speaker && m.muted);
    await hostWs.request({ type: 'moveToListeners', target: ids.speaker }, (m) => m.type === 'roleChanged' && m.role === 'listener');
    await speakerWs.next((m) => m.type === 'roleChanged' && m.id === ids.speaker && m.role === 'listener');
  });

  test('forged and malformed messages get an error naming why, change nothing, and the socket survives', async () => {
    const before = JSON.stringify(salon.deps.live.get(roomId)!.snapshotFor(ids.hostess));
    const cases: [object | string, string, RegExp][] = [
      [{ type: 'end' }, 'forbidden', /Only the host can end the room/],
      [{ type: 'remove', target: ids.hostess }, 'forbidden', /Only the host and co-hosts/],
      [{ type: 'muteSpeaker', target: ids.cohost }, 'forbidden', /Only the host and co-hosts/],
      [{ type: 'approveHand', target: ids.other }, 'forbidden', /Only the host and co-hosts/],
      ['{not json', 'invalidMessage', /Messages must be JSON objects/],
      ['[1,2]', 'invalidMessage', /Messages must be JSON objects/],
      [{ type: 'teleport' }, 'invalidMessage', /Unknown message type "teleport"/],
      [{ noType: true }, 'invalidMessage', /Unknown message type/],
      [{ type: 'remove' }, 'invalidMessage', /Invalid target in remove/],
      [{ type: 'remove', target: "u:1; drop table users" }, 'invalidMessage', /Invalid target in remove/],
      [{ type: 'react', emoji: '💩' }, 'invalidMessage', /Invalid emoji in react/],
      [{ type: 'raiseHand', extra: 1 }, 'invalidMessage', /Invalid extra in raiseHand/],
      [{ type: 'report', reason: '' }, 'invalidMessage', /Invalid reason in report/],
    ];
    for (const [message, code, text] of cases) {
      const from = listenerWs.messages.length;
      listenerWs.send(message as object);
      const error = await listenerWs.next((m) => m.type === 'error', 2000, from);
      expect(error.code, JSON.stringify(message)).toBe(code);
      expect(error.message).toMatch(text);
    }
    expect(await listenerWs.request({ type: 'ping', ref: 'p1' }, (m) => m.type === 'pong')).toEqual({ type: 'pong', ref: 'p1' });
    expect(JSON.stringify(salon.deps.live.get(roomId)!.snapshotFor(ids.hostess))).toBe(before);
    expect(listenerWs.closed).toBeNull();
  });

  test('a flood of messages is rate limited, the socket survives', async () => {
    const from = otherWs.messages.length;
    for (let i = 0; i < 120; i++) otherWs.send({ type: 'ping' });
    await otherWs.next((m) => m.type === 'error' && m.code === 'rateLimited', 2000, from);
    await Bun.sleep(300);
    expect(await otherWs.request({ type: 'ping' }, (m) => m.type === 'pong')).toMatchObject({ type: 'pong' });
  });

  test('reactions are aggregated into a few messages', async () => {
    const from = hostWs.messages.length;
    for (let i = 0; i < 5; i++) listenerWs.send({ type: 'react', emoji: '👏' });
    otherWs.send({ type: 'react', emoji: '🔥' });
    const batch = await hostWs.next((m) => m.type === 'reactions', 2000, from);
    await Bun.sleep(400);
    const all = hostWs.messages.slice(from).filter((m) => m.type === 'reactions');
    const total = all.reduce((sum, m) => sum + (m.counts['👏'] ?? 0), 0);
    expect(total).toBe(5);
    expect(all.length).toBeLessThanOrEqual(2);
    expect(all.reduce((sum, m) => sum + (m.counts['🔥'] ?? 0), 0)).toBe(1);
    expect(Object.keys(batch.counts).length).toBeGreaterThan(0);
    for (const emoji of Object.keys(batch.counts)) expect(['👏', '🔥']).toContain(emoji);
  });

  test('a speaker who drops and reconnects within 30 s is back on stage, muted', async () => {
    await hostWs.request({ type: 'inviteToSpeak', target: ids.other }, (m) => m.type === 'invited');
    await otherWs.next((m) => m.type === 'invited' && m.as === 'speaker', 3000, otherWs.messages.length - 1);
    await otherWs.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.role === 'speaker');
    await otherWs.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && !m.muted);
    otherWs.terminate();
    await hostWs.next((m) => m.type === 'connectionChanged' && m.id === ids.other && m.connected === false);
    otherWs = await RoomClient.join(other.client, salon.url, roomId);
    expect(otherWs.snapshot.you).toMatchObject({ role: 'speaker', muted: true });
    await hostWs.next((m) => m.type === 'connectionChanged' && m.id === ids.other && m.connected === true);
  });

  test('a second window replaces the first (one socket per participant)', async () => {
    const second = await RoomClient.join(listener.client, salon.url, roomId);
    expect(second.snapshot.you.role).toBe('listener');
    expect((await listenerWs.waitClosed()).code).toBe(4409);
    listenerWs = second;
  });

  test('when the host drops, the co-host becomes acting host', async () => {
    hostWs.terminate();
    await cohostWs.next((m) => m.type === 'actingHostChanged' && m.id === ids.cohost);
    hostWs = await RoomClient.join(host.client, salon.url, roomId);
    expect(hostWs.snapshot.you.role).toBe('host');
    await cohostWs.next((m) => m.type === 'actingHostChanged' && m.id === null);
  });

  test('removal disconnects the person, and they cannot rejoin', async () => {
    await hostWs.request({ type: 'remove', target: ids.listener }, (m) => m.type === 'participantRemoved');
    await listenerWs.next((m) => m.type === 'removed');
    expect((await listenerWs.waitClosed()).code).toBe(4403);
    const retry = await RoomClient.join(listener.client, salon.url, roomId);
    expect(retry.messages[0]).toMatchObject({ type: 'error', code: 'removed' });
    expect((await retry.waitClosed()).code).toBe(4400);
    const page = await (await listener.client.get(`/r/${roomId}`)).text();
    expect(page).toContain('You were removed from this room.');
    const row = await salon.db.selectFrom('room_removals').selectAll().where('room_id', '=', roomId).executeTakeFirstOrThrow();
    expect(row.participant_key).toBe(ids.listener);
  });

  test("a person the host blocked cannot join, see or find the host's rooms", async () => {
    const attempt = await RoomClient.join(blocked.client, salon.url, roomId);
    expect(attempt.messages[0]).toMatchObject({ type: 'error', code: 'forbidden', message: 'You cannot join this room' });
    expect((await blocked.client.get(`/r/${roomId}`)).status).toBe(404);
    expect(await (await blocked.client.get('/')).text()).not.toContain(roomId);
    expect(await (await other.client.get('/')).text()).toContain(`/r/${roomId}`);
  });

  test('anonymous listeners listen and see, but cannot react or raise hands', async () => {
    const visitor = new WebClient(salon.url);
    await visitor.get(`/r/${roomId}`); // the page hands out the anonymous listener token
    const anon = await RoomClient.join(visitor, salon.url, roomId);
    expect(anon.snapshot.you).toMatchObject({ role: 'listener', anonymous: true });
    expect((await anon.request({ type: 'raiseHand' }, (m) => m.type === 'error')).code).toBe('signInRequired');
    expect((await anon.request({ type: 'react', emoji: '👏' }, (m) => m.type === 'error')).code).toBe('signInRequired');
    expect((await anon.request({ type: 'report', reason: 'spam' }, (m) => m.type === 'error')).code).toBe('signInRequired');
    const tokenless = await RoomClient.join(null, salon.url, roomId);
    expect(tokenless.messages[0]).toMatchObject({ type: 'error', code: 'signInRequired' });
    anon.close();
  });

  test('the instance can require an account to listen', async () => {
    await host.client.post('/admin/settings', { requireAccountToListen: 'yes' });
    const visitor = new WebClient(salon.url);
    const page = await (await visitor.get(`/r/${roomId}`)).text();
    expect(page).toContain('Sign in to listen to this room.');
    const attempt = await RoomClient.join(visitor, salon.url, roomId);
    expect(attempt.messages[0]).toMatchObject({ type: 'error', code: 'signInRequired' });
    await host.client.post('/admin/settings', { requireAccountToListen: 'no' });
  });

  test('cross-origin sockets are refused', async () => {
    const evil = new RoomClient(other.client, salon.url, roomId, { origin: 'https://evil.example' });
    await expect(evil.opened).rejects.toThrow();
  });

  test('reports are stored for admins, from the socket and from the form', async () => {
    await otherWs.request({ type: 'report', target: ids.cohost, reason: 'Rude remarks' }, (m) => m.type === 'reported');
    const form = await other.client.post(`/r/${roomId}/report`, { reason: 'Off-topic room', target: '@hostess' });
    expect(form.status).toBe(201);
    const empty = await other.client.post(`/r/${roomId}/report`, { reason: '  ' });
    expect((await empty.json()).field).toBe('reason');
    const reports = await salon.db.selectFrom('reports').selectAll().where('room_id', '=', roomId).orderBy('id').execute();
    expect(reports.map((r) => r.reason)).toEqual(['Rude remarks', 'Off-topic room']);
    expect(reports[0]!.target_user_id).toBe(Number(ids.cohost.slice(2)));
  });

  test('home lists the live room with its speakers and count; the host profile gets the live ring', async () => {
    const home = await (await other.client.get('/')).text();
    expect(home).toMatch(/class="avatar s\d+ live"/);
    expect(home).toContain('Jazz &amp; &lt;friends&gt;');
    const profile = await (await other.client.get('/@hostess')).text();
    expect(profile).toContain(`href="/r/${roomId}"`);
    expect(profile).toMatch(/avatar s96 live/);
  });

  test('the host ends the room: everyone is told, sockets close, the ending is stored', async () => {
    await hostWs.request({ type: 'end' }, (m) => m.type === 'roomEnded');
    for (const ws of [cohostWs, otherWs, speakerWs]) {
      await ws.next((m) => m.type === 'roomEnded' && m.reason === 'host');
      expect((await ws.waitClosed()).code).toBe(4000);
    }
    await salon.deps.live.endAll('shutdown'); // flushes history writes
    const row = await salon.db.selectFrom('rooms').selectAll().where('id', '=', roomId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'ended', end_reason: 'host' });
    expect(row.peak_listeners).toBeGreaterThanOrEqual(4);
    await waitFor(async () => {
      const open = await salon.db.selectFrom('room_participants').select('id').where('room_id', '=', roomId).where('left_at', 'is', null).execute();
      return open.length === 0;
    }, 3000, 'participation rows to close');
    const history = await salon.db.selectFrom('room_participants').selectAll().where('room_id', '=', roomId).execute();
    expect(history.find((h) => h.user_id === Number(ids.cohost.slice(2)))!.top_role).toBe('cohost');
    expect(await (await other.client.get(`/r/${roomId}`)).text()).toContain('This room has ended.');
    const studio = await (await host.client.get('/studio')).text();
    expect(studio).toContain('ended by the host');
    const again = await RoomClient.join(other.client, salon.url, roomId);
    expect(again.messages[0]).toMatchObject({ type: 'error', code: 'ended' });
  });
});

describe('the listener list for hosts', () => {
  test('hosts and co-hosts may list listeners; others may not', async () => {
    const roomRes = await cohost.client.post('/studio/rooms', { title: 'Cohost cannot host yet' });
    expect(roomRes.status).toBe(403);
    const id = (await (await host.client.post('/studio/rooms', { title: 'Second room' })).json()).id;
    const hostWs = await RoomClient.join(host.client, salon.url, id);
    const otherWs = await RoomClient.join(other.client, salon.url, id);
    await waitFor(() => salon.deps.live.get(id)!.state.listenerCount() === 1);
    const list = await host.client.json(`/r/${id}/listeners`);
    expect(list).toEqual({ listeners: [expect.objectContaining({ id: ids.other, name: 'other', role: 'listener' })], total: 1 });
    expect((await other.client.get(`/r/${id}/listeners`, 'json')).status).toBe(403);
    expect((await new WebClient(salon.url).get(`/r/${id}/listeners`, 'json')).status).toBe(401);
    hostWs.close();
    otherWs.close();
    salon.deps.live.get(id)!.end('host');
  });
});
