// Who the page must ask before their microphone goes out in a recorded room: people on stage who
// have not accepted the recording. Listeners are never recorded; the host consents by starting it.
import { expect, test } from 'bun:test';
import type { You } from '../../../src/rooms/live/protocol';
import { initialRoomState, type RoomState } from '../../../src/client/room-state';
import { needsRecordingConsent } from '../../../src/client/room-view-model';

const me: You = { id: 'u:2', role: 'speaker', muted: true, handRaised: false, pendingInvite: null, anonymous: false, moderator: false, recordingConsent: false };
const room = (extra: Partial<RoomState>): RoomState => ({ ...initialRoomState('r1', 'Jazz', 0), me, recording: true, ...extra });

test('a speaker or co-host in a recorded room is asked until they consent', () => {
  expect(needsRecordingConsent(room({}))).toBe(true);
  expect(needsRecordingConsent(room({ me: { ...me, role: 'cohost' } }))).toBe(true);
  expect(needsRecordingConsent(room({ me: { ...me, recordingConsent: true } }))).toBe(false);
});

test('nobody is asked when the room is not recorded, over, or they only listen', () => {
  expect(needsRecordingConsent(room({ recording: false }))).toBe(false);
  expect(needsRecordingConsent(room({ final: 'ended' }))).toBe(false);
  expect(needsRecordingConsent(room({ me: { ...me, role: 'listener' } }))).toBe(false);
  expect(needsRecordingConsent(room({ me: { ...me, role: 'listener', pendingInvite: 'speaker' } }))).toBe(false); // the invitation asks instead
  expect(needsRecordingConsent(room({ me: null }))).toBe(false);
});
