import { beforeEach, describe, expect, test } from 'bun:test';
import { RoomState } from '../../../src/rooms/live/room-state';
import { RoomError, type RoomCommand, type RoomEvent } from '../../../src/rooms/live/room.model';

const limits = { maxCohosts: 2, maxSpeakers: 10, maxListeners: 0, graceMs: 5 * 60_000, reconnectMs: 30_000 };
const person = (userId: number | null, name = `user${userId}`) => ({
  id: userId === null ? `a:${name}` : `u:${userId}`,
  userId,
  handle: userId === null ? null : name,
  name,
  avatar: null,
});

let room: RoomState;
let now: number;
const make = (overrides: Partial<typeof limits> = {}, speakPolicy: 'anyone' | 'invited' = 'anyone') => {
  room = new RoomState({ id: 'r1', hostUserId: 1, speakPolicy, limits: { ...limits, ...overrides } });
  now = 1_000_000;
};
const join = (userId: number | null, name?: string) => room.join(person(userId, name), (now += 10)).participant;
const run = (actor: string, cmd: RoomCommand) => room.command(actor, cmd, (now += 10));
const types = (events: RoomEvent[]) => events.map((e) => e.type);
/** Expects a RoomError with `code` and checks nothing changed. */
function refused(actor: string, cmd: RoomCommand, code: RoomError['code']) {
  const before = JSON.stringify([...room.participants.values()]) + room.status + room.actingHostId;
  let error: unknown;
  try {
    run(actor, cmd);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RoomError);
  expect((error as RoomError).code).toBe(code);
  expect(JSON.stringify([...room.participants.values()]) + room.status + room.actingHostId).toBe(before);
}
/** Puts user `id` on stage as a speaker through the consent flow. */
function makeSpeaker(id: number) {
  if (!room.get(`u:${id}`)) join(id);
  run('u:1', { type: 'inviteToSpeak', target: `u:${id}` });
  run(`u:${id}`, { type: 'acceptInvite' });
}
function makeCohost(id: number) {
  if (!room.get(`u:${id}`)) join(id);
  run('u:1', { type: 'inviteCohost', target: `u:${id}` });
  run(`u:${id}`, { type: 'acceptInvite' });
}

beforeEach(() => make());

describe('joining', () => {
  test('the host joins as host, others as listeners, muted', () => {
    expect(join(1).role).toBe('host');
    const listener = join(2);
    expect(listener).toMatchObject({ role: 'listener', muted: true, connected: true });
    expect(room.listenerCount()).toBe(1);
    expect(room.stage().map((p) => p.id)).toEqual(['u:1']);
  });

  test('a full room refuses new listeners, never the host', () => {
    make({ maxListeners: 2 });
    join(2);
    join(3);
    expect(() => join(4)).toThrow(RoomError);
    expect(join(1).role).toBe('host');
  });

  test('nobody joins an ended room', () => {
    join(1);
    run('u:1', { type: 'end' });
    expect(() => join(2)).toThrow('This room has ended');
  });
});

describe('hand raising', () => {
  beforeEach(() => {
    join(1);
    join(2);
    join(3);
  });

  test('an ordered queue: first asked first', () => {
    run('u:3', { type: 'raiseHand' });
    run('u:2', { type: 'raiseHand' });
    expect(room.hands().map((p) => p.id)).toEqual(['u:3', 'u:2']);
  });

  test('a listener lowers their own hand', () => {
    run('u:2', { type: 'raiseHand' });
    expect(types(run('u:2', { type: 'lowerHand' }))).toEqual(['handLowered']);
    expect(room.hands()).toEqual([]);
    refused('u:2', { type: 'lowerHand' }, 'invalidState');
  });

  test('twice, or from the stage, or anonymously, is refused', () => {
    run('u:2', { type: 'raiseHand' });
    refused('u:2', { type: 'raiseHand' }, 'invalidState');
    refused('u:1', { type: 'raiseHand' }, 'invalidState');
    join(null, 'anon');
    refused('a:anon', { type: 'raiseHand' }, 'signInRequired');
  });

  test('closed when only invited people may speak', () => {
    make({}, 'invited');
    join(1);
    join(2);
    refused('u:2', { type: 'raiseHand' }, 'forbidden');
    // ...but the host can still invite.
    expect(types(run('u:1', { type: 'inviteToSpeak', target: 'u:2' }))).toEqual(['invited']);
  });

  test('approve invites the person up (consent needed), lowering the hand', () => {
    run('u:2', { type: 'raiseHand' });
    expect(types(run('u:1', { type: 'approveHand', target: 'u:2' }))).toEqual(['handLowered', 'invited']);
    expect(room.get('u:2')).toMatchObject({ role: 'listener', pendingInvite: 'speaker', handRaisedAt: null });
    expect(types(run('u:2', { type: 'acceptInvite' }))).toEqual(['roleChanged']);
    expect(room.get('u:2')).toMatchObject({ role: 'speaker', muted: true, pendingInvite: null });
  });

  test('deny lowers the hand', () => {
    run('u:2', { type: 'raiseHand' });
    const events = run('u:1', { type: 'denyHand', target: 'u:2' });
    expect(events).toEqual([{ type: 'handLowered', id: 'u:2', reason: 'denied' }]);
    refused('u:1', { type: 'denyHand', target: 'u:2' }, 'invalidState');
  });

  test('"next" takes the longest-waiting hand', () => {
    run('u:3', { type: 'raiseHand' });
    run('u:2', { type: 'raiseHand' });
    run('u:1', { type: 'nextHand' });
    expect(room.get('u:3')!.pendingInvite).toBe('speaker');
    expect(room.hands().map((p) => p.id)).toEqual(['u:2']);
    run('u:1', { type: 'nextHand' });
    refused('u:1', { type: 'nextHand' }, 'invalidState');
  });

  test('listeners and speakers cannot approve, deny or take next', () => {
    run('u:2', { type: 'raiseHand' });
    refused('u:3', { type: 'approveHand', target: 'u:2' }, 'forbidden');
    refused('u:3', { type: 'denyHand', target: 'u:2' }, 'forbidden');
    refused('u:3', { type: 'nextHand' }, 'forbidden');
    makeSpeaker(4);
    refused('u:4', { type: 'approveHand', target: 'u:2' }, 'forbidden');
  });

  test('a person who leaves leaves the queue', () => {
    run('u:2', { type: 'raiseHand' });
    expect(types(room.leave('u:2', now))).toEqual(['handLowered', 'participantLeft']);
    expect(room.hands()).toEqual([]);
  });
});

