// The durable side of a live room: who took part (and their highest role), removals, the end.
// Writes are fire-and-forget from the room's point of view; failures are logged, never thrown
// into the realtime path.
import type { Db } from '../../db/connection';
import type { Logger } from '../../log';
import { closeParticipation, insertParticipation, insertRemoval, markRoomEnded } from '../rooms.repository';
import type { Participant, Role } from './room.model';

const rank: Record<Role, number> = { listener: 0, speaker: 1, cohost: 2, host: 3 };

export class RoomHistory {
  private readonly rows = new Map<string, { id: Promise<number | undefined>; topRole: Role }>();
  private pending = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly roomId: string,
    private readonly log: Logger,
  ) {}

  joined(p: Participant) {
    const id = this.track(
      insertParticipation(this.db, {
        room_id: this.roomId,
        user_id: p.userId,
        anonymous_id: p.userId === null ? p.id.slice(2) : null,
        top_role: p.role,
      }),
    );
    this.rows.set(p.id, { id, topRole: p.role });
  }

  roleChanged(id: string, role: Role) {
    const row = this.rows.get(id);
    if (row && rank[role] > rank[row.topRole]) row.topRole = role;
  }

  left(id: string) {
    const row = this.rows.get(id);
    if (!row) return;
    this.rows.delete(id);
    this.track(row.id.then((rowId) => (rowId === undefined ? undefined : closeParticipation(this.db, rowId, row.topRole))));
  }

  removed(participantKey: string, removedBy: number | null) {
    return this.track(insertRemoval(this.db, this.roomId, participantKey, removedBy));
  }

  ended(reason: string, peakListeners: number) {
    for (const id of [...this.rows.keys()]) this.left(id);
    return this.track(markRoomEnded(this.db, this.roomId, reason, peakListeners));
  }

  /** Waits for every write so far (shutdown and tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track<T>(write: Promise<T>): Promise<T | undefined> {
    const safe = write.catch((error) => {
      this.log.error('room history write failed', { room: this.roomId, error });
      return undefined;
    });
    this.pending.add(safe);
    void safe.finally(() => this.pending.delete(safe));
    return safe;
  }
}
