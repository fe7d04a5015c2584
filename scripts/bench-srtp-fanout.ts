// Measures the media worker's CPU cost per forwarded SRTP packet: one Opus producer fed with RTP
// over UDP, fanned out to N PlainTransport consumers with SRTP (AES_CM_128_HMAC_SHA1_80), all on
// loopback. Cost = (worker CPU with consumers − worker CPU ingesting alone) / packets forwarded.
//   MEDIASOUP_WORKER_BIN=... bun scripts/bench-srtp-fanout.ts [--consumers 300] [--seconds 10] [--pps 50] [--no-srtp]
import { createSocket } from 'node:dgram';
import type { types } from 'mediasoup';

const arg = (name: string, fallback: number) => {
  const i = Bun.argv.indexOf(`--${name}`);
  return i > 0 ? Number(Bun.argv[i + 1]) : fallback;
};
const consumerCount = arg('consumers', 300);
const seconds = arg('seconds', 10);
const pps = arg('pps', 50);
const srtp = !Bun.argv.includes('--no-srtp');

if (!process.env.MEDIASOUP_WORKER_BIN) {
  console.error('Set MEDIASOUP_WORKER_BIN (npm start prints/uses it; see scripts/build-media-worker.sh)');
  process.exit(1);
}
const mediasoup = await import('mediasoup');
const worker = await mediasoup.createWorker({ logLevel: 'error' });
const router = await worker.createRouter({
  mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
});

// Producer: a plain RTP transport that learns our sender's address from the first packet.
const ingress = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
const ssrc = 0x1234abcd;
const producer = await ingress.produce({
  kind: 'audio',
  rtpParameters: {
    codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
    encodings: [{ ssrc }],
  },
});

// Sink: one UDP socket receives every consumer's packets.
const sink = createSocket('udp4');
let received = 0;
sink.on('message', () => received++);
await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
const sinkPort = sink.address().port;

const sender = createSocket('udp4');
await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));
let seq = 0;
let timestamp = 0;
const payload = Buffer.alloc(80, 0x55); // ~speech-sized Opus frame
function sendRtp() {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 100;
  header.writeUInt16BE(seq++ & 0xffff, 2);
  header.writeUInt32BE((timestamp += 960) >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  sender.send(Buffer.concat([header, payload]), ingress.tuple.localPort, '127.0.0.1');
}

async function cpuMs(w: types.Worker) {
  const usage = await w.getResourceUsage();
  return usage.ru_utime + usage.ru_stime;
}

async function measure(label: string): Promise<{ cpu: number; sent: number }> {
  const startCpu = await cpuMs(worker);
  const startSeq = seq;
  const interval = 1000 / pps;
  const t0 = performance.now();
  let next = t0;
  while (performance.now() - t0 < seconds * 1000) {
    sendRtp();
    next += interval;
    await Bun.sleep(Math.max(0, next - performance.now()));
  }
  await Bun.sleep(200); // let the last packets through
  const cpu = (await cpuMs(worker)) - startCpu;
  const sent = seq - startSeq;
  console.log(`${label}: ${sent} packets in, worker CPU ${cpu.toFixed(0)} ms (${((cpu / (seconds * 1000)) * 100).toFixed(1)}% of a core)`);
  return { cpu, sent };
}

// Warm-up and baseline: ingest only.
await measure('warm-up');
const baseline = await measure('baseline, no consumers');

const consumers: types.Consumer[] = [];
for (let i = 0; i < consumerCount; i++) {
  const transport = await router.createPlainTransport({
    listenIp: '127.0.0.1',
    rtcpMux: true,
    comedia: false,
    enableSrtp: srtp,
    srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
  });
  await transport.connect({
    ip: '127.0.0.1',
    port: sinkPort,
    ...(srtp ? { srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: Buffer.alloc(30, i % 256).toString('base64') } } : {}),
  });
  consumers.push(await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
}
// Packets the worker really sent, from its own counters (the sink may drop some under load).
async function packetsSent() {
  let total = 0;
  for (const consumer of consumers) for (const stat of await consumer.getStats()) if (stat.type === 'outbound-rtp') total += stat.packetCount;
  return total;
}
const sentBefore = await packetsSent();
received = 0;
const loaded = await measure(`${consumerCount} ${srtp ? 'SRTP' : 'plain RTP'} consumers`);
const forwarded = (await packetsSent()) - sentBefore;
const perPacketUs = ((loaded.cpu - baseline.cpu * (loaded.sent / baseline.sent)) * 1000) / forwarded;
console.log(`forwarded ${forwarded} packets (${(forwarded / seconds).toFixed(0)}/s; sink received ${received})`);
console.log(`cost per forwarded packet: ${perPacketUs.toFixed(2)} µs`);
console.log(`≈ ${Math.round((0.8 * 1e6) / perPacketUs / 50)} listener-streams per core at 80% CPU (1 speaker, 50 packets/s)`);

sender.close();
sink.close();
worker.close();
