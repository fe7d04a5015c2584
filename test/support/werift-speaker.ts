// A headless speaker: a signed-in stage member who publishes RTP through the real signalling, on
// werift. The benchmarks write Opus-sized packets carrying a send time; mediasoup forwards
// payloads without decoding them.
import * as werift from 'werift';
import { RoomClient } from './room-client';
import type { WebClient } from './web-client';
import { mediaRequests, weriftDevice } from './werift-peer';

export interface WeriftSpeaker {
  socket: RoomClient;
  producerId: string;
  /** Sends one RTP packet (werift sets SSRC, payload type and sequence numbers). */
  send(payload: Buffer, rtpTimestamp: number): void;
  close(): void;
}

/** `client` must be signed in as someone already on stage (host, co-host or speaker). */
export async function speakWithWerift(client: WebClient, roomId: string, socket?: RoomClient, opts: { racingProduce?: boolean } = {}): Promise<WeriftSpeaker> {
  socket ??= await RoomClient.join(client, client.baseUrl, roomId);
  const request = mediaRequests(socket);
  const device = await weriftDevice();
  await device.load({ routerRtpCapabilities: (await request({ type: 'mediaCapabilities' })).routerRtpCapabilities });
  const transport = device.createSendTransport(await request({ type: 'createTransport', direction: 'send' }));
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    request({ type: 'connectTransport', transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  transport.on('produce', ({ rtpParameters }, done, fail) => {
    request({ type: 'produce', transportId: transport.id, rtpParameters }).then(({ producerId }) => done({ id: producerId }), fail);
    // An attacker's second microphone, sent right behind the first (other SSRC and mid): the server
    // must not leave both alive, or a moderator's mute would pause only one of them.
    if (opts.racingProduce) {
      const decoy = structuredClone(rtpParameters);
      decoy.mid = '99';
      for (const encoding of decoy.encodings ?? []) if (encoding.ssrc) encoding.ssrc += 1;
      request({ type: 'produce', transportId: transport.id, rtpParameters: decoy }).catch(() => {});
    }
  });
  const track = new werift.MediaStreamTrack({ kind: 'audio' });
  const producer = await transport.produce({ track: track as never, codecOptions: { opusDtx: false } });
  socket.send({ type: 'unmute' }); // everyone comes on stage muted
  let sequenceNumber = 0;
  return {
    socket,
    producerId: producer.id,
    send(payload, timestamp) {
      const header = new werift.RtpHeader({ payloadType: 100, sequenceNumber: sequenceNumber++ & 0xffff, timestamp: timestamp >>> 0, marker: false });
      track.writeRtp(new werift.RtpPacket(header, payload));
    },
    close() {
      transport.close();
      socket!.close();
    },
  };
}
