// A headless listener: joins a room anonymously, as a shared link would, and consumes every
// speaker through the real signalling. Used by the end-to-end test and by the join/scale
// benchmarks as a cheap load generator.
import type * as werift from 'werift';
import { RoomClient } from './room-client';
import { WebClient } from './web-client';
import { mediaRequests, weriftDevice } from './werift-peer';

export interface WeriftListener {
  socket: RoomClient;
  packets(): number;
  /** ms from the start of join() to the first RTP packet, once one arrived. */
  firstPacketAfterMs: number | null;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Called with every RTP payload received (the benchmarks read a send time from it). */
  onPayload?: (payload: Buffer) => void;
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
