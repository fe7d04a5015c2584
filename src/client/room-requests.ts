// Requests that expect an answer (audio signalling): each carries a ref; the server's `mediaReply`
// or `error` with the same ref settles it. Errors come back translated for the person.
import type { types } from 'mediasoup-client';
import type { ClientMessage, ClientMessageType } from '../realtime/client-messages';
import type { ServerMessage } from '../rooms/live/protocol';

const timeoutMs = 10_000;

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

/** What the server's `mediaReply` carries for each request (src/realtime/media-signalling.ts). */
export interface Replies {
  mediaCapabilities: { routerRtpCapabilities: types.RtpCapabilities; iceServers: RTCIceServer[]; listenOverHls?: boolean };
  createTransport: Pick<types.TransportOptions, 'id' | 'iceParameters' | 'iceCandidates' | 'dtlsParameters' | 'sctpParameters'>;
  connectTransport: Record<string, never>;
  produce: { producerId: string };
  consumeReady: Record<string, never>;
  resumeConsumer: Record<string, never>;
  restartIce: { iceParameters: types.IceParameters };
}
export type RequestType = keyof Replies;
// Every request is a client message: a renamed message type breaks the build here.
const requestsAreMessages: [Exclude<RequestType, ClientMessageType>] extends [never] ? true : never = true;
void requestsAreMessages;

/** A request as its sender writes it: PendingRequests adds the ref. */
export type RequestMessage<K extends RequestType> = Omit<Extract<ClientMessage, { type: K }>, 'ref'>;

/** Sends a request; resolves with the server's `mediaReply` data for it. */
export type Request = PendingRequests['request'];

/** An error in the person's language when the page sent a text for its code; the server's English otherwise. */
export function errorText(strings: Readonly<Record<string, string>>, m: ErrorMessage): string {
  return strings[`room.error.${m.code}`] ?? m.message;
}

export class PendingRequests {
  private readonly waiting = new Map<string, { resolve(data: unknown): void; reject(e: Error): void }>();
  private nextRef = 1;

  constructor(
    private readonly send: (message: ClientMessage) => void,
    private readonly errorText: (m: ErrorMessage) => string,
  ) {}

  request<K extends RequestType>(message: RequestMessage<K> & { type: K }): Promise<Replies[K]> {
    const ref = `m${this.nextRef++}`;
    return new Promise<Replies[K]>((resolve, reject) => {
      // The server answers a request of type K with Replies[K] (media-signalling.ts).
      this.waiting.set(ref, { resolve: (data) => resolve(data as Replies[K]), reject });
      this.send({ ...message, ref } as ClientMessage); // a K request plus its ref: TypeScript cannot follow a generic spread back into the union
      setTimeout(() => this.waiting.get(ref) && (this.waiting.delete(ref), reject(new Error('timeout'))), timeoutMs);
    });
  }

  /** True when `m` answered one of our requests (and is handled). */
  settle(m: ServerMessage): boolean {
    if ((m.type !== 'mediaReply' && m.type !== 'error') || !m.ref) return false;
    const waiter = this.waiting.get(m.ref);
    if (!waiter) return false;
    this.waiting.delete(m.ref);
    if (m.type === 'mediaReply') waiter.resolve(m.data);
    else waiter.reject(new Error(this.errorText(m)));
    return true;
  }
}
