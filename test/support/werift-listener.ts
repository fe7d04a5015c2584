// A headless listener: joins a room anonymously, as a shared link would, and consumes every
// speaker through the real signalling. Used by the end-to-end test and by the join/scale
// benchmarks as a cheap load generator.
import type * as werift from 'werift';
import { RoomClient } from './room-client';
import { WebClient } from './web-client';
import { mediaRequests, weriftDevice } from './werift-peer';

export interface WeriftListener {
  socket: RoomClient;
  /** mediasoup-client's receive transport (ICE restarts in tests). */
  transport: Awaited<ReturnType<Awaited<ReturnType<typeof weriftDevice>>['createRecvTransport']>>;
  /** Sends a signalling request over the room socket. */
  request: ReturnType<typeof mediaRequests>;
  packets(): number;
  /** ms from the start of join() to the first RTP packet, once one arrived. */
  firstPacketAfterMs: number | null;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Called with every RTP payload received (the benchmarks read a send time from it). */
  onPayload?: (payload: Buffer) => void;
  /** Hands the server a wrong DTLS fingerprint, so the handshake fails (as a tampered path would). */
  wrongFingerprint?: boolean;
}

export async function joinWithWerift(baseUrl: string, roomId: string, options: ListenOptions = {}): Promise<WeriftListener> {
  const started = performance.now();
  const device = await weriftDevice();
  const visitor = new WebClient(baseUrl) // a distinct client IP each (X-Forwarded-For);
  await visitor.get(`/r/${roomId}`);
  const socket = await RoomClient.join(visitor, baseUrl, roomId);
  const request = mediaRequests(socket);
  const { routerRtpCapabilities } = await request({ type: 'mediaCapabilities' });
  await device.load({ routerRtpCapabilities });
  const transport = device.createRecvTransport(await request({ type: 'createTransport', direction: 'recv' }));
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    const fingerprints = options.wrongFingerprint ? dtlsParameters.fingerprints.map((f) => ({ ...f, value: f.value.replace(/[0-9A-F]/, (c) => (c === 'A' ? 'B' : 'A')) })) : dtlsParameters.fingerprints;
    request({ type: 'connectTransport', transportId: transport.id, dtlsParameters: { ...dtlsParameters, fingerprints } }).then(() => done(), fail);
  });
  let packets = 0;
  const listener: WeriftListener = {
    socket,
    transport,
    request,
    packets: () => packets,
    firstPacketAfterMs: null,
    async close() {
      transport.close();
      socket.close();
    },
  };
  const consumeAnnounced = async (m: any) => {
    const consumer = await transport.consume({ id: m.consumerId, producerId: m.producerId, kind: m.kind, rtpParameters: m.rtpParameters });
    (consumer.track as unknown as werift.MediaStreamTrack).onReceiveRtp.subscribe((rtp) => {
      if (packets++ === 0) listener.firstPacketAfterMs = performance.now() - started;
      options.onPayload?.(rtp.payload);
    });
    await request({ type: 'resumeConsumer', consumerId: consumer.id });
  };
  socket.onMessage = (m) => {
    if (m.type === 'newConsumer') void consumeAnnounced(m);
  };
  await request({ type: 'consumeReady', rtpCapabilities: device.recvRtpCapabilities });
  return listener;
}
