// Reports, from filing to decision. Filing checks the reporter's rate, the target (a real person,
// in the room, not themselves), keeps who was on stage and, when the instance keeps evidence, saves
// the room's audio buffer with the report (in the background; `settled()` waits for it). Admins
// decide: dismiss, warn, remove from the room, end it, suspend the account, delete a replay or a
// clip; the reporter is told it was handled (generic words). Evidence expires `evidenceRetentionDays`
// after filing, `evidenceActionedExtraDays` more when action was taken; the purge deletes it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findUserById } from '../accounts/users.repository';
import type { AdminService } from '../admin/admin.service';
import { AuditLog, auditActionNames } from '../audit/audit-log';
import type { RoomsService } from '../rooms/rooms.service';
import type { Db } from '../db/connection';
import type { Report, User } from '../db/schema';
import type { Logger } from '../log';
import type { Notifier } from '../notifications/notification.model';
import type { ClipsService } from '../recording/clips/clips.service';
import type { ReplaysService } from '../recording/replay/replays.service';
import type { LiveRooms } from '../rooms/live/live-rooms';
import { roomLimits } from '../rooms/rooms.model';
import { findRoom } from '../rooms/rooms.repository';
import type { SettingsService } from '../settings/settings.service';
import { AppError, Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import { FieldErrors } from '../shared/form-errors';
import { randomCode } from '../shared/random';
import type { RateLimiter } from '../shared/rate-limiter';
import { captureEvidence } from './evidence-capture';
import { evidenceDir, type EvidenceBuffers } from './evidence-buffers';
import { dayMs, reportActions, reportRateLimit, type ReportAction, type ReportStatus, type StageSnapshot } from './reports.model';
import * as repo from './reports.repository';

export interface ReportsServiceDeps {
  db: Db;
  log: Logger;
  live: LiveRooms;
  settings: SettingsService;
  limiter: RateLimiter;
  admin: Pick<AdminService, 'apply'>;
  /** Removing and ending go through the rooms service: the same effect (and audit entry) as from /admin/rooms. */
  rooms: Pick<RoomsService, 'removeByAdmin' | 'end'>;
  audit?: Pick<AuditLog, 'record'>;
  replays: Pick<ReplaysService, 'remove'>;
  clips: Pick<ClipsService, 'require' | 'delete'>;
  notifications: Notifier;
  evidence: Pick<EvidenceBuffers, 'get'>;
  dataDir: string;
  ffmpeg: string;
  /** The clock (ms): tests move it to see evidence expire. */
  now(): number;
}

export interface FileReportInput {
  roomId: string;
  targetUserId?: number | null;
  reason: string;
}

const pageSize = 50;

export class ReportsService {
  private readonly captures = new Set<Promise<void>>();

  constructor(private readonly deps: ReportsServiceDeps) {}

  evidencePath(file: string): string {
    return join(evidenceDir(this.deps.dataDir), file);
  }

  async file(reporter: User, input: FileReportInput): Promise<Report> {
    const reason = input.reason.trim();
    const errors = new FieldErrors();
    if (!reason) errors.add('reason', 'error.field.required');
    else if (reason.length > roomLimits.reasonMax) errors.add('reason', 'error.field.tooLong', { max: roomLimits.reasonMax });
    errors.throwIfAny();
    const rate = this.deps.limiter.hit(`report:${reporter.id}`, reportRateLimit.count, reportRateLimit.windowMs);
    if (!rate.allowed) throw new AppError('tooMany', `Too many reports; try again in ${Math.ceil(rate.retryAfterMs / 60_000)} minutes`);
    const room = await findRoom(this.deps.db, input.roomId);
    if (!room) throw new NotFound('No such room');
    const live = this.deps.live.get(room.id);
    let targetParticipant: string | null = null;
    if (input.targetUserId != null) {
      if (input.targetUserId === reporter.id) throw new Invalid('You cannot report yourself', 'target');
      if (!(await findUserById(this.deps.db, input.targetUserId))) throw new NotFound('No such person to report');
      targetParticipant = `u:${input.targetUserId}`;
      // In the room now, or removed from it; once it has ended, its host.
      const inRoom = live ? !!live.state.get(targetParticipant) || live.removed.has(targetParticipant) : room.host_id === input.targetUserId;
      if (!inRoom) throw new Invalid('That person is not in this room', 'target');
    }
    const snapshot: StageSnapshot | null = live
      ? {
          at: new Date(this.deps.now()).toISOString(),
          listenerCount: live.state.listenerCount(),
          stage: live.state.stage().map((p) => ({ id: p.id, name: p.name, handle: p.handle, role: p.role, muted: p.muted })),
        }
      : null;
    const report = await repo.insertReport(this.deps.db, {
      reporter_id: reporter.id,
      room_id: room.id,
      target_user_id: input.targetUserId ?? null,
      target_participant: targetParticipant,
      reason,
      stage_snapshot: snapshot ? JSON.stringify(snapshot) : null,
    });
    this.saveEvidence(report);
    return report;
  }

  /** Resolves when every evidence file being saved is written (tests; a clean stop). */
  async settled(): Promise<void> {
    while (this.captures.size) await Promise.all([...this.captures]);
  }

  private saveEvidence(report: Report) {
    const seconds = this.deps.settings.get().evidenceSeconds;
    const buffer = report.room_id ? this.deps.evidence.get(report.room_id) : undefined;
    if (seconds <= 0 || !buffer) return;
    const now = this.deps.now();
    const file = join('reports', `${report.id}-${randomCode(8)}.opus`);
    const capture = (async () => {
      try {
        const saved = await captureEvidence(buffer, { windowMs: seconds * 1000, now, out: this.evidencePath(file), ffmpeg: this.deps.ffmpeg, log: this.deps.log });
        if (!saved) return;
        const expires = new Date(now + this.deps.settings.get().evidenceRetentionDays * dayMs).toISOString();
        await repo.setEvidence(this.deps.db, report.id, file, expires);
      } catch (error) {
        this.deps.log.error('could not save the audio evidence of a report', { report: report.id, error });
        await rm(this.evidencePath(file), { force: true });
      }
    })();
    this.captures.add(capture);
    void capture.finally(() => this.captures.delete(capture));
  }

  list(status: ReportStatus, page: number) {
    return repo.listReports(this.deps.db, status, pageSize + 1, (page - 1) * pageSize).then((rows) => ({ rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize }));
  }

  contentOfRoom(roomId: string) {
    return repo.contentOfRoom(this.deps.db, roomId);
  }

  countOpen() {
    return repo.countOpenReports(this.deps.db);
  }

  aboutRoomsOf(host: User) {
    return repo.reportsAboutRoomsOf(this.deps.db, host.id);
  }

  async require(id: number) {
    const report = await repo.findAdminReport(this.deps.db, id);
    if (!report) throw new NotFound('No such report');
    return report;
  }

  /** The evidence file of a report, for admins. */
  async evidenceFile(id: number): Promise<string> {
    const report = await this.require(id);
    if (!report.evidence_file) throw new NotFound('This report has no audio evidence (none was kept, or it has expired)');
    return this.evidencePath(report.evidence_file);
  }

  /** An admin's decision: its effect, then the report marked handled and the reporter told. */
  async decide(admin: User, id: number, action: ReportAction, opts: { note?: string; clipId?: string } = {}) {
    if (admin.role !== 'admin') throw new Forbidden('Admins only');
    const report = await this.require(id);
    const decision = reportActions[action];
    const needsTarget = () => {
      if (!report.target_user_id) throw new Invalid('This report names no one: there is nobody to act on', 'action');
      return report.target_user_id;
    };
    const liveRoom = () => {
      const live = report.room_id ? this.deps.live.get(report.room_id) : undefined;
      if (!live || live.state.status !== 'live') throw new Conflict('This room is no longer live');
      return live;
    };
    switch (action) {
      case 'dismiss':
        break;
      case 'warn':
        await this.deps.notifications.notify({
          userIds: [needsTarget()],
          kind: 'moderationWarning',
          dedupeKey: `moderationWarning:${report.id}`,
          payload: { url: report.room_id ? `/r/${report.room_id}` : '/', params: { room: report.room_title ?? '' } },
        });
        break;
      case 'remove': {
        const participant = report.target_participant ?? `u:${needsTarget()}`;
        const live = liveRoom();
        if (!live.state.get(participant)) throw new Conflict('That person is no longer in the room');
        await this.deps.rooms.removeByAdmin(admin, live.id, participant);
        break;
      }
      case 'end':
        await this.deps.rooms.end(admin, liveRoom().id);
        break;
      case 'suspend':
        await this.deps.admin.apply(admin, needsTarget(), 'suspend');
        break;
      case 'deleteReplay':
        if (!report.room_id) throw new NotFound('This report has no room');
        await this.deps.replays.remove(admin, report.room_id);
        break;
      case 'deleteClip': {
        if (!opts.clipId) throw new Invalid('Say which clip to delete', 'clip');
        const clip = await this.deps.clips.require(opts.clipId, admin);
        if (clip.room_id !== report.room_id) throw new Invalid('That clip is not from the reported room', 'clip');
        await this.deps.clips.delete(clip.id, admin);
        break;
      }
    }
    const handledAt = new Date(this.deps.now()).toISOString();
    // Evidence of a report acted upon is kept longer: the extra days once, the first time action is taken.
    const firstAction = decision !== 'dismissed' && (report.decision === null || report.decision === 'dismissed');
    const expiry = report.evidence_file && report.evidence_expires_at && firstAction ? this.extended(report.evidence_expires_at) : undefined;
    const note = opts.note?.trim() ? opts.note.trim().slice(0, 500) : null;
    await repo.recordDecision(this.deps.db, report.id, { decision, handled_by: admin.id, handled_at: handledAt, decision_note: note, ...(expiry ? { evidence_expires_at: expiry } : {}) });
    await this.auditReportDecision(admin, report, action, decision);
    if (report.reporter_id) {
      await this.deps.notifications.notify({
        userIds: [report.reporter_id],
        kind: 'reportHandled',
        dedupeKey: `reportHandled:${report.id}`,
        payload: { url: '/notifications', params: { outcome: decision === 'dismissed' ? 'noAction' : 'actionTaken' } },
      });
    }
    this.deps.log.info('report handled', { report: report.id, decision, by: admin.id });
    return this.require(id);
  }

  private extended(expiresAt: string): string {
    return new Date(Date.parse(expiresAt) + this.deps.settings.get().evidenceActionedExtraDays * dayMs).toISOString();
  }

  /** The decision in the audit log (the action's own entry, e.g. user.suspend, is written by the service that did it). */
  private async auditReportDecision(admin: User, report: repo.AdminReportRow, action: ReportAction, decision: string): Promise<void> {
    await this.deps.audit?.record({
      actor: AuditLog.admin(admin),
      action: auditActionNames.reportDecide,
      target: { type: 'report', id: report.id, name: report.target_handle ?? null },
      roomId: report.room_id,
      previous: { status: report.status, decision: report.decision },
      details: { action, decision, targetUserId: report.target_user_id },
    });
  }

  /** Deletes evidence past its expiry (files, then the columns); returns how many. */
  async purgeExpiredEvidence(now = new Date(this.deps.now())): Promise<number> {
    let purged = 0;
    for (;;) {
      const expired = await repo.expiredEvidence(this.deps.db, now.toISOString());
      for (const row of expired) {
        if (row.evidence_file) await rm(this.evidencePath(row.evidence_file), { force: true });
        await repo.clearEvidence(this.deps.db, row.id);
        purged++;
      }
      if (expired.length < 500) return purged;
    }
  }
}
