// The audit log: who did what to whom, and the value before where it applies. Append-only (the
// database refuses edits and deletions). Recording never throws into the caller's path: a failed
// write is logged and the admin's or host's action stands.
import type { Db } from '../db/connection';
import type { AuditEntry, User } from '../db/schema';
import type { Logger } from '../log';
import { auditActions, insertAuditEntry, listAuditEntries, type AuditFilter } from './audit-log.repository';

export type { AuditFilter } from './audit-log.repository';

export type AuditActorRole = 'admin' | 'host' | 'cohost' | 'moderator' | 'system';

/** What the log keeps of the actor: the account id and the name as it was then. */
export interface AuditActor {
  id: number | null;
  name: string;
  role: AuditActorRole;
}

export interface AuditTarget {
  /** user | room | participant | setting | settings | report | recording | clip ... */
  type: string;
  id?: string | number | null;
  name?: string | null;
}

export interface AuditRecord {
  actor: AuditActor;
  /** Dotted, past-less verbs: 'settings.update', 'user.suspend', 'room.mute', 'report.decide' ... */
  action: string;
  target?: AuditTarget | null;
  roomId?: string | null;
  /** The value before (JSON-serialisable), where it applies. */
  previous?: unknown;
  details?: unknown;
}

/** Every action name used by this code base (others may add theirs: the column is free text). */
export const auditActionNames = {
  settingsUpdate: 'settings.update',
  userSuspend: 'user.suspend',
  userUnsuspend: 'user.unsuspend',
  userPromote: 'user.promote',
  userDemote: 'user.demote',
  hostingGrant: 'user.grantHost',
  hostingRevoke: 'user.revokeHost',
  roomEnd: 'room.end',
  roomRemove: 'room.remove',
  roomMute: 'room.mute',
  roomMuteAll: 'room.muteAll',
  roomMoveToListeners: 'room.moveToListeners',
  roomStartRecording: 'room.startRecording',
  roomStopRecording: 'room.stopRecording',
  roomBlock: 'room.block',
  reportDecide: 'report.decide',
} as const;

/** An audit entry as read back: JSON columns parsed. */
export interface AuditView extends Omit<AuditEntry, 'previous' | 'details'> {
  previous: unknown;
  details: unknown;
}

export class AuditLog {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** An admin acting as admin. */
  static admin(user: Pick<User, 'id' | 'handle'>): AuditActor {
    return { id: user.id, name: user.handle, role: 'admin' };
  }

  static user(user: Pick<User, 'id' | 'handle'>, role: AuditActorRole): AuditActor {
    return { id: user.id, name: user.handle, role };
  }

  static readonly system: AuditActor = { id: null, name: 'system', role: 'system' };

  /**
   * Appends an entry. Never throws and never rejects: a failure is logged. The returned promise
   * resolves once the row is written (or the failure logged), for callers that want to wait.
   */
  record(entry: AuditRecord): Promise<void> {
    let write: Promise<void>;
    try {
      const row = {
        actor_id: entry.actor.id,
        actor_name: entry.actor.name,
        actor_role: entry.actor.role,
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id == null ? null : String(entry.target.id),
        target_name: entry.target?.name ?? null,
        room_id: entry.roomId ?? null,
        previous: entry.previous === undefined ? null : JSON.stringify(entry.previous),
        details: entry.details === undefined ? null : JSON.stringify(entry.details),
      };
      write = insertAuditEntry(this.db, row).then(() => undefined);
    } catch (error) {
      write = Promise.reject(error);
    }
    const safe = write.catch((error) => this.log.error('audit log write failed', { action: entry.action, error }));
    this.pending.add(safe);
    void safe.finally(() => this.pending.delete(safe));
    return safe;
  }

  /** Waits for every write so far (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async list(filter: AuditFilter, limit: number, offset: number): Promise<AuditView[]> {
    await this.settled();
    const rows = await listAuditEntries(this.db, filter, limit, offset);
    return rows.map((row) => ({ ...row, previous: parse(row.previous), details: parse(row.details) }));
  }

  actions(): Promise<string[]> {
    return auditActions(this.db);
  }
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
