// The audit log: an entry for every admin action (settings with the values before, suspension,
// promotion, hosting grants, room ends and removals) and every host moderation action in a live
// room (remove, mute, mute all, move to listeners, record, block, end); the database refuses
// edits and deletions; /admin/audit filters.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account;
let host: Account;
const ids: Record<string, number> = {};

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const entries = async (action: string) => {
  await salon.deps.audit.settled();
  return salon.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
};
const parse = (text: string | null) => (text === null ? null : JSON.parse(text));

async function startRoom(title: string) {
  const res = await host.client.post('/studio/rooms', { title });
  expect(res.status).toBe(201);
  return (await res.json()).id as string;
}

async function joinAs(account: Account, roomId: string) {
  await account.client.get(`/r/${roomId}`);
  return RoomClient.join(account.client, salon.url, roomId);
}

beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'au_admin');
  host = await signUp(salon.url, 'au_host');
  await signUp(salon.url, 'au_member');
  for (const h of ['au_admin', 'au_host', 'au_member']) ids[h] = await idOf(h);
});
afterAll(() => salon.dispose());

describe('admin actions', () => {
  test('settings: one entry naming each changed key with its value before', async () => {
    const res = await admin.client.post('/admin/settings', { instanceName: 'Audited', inviteQuota: '7' });
    expect(res.status).toBe(200);
    const [entry] = await entries('settings.update');
    expect(entry).toMatchObject({ actor_id: ids.au_admin, actor_name: 'au_admin', actor_role: 'admin', target_type: 'settings' });
    expect(parse(entry!.previous)).toEqual({ instanceName: 'Salon', inviteQuota: expect.any(Number) });
    expect(parse(entry!.previous).inviteQuota).not.toBe(7);
    expect(parse(entry!.details)).toEqual({ values: { instanceName: 'Audited', inviteQuota: 7 } });
    // Saving the same values again changes nothing, and logs nothing.
    await admin.client.post('/admin/settings', { instanceName: 'Audited', inviteQuota: '7' });
    expect(await entries('settings.update')).toHaveLength(1);
  });

  test('hosting grants, suspension, promotion: who, whom and the value before', async () => {
    for (const action of ['grant-host', 'revoke-host', 'suspend', 'unsuspend', 'promote']) {
      expect((await admin.client.post(`/admin/users/${ids.au_member}/${action}`)).status).toBe(200);
    }
    expect((await admin.client.post(`/admin/users/${ids.au_host}/grant-host`)).status).toBe(200);
    const grants = await entries('user.grantHost');
    expect(grants.map((e) => e.target_name)).toEqual(['au_member', 'au_host']);
    expect(grants[0]).toMatchObject({ actor_name: 'au_admin', actor_role: 'admin', target_type: 'user', target_id: String(ids.au_member) });
    expect(parse(grants[0]!.previous)).toEqual({ hostingGranted: false });
    expect(parse((await entries('user.revokeHost'))[0]!.previous)).toEqual({ hostingGranted: true });
    expect(parse((await entries('user.suspend'))[0]!.previous)).toEqual({ suspendedAt: null });
    expect(parse((await entries('user.unsuspend'))[0]!.previous).suspendedAt).toMatch(/^\d{4}-/);
    expect(parse((await entries('user.promote'))[0]!.previous)).toEqual({ role: 'member' });
  });

  test('an admin ends a room and removes someone from it', async () => {
    const roomId = await startRoom('Admin moderation');
    const hostWs = await joinAs(host, roomId);
    const listener = await signUp(salon.url, 'au_listener1');
    await joinAs(listener, roomId);
    const removed = await admin.client.post(`/r/${roomId}/remove`, { participant: `u:${await idOf('au_listener1')}` });
    expect(removed.status).toBe(200);
    const [removal] = await entries('room.remove');
    expect(removal).toMatchObject({ actor_name: 'au_admin', actor_role: 'admin', target_type: 'user', target_name: 'au_listener1', room_id: roomId });
    expect(parse(removal!.previous)).toEqual({ role: 'listener' });
    expect((await admin.client.post(`/r/${roomId}/end`)).status).toBeLessThan(400);
    await hostWs.waitClosed();
    const [end] = await entries('room.end');
    expect(end).toMatchObject({ actor_name: 'au_admin', actor_role: 'admin', target_type: 'room', target_id: roomId, room_id: roomId });
  });
});

