// The registry of rooms that are live in this process.
import type { Db } from '../../db/connection';
import type { Room } from '../../db/schema';
import type { Logger } from '../../log';
import type { SettingsService } from '../../settings/settings.service';
import { LiveRoom } from './live-room';
import type { Publisher } from './room-broadcaster';
import type { EndReason, RoomLimits } from './room.model';

const reconnectWindowMs = 30_000;

export class LiveRooms {
  private readonly rooms = new Map<string, LiveRoom>();
  /** Ended rooms whose last writes (status 'ended') are still on their way to the database. */
  private readonly endings = new Set<Promise<void>>();
  private publisher: Publisher = { publish: () => {} };
  /** Called for every new live room (the media plane attaches here); start() awaits them. */
  readonly startObservers = new Set<(room: LiveRoom) => void | Promise<void>>();

  constructor(private readonly deps: { db: Db; log: Logger; settings: SettingsService }) {}

  /** The HTTP server's pub/sub, once it listens. */
  setPublisher(publisher: Publisher) {
    this.publisher = publisher;
  }

  limits(): RoomLimits {
    const s = this.deps.settings.get();
    return {
      maxCohosts: s.maxCohostsPerRoom,
      maxSpeakers: s.maxSpeakersPerRoom,
      maxListeners: s.maxListenersPerRoom,
      graceMs: s.roomGraceMinutes * 60_000,
      reconnectMs: reconnectWindowMs,
    };
  }

  async start(room: Room): Promise<LiveRoom> {
    const live = new LiveRoom(room, {
      db: this.deps.db,
      log: this.deps.log,
      publisher: { publish: (topic, data) => this.publisher.publish(topic, data) },
      limits: this.limits(),
      onEnded: (ended) => {
        this.rooms.delete(ended.id);
        const written = ended.history.settled().finally(() => this.endings.delete(written));
        this.endings.add(written);
        this.deps.log.info('room ended', { room: ended.id, reason: ended.state.endReason });
      },
    });
    try {
      for (const observer of this.startObservers) await observer(live);
    } catch (error) {
      live.end('shutdown');
      throw error;
    }
    this.rooms.set(room.id, live);
    return live;
  }

  /** Resolves once every room that ended is marked ended in the database. */
  async endingsWritten(): Promise<void> {
    await Promise.all(this.endings);
  }

  get(id: string): LiveRoom | undefined {
    return this.rooms.get(id);
  }

  all(): LiveRoom[] {
    return [...this.rooms.values()];
  }

  /** Graceful shutdown: every room ends cleanly and its history is written before the database closes. */
  async endAll(reason: EndReason): Promise<void> {
    const rooms = this.all();
    for (const room of rooms) room.end(reason);
    await Promise.all(rooms.map((room) => room.history.settled()));
  }
}
