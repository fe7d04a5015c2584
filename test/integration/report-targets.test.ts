// Reports naming someone who does not exist, or something that is not a person, get a clear refusal
// (a 4xx over HTTP, an error reply over the room socket), never a server error or a silent drop.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RoomClient } from '../support/room-client';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, type Account } from '../support/web-client';


let salon: TestSalon;
let host: Account;
let alice: Account;
let roomId: string;
beforeAll(async () => {
  salon = await startTestSalon();
  host = await signUp(salon.url, 'boss');
  alice = await signUp(salon.url, 'alice');
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Reported room' })).json()).id;
});
afterAll(() => salon.dispose());

describe('HTTP reports', () => {
  test('unknown or malformed targets and rooms get 4xx', async () => {
    const report = (path: string, fields: Record<string, string>) => host.client.post(path, fields).then((res) => res.status);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: 'nobody_here' })).toBe(404);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: '@' })).toBe(404);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: 'u:999999' })).toBe(404);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: 'x'.repeat(65) })).toBe(400);
    expect(await report(`/r/${roomId}/report`, { reason: '', target: 'alice' })).toBe(422);
    expect(await report('/r/zzzzzz/report', { reason: 'spam' })).toBe(404);
    expect(await report('/r/%00/report', { reason: 'spam' })).toBe(400);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: '@alice' })).toBe(422); // not in the room
    await alice.client.get(`/r/${roomId}`);
    const aliceInRoom = await RoomClient.join(alice.client, salon.url, roomId);
    expect(await report(`/r/${roomId}/report`, { reason: 'spam', target: '@alice' })).toBe(201);
    aliceInRoom.send({ type: 'leave' });
  });
});

describe('room socket reports', () => {
  test('unknown targets get an error reply', async () => {
    const room = await RoomClient.join(host.client, salon.url, roomId);
    const targets = ['u:999999', 'u:0', 'u:-1', 'u:1e400', 'u:abc', 'u:', 'nobody', 'x'.repeat(100)];
    const from = room.messages.length;
    targets.forEach((target, i) => room.send({ type: 'report', target, reason: 'spam', ref: `report-${i}` }));
    await Bun.sleep(1000);
    const replies = room.messages.slice(from);
    const refused = targets.filter((_, i) => replies.some((m) => m.ref === `report-${i}` && m.type === 'error'));
    expect(targets.filter((t) => !refused.includes(t))).toEqual([]);
    room.send({ type: 'ping', ref: 'still-there' });
    expect((await room.next((m) => m.ref === 'still-there')).type).toBe('pong');
  });
});
