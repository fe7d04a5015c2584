// The browser's room reducer, one server message type at a time. Parts a message does not touch
// keep their identity: the views rely on it to redraw only what changed.
import { describe, expect, test } from 'bun:test';
import { closeCodes, type ServerMessage, type ServerMessageType, type You } from '../../../src/rooms/live/protocol';
import type { PublicParticipant } from '../../../src/rooms/live/room.model';
import { initialRoomState, reduceRoom, socketClosed, type RoomState } from '../../../src/client/room-state';

const person = (id: string, role: PublicParticipant['role'], extra: Partial<PublicParticipant> = {}): PublicParticipant => ({
  id,
  handle: id.slice(2),
  name: id.slice(2),
  avatar: null,
  role,
  muted: true,
  connected: true,
  anonymous: false,
  ...extra,
});
const me: You = { id: 'u:2', role: 'listener', muted: true, handRaised: false, pendingInvite: null, anonymous: false, moderator: false, recordingConsent: false };
const host = person('u:1', 'host', { muted: false });

function joined(extra: Partial<RoomState> = {}): RoomState {
  const s = reduceRoom(initialRoomState('r1', '', 0), {
    type: 'snapshot',
    room: { id: 'r1', title: 'Jazz', topics: [], speakPolicy: 'anyone', hostUserId: 1, recording: false },
    you: me,
    stage: [host],
    listenerCount: 3,
    actingHostId: null,
  });
  return { ...s, ...extra };
}

const covered = new Set<ServerMessageType>();
const reduce = (s: RoomState, m: ServerMessage) => {
  covered.add(m.type);
  return reduceRoom(s, m);
};

