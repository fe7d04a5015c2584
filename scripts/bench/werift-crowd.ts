// Child process: real WebRTC listeners (werift) joining through the page, the room socket and the
// media signalling, at a controlled rate. Reports join time (join request → first RTP packet),
// failures, forwarding delay from the payload's send time, and packets received per listener.
import { joinWithWerift, type WeriftListener } from '../../test/support/werift-listener';
import { serveParent } from './child';
import { delayOf, percentile } from './rtp-payload';

const listeners: WeriftListener[] = [];
let delays: number[] = [];
let counts = new Map<WeriftListener, number>();
let measuring = false;

async function join({ baseUrl, roomId, count, perSecond, timeoutMs = 30_000 }: { baseUrl: string; roomId: string; count: number; perSecond: number; timeoutMs?: number }) {
  const errors: string[] = [];
  const joined: WeriftListener[] = [];
  const started = performance.now();
  const attempts: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    await Bun.sleep(Math.max(0, started + (i * 1000) / perSecond - performance.now()));
    attempts.push(
      joinWithWerift(baseUrl, roomId, { onPayload: (payload) => measuring && delays.push(delayOf(payload)) }).then(
        (listener) => void joined.push(listener),
        (error) => void errors.push(String(error instanceof Error ? error.message : error)),
      ),
    );
  }
  await Promise.all(attempts);
  // Everyone who joined must hear audio within the timeout; the rest are stuck joins.
  const deadline = performance.now() + timeoutMs;
  while (joined.some((l) => l.firstPacketAfterMs === null) && performance.now() < deadline) await Bun.sleep(100);
  listeners.push(...joined);
  const times = joined.flatMap((l) => (l.firstPacketAfterMs === null ? [] : [l.firstPacketAfterMs])).sort((a, b) => a - b);
  return {
    requested: count,
    joined: joined.length,
    hearing: times.length,
    stuck: joined.length - times.length,
    errors: errors.length,
    firstErrors: [...new Set(errors)].slice(0, 3),
    seconds: (performance.now() - started) / 1000,
    joinP50: percentile(times, 50),
    joinP95: percentile(times, 95),
    joinP99: percentile(times, 99),
  };
}

serveParent({
  join,
  begin() {
    delays = [];
    counts = new Map(listeners.map((l) => [l, l.packets()]));
    measuring = true;
  },
  end() {
    measuring = false;
    const received = listeners.map((l) => l.packets() - (counts.get(l) ?? 0)).sort((a, b) => a - b);
    delays.sort((a, b) => a - b);
    return {
      listeners: listeners.length,
      packetsMin: received[0] ?? 0,
      packetsMedian: percentile(received, 50) ?? 0,
      delayP50: percentile(delays, 50),
      delayP99: percentile(delays, 99),
    };
  },
  async closeAll() {
    await Promise.all(listeners.map((l) => l.close()));
    listeners.length = 0;
  },
});
