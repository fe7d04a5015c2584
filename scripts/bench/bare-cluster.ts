// The baseline: the same mediasoup worker binary with no Salon code. S plain-RTP producers fed
// from this process, piped to one router per worker, and listeners as SRTP PlainTransport
// consumers sending to the same UDP sink. Salon's per-packet worker cost is compared with this.
import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';
import { opusCodec } from '../../src/media/media-codecs';
import { every20ms, timedPayload } from './rtp-payload';

export class BareCluster {
  private stopSending: (() => void) | null = null;
  private readonly transports: types.PlainTransport[] = [];

  private constructor(
    readonly workers: types.Worker[],
    private readonly routers: types.Router[],
    private readonly producers: types.Producer[],
    private readonly ingress: types.PlainTransport[],
    private readonly sender: Socket,
  ) {}

  static async start(workerCount: number, speakers: number): Promise<BareCluster> {
    const mediasoup = await import('mediasoup');
    const workers = await Promise.all(Array.from({ length: workerCount }, () => mediasoup.createWorker({ logLevel: 'error' })));
    const routers = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: [opusCodec] })));
    const ingress: types.PlainTransport[] = [];
    const producers: types.Producer[] = [];
    for (let i = 0; i < speakers; i++) {
      const transport = await routers[0]!.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
      const producer = await transport.produce({
        kind: 'audio',
        rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 0x10000 + i }] },
      });
      for (const router of routers.slice(1)) await routers[0]!.pipeToRouter({ producerId: producer.id, router });
      ingress.push(transport);
      producers.push(producer);
    }
    const sender = createSocket('udp4');
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
    return new BareCluster(workers, routers, producers, ingress, sender);
  }

  startSending() {
    let seq = 0;
    let timestamp = 0;
    this.stopSending = every20ms(() => {
      seq = (seq + 1) & 0xffff;
      timestamp = (timestamp + 960) >>> 0;
      this.producers.forEach((producer, i) => {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 100;
        header.writeUInt16BE(seq, 2);
        header.writeUInt32BE(timestamp, 4);
        header.writeUInt32BE(producer.rtpParameters.encodings![0]!.ssrc!, 8);
        this.sender.send(Buffer.concat([header, timedPayload()]), this.ingress[i]!.tuple.localPort, '127.0.0.1');
      });
    });
  }

  /** One listener on router `routerIndex`: consumes every producer, sends to the sink. */
  async addListener(routerIndex: number, sinkPort: number, srtp: boolean) {
    const transport = await this.routers[routerIndex]!.createPlainTransport({
      listenIp: '127.0.0.1',
      rtcpMux: true,
      comedia: false,
      enableSrtp: srtp,
      srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
    });
    await transport.connect({ ip: '127.0.0.1', port: sinkPort, ...(srtp ? { srtpParameters: transport.srtpParameters } : {}) });
    for (const producer of this.producers) await transport.consume({ producerId: producer.id, rtpCapabilities: this.routers[routerIndex]!.rtpCapabilities });
    this.transports.push(transport);
  }

  close() {
    this.stopSending?.();
    this.sender.close();
    for (const worker of this.workers) worker.close();
  }
}