describe('invitations need consent', () => {
  beforeEach(() => {
    join(1);
    join(2);
  });

  test('declining keeps the listener a listener', () => {
    run('u:1', { type: 'inviteToSpeak', target: 'u:2' });
    expect(run('u:2', { type: 'declineInvite' })).toEqual([{ type: 'inviteDeclined', id: 'u:2', as: 'speaker' }]);
    expect(room.get('u:2')).toMatchObject({ role: 'listener', pendingInvite: null });
    refused('u:2', { type: 'acceptInvite' }, 'invalidState');
    refused('u:2', { type: 'declineInvite' }, 'invalidState');
  });

  test('nobody can accept for someone else; anonymous listeners cannot be invited', () => {
    run('u:1', { type: 'inviteToSpeak', target: 'u:2' });
    join(3);
    refused('u:3', { type: 'acceptInvite' }, 'invalidState');
    join(null, 'ghost');
    refused('u:1', { type: 'inviteToSpeak', target: 'a:ghost' }, 'forbidden');
    refused('u:1', { type: 'inviteToSpeak', target: 'u:99' }, 'notFound');
  });

  test('co-host invitations: host only, consent, then host powers minus ending and adding co-hosts', () => {
    makeSpeaker(2);
    join(3);
    run('u:1', { type: 'inviteCohost', target: 'u:2' });
    expect(room.get('u:2')!.role).toBe('speaker'); // not until they accept
    run('u:2', { type: 'acceptInvite' });
    expect(room.get('u:2')!.role).toBe('cohost');
    refused('u:2', { type: 'inviteCohost', target: 'u:3' }, 'forbidden');
    refused('u:2', { type: 'end' }, 'forbidden');
    expect(types(run('u:2', { type: 'inviteToSpeak', target: 'u:3' }))).toEqual(['invited']);
  });

  test('a speaker cannot invite anyone', () => {
    makeSpeaker(2);
    join(3);
    refused('u:2', { type: 'inviteToSpeak', target: 'u:3' }, 'forbidden');
    refused('u:2', { type: 'inviteCohost', target: 'u:3' }, 'forbidden');
  });
});

describe('limits', () => {
  test('a third co-host is refused, at invitation and at acceptance', () => {
    join(1);
    makeCohost(2);
    join(4);
    run('u:1', { type: 'inviteCohost', target: 'u:4' }); // invited while there is room
    makeCohost(3);
    refused('u:4', { type: 'acceptInvite' }, 'limitReached');
    join(5);
    refused('u:1', { type: 'inviteCohost', target: 'u:5' }, 'limitReached');
    expect(room.count('cohost')).toBe(2);
  });

  test('an eleventh speaker is refused; 13 on stage in all', () => {
    join(1);
    makeCohost(2);
    makeCohost(3);
    for (let id = 10; id < 20; id++) makeSpeaker(id);
    expect(room.count('speaker')).toBe(10);
    join(20);
    refused('u:1', { type: 'inviteToSpeak', target: 'u:20' }, 'limitReached');
    expect(room.stage().length).toBe(13);
    // A speaker promoted to co-host frees a speaker seat (when co-host room exists).
    run('u:10', { type: 'leaveStage' });
    expect(types(run('u:1', { type: 'inviteToSpeak', target: 'u:20' }))).toEqual(['invited']);
  });

  test('limits come from settings', () => {
    make({ maxSpeakers: 1, maxCohosts: 0 });
    join(1);
    makeSpeaker(2);
    join(3);
    refused('u:1', { type: 'inviteToSpeak', target: 'u:3' }, 'limitReached');
    refused('u:1', { type: 'inviteCohost', target: 'u:2' }, 'limitReached');
  });
});

