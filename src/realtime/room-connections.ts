// The open room sockets of this process: who each one is, a token bucket against floods, a queue
// that handles one participant's messages one at a time (two racing `produce` cannot both win),
// and how many sockets each network address holds.
import type { LiveRoom } from '../rooms/live/live-room';
import type { RoomSocket } from '../rooms/live/room-broadcaster';

/** Larger frames are refused before parsing; the biggest real message (rtpCapabilities) is ~10 KB. */
export const roomFrameLimitBytes = 64 * 1024;

// Generous enough for a full join (up to ~25 signalling messages with 13 speakers), tight enough for floods.
const burst = 60;
const perSecond = 20;

export interface RoomConnection {
  live: LiveRoom;
  personId: string;
  socket: RoomSocket;
  ip: string;
  closed: boolean;
  /** The page listens over live HLS (it said so): counted by the playlist requests, not here. */
  hls?: boolean;
  tokens: number;
  refilledAt: number;
  /** The tail of this participant's message queue. */
  queue: Promise<void>;
}

export class RoomConnections {
  private readonly bySocket = new Map<string, RoomConnection>();
  private readonly perIp = new Map<string, number>();

  /** Reserves a place for a socket from `ip`; false when that address already holds `limit` (0 = no limit). */
  reserve(ip: string, limit: number): boolean {
    const open = this.perIp.get(ip) ?? 0;
    if (limit > 0 && open >= limit) return false;
    this.perIp.set(ip, open + 1);
    return true;
  }

  /** Gives back a place taken by `reserve`. */
  unreserve(ip: string): void {
    const open = (this.perIp.get(ip) ?? 1) - 1;
    if (open > 0) this.perIp.set(ip, open);
    else this.perIp.delete(ip);
  }

  add(socketId: string, conn: Omit<RoomConnection, 'closed' | 'tokens' | 'refilledAt' | 'queue'>): RoomConnection {
    const full: RoomConnection = { ...conn, closed: false, tokens: burst, refilledAt: Date.now(), queue: Promise.resolve() };
    this.bySocket.set(socketId, full);
    return full;
  }

  get(socketId: string): RoomConnection | undefined {
    return this.bySocket.get(socketId);
  }

  /** Open sockets of a room whose page listens over live HLS (their playlist requests count them too). */
  hlsListenersIn(roomId: string): number {
    let count = 0;
    for (const conn of this.bySocket.values()) if (conn.hls && conn.live.id === roomId) count++;
    return count;
  }

  remove(socketId: string): RoomConnection | undefined {
    const conn = this.bySocket.get(socketId);
    if (!conn) return undefined;
    this.bySocket.delete(socketId);
    conn.closed = true; // queued messages of a closed socket are dropped
    return conn;
  }

  /** Token bucket: false when this socket sends faster than a person could. */
  allow(conn: RoomConnection): boolean {
    const now = Date.now();
    conn.tokens = Math.min(burst, conn.tokens + ((now - conn.refilledAt) / 1000) * perSecond);
    conn.refilledAt = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  /** Runs `task` after this participant's earlier messages, skipped if their socket closed meanwhile. */
  enqueue(conn: RoomConnection, task: () => Promise<void>, onError: (error: unknown) => void): void {
    conn.queue = conn.queue.then(() => (conn.closed ? undefined : task())).catch(onError);
  }
}
