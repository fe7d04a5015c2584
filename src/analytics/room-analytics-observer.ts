// One live room's numbers as they happen: reactions and raised hands counted, listeners and
// speakers sampled every interval, talk time from who is audible. Attached like the recorder:
// through the room's event observers and its MediaRoom's speaking observers. Writes are
// fire-and-forget (logged on failure), never in the realtime path.
import type { Db } from '../db/connection';
import type { Logger } from '../log';
import type { LiveRoom } from '../rooms/live/live-room';
import type { RoomEvent } from '../rooms/live/room.model';
import { addTalkTime, insertListenerSample, saveRoomCounters } from './room-analytics.repository';

export class RoomAnalyticsObserver {
  reactions = 0;
  handRaises = 0;
  private countersDirty = false;
  /** Who is audible now, since when. */
  private readonly speakingSince = new Map<string, number>();
  /** Talk time not yet written, per participant. */
  private readonly unwritten = new Map<string, number>();
  /** Who they were when they spoke (they may have left by the time it is written). */
  private readonly speakers = new Map<string, { userId: number | null; name: string }>();
  private readonly timer: Timer;
  private readonly pending = new Set<Promise<unknown>>();
  private finished = false;

  constructor(
    private readonly live: LiveRoom,
    private readonly deps: { db: Db; log: Logger; sampleEveryMs: number; clock?: () => number },
  ) {
    live.eventObservers.add((event) => this.onEvent(event));
    this.timer = setInterval(() => this.sample(), deps.sampleEveryMs);
    this.sample();
  }

  /** The MediaRoom's speaking observers call this with everyone audible. */
  onSpeaking(ids: string[]): void {
    if (this.finished) return;
    const now = this.now();
    const audible = new Set(ids);
    for (const [id, since] of [...this.speakingSince]) {
      if (audible.has(id)) continue;
      this.speakingSince.delete(id);
      this.unwritten.set(id, (this.unwritten.get(id) ?? 0) + (now - since));
    }
    for (const id of audible) {
      if (this.speakingSince.has(id)) continue;
      this.speakingSince.set(id, now);
      const p = this.live.state.get(id);
      if (p) this.speakers.set(id, { userId: p.userId, name: p.handle ?? p.name });
    }
  }

  /** Waits for every write so far. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private onEvent(event: RoomEvent) {
    if (event.type === 'reacted') this.reactions++;
    else if (event.type === 'handRaised') this.handRaises++;
    else if (event.type === 'roomEnded') return this.finish();
    else return;
    this.countersDirty = true;
  }

  private sample() {
    const state = this.live.state;
    this.track(insertListenerSample(this.deps.db, { room_id: this.live.id, at: new Date(this.now()).toISOString(), listeners: this.live.listenerCount(), speakers: state.stage().length }));
    this.flush();
  }

  private flush() {
    if (this.countersDirty) {
      this.countersDirty = false;
      this.track(saveRoomCounters(this.deps.db, this.live.id, this.reactions, this.handRaises));
    }
    const now = this.now();
    for (const [id, since] of this.speakingSince) {
      this.unwritten.set(id, (this.unwritten.get(id) ?? 0) + (now - since));
      this.speakingSince.set(id, now);
    }
    const rows = [...this.unwritten].filter(([, ms]) => ms > 0).map(([id, ms]) => {
      const who = this.speakers.get(id);
      return { participantId: id, userId: who?.userId ?? null, name: who?.name ?? id, ms };
    });
    this.unwritten.clear();
    this.track(addTalkTime(this.deps.db, this.live.id, rows));
  }

  private finish() {
    if (this.finished) return;
    clearInterval(this.timer);
    this.countersDirty = true; // a room without a single reaction still gets its row
    this.sample();
    this.finished = true;
  }

  private now() {
    return (this.deps.clock ?? Date.now)();
  }

  private track(write: Promise<unknown>) {
    const safe = write.catch((error) => this.deps.log.error('room analytics write failed', { room: this.live.id, error }));
    this.pending.add(safe);
    void safe.finally(() => this.pending.delete(safe));
  }
}
