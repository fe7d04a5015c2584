// One speaker's audio as plain RTP to a local recorder process: a PlainTransport on the room's
// primary router, consuming one producer. It is made paused: the recorder learns the payload type,
// starts listening, then `connect()` aims the tap at it and `start()` resumes it, telling when
// the first packet left (the track's place on the room's timeline). It closes with the producer,
// the transport, or the room.
import type { types } from 'mediasoup';

export interface TapTarget {
  ip: string;
  /** RTP port; RTCP goes to `rtcpPort` (no rtcp-mux: what ffmpeg's SDP input expects). */
  port: number;
  rtcpPort: number;
}

export interface ProducerTap {
  readonly payloadType: number;
  readonly closed: boolean;
  connect(target: TapTarget): Promise<void>;
  /** Resumes the stream; resolves with the wall-clock time its first RTP packet was sent (NaN if it closed first). */
  start(): Promise<number>;
  /** Called once, whatever closed it (at once if already closed). */
  onClose(listener: () => void): void;
  close(): void;
}

export async function openProducerTap(transport: types.PlainTransport, producerId: string): Promise<ProducerTap> {
  try {
    const router = transport.appData.router as types.Router;
    const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
    consumer.observer.once('close', () => transport.close());
    const closeListeners = new Set<() => void>();
    transport.observer.once('close', () => closeListeners.forEach((listener) => listener()));
    return {
      payloadType: consumer.rtpParameters.codecs[0]!.payloadType,
      get closed() {
        return transport.closed;
      },
      connect: (target) => transport.connect({ ip: target.ip, port: target.port, rtcpPort: target.rtcpPort }),
      async start() {
        const firstPacket = new Promise<number>((resolve) => {
          closeListeners.add(() => resolve(NaN));
          consumer.once('trace', () => {
            resolve(Date.now());
            void consumer.enableTraceEvent([]).catch(() => {}); // closed meanwhile: nothing left to trace
          });
        });
        await consumer.enableTraceEvent(['rtp']);
        await consumer.resume();
        return firstPacket;
      },
      onClose: (listener) => (transport.closed ? listener() : closeListeners.add(listener)),
      close: () => transport.close(),
    };
  } catch (error) {
    transport.close();
    throw error;
  }
}
