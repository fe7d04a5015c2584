// Host analytics: every live room gets a RoomAnalyticsObserver (after the media plane, so its
// MediaRoom's speaking observers exist); after or during the room, `report` gathers the numbers.
// Who may see them: the host, the room's co-hosts (not removed, not blocked by the host) and admins.
import type { Db } from '../db/connection';
import type { Room, User } from '../db/schema';
import type { Logger } from '../log';
import type { MediaRooms } from '../media/media-rooms';
import type { LiveRooms } from '../rooms/live/live-rooms';
import { findRoom } from '../rooms/rooms.repository';
import { Forbidden, NotFound, Unauthorized } from '../shared/errors';
import { hasBlocked } from '../social/social.repository';
import { RoomAnalyticsObserver } from './room-analytics-observer';
import { listenerSamples, participations, replayAndClipPlays, roomCounters, talkTimes, wasCohost, wasRemoved } from './room-analytics.repository';

export interface RoomReport {
  room: Pick<Room, 'id' | 'title' | 'status' | 'started_at' | 'ended_at' | 'created_at' | 'host_id'>;
  peakListeners: number;
  uniqueListeners: number;
  uniqueAccounts: number;
  uniqueAnonymous: number;
  listeningMinutes: number;
  /** Milliseconds, per unique listener. */
  averageListenMs: number;
  samples: { at: string; listeners: number; speakers: number }[];
  speakers: { participantId: string; name: string; handle: string | null; talkMs: number }[];
  speakerCount: number;
  reactions: number;
  handRaises: number;
  replayPlays: number;
  clipPlays: number;
  replays: number;
  clips: number;
}

export class RoomAnalytics {
  /** How often listeners are sampled (a minute; tests make it shorter before rooms start). */
  sampleEveryMs = 60_000;
  private readonly observers = new Map<string, RoomAnalyticsObserver>();

  constructor(private readonly deps: { db: Db; log: Logger; live: LiveRooms; media: MediaRooms; clock?: () => number }) {
    deps.live.startObservers.add((live) => {
      const observer = new RoomAnalyticsObserver(live, { db: deps.db, log: deps.log, sampleEveryMs: this.sampleEveryMs, clock: deps.clock });
      this.observers.set(live.id, observer);
      deps.media.find(live.id)?.speakingObservers.add((ids) => observer.onSpeaking(ids));
      live.eventObservers.add((event) => {
        if (event.type === 'roomEnded') void observer.settled().finally(() => this.observers.delete(live.id));
      });
    });
  }

  /** Waits for every room's writes so far (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.observers.values()].map((o) => o.settled()));
  }

  /** The room, if this viewer may see its analytics; throws otherwise (401, 403, 404). */
  async authorize(viewer: User | null, roomId: string): Promise<Room> {
    const room = await findRoom(this.deps.db, roomId);
    if (!room) throw new NotFound('No such room');
    if (!viewer) throw new Unauthorized();
    if (viewer.role === 'admin' || viewer.id === room.host_id) return room;
    if (await this.isCohost(room, viewer.id)) return room;
    throw new Forbidden('Only the host, co-hosts and admins see these numbers');
  }

  async report(room: Room): Promise<RoomReport> {
    const { db } = this.deps;
    await this.observers.get(room.id)?.settled();
    const live = this.deps.live.get(room.id);
    const observer = this.observers.get(room.id);
    const [counters, samples, talk, rows, plays] = await Promise.all([roomCounters(db, room.id), listenerSamples(db, room.id), talkTimes(db, room.id), participations(db, room.id), replayAndClipPlays(db, room.id)]);
    const end = room.ended_at ? Date.parse(room.ended_at) : Date.now();
    const accounts = new Set<number>();
    const anonymous = new Set<string>();
    const speakers = new Set<string>();
    let listeningMs = 0;
    for (const row of rows) {
      if (row.top_role !== 'listener') speakers.add(row.user_id !== null ? `u:${row.user_id}` : `a:${row.anonymous_id}`);
      if (row.user_id === room.host_id) continue; // the host is not their own audience
      if (row.user_id !== null) accounts.add(row.user_id);
      else if (row.anonymous_id) anonymous.add(row.anonymous_id);
      const joined = Date.parse(row.joined_at);
      const left = row.left_at ? Date.parse(row.left_at) : end;
      listeningMs += Math.max(0, left - joined);
    }
    for (const t of talk) speakers.add(t.participantId); // the top role of someone still in a live room is written when they leave
    for (const p of live?.state.stage() ?? []) speakers.add(p.id);
    const unique = accounts.size + anonymous.size;
    return {
      room: { id: room.id, title: room.title, status: room.status, started_at: room.started_at, ended_at: room.ended_at, created_at: room.created_at, host_id: room.host_id },
      peakListeners: Math.max(room.peak_listeners, live?.peakListeners ?? 0, ...samples.map((s) => s.listeners)),
      uniqueListeners: unique,
      uniqueAccounts: accounts.size,
      uniqueAnonymous: anonymous.size,
      listeningMinutes: Math.round((listeningMs / 60_000) * 10) / 10,
      averageListenMs: unique ? Math.round(listeningMs / unique) : 0,
      samples,
      speakers: talk.map((t) => ({ participantId: t.participantId, name: t.name, handle: t.handle ?? null, talkMs: t.talkMs })),
      speakerCount: speakers.size,
      reactions: observer?.reactions ?? counters?.reactions ?? 0,
      handRaises: observer?.handRaises ?? counters?.hand_raises ?? 0,
      ...plays,
    };
  }

  private async isCohost(room: Room, userId: number): Promise<boolean> {
    if (!(await wasCohost(this.deps.db, room.id, userId))) return false;
    if (await wasRemoved(this.deps.db, room.id, userId)) return false;
    return !(await hasBlocked(this.deps.db, room.host_id, userId));
  }
}
