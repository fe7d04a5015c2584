// Room errors reach people in their language: the page sends room.error.<code> texts; the client
// shows the one for the error's code, or the server's own message when it has none.
import { expect, test } from 'bun:test';
import { errorText } from '../../../src/client/room-requests';
import { fr } from '../../../src/i18n/messages.fr';
import { errorCodes } from '../../../src/rooms/live/protocol';

test('an error is shown in the page language for its code', () => {
  const strings = Object.fromEntries(errorCodes.map((code) => [`room.error.${code}`, fr[`room.error.${code}`]]));
  expect(errorText(strings, { type: 'error', code: 'rateLimited', message: 'Too many messages; slow down' })).toBe(fr['room.error.rateLimited']);
  expect(errorText(strings, { type: 'error', code: 'forbidden', message: 'Only people on stage can speak', ref: 'm1' })).toBe(fr['room.error.forbidden']);
});

test("without a text for the code, the server's message is shown", () => {
  expect(errorText({}, { type: 'error', code: 'invalidState', message: 'Your hand is already raised' })).toBe('Your hand is already raised');
});
