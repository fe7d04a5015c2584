// Child process: the cheap listeners' destination. Counts RTP packets per stream (SSRC) from
// their sequence numbers, so loss per listener is known without decrypting SRTP; a few probe
// streams arrive as plain RTP and give the forwarding delay from the payload's send time.
import type { udp } from 'bun';
import { serveParent } from './child';
import { delayOf, payloadOffset, percentile } from './rtp-payload';

interface Stream {
  highest: number; // extended sequence number
  lowest: number;
  count: number;
}

// Several sockets: each has the kernel's default receive buffer, together they absorb hiccups.
const socketCount = 8;
let streams = new Map<number, Stream>();
let delays: number[] = [];
let counting = false;
let received = 0;

function onPacket(packet: Uint8Array, probe: boolean) {
  if (!counting || packet.length < 12) return;
  if (packet[1]! >= 192 && packet[1]! <= 223) return; // RTCP
  received++;
  const ssrc = ((packet[8]! << 24) | (packet[9]! << 16) | (packet[10]! << 8) | packet[11]!) >>> 0;
  const seq = (packet[2]! << 8) | packet[3]!;
  const stream = streams.get(ssrc);
  if (!stream) streams.set(ssrc, { highest: seq, lowest: seq, count: 1 });
  else {
    stream.count++;
    const ahead = (seq - (stream.highest & 0xffff) + 0x10000) & 0xffff;
    if (ahead < 0x8000) stream.highest += ahead;
  }
  if (probe) delays.push(delayOf(packet.subarray(payloadOffset(packet))));
}

// Unsampled streams go to a port nobody listens on: the kernel drops them as cheaply as it can, so
// the receiving side does not take the cores the workers are measured on. Loss is measured on a
// sample of streams and on the probes.
const closed = await Bun.udpSocket({ hostname: '127.0.0.1' });
const closedPort = closed.port;
closed.close();

const sockets: udp.Socket<'buffer'>[] = [];
for (let i = 0; i <= socketCount; i++) {
  const probe = i === socketCount;
  sockets.push(await Bun.udpSocket({ hostname: '127.0.0.1', socket: { data: (_s, data) => onPacket(data, probe) } }));
}

serveParent({
  ports: () => ({ srtp: sockets.slice(0, socketCount).map((s) => s.port), probe: sockets[socketCount]!.port, drop: closedPort }),
  begin: () => {
    streams = new Map();
    delays = [];
    received = 0;
    counting = true;
  },
  /** Loss per stream over the window: packets missing between the first and last one seen. */
  end: () => {
    counting = false;
    const losses = [...streams.values()].map((s) => 1 - Math.min(1, s.count / (s.highest - s.lowest + 1)));
    losses.sort((a, b) => a - b);
    delays.sort((a, b) => a - b);
    return {
      streams: streams.size,
      received,
      lossMean: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : null,
      lossMax: losses.at(-1) ?? null,
      streamsOverHalfPercent: losses.filter((l) => l > 0.005).length,
      delayP50: percentile(delays, 50),
      delayP99: percentile(delays, 99),
    };
  },
});
