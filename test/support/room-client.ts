// A real WebSocket participant for integration tests: connects with a WebClient's cookies,
// records every message, and waits for the ones a test expects.
import type { WebClient } from './web-client';

export class RoomClient {
  readonly messages: any[] = [];
  closed: { code: number; reason: string } | null = null;
  closedHook: (() => void) | null = null;
  /** Called with every message as it arrives (the werift helpers react to newConsumer at once). */
  onMessage: ((message: any) => void) | null = null;
  private readonly socket: WebSocket;
  private waiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(client: WebClient | null, baseUrl: string, roomId: string, headers: Record<string, string> = {}) {
    const url = baseUrl.replace(/^http/, 'ws') + `/r/${roomId}/ws`;
    const cookie = client ? [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const forwarded = client ? { 'x-forwarded-for': client.ip } : {}; // the test server trusts it: one address per browser
    this.socket = new WebSocket(url, { headers: { ...(cookie ? { cookie } : {}), ...forwarded, ...headers } } as any);
    this.opened = new Promise((resolve, reject) => {
      this.socket.onopen = () => resolve();
      this.socket.onerror = () => reject(new Error('WebSocket failed to open'));
    });
    this.socket.onmessage = (e) => {
      const message = JSON.parse(String(e.data));
      this.messages.push(message);
      this.onMessage?.(message);
      this.wake();
    };
    this.socket.onclose = (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.closedHook?.();
      this.wake();
    };
  }

  static async join(client: WebClient | null, baseUrl: string, roomId: string): Promise<RoomClient> {
    const room = new RoomClient(client, baseUrl, roomId);
    await room.next((m) => m.type === 'snapshot' || m.type === 'error');
    return room;
  }

  get snapshot() {
    return this.messages.find((m) => m.type === 'snapshot');
  }

  send(message: object | string) {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from now on, or already received after `from`) matching. */
  async next(match: (m: any) => boolean, timeoutMs = 3000, from = 0): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed && !this.messages.slice(from).some(match)) {
        // allow the close to race with a last message
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends and waits for a matching answer among messages received after sending. */
  async request(message: object, match: (m: any) => boolean, timeoutMs = 3000) {
    const from = this.messages.length;
    this.send(message);
    return this.next(match, timeoutMs, from);
  }

  /** As the host (or a co-host): invites `guest` to speak, and the guest accepts. Resolves with the guest's id once on stage. */
  async bringOnStage(guest: RoomClient): Promise<string> {
    const guestId: string = guest.snapshot.you.id;
    this.send({ type: 'inviteToSpeak', target: guestId });
    await guest.next((m) => m.type === 'invited');
    guest.send({ type: 'acceptInvite' });
    await guest.next((m) => m.type === 'roleChanged' && m.id === guestId);
    return guestId;
  }

  async waitClosed(timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await Bun.sleep(10);
    if (!this.closed) throw new Error('socket did not close');
    return this.closed;
  }

  close() {
    this.socket.close();
  }

  /** Drops the connection the way a network blip does (no goodbye). */
  terminate() {
    (this.socket as any).terminate?.() ?? this.socket.close(4999);
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
