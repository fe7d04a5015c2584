// A headless listener: mediasoup-client's Chrome111 handler driving werift's pure-TypeScript
// RTCPeerConnection, speaking the same room signalling as the browser. Used by the end-to-end
// test and by the join/scale benchmarks as a cheap load generator.
import * as werift from 'werift';
import { RoomClient } from './room-client';
import { WebClient } from './web-client';

let installed = false;
async function mediasoupClientOnWerift() {
  if (!installed) {
    const g = globalThis as Record<string, unknown>;
    // Loopback-only hosts: no STUN, and offer 127.0.0.1 as a host candidate.
    g.RTCPeerConnection = class extends werift.RTCPeerConnection {
      constructor(config: Record<string, unknown> = {}) {
        super({ ...config, iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'] } as never);
      }
    };
    g.RTCSessionDescription = werift.RTCSessionDescription;
    g.MediaStream = (werift as unknown as { MediaStream: unknown }).MediaStream;
    installed = true;
  }
  return (await import('mediasoup-client')).Device;
}

export interface WeriftListener {
  socket: RoomClient;
  packets(): number;
  /** ms from the start of join() to the first RTP packet, once one arrived. */
  firstPacketAfterMs: number | null;
  close(): Promise<void>;
}

/** Joins a room anonymously (as a shared link would) and consumes every speaker. */
export async function joinWithWerift(baseUrl: string, roomId: string): Promise<WeriftListener> {
  const started = performance.now();
  const Device = await mediasoupClientOnWerift();
  const visitor = new WebClient(baseUrl);
  await visitor.get(`/r/${roomId}`);
  const socket = await RoomClient.join(visitor, baseUrl, roomId);
  let ref = 0;
  const request = async (message: Record<string, unknown>) => {
    const id = `w${++ref}`;
    const answer = await socket.request({ ...message, ref: id }, (m) => m.ref === id, 10_000);
    if (answer.type === 'error') throw new Error(answer.message);
    return answer.data;
  };
  const { routerRtpCapabilities } = await request({ type: 'mediaCapabilities' });
  const device = new Device({ handlerName: 'Chrome111' });
  await device.load({ routerRtpCapabilities });
  const transport = device.createRecvTransport(await request({ type: 'createTransport', direction: 'recv' }));
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    request({ type: 'connectTransport', transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  let packets = 0;
  const listener: WeriftListener = {
    socket,
    packets: () => packets,
    firstPacketAfterMs: null,
    async close() {
      transport.close();
      socket.close();
    },
  };
  const consumeAnnounced = async (m: any) => {
    const consumer = await transport.consume({ id: m.consumerId, producerId: m.producerId, kind: m.kind, rtpParameters: m.rtpParameters });
    (consumer.track as unknown as werift.MediaStreamTrack).onReceiveRtp.subscribe(() => {
      if (packets++ === 0) listener.firstPacketAfterMs = performance.now() - started;
    });
    await request({ type: 'resumeConsumer', consumerId: consumer.id });
  };
  let seen = 0;
  const poll = setInterval(() => {
    for (const m of socket.messages.slice(seen)) if (m.type === 'newConsumer') void consumeAnnounced(m);
    seen = socket.messages.length;
  }, 20);
  socket.closedHook = () => clearInterval(poll);
  await request({ type: 'consumeReady', rtpCapabilities: device.recvRtpCapabilities });
  return listener;
}