describe('host moderation in a live room', () => {
  let roomId: string;
  let hostWs: RoomClient;
  const pid: Record<string, string> = {};
  const people: Record<string, { account: Account; ws: RoomClient }> = {};

  beforeAll(async () => {
    roomId = await startRoom('Host moderation');
    hostWs = await joinAs(host, roomId);
    for (const who of ['au_speaker', 'au_cohost', 'au_noisy', 'au_troll']) {
      const account = await signUp(salon.url, who);
      pid[who] = `u:${await idOf(who)}`;
      people[who] = { account, ws: await joinAs(account, roomId) };
    }
    for (const [who, kind] of [['au_speaker', 'inviteToSpeak'], ['au_cohost', 'inviteCohost']] as const) {
      await hostWs.request({ type: kind, target: pid[who] }, (m) => m.type === 'invited' && m.id === pid[who]);
      await people[who]!.ws.request({ type: 'acceptInvite' }, (m) => m.type === 'roleChanged' && m.id === pid[who]);
    }
  });

  test('mute, mute all, move to listeners, remove', async () => {
    const speaker = people.au_speaker!.ws;
    await speaker.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && m.id === pid.au_speaker && !m.muted);
    await hostWs.request({ type: 'muteSpeaker', target: pid.au_speaker }, (m) => m.type === 'muteChanged' && m.id === pid.au_speaker && m.muted);
    const [mute] = await entries('room.mute');
    expect(mute).toMatchObject({ actor_name: 'au_host', actor_role: 'host', target_name: 'au_speaker', room_id: roomId });
    expect(parse(mute!.previous)).toEqual({ muted: false });

    await speaker.request({ type: 'unmute' }, (m) => m.type === 'muteChanged' && m.id === pid.au_speaker && !m.muted);
    // A co-host mutes everyone: logged as the co-host.
    await people.au_cohost!.ws.request({ type: 'muteAll' }, (m) => m.type === 'muteChanged' && m.id === pid.au_speaker && m.muted);
    const [muteAll] = await entries('room.muteAll');
    expect(muteAll).toMatchObject({ actor_name: 'au_cohost', actor_role: 'cohost', target_type: 'room', target_id: roomId, room_id: roomId });
    expect(parse(muteAll!.details)).toEqual({ muted: [pid.au_speaker] });

    await hostWs.request({ type: 'moveToListeners', target: pid.au_speaker }, (m) => m.type === 'roleChanged' && m.id === pid.au_speaker);
    const [moved] = await entries('room.moveToListeners');
    expect(moved).toMatchObject({ actor_name: 'au_host', target_name: 'au_speaker' });
    expect(parse(moved!.previous)).toEqual({ role: 'speaker' });

    hostWs.send({ type: 'remove', target: pid.au_noisy });
    await people.au_noisy!.ws.waitClosed();
    await waitFor(async () => (await entries('room.remove')).some((e) => e.room_id === roomId));
    const removal = (await entries('room.remove')).find((e) => e.room_id === roomId)!;
    expect(removal).toMatchObject({ actor_name: 'au_host', actor_role: 'host', target_name: 'au_noisy' });
    expect(parse(removal.previous)).toEqual({ role: 'listener' });
  });

  test('a refused command logs nothing', async () => {
    const before = (await entries('room.remove')).length;
    await people.au_troll!.ws.request({ type: 'remove', target: pid.au_cohost }, (m) => m.type === 'error');
    expect(await entries('room.remove')).toHaveLength(before);
  });

  test('recording on and off', async () => {
    const started = await hostWs.request({ type: 'startRecording' }, (m) => m.type === 'recordingChanged' || m.type === 'error');
    expect(started.type).toBe('recordingChanged'); // ffmpeg is installed by the test set-up
    await hostWs.request({ type: 'stopRecording' }, (m) => m.type === 'recordingChanged' && !m.recording);
    const [on] = await entries('room.startRecording');
    const [off] = await entries('room.stopRecording');
    expect(on).toMatchObject({ actor_name: 'au_host', actor_role: 'host', room_id: roomId });
    expect(parse(on!.previous)).toEqual({ recording: false });
    expect(parse(off!.previous)).toEqual({ recording: true });
  });

  test('the host blocks someone who is in the room', async () => {
    expect((await host.client.post('/@au_troll/block', {})).status).toBeLessThan(400);
    await people.au_troll!.ws.waitClosed();
    const [block] = await entries('room.block');
    expect(block).toMatchObject({ actor_id: ids.au_host, actor_name: 'au_host', actor_role: 'host', target_name: 'au_troll', room_id: roomId });
  });

  test('the host ends the room', async () => {
    hostWs.send({ type: 'end' });
    await hostWs.waitClosed();
    await waitFor(async () => (await entries('room.end')).some((e) => e.room_id === roomId));
    const end = (await entries('room.end')).find((e) => e.room_id === roomId)!;
    expect(end).toMatchObject({ actor_name: 'au_host', actor_role: 'host', target_type: 'room' });
  });
});

