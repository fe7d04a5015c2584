// Live HLS for every live room (issue 15): each room's LiveStream, made on the first playlist
// request, its end when the room ends (the final playlist is served `endedKeepMs` more), and the
// HLS listener estimate: distinct clients that fetched a playlist in the last `listenerWindowMs`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { MediaRooms } from '../media/media-rooms';
import type { LiveRoom } from '../rooms/live/live-room';
import type { LiveRooms } from '../rooms/live/live-rooms';
import { LiveStream } from './live-stream';

export const listenerWindowMs = 6_000;
const endedKeepMs = 60_000;
const idleMs = 60_000;
const sweepMs = 5_000;

export interface LiveStreamsDeps {
  log: Logger;
  live: LiveRooms;
  media: MediaRooms;
  dataDir: string;
  ffmpeg: string;
  now(): number;
  /** A mix nobody asked for in this long stops (default 60 s); checked every `sweepMs` (default 5 s). */
  idleMs?: number;
  sweepMs?: number;
}

export class LiveStreams {
  private readonly streams = new Map<string, { stream: LiveStream; live: LiveRoom }>();
  private readonly clients = new Map<string, Map<string, number>>(); // room → client key → last playlist fetch
  readonly available: boolean;
  private readonly timer: Timer;

  constructor(private readonly deps: LiveStreamsDeps) {
    this.available = !!Bun.which(deps.ffmpeg);
    rmSync(this.scratchDir(), { recursive: true, force: true }); // decoders' SDP files a crash left
    this.timer = setInterval(() => void this.sweep(), deps.sweepMs ?? sweepMs);
    this.timer.unref();
  }

  /** The room's stream and its LiveRoom (also for a room that ended less than a minute ago); made when first asked. */
  find(roomId: string): { stream: LiveStream; live: LiveRoom } | undefined {
    const known = this.streams.get(roomId);
    if (known) return known;
    const live = this.deps.live.get(roomId);
    const media = live && this.deps.media.find(roomId);
    if (!live || !media || !this.available) return undefined;
    const stream = new LiveStream(live, media, { log: this.deps.log, ffmpeg: this.deps.ffmpeg, dir: join(this.scratchDir(), roomId), idleMs: this.deps.idleMs ?? idleMs });
    const entry = { stream, live };
    this.streams.set(roomId, entry);
    live.eventObservers.add((event) => {
      if (event.type === 'roomEnded') void stream.end(this.deps.now()).catch((error) => this.deps.log.warn('could not stop a live HLS mix', { room: roomId, error }));
    });
    return entry;
  }

  /** Notes one playlist fetch by a client (an anonymous browser id, an account, or an address and user agent). */
  sawListener(roomId: string, clientKey: string) {
    let seen = this.clients.get(roomId);
    if (!seen) this.clients.set(roomId, (seen = new Map()));
    seen.set(clientKey, this.deps.now());
  }

  /** HLS listeners of a room now: distinct clients that fetched its playlist in the last 6 s. */
  hlsListeners(roomId: string): number {
    const seen = this.clients.get(roomId);
    if (!seen) return 0;
    const since = this.deps.now() - listenerWindowMs;
    let count = 0;
    for (const at of seen.values()) if (at >= since) count++;
    return count;
  }

  /** Stops every mix (shutdown, tests). */
  async close() {
    clearInterval(this.timer);
    await Promise.all([...this.streams.values()].map(({ stream }) => stream.end(this.deps.now())));
  }

  private async sweep() {
    const now = this.deps.now();
    for (const [roomId, { stream }] of this.streams) {
      if (stream.endedAt !== null && now - stream.endedAt > endedKeepMs) this.streams.delete(roomId);
      else await stream.stopIfIdle(now).catch((error) => this.deps.log.warn('could not stop an idle live HLS mix', { room: roomId, error }));
    }
    for (const [roomId, seen] of this.clients) {
      for (const [key, at] of seen) if (at < now - listenerWindowMs) seen.delete(key);
      if (!seen.size) this.clients.delete(roomId);
    }
  }

  private scratchDir() {
    return join(this.deps.dataDir, 'hls', 'live');
  }
}
