// WebRTC recovery: a client whose network stalls restarts ICE on the same transport (new
// credentials from the server) and keeps hearing; a transport whose DTLS fails is closed by the
// server, its router place freed, and the client told to rebuild. Real worker, werift peers.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { signUp } from '../support/web-client';
import { joinWithWerift } from '../support/werift-listener';
import { speakWithWerift, type WeriftSpeaker } from '../support/werift-speaker';

let salon: TestSalon;
let roomId: string;
let speaker: WeriftSpeaker;
let sending: Timer;

beforeAll(async () => {
  salon = await startTestSalon();
  const host = await signUp(salon.url, 'recovery_host');
  roomId = (await (await host.client.post('/studio/rooms', { title: 'Recovery' })).json()).id;
  speaker = await speakWithWerift(host.client, roomId);
  const frame = Buffer.alloc(80, 1);
  let ts = 0;
  sending = setInterval(() => speaker.send(frame, (ts += 960)), 20);
});
afterAll(async () => {
  clearInterval(sending);
  speaker.close();
  await salon.dispose();
});

const placedListeners = () => salon.deps.media.get(roomId).routerLoad().reduce((n, r) => n + r.listeners, 0);

test('an ICE restart gives new credentials for the same transport, and the audio goes on', async () => {
  const listener = await joinWithWerift(salon.url, roomId);
  await waitFor(() => listener.packets() > 5, 10_000, 'audio before the restart');
  const before = listener.transport.id;
  const { iceParameters } = await listener.request({ type: 'restartIce', transportId: listener.transport.id });
  expect(iceParameters.usernameFragment).toEqual(expect.any(String));
  await listener.transport.restartIce({ iceParameters });
  const heard = listener.packets();
  await waitFor(() => listener.packets() > heard + 25, 10_000, 'audio after the restart');
  expect(listener.transport.id).toBe(before);
  await expect(listener.request({ type: 'restartIce', transportId: 'not-mine' })).rejects.toThrow('No such transport');
  await listener.close();
});

test('a transport whose DTLS fails is closed by the server, its place freed, and the client told to rebuild', async () => {
  const listener = await joinWithWerift(salon.url, roomId, { wrongFingerprint: true });
  expect(placedListeners()).toBe(1);
  await listener.socket.next((m) => m.type === 'mediaReset', 10_000);
  await waitFor(() => placedListeners() === 0, 5000, 'the router place to be freed');
  expect(listener.packets()).toBe(0);
  await listener.close();
});
