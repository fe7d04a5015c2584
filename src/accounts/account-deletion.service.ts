// Deleting one's own account, for good. The rule for what they made:
// - rooms they hosted, their replays (files too) and the clips anyone made of them: deleted;
// - clips they made of other people's replays: deleted (files too); their avatar file: deleted;
// - reports they filed: kept for the moderators, with the reporter removed (anonymised);
// - other people's rooms keep their history, with this person's name taken out of talk-time rows.
// Before any row goes, the person leaves every live room: their sessions end (sockets closed), rooms
// they host end, and recordings of those rooms close their files. Rows go in one transaction in an
// order the foreign keys accept (recordings and clips reference users and rooms without cascade).
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import type { Logger } from '../log';
import type { LiveRooms } from '../rooms/live/live-rooms';
import type { RoomRecorders } from '../recording/room-recorders';
import { finaliseRecordingKind } from '../recording/room-recorders';
import { FieldErrors } from '../shared/form-errors';
import { verifyPassword } from './password';
import type { SessionsService } from './sessions.service';

export interface AccountDeletionDeps {
  db: Db;
  log: Logger;
  live: Pick<LiveRooms, 'all' | 'endingsWritten'>;
  sessions: Pick<SessionsService, 'revokeAll'>;
  recorders: Pick<RoomRecorders, 'settled' | 'dirOf'>;
  avatars: { remove(file: string | null): void };
  dataDir: string;
}

export interface DeletionSummary {
  rooms: number;
  replays: number;
  clips: number;
  reportsAnonymised: number;
}

export class AccountDeletion {
  constructor(private readonly deps: AccountDeletionDeps) {}

  /** The person typed their handle and their password: throws naming the field that is wrong. */
  async checkConfirmation(user: User, typed: { handle: string; password: string }): Promise<void> {
    const errors = new FieldErrors();
    const handle = typed.handle.trim().replace(/^@/, '');
    if (handle.toLowerCase() !== user.handle.toLowerCase()) errors.add('handle', 'yourData.error.handle', { handle: user.handle });
    if (!(await verifyPassword(typed.password, user.password_hash))) errors.add('password', 'yourData.error.password');
    errors.throwIfAny();
  }

  async delete(user: User): Promise<DeletionSummary> {
    const { db, live } = this.deps;
    // Out of every live room now: their sessions' sockets close, rooms they host end.
    await this.deps.sessions.revokeAll(user.id);
    for (const room of live.all()) {
      if (room.room.host_id === user.id) room.end('host');
      else if (room.state.status === 'live') room.expelUser(user.id, 'signedOut');
    }
    await live.endingsWritten(); // the ended rooms' last rows are written before they go
    await this.deps.recorders.settled(); // their rooms' recorders closed their files

    const roomIds = (await db.selectFrom('rooms').select('id').where('host_id', '=', user.id).execute()).map((r) => r.id);
    const recordings = await db
      .selectFrom('recordings')
      .select('id')
      .where((eb) => eb.or([eb('host_id', '=', user.id), ...(roomIds.length ? [eb('room_id', 'in', roomIds)] : [])]))
      .execute();
    const recordingIds = recordings.map((r) => r.id);
    const clips = await db
      .selectFrom('clips')
      .select(['id', 'file'])
      .where((eb) => eb.or([eb('created_by', '=', user.id), ...(recordingIds.length ? [eb('recording_id', 'in', recordingIds)] : [])]))
      .execute();

    const reportsAnonymised = await db.transaction().execute(async (trx) => {
      if (clips.length) await trx.deleteFrom('clips').where('id', 'in', clips.map((c) => c.id)).execute();
      await trx.deleteFrom('replay_hidden').where('user_id', '=', user.id).execute();
      if (recordingIds.length) {
        await trx.deleteFrom('recordings').where('id', 'in', recordingIds).execute(); // tracks, timeline, hidden marks cascade
        const payloads = recordingIds.map((id) => JSON.stringify({ recordingId: id }));
        await trx.deleteFrom('jobs').where('kind', '=', finaliseRecordingKind).where('status', '=', 'pending').where('payload', 'in', payloads).execute();
      }
      await trx.updateTable('room_talk_time').set({ user_id: null, name: '' }).where('user_id', '=', user.id).execute();
      const filed = await trx.updateTable('reports').set({ reporter_id: null }).where('reporter_id', '=', user.id).executeTakeFirst();
      // The account last: sessions, follows, blocks, invites, rooms (their participants, stats,
      // samples), schedules, notifications, preferences and push devices cascade; other rows that
      // name this account (participants elsewhere, reports about them) keep the row with no account.
      await trx.deleteFrom('users').where('id', '=', user.id).execute();
      return Number(filed.numUpdatedRows);
    });

    // Files after the rows: a file left behind by a failure is only disk, a row without files a broken replay.
    for (const id of recordingIds) await rm(this.deps.recorders.dirOf(id), { recursive: true, force: true }).catch((error) => this.deps.log.error('could not delete a replay folder', { recording: id, error }));
    for (const clip of clips) await rm(join(this.deps.dataDir, 'clips', basename(clip.file)), { force: true }).catch(() => undefined);
    this.deps.avatars.remove(user.avatar_file);
    const summary = { rooms: roomIds.length, replays: recordingIds.length, clips: clips.length, reportsAnonymised };
    this.deps.log.info('account deleted by its owner', { user: user.id, ...summary });
    return summary;
  }
}