describe('microphones and the stage', () => {
  beforeEach(() => {
    join(1);
    makeCohost(2);
    makeSpeaker(3);
    makeSpeaker(4);
    join(5);
  });

  test('speakers mute and unmute themselves; listeners have no microphone', () => {
    expect(run('u:3', { type: 'unmute' })).toEqual([{ type: 'muteChanged', id: 'u:3', muted: false, byModerator: false }]);
    expect(run('u:3', { type: 'mute' })).toEqual([{ type: 'muteChanged', id: 'u:3', muted: true, byModerator: false }]);
    refused('u:5', { type: 'unmute' }, 'forbidden');
  });

  test('a moderator mute sticks until the speaker unmutes; only they can', () => {
    run('u:3', { type: 'unmute' });
    expect(run('u:2', { type: 'muteSpeaker', target: 'u:3' })).toEqual([{ type: 'muteChanged', id: 'u:3', muted: true, byModerator: true }]);
    expect(room.get('u:3')!.mutedByModerator).toBe(true);
    refused('u:4', { type: 'muteSpeaker', target: 'u:3' }, 'forbidden');
    run('u:3', { type: 'unmute' });
    expect(room.get('u:3')).toMatchObject({ muted: false, mutedByModerator: false });
  });

  test('mute all silences speakers (and co-hosts when the host asks), never the host', () => {
    for (const id of ['u:1', 'u:2', 'u:3', 'u:4']) run(id, { type: 'unmute' });
    const byCohost = run('u:2', { type: 'muteAll' });
    expect(byCohost.map((e) => (e as { id: string }).id).sort()).toEqual(['u:3', 'u:4']);
    run('u:3', { type: 'unmute' });
    const byHost = run('u:1', { type: 'muteAll' });
    expect(byHost.map((e) => (e as { id: string }).id).sort()).toEqual(['u:2', 'u:3']);
    expect(room.get('u:1')!.muted).toBe(false);
  });

  test('nobody mutes, moves or removes the host; co-hosts cannot act on co-hosts', () => {
    run('u:1', { type: 'unmute' });
    refused('u:2', { type: 'muteSpeaker', target: 'u:1' }, 'forbidden');
    refused('u:2', { type: 'moveToListeners', target: 'u:1' }, 'forbidden');
    refused('u:2', { type: 'remove', target: 'u:1' }, 'forbidden');
    makeCohost(6);
    refused('u:2', { type: 'muteSpeaker', target: 'u:6' }, 'forbidden');
    refused('u:2', { type: 'remove', target: 'u:6' }, 'forbidden');
    expect(types(run('u:1', { type: 'moveToListeners', target: 'u:6' }))).toEqual(['roleChanged']);
  });

  test('moving a speaker back to listeners', () => {
    run('u:3', { type: 'unmute' });
    expect(run('u:2', { type: 'moveToListeners', target: 'u:3' })).toEqual([{ type: 'roleChanged', id: 'u:3', role: 'listener', previous: 'speaker', muted: true }]);
    refused('u:2', { type: 'moveToListeners', target: 'u:3' }, 'invalidState');
    refused('u:4', { type: 'moveToListeners', target: 'u:2' }, 'forbidden');
  });

  test('leaving the stage, except for the host', () => {
    expect(types(run('u:4', { type: 'leaveStage' }))).toEqual(['roleChanged']);
    expect(types(run('u:2', { type: 'leaveStage' }))).toEqual(['roleChanged']);
    refused('u:1', { type: 'leaveStage' }, 'forbidden');
    refused('u:5', { type: 'leaveStage' }, 'invalidState');
  });

  test('removal takes the person out; listeners and speakers cannot remove', () => {
    refused('u:3', { type: 'remove', target: 'u:5' }, 'forbidden');
    refused('u:5', { type: 'remove', target: 'u:3' }, 'forbidden');
    refused('u:2', { type: 'remove', target: 'u:2' }, 'invalidState');
    expect(types(run('u:2', { type: 'remove', target: 'u:4' }))).toEqual(['participantRemoved', 'participantLeft']);
    expect(room.get('u:4')).toBeUndefined();
  });

  test('reactions: members only', () => {
    expect(run('u:5', { type: 'react', emoji: '👏' })).toEqual([{ type: 'reacted', id: 'u:5', emoji: '👏' }]);
    join(null, 'anon');
    refused('a:anon', { type: 'react', emoji: '👏' }, 'signInRequired');
  });

  test('strangers and ghosts cannot act', () => {
    refused('u:404', { type: 'raiseHand' }, 'notFound');
  });
});

