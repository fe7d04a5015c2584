// The admin's connectivity self-test: the browser opens the same kind of WebRTC transports as a room
// (same worker WebRtcServer, announced address, ports, TURN credentials and signalling messages), sends
// silence and receives it back. It is a router of its own on a media worker, not a room: no room row,
// nothing in any list, nobody else hears it, and it is closed with the admin's socket (or after a minute).
import type { types } from 'mediasoup';
import type { SalonConfig } from '../config/config.schema';
import { opusCodec } from '../media/media-codecs';
import { iceServersFor } from '../media/turn-credentials';
import { MediaWorkerPool } from '../media/worker-pool';
import type { MediaMessage } from '../realtime/media-signalling';
import type { ServerMessage } from '../rooms/live/protocol';
import { RoomError } from '../rooms/live/room.model';

/** A self-test never lasts longer than this. */
export const selfTestLifetimeMs = 60_000;

export class NetworkSelfTest {
  private readonly transports = new Map<'send' | 'recv', types.WebRtcTransport>();
  private producer: types.Producer | null = null;
  private consumer: types.Consumer | null = null;
  private rtpCapabilities: types.RtpCapabilities | null = null;
  private readonly timer: Timer;
  closed = false;

  private constructor(
    private readonly router: types.Router,
    private readonly config: Pick<SalonConfig, 'turnUrls' | 'turnSecret' | 'turnCredentialTtlSeconds'>,
    private readonly who: string,
    private readonly push: (message: ServerMessage) => void,
  ) {
    this.timer = setTimeout(() => this.close(), selfTestLifetimeMs);
  }

  static async open(pool: MediaWorkerPool, config: NetworkSelfTest['config'], who: string, push: (message: ServerMessage) => void): Promise<NetworkSelfTest> {
    const router = await pool.createRouter({ mediaCodecs: [opusCodec] });
    return new NetworkSelfTest(router, config, who, push);
  }

  /** One signalling request, answered like the room socket answers it (mediaReply or error, same ref). */
  async handle(message: MediaMessage): Promise<void> {
    try {
      this.push({ type: 'mediaReply', ref: message.ref, data: await this.answer(message) });
    } catch (error) {
      const code = error instanceof RoomError ? error.code : ('mediaError' as const);
      this.push({ type: 'error', code, message: (error as Error).message ?? 'Media request failed', ref: message.ref });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.router.close(); // its transports, producer and consumer with it
  }

  private async answer(message: MediaMessage): Promise<unknown> {
    if (this.closed) throw new RoomError('ended', 'The self-test is over');
    switch (message.type) {
      case 'mediaCapabilities':
        return { routerRtpCapabilities: this.router.rtpCapabilities, iceServers: iceServersFor(this.config, this.who) };
      case 'createTransport': {
        this.transports.get(message.direction)?.close();
        const worker = this.router.appData.worker as types.Worker;
        const transport = await this.router.createWebRtcTransport({ webRtcServer: MediaWorkerPool.webRtcServerOf(worker), enableUdp: true, enableTcp: true, preferUdp: true });
        this.transports.set(message.direction, transport);
        return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
      }
      case 'connectTransport':
        await this.transport(message.transportId).connect({ dtlsParameters: message.dtlsParameters as types.DtlsParameters });
        return {};
      case 'consumeReady':
        this.rtpCapabilities = message.rtpCapabilities as types.RtpCapabilities;
        return {};
      case 'produce': {
        const send = this.transports.get('send');
        if (!send || send.id !== message.transportId) throw new RoomError('invalidState', 'Produce on your send transport');
        this.producer?.close();
        this.producer = await send.produce({ kind: 'audio', rtpParameters: message.rtpParameters as types.RtpParameters });
        await this.loopBack(this.producer);
        return { producerId: this.producer.id };
      }
      case 'resumeConsumer':
        if (!this.consumer || this.consumer.id !== message.consumerId) throw new RoomError('notFound', 'No such consumer');
        await this.consumer.resume();
        return {};
      case 'restartIce':
        throw new RoomError('invalidState', 'Not available in the self-test');
    }
  }

  /** What the browser sends comes back on its receive transport, so both directions carry audio. */
  private async loopBack(producer: types.Producer) {
    const recv = this.transports.get('recv');
    if (!recv || !this.rtpCapabilities || !this.router.canConsume({ producerId: producer.id, rtpCapabilities: this.rtpCapabilities })) return;
    this.consumer?.close();
    this.consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: this.rtpCapabilities, paused: true });
    const { id, kind, rtpParameters } = this.consumer;
    this.push({ type: 'newConsumer', consumerId: id, producerId: producer.id, participantId: this.who, kind, rtpParameters });
  }

  private transport(id: string): types.WebRtcTransport {
    for (const transport of this.transports.values()) if (transport.id === id) return transport;
    throw new RoomError('notFound', 'No such transport');
  }
}
