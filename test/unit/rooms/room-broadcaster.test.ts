// Coalesced room updates: a flood of reactions costs a few publishes, and fewer in very big rooms
// (each publish costs the server a kernel send per socket).
import { expect, test } from 'bun:test';
import { flushDelayFor, RoomBroadcaster, type RoomSocket } from '../../../src/rooms/live/room-broadcaster';

test('the flush delay grows with the audience, from 250 ms to at most 1 s', () => {
  expect(flushDelayFor(0)).toBe(250);
  expect(flushDelayFor(1250)).toBe(250);
  expect(flushDelayFor(2500)).toBe(500);
  expect(flushDelayFor(5000)).toBe(1000);
  expect(flushDelayFor(100_000)).toBe(1000);
});

function roomOf(sockets: number) {
  const published: { topic: string; data: any }[] = [];
  const map = new Map<string, RoomSocket>();
  for (let i = 0; i < sockets; i++) map.set(`a:${i}`, { send() {}, subscribe() {}, unsubscribe() {}, close() {} });
  const broadcaster = new RoomBroadcaster('r1', { publish: (topic, data) => void published.push({ topic, data: JSON.parse(data) }) }, map);
  return { broadcaster, published };
}

test('many reactions in a small room: one aggregated message after 250 ms', async () => {
  const { broadcaster, published } = roomOf(10);
  for (let i = 0; i < 100; i++) broadcaster.reaction(i % 2 ? '👏' : '🎉');
  expect(published).toEqual([]);
  await Bun.sleep(300);
  expect(published).toEqual([{ topic: 'room:r1', data: { type: 'reactions', counts: { '🎉': 50, '👏': 50 } } }]);
  broadcaster.stop();
});

test('in a room of 5,000 the same flood waits a second and is still one message', async () => {
  const { broadcaster, published } = roomOf(5000);
  for (let i = 0; i < 1000; i++) broadcaster.reaction('👏');
  await Bun.sleep(600);
  expect(published).toEqual([]);
  await Bun.sleep(550);
  expect(published).toEqual([{ topic: 'room:r1', data: { type: 'reactions', counts: { '👏': 1000 } } }]);
  expect(broadcaster.messagesOut).toBe(1);
  broadcaster.stop();
});