describe('ending, acting host and the grace period', () => {
  test('only the host ends the room; then every command is refused', () => {
    join(1);
    makeCohost(2);
    refused('u:2', { type: 'end' }, 'forbidden');
    expect(run('u:1', { type: 'end' })).toEqual([{ type: 'roomEnded', reason: 'host' }]);
    expect(room.status).toBe('ended');
    refused('u:2', { type: 'mute' }, 'ended');
  });

  test('when the host drops, a present co-host becomes acting host with host powers, until the host returns', () => {
    join(1);
    makeCohost(2);
    join(3);
    const events = room.disconnect('u:1', (now += 10));
    expect(events).toEqual([{ type: 'connectionChanged', id: 'u:1', connected: false }, { type: 'actingHostChanged', id: 'u:2' }]);
    expect(room.hasHostPowers('u:2')).toBe(true);
    expect(types(run('u:2', { type: 'inviteCohost', target: 'u:3' }))).toEqual(['invited']);
    const back = room.join(person(1), (now += 10));
    expect(back.reconnected).toBe(true);
    expect(types(back.events)).toContain('actingHostChanged');
    expect(room.actingHostId).toBeNull();
    refused('u:2', { type: 'end' }, 'forbidden');
  });

  test('without host or co-host, the room ends after the grace period', () => {
    join(1);
    join(2);
    room.disconnect('u:1', now);
    expect(room.hostlessSince).toBe(now);
    expect(room.tick(now + 29_000)).toEqual([]);
    const expired = room.tick(now + 30_000); // the host's seat is released
    expect(types(expired)).toEqual(['participantLeft']);
    expect(room.tick(now + 5 * 60_000 - 1)).toEqual([]);
    expect(room.tick(now + 5 * 60_000)).toEqual([{ type: 'roomEnded', reason: 'noHost' }]);
  });

  test('a host or co-host coming back within the grace period keeps the room alive', () => {
    join(1);
    room.leave('u:1', now);
    expect(room.hostlessSince).not.toBeNull();
    join(1);
    expect(room.hostlessSince).toBeNull();
    expect(room.tick(now + 10 * 60_000).filter((e) => e.type === 'roomEnded')).toEqual([]);
  });

  test('the acting host passes to another present co-host, and the grace starts when none is left', () => {
    join(1);
    makeCohost(2);
    makeCohost(3);
    room.leave('u:1', (now += 10));
    expect(room.actingHostId).toBe('u:2');
    room.disconnect('u:2', (now += 10));
    expect(room.actingHostId).toBe('u:3');
    run('u:3', { type: 'leaveStage' });
    expect(room.actingHostId).toBeNull();
    expect(room.hostlessSince).toBe(now);
  });
});

describe('reconnection', () => {
  test('within 30 s a speaker gets the stage back, muted; after it, their seat is gone', () => {
    join(1);
    makeSpeaker(2);
    run('u:2', { type: 'unmute' });
    room.disconnect('u:2', now);
    expect(room.get('u:2')).toMatchObject({ role: 'speaker', connected: false });
    const back = room.join(person(2), now + 29_000);
    expect(back.reconnected).toBe(true);
    expect(back.participant).toMatchObject({ role: 'speaker', muted: true, connected: true });
    room.disconnect('u:2', now + 30_000);
    room.tick(now + 60_000);
    expect(room.get('u:2')).toBeUndefined();
    expect(room.join(person(2), now + 61_000).participant.role).toBe('listener');
  });

  test('a disconnected listener still counts until the window closes', () => {
    join(1);
    join(2);
    room.disconnect('u:2', now);
    expect(room.listenerCount()).toBe(1);
    room.tick(now + 30_000);
    expect(room.listenerCount()).toBe(0);
  });
});

describe('role counts', () => {
  test('stay equal to a recount through joins, role changes, removals and departures', () => {
    join(1);
    makeCohost(2);
    makeSpeaker(3);
    join(4);
    join(null, 'anon');
    run('u:1', { type: 'moveToListeners', target: 'u:3' });
    run('u:1', { type: 'remove', target: 'u:4' });
    room.leave('u:2', now);
    for (const role of ['host', 'cohost', 'speaker', 'listener'] as const) {
      const recount = [...room.participants.values()].filter((p) => p.role === role).length;
      expect(room.count(role), role).toBe(recount);
    }
    expect(room.listenerCount()).toBe(2);
  });
});