describe('room reducer', () => {
  test('snapshot: the room as it is, me included; hands only for managers', () => {
    const s = reduce(initialRoomState('r1', 'old', 0), {
      type: 'snapshot',
      room: { id: 'r1', title: 'Jazz', topics: ['music'], speakPolicy: 'invited', hostUserId: 1, recording: true },
      you: me,
      stage: [host],
      listenerCount: 3,
      actingHostId: 'u:1',
      hands: [{ id: 'u:5', name: 'five', handle: 'five', raisedAt: 10 }],
    });
    expect(s).toMatchObject({ title: 'Jazz', speakPolicy: 'invited', recording: true, me, stage: [host], listenerCount: 3, actingHostId: 'u:1', final: null });
    expect(joined().recording).toBe(false);
    expect(s.hands).toEqual([{ id: 'u:5', name: 'five', handle: 'five', raisedAt: 10 }]);
    expect(joined().hands).toEqual([]);
  });

  test('participantJoined: people on stage are seated, listeners only counted', () => {
    const s = joined();
    const speaker = person('u:3', 'speaker');
    expect(reduce(s, { type: 'participantJoined', participant: speaker }).stage).toEqual([host, speaker]);
    expect(reduce(s, { type: 'participantJoined', participant: person('u:4', 'listener') })).toBe(s);
  });

  test('participantLeft and participantRemoved: off the stage and out of the hand queue', () => {
    const s = joined({ stage: [host, person('u:3', 'speaker')], hands: [{ id: 'u:4', name: 'four', handle: null, raisedAt: 1 }] });
    expect(reduce(s, { type: 'participantLeft', id: 'u:3', role: 'speaker' }).stage).toEqual([host]);
    const removed = reduce(s, { type: 'participantRemoved', id: 'u:4' });
    expect(removed.hands).toEqual([]);
    expect(removed.stage).toBe(s.stage);
  });

  test('roleChanged: seats or unseats the participant; my own role, mute, hand and invitation follow', () => {
    const s = joined({ me: { ...me, handRaised: true, pendingInvite: 'speaker' } });
    const up = reduce(s, { type: 'roleChanged', id: 'u:2', role: 'speaker', previous: 'listener', muted: true, participant: person('u:2', 'speaker') });
    expect(up.stage.map((p) => p.id)).toEqual(['u:1', 'u:2']);
    expect(up.me).toEqual({ ...me, role: 'speaker', muted: true, handRaised: false, pendingInvite: null });
    const down = reduce(up, { type: 'roleChanged', id: 'u:2', role: 'listener', previous: 'speaker', muted: true });
    expect(down.stage).toEqual([host]);
    expect(down.me?.role).toBe('listener');
    const other = reduce(s, { type: 'roleChanged', id: 'u:1', role: 'cohost', previous: 'host', muted: false, participant: { ...host, role: 'cohost' } });
    expect(other.me).toBe(s.me);
  });

  test('muteChanged: the member and, if it is me, my own state', () => {
    const s = joined({ me: { ...me, role: 'speaker' }, stage: [host, person('u:2', 'speaker')] });
    const unmuted = reduce(s, { type: 'muteChanged', id: 'u:2', muted: false, byModerator: false });
    expect(unmuted.stage[1]!.muted).toBe(false);
    expect(unmuted.me!.muted).toBe(false);
    const hostMuted = reduce(s, { type: 'muteChanged', id: 'u:1', muted: true, byModerator: false });
    expect(hostMuted.stage[0]!.muted).toBe(true);
    expect(hostMuted.me).toBe(s.me);
  });

  test('connectionChanged: marks a member away and back', () => {
    const away = reduce(joined(), { type: 'connectionChanged', id: 'u:1', connected: false });
    expect(away.stage[0]!.connected).toBe(false);
    expect(reduce(away, { type: 'connectionChanged', id: 'u:1', connected: true }).stage[0]!.connected).toBe(true);
  });

  test('handRaised and handLowered: the queue (managers) and my own hand', () => {
    const s = joined();
    const raised = reduce(s, { type: 'handRaised', id: 'u:2', name: 'two', handle: 'two', raisedAt: 5 });
    expect(raised.hands).toEqual([{ id: 'u:2', name: 'two', handle: 'two', raisedAt: 5 }]);
    expect(raised.me!.handRaised).toBe(true);
    const lowered = reduce(raised, { type: 'handLowered', id: 'u:2', reason: 'self' });
    expect(lowered.hands).toEqual([]);
    expect(lowered.me!.handRaised).toBe(false);
  });

  test('handQueue: replaces the queue (a new co-host gets it whole)', () => {
    const hands = [{ id: 'u:7', name: 'seven', handle: null, raisedAt: 3 }];
    expect(reduce(joined(), { type: 'handQueue', hands }).hands).toEqual(hands);
  });

  test('invited and inviteDeclined: my pending invitation', () => {
    const s = joined();
    const invited = reduce(s, { type: 'invited', id: 'u:2', as: 'cohost' });
    expect(invited.me!.pendingInvite).toBe('cohost');
    expect(reduce(s, { type: 'invited', id: 'u:9', as: 'speaker' })).toBe(s); // someone else's (managers see it in the queue)
    expect(reduce(invited, { type: 'inviteDeclined', id: 'u:2', as: 'cohost' }).me!.pendingInvite).toBeNull();
    expect(reduce(s, { type: 'inviteDeclined', id: 'u:9', as: 'speaker' })).toBe(s);
  });

  test('actingHostChanged, listenerCount, dominantSpeaker: set, and unchanged values keep the state', () => {
    const s = joined();
    expect(reduce(s, { type: 'actingHostChanged', id: 'u:3' }).actingHostId).toBe('u:3');
    expect(reduce(s, { type: 'actingHostChanged', id: null })).toBe(s);
    expect(reduce(s, { type: 'listenerCount', count: 4 }).listenerCount).toBe(4);
    expect(reduce(s, { type: 'listenerCount', count: 3 })).toBe(s);
    expect(reduce(s, { type: 'dominantSpeaker', id: 'u:1' }).dominantSpeaker).toBe('u:1');
  });

  test('speaking: changes only who is audible, so stage, me and controls inputs keep their identity', () => {
    const s = joined();
    const next = reduce(s, { type: 'speaking', ids: ['u:1'] });
    expect(next.speaking).toEqual(['u:1']);
    expect(next.stage).toBe(s.stage);
    expect(next.me).toBe(s.me);
    expect(next.hands).toBe(s.hands);
    expect(reduce(next, { type: 'speaking', ids: [] }).speaking).toEqual([]);
  });

  test('recordingChanged: REC on and off for everyone; a repeat keeps the state', () => {
    const s = joined();
    const on = reduce(s, { type: 'recordingChanged', recording: true, by: 'u:1' });
    expect(on.recording).toBe(true);
    expect(on.me).toBe(s.me); // my consent is asked, not assumed
    expect(on.stage).toBe(s.stage);
    expect(reduce(on, { type: 'recordingChanged', recording: true, by: 'u:1' })).toBe(on);
    const stopped = reduce(on, { type: 'recordingChanged', recording: false, by: null, reason: 'quota' });
    expect(stopped.recording).toBe(false);
    expect(reduce(on, { type: 'recordingChanged', recording: false, by: 'u:1' }).recording).toBe(false);
  });

  test('recordingConsented: my own consent; someone else\'s or a repeat changes nothing', () => {
    const s = joined({ recording: true, me: { ...me, role: 'speaker' } });
    const consented = reduce(s, { type: 'recordingConsented', id: 'u:2' });
    expect(consented.me).toEqual({ ...me, role: 'speaker', recordingConsent: true });
    expect(reduce(consented, { type: 'recordingConsented', id: 'u:2' })).toBe(consented);
    expect(reduce(s, { type: 'recordingConsented', id: 'u:1' })).toBe(s);
    // Consent outlives a stop: a restarted recording does not ask again (the server keeps it too).
    expect(reduce(consented, { type: 'recordingChanged', recording: false, by: 'u:1' }).me!.recordingConsent).toBe(true);
  });

  test('roomEnded and removed: final, with no stale stage, hands, speakers or count left', () => {
    const s = joined({ hands: [{ id: 'u:4', name: 'four', handle: null, raisedAt: 1 }], speaking: ['u:1'], dominantSpeaker: 'u:1', recording: true });
    for (const [message, reason] of [
      [{ type: 'roomEnded', reason: 'host' }, 'ended'],
      [{ type: 'removed' }, 'removed'],
    ] as const) {
      const done = reduce(s, message);
      expect(done).toMatchObject({ final: reason, stage: [], hands: [], speaking: [], dominantSpeaker: null, listenerCount: 0, recording: false });
      // Late messages change nothing once the room is over for this page.
      expect(reduce(done, { type: 'participantJoined', participant: person('u:8', 'speaker') })).toBe(done);
      expect(reduce(done, { type: 'listenerCount', count: 1 })).toBe(done);
    }
  });

  test('the socket closing with a final code ends the room for this page; other closes do not', () => {
    const s = joined();
    expect(socketClosed(s, closeCodes.ended).final).toBe('ended');
    expect(socketClosed(s, closeCodes.removed).final).toBe('removed');
    expect(socketClosed(s, closeCodes.signedOut).final).toBe('signedOut');
    expect(socketClosed(s, closeCodes.suspended).final).toBe('suspended');
    expect(socketClosed(s, closeCodes.tooManyConnections).final).toBe('tooManyConnections');
    expect(socketClosed(s, 1006)).toBe(s);
    expect(socketClosed(s, undefined)).toBe(s);
    expect(socketClosed(socketClosed(s, closeCodes.removed), closeCodes.ended).final).toBe('removed'); // the first reason stands
  });

  test('effect-only messages leave the room state as it is', () => {
    const s = joined();
    const effects: ServerMessage[] = [
      { type: 'newConsumer', consumerId: 'c', producerId: 'p', participantId: 'u:1', kind: 'audio', rtpParameters: {} },
      { type: 'consumerClosed', consumerId: 'c' },
      { type: 'mediaReset' },
      { type: 'mediaReply', ref: 'm1', data: {} },
      { type: 'reactions', counts: { '👏': 2 } },
      { type: 'error', code: 'forbidden', message: 'No', ref: 'x' },
      { type: 'pong', ref: 'p' },
      { type: 'reported', ref: 'r' },
    ];
    for (const m of effects) expect(reduce(s, m)).toBe(s);
  });

  test('every server message type is covered above', () => {
    const all: Record<ServerMessageType, true> = {
      snapshot: true, participantJoined: true, participantLeft: true, participantRemoved: true, roleChanged: true, muteChanged: true,
      handRaised: true, handLowered: true, handQueue: true, invited: true, inviteDeclined: true, actingHostChanged: true,
      connectionChanged: true, listenerCount: true, reactions: true, speaking: true, dominantSpeaker: true, newConsumer: true,
      consumerClosed: true, mediaReset: true, mediaReply: true, removed: true, roomEnded: true, error: true, pong: true, reported: true,
      recordingChanged: true, recordingConsented: true,
    };
    expect([...covered].sort()).toEqual(Object.keys(all).sort() as ServerMessageType[]);
  });
});
