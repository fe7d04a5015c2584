// Sends room events to the right people. Everyone shares one Bun pub/sub topic per room (one
// publish reaches all sockets natively); hosts and co-hosts share a second topic for the hand queue.
// Listener counts and reactions are coalesced: a flood of joins or emojis costs a few messages a
// second, not one per listener per event (fewer still in very big rooms).
import type { ServerMessage } from './protocol';
import type { ReactionEmoji } from './room.model';

export interface RoomSocket {
  send(data: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  close(code?: number, reason?: string): void;
}

export interface Publisher {
  publish(topic: string, data: string): void;
}

/** The one way a message reaches a single socket: only protocol messages can be sent. */
export function send(socket: RoomSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}

export const flushIntervalMs = 250;
export const maxFlushIntervalMs = 1000;

/**
 * How long coalesced updates wait in a room of `audience` sockets: 250 ms up to 1,250 people, then
 * longer, up to 1 s from 5,000. A publish costs the server about 8 µs per socket (kernel send),
 * so a big room flushes less often and a reaction flood stays a few publishes a second.
 */
export function flushDelayFor(audience: number): number {
  return Math.min(maxFlushIntervalMs, Math.max(flushIntervalMs, Math.round(audience / 5)));
}

export class RoomBroadcaster {
  readonly everyone: string;
  readonly managers: string;
  private listenerCount: (() => number) | null = null;
  private lastSentCount = -1;
  private reactions = new Map<ReactionEmoji, number>();
  private flushTimer: Timer | null = null;
  /** Messages published or sent, for the signalling benchmarks and tests. */
  messagesOut = 0;

  constructor(
    roomId: string,
    private readonly publisher: Publisher,
    private readonly sockets: Map<string, RoomSocket>,
  ) {
    this.everyone = `room:${roomId}`;
    this.managers = `room:${roomId}:managers`;
  }

  toAll(message: ServerMessage) {
    this.messagesOut++;
    this.publisher.publish(this.everyone, JSON.stringify(message));
  }

  toManagers(message: ServerMessage) {
    this.messagesOut++;
    this.publisher.publish(this.managers, JSON.stringify(message));
  }

  toPerson(id: string, message: ServerMessage) {
    const socket = this.sockets.get(id);
    if (!socket) return;
    this.messagesOut++;
    send(socket, message);
  }

  /** The listener count changed; send it at the next flush (if it still differs). */
  listenersChanged(count: () => number) {
    this.listenerCount = count;
    this.scheduleFlush();
  }

  reaction(emoji: ReactionEmoji) {
    this.reactions.set(emoji, (this.reactions.get(emoji) ?? 0) + 1);
    this.scheduleFlush();
  }

  flush() {
    this.flushTimer = null;
    const count = this.listenerCount?.();
    if (count !== undefined && count !== this.lastSentCount) {
      this.lastSentCount = count;
      this.toAll({ type: 'listenerCount', count });
    }
    if (this.reactions.size) {
      this.toAll({ type: 'reactions', counts: Object.fromEntries(this.reactions) });
      this.reactions.clear();
    }
  }

  stop() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  private scheduleFlush() {
    this.flushTimer ??= setTimeout(() => this.flush(), flushDelayFor(this.sockets.size));
  }
}
