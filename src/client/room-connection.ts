// The room's WebSocket, with automatic reconnection (the server keeps a participant's role for
// 30 s) and no reconnection when the room ended, or the person was removed or refused.
import type { ClientMessage } from '../realtime/client-messages';
import { finalCloseCodes, type ServerMessage } from '../rooms/live/protocol';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export class RoomConnection {
  private socket: WebSocket | null = null;
  private attempts = 0;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly handlers: { message(data: ServerMessage): void; state(state: ConnectionState, code?: number): void },
  ) {}

  open() {
    this.handlers.state(this.attempts ? 'reconnecting' : 'connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.handlers.state('connected');
    };
    socket.onmessage = (e) => {
      try {
        this.handlers.message(JSON.parse(e.data) as ServerMessage); // the server sends only protocol messages
      } catch {
        /* not ours */
      }
    };
    socket.onclose = (e) => {
      if (this.socket !== socket) return;
      if (this.stopped || finalCloseCodes.has(e.code)) {
        this.handlers.state('closed', e.code);
        return;
      }
      this.attempts++;
      this.handlers.state('reconnecting');
      setTimeout(() => this.open(), Math.min(10_000, 500 * 2 ** Math.min(this.attempts, 5)));
    };
  }

  send(message: ClientMessage) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.stopped = true;
    this.socket?.close(1000);
  }
}