describe('the log itself', () => {
  test('the database refuses to edit or delete an entry', async () => {
    const count = (await salon.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(count).toBeGreaterThan(10);
    await expect(salon.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(/append-only/);
    await expect(salon.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    const after = (await salon.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(after).toBe(count);
    expect(await entries('forged')).toEqual([]);
  });

  test('a failed write never reaches the caller', async () => {
    await expect(salon.deps.audit.record({ actor: { id: null, name: 'x', role: 'system' }, action: undefined as unknown as string })).resolves.toBeUndefined();
  });

  test('/admin/audit lists newest first and filters', async () => {
    const all = (await admin.client.json('/admin/audit')).entries as { id: number; action: string; actor_name: string; target_name: string; room_id: string | null }[];
    expect(all.length).toBeGreaterThan(10);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    const suspensions = (await admin.client.json('/admin/audit?action=user.suspend')).entries;
    expect(suspensions.map((e: { action: string }) => e.action)).toEqual(['user.suspend']);
    const byHost = (await admin.client.json('/admin/audit?actor=au_host')).entries as typeof all;
    expect(byHost.length).toBeGreaterThan(3);
    expect(byHost.every((e) => e.actor_name === 'au_host')).toBe(true);
    const aboutTroll = (await admin.client.json('/admin/audit?target=%40au_troll')).entries as typeof all;
    expect(aboutTroll.map((e) => e.action)).toEqual(['room.block']);
    const roomId = aboutTroll[0]!.room_id!;
    const inRoom = (await admin.client.json(`/admin/audit?room=${roomId}`)).entries as typeof all;
    expect(inRoom.every((e) => e.room_id === roomId)).toBe(true);
    expect(new Set(inRoom.map((e) => e.action))).toContain('room.end');
    const today = new Date().toISOString().slice(0, 10);
    expect((await admin.client.json(`/admin/audit?from=${today}&to=${today}`)).entries).toHaveLength(all.length);
    expect((await admin.client.json('/admin/audit?to=2000-01-01')).entries).toEqual([]);
    expect((await admin.client.json('/admin/audit?page=1')).entries).toEqual([]);
    expect((await admin.client.get('/admin/audit?from=yesterday', 'json')).status).toBe(400);
  });

  test('the page shows the entries and offers no way to change them', async () => {
    const res = await admin.client.get('/admin/audit?action=settings.update');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Changed settings');
    expect(page).toContain('instanceName');
    expect(page).not.toMatch(/<form[^>]+method="post"[^>]+action="\/admin\/audit/);
    expect((await admin.client.post('/admin/audit', {})).status).toBe(404);
  });
});
