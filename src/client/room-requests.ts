// Requests that expect an answer (audio signalling): each carries a ref; the server's `mediaReply`
// or `error` with the same ref settles it. Errors come back translated for the person.
import type { ServerMessage } from '../rooms/live/protocol';

const timeoutMs = 10_000;

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

/** An error in the person's language when the page sent a text for its code; the server's English otherwise. */
export function errorText(strings: Readonly<Record<string, string>>, m: ErrorMessage): string {
  return strings[`room.error.${m.code}`] ?? m.message;
}

export class PendingRequests {
  private readonly waiting = new Map<string, { resolve(data: unknown): void; reject(e: Error): void }>();
  private nextRef = 1;

  constructor(
    private readonly send: (message: object) => void,
    private readonly errorText: (m: ErrorMessage) => string,
  ) {}

  request<Reply>(message: { type: string } & Record<string, unknown>): Promise<Reply> {
    const ref = `m${this.nextRef++}`;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(ref, { resolve: (data) => resolve(data as Reply), reject });
      this.send({ ...message, ref });
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
