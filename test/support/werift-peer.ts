// Runs mediasoup-client in Bun on werift's pure-TypeScript RTCPeerConnection (Chrome111 handler),
// speaking the room's real signalling: the headless listeners and speakers of the tests and
// benchmarks are built on this.
import * as werift from 'werift';
import type { RoomClient } from './room-client';

let installed = false;

/** mediasoup-client's Device, with werift standing in for the browser's WebRTC. */
export async function weriftDevice() {
  if (!installed) {
    const g = globalThis as Record<string, unknown>;
    // Loopback-only hosts: no STUN, and offer 127.0.0.1 as a host candidate.
    g.RTCPeerConnection = class extends werift.RTCPeerConnection {
      constructor(config: Record<string, unknown> = {}) {
        super({ ...config, iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'] } as never);
      }
    };
    g.RTCSessionDescription = werift.RTCSessionDescription;
    g.MediaStream = (werift as unknown as { MediaStream: unknown }).MediaStream;
    installed = true;
  }
  const { Device } = await import('mediasoup-client');
  return new Device({ handlerName: 'Chrome111' });
}

/** Request/answer over the room socket: media messages are answered by `ref`. */
export function mediaRequests(socket: RoomClient, timeoutMs = 10_000) {
  let ref = 0;
  return async (message: Record<string, unknown>): Promise<any> => {
    const id = `w${++ref}`;
    const answer = await socket.request({ ...message, ref: id }, (m) => m.ref === id, timeoutMs);
    if (answer.type === 'error') throw new Error(`${String(message.type)}: ${answer.message}`);
    return answer.data;
  };
}
