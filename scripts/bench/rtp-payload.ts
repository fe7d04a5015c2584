// The benchmark's RTP payload: Opus-sized (80 bytes, a 20 ms frame at 32 kbit/s) with the send
// time in its first 8 bytes, so receivers can measure forwarding delay. mediasoup forwards
// payloads without decoding them. Sender and receivers are on the same machine and clock.
export const payloadBytes = 80;
export const framesPerSecond = 50;

export const wallClockMs = () => performance.timeOrigin + performance.now();

export function timedPayload(): Buffer {
  const payload = Buffer.alloc(payloadBytes, 0x55);
  payload.writeDoubleBE(wallClockMs(), 0);
  return payload;
}

export function delayOf(payload: Uint8Array): number {
  return wallClockMs() - new DataView(payload.buffer, payload.byteOffset, 8).getFloat64(0);
}

/** Where the payload starts in an RTP packet (after CSRCs and header extensions). */
export function payloadOffset(packet: Uint8Array): number {
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) offset += 4 + ((packet[offset + 2]! << 8) | packet[offset + 3]!) * 4;
  return offset;
}

/** Calls `tick` `framesPerSecond` times a second without drifting, until stopped. */
export function every20ms(tick: () => void): () => void {
  let next = performance.now();
  let running = true;
  const loop = () => {
    if (!running) return;
    tick();
    next += 1000 / framesPerSecond;
    setTimeout(loop, Math.max(0, next - performance.now()));
  };
  loop();
  return () => (running = false);
}

export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
