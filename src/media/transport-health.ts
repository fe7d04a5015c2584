// A WebRTC transport that cannot carry audio any more: its DTLS failed, or its ICE stayed
// disconnected (a TCP path that broke) longer than the client's ICE restart needs.
import type { types } from 'mediasoup';

/** How long a transport may stay ICE-disconnected (time for the client's ICE restart) before it counts as failed. */
export const iceDisconnectedGraceMs = 15_000;

/** Calls `onFailed` (with why) once the transport has failed; stops watching when it closes. */
export function watchTransportHealth(transport: types.WebRtcTransport, onFailed: (why: string) => void): void {
  let disconnectedTimer: Timer | null = null;
  transport.on('dtlsstatechange', (state) => {
    if (state === 'failed') onFailed('dtls failed');
  });
  transport.on('icestatechange', (state) => {
    if (disconnectedTimer) clearTimeout(disconnectedTimer);
    disconnectedTimer = state === 'disconnected' ? setTimeout(() => onFailed('ice disconnected'), iceDisconnectedGraceMs) : null;
  });
  transport.observer.once('close', () => disconnectedTimer && clearTimeout(disconnectedTimer));
}
