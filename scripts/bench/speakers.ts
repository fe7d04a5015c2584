// Child process: the room's speakers. Signs up a host (the fresh server's first account may host)
// and S-1 speakers who are invited on stage and accept, all through the real pages and room
// socket; each publishes with werift and sends an Opus-sized packet every 20 ms (no DTX).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opusPackets, sendInRealTime } from '../../test/support/opus-tone';
import { RoomClient } from '../../test/support/room-client';
import { signUp } from '../../test/support/web-client';
import { speakWithWerift, type WeriftSpeaker } from '../../test/support/werift-speaker';
import { serveParent } from './child';
import { every20ms, timedPayload, wallClockMs } from './rtp-payload';

let speakers: WeriftSpeaker[] = [];
let stopSending: (() => void) | null = null;
let sent = 0;

async function open({ baseUrl, count, recorded = false }: { baseUrl: string; count: number; recorded?: boolean }) {
  const host = await signUp(baseUrl, `bench_host_${Date.now() % 100000}`);
  const created = await host.client.post('/studio/rooms', { title: 'Benchmark room', ...(recorded ? { recordIntent: 'on' } : {}) });
  if (created.status !== 201) throw new Error(`could not start a room: ${created.status} ${await created.text()}`);
  const roomId: string = (await created.json()).id;
  const hostSocket = await RoomClient.join(host.client, baseUrl, roomId);
  speakers = [await speakWithWerift(host.client, roomId, hostSocket)];
  for (let i = 1; i < count; i++) {
    const guest = await signUp(baseUrl, `bench_speaker_${i}_${Date.now() % 100000}`);
    const socket = await RoomClient.join(guest.client, baseUrl, roomId);
    const from = socket.messages.length;
    hostSocket.send({ type: 'inviteToSpeak', target: socket.snapshot.you.id });
    await socket.next((m) => m.type === 'invited', 5000, from);
    if (recorded) socket.send({ type: 'consentToRecording' }); // a recorded room: the microphone waits for consent
    socket.send({ type: 'acceptInvite' });
    await socket.next((m) => m.type === 'roleChanged' && m.id === socket.snapshot.you.id, 5000, from);
    speakers.push(await speakWithWerift(guest.client, roomId, socket));
  }
  return { roomId, producerIds: speakers.map((s) => s.producerId) };
}

function start() {
  let rtpTimestamp = 0;
  stopSending = every20ms(() => {
    rtpTimestamp += 960;
    for (const speaker of speakers) speaker.send(timedPayload(), rtpTimestamp);
    sent += speakers.length;
  });
}

// Real Opus (for the HLS mix, which decodes): speaker 0 sends silence and, on `onset`, a 440 Hz tone
// for a second; the others send silence. `onset` answers the wall time the first tone packet left.
let toneFrames = 0;
let onsetSent: ((at: number) => void) | null = null;
async function startOpus() {
  const dir = mkdtempSync(join(tmpdir(), 'salon-bench-opus-'));
  const silence = await opusPackets(dir, 0, 1);
  const tone = await opusPackets(dir, 440, 1);
  const stops = speakers.map((speaker, index) => {
    let frame = 0;
    return sendInRealTime(() => {
      frame++;
      sent++;
      if (index === 0 && toneFrames > 0) {
        if (onsetSent) {
          onsetSent(wallClockMs());
          onsetSent = null;
        }
        return { send: speaker.send, packet: tone[(50 - toneFrames--) % tone.length]! };
      }
      return { send: speaker.send, packet: silence[frame % silence.length]! };
    });
  });
  stopSending = () => stops.forEach((stop) => stop());
}

function onset(): Promise<number> {
  return new Promise((resolve) => {
    onsetSent = resolve;
    toneFrames = 50;
  });
}

serveParent({
  open,
  start,
  startOpus,
  onset,
  sent: () => sent,
  close() {
    stopSending?.();
    for (const speaker of speakers) speaker.close();
    speakers = [];
  },
});
