// What an admin does to accounts: hosting grants, suspension (logs the person out everywhere), promotion;
// and what the admin sees of the instance's storage (recordings and clips per host).
import type { AccountEvents } from '../accounts/account-events';
import { findUserById, updateUser } from '../accounts/users.repository';
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { storageByHost, type HostStorageRow } from '../recording/recording-storage.repository';
import { AuditLog, auditActionNames } from '../audit/audit-log';
import { Forbidden, NotFound } from '../shared/errors';

export const adminActions = ['grant-host', 'revoke-host', 'suspend', 'unsuspend', 'promote'] as const;
export type AdminAction = (typeof adminActions)[number];
const auditedAs: Record<AdminAction, string> = {
  'grant-host': auditActionNames.hostingGrant,
  'revoke-host': auditActionNames.hostingRevoke,
  suspend: auditActionNames.userSuspend,
  unsuspend: auditActionNames.userUnsuspend,
  promote: auditActionNames.userPromote,
};

export interface HostStorage extends HostStorageRow {
  /** Recordings and clips. */
  usedBytes: number;
  /** null: no quota. */
  quotaBytes: number | null;
  /** Share of the quota used, in percent (null: no quota). */
  percentUsed: number | null;
}

export interface StorageReport {
  hosts: HostStorage[];
  totalBytes: number;
  recordingBytes: number;
  clipBytes: number;
}

export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly events: AccountEvents,
    private readonly audit?: Pick<AuditLog, 'record'>,
  ) {}

  /** Storage used per host, the largest first, against the quota (megabytes of 1024² bytes; 0 = no limit). */
  async storage(quotaMb: number): Promise<StorageReport> {
    const quotaBytes = quotaMb > 0 ? quotaMb * 1024 * 1024 : null;
    const hosts = (await storageByHost(this.db)).map((row) => {
      const usedBytes = row.recordingBytes + row.clipBytes;
      return { ...row, usedBytes, quotaBytes, percentUsed: quotaBytes === null ? null : Math.round((usedBytes / quotaBytes) * 1000) / 10 };
    });
    const sum = (pick: (h: HostStorage) => number) => hosts.reduce((total, h) => total + pick(h), 0);
    return { hosts, totalBytes: sum((h) => h.usedBytes), recordingBytes: sum((h) => h.recordingBytes), clipBytes: sum((h) => h.clipBytes) };
  }

  async apply(admin: User, targetId: number, action: AdminAction): Promise<User> {
    const target = await findUserById(this.db, targetId);
    if (!target) throw new NotFound('No such user');
    if (admin.id === target.id && (action === 'suspend' || action === 'revoke-host')) {
      throw new Forbidden('You cannot do that to your own account');
    }
    switch (action) {
      case 'grant-host':
        await updateUser(this.db, target.id, { hosting_granted: 1 });
        break;
      case 'revoke-host':
        await updateUser(this.db, target.id, { hosting_granted: 0 });
        break;
      case 'suspend':
        if (target.role === 'admin') throw new Forbidden('Admins cannot be suspended');
        await this.db.transaction().execute(async (trx) => {
          await updateUser(trx, target.id, { suspended_at: new Date().toISOString() });
          await trx.deleteFrom('sessions').where('user_id', '=', target.id).execute();
        });
        this.events.announce({ type: 'accountSuspended', userId: target.id }); // out of live rooms now
        break;
      case 'unsuspend':
        await updateUser(this.db, target.id, { suspended_at: null });
        break;
      case 'promote':
        await updateUser(this.db, target.id, { role: 'admin' });
        break;
    }
    const previous = { 'grant-host': { hostingGranted: !!target.hosting_granted }, 'revoke-host': { hostingGranted: !!target.hosting_granted }, suspend: { suspendedAt: target.suspended_at }, unsuspend: { suspendedAt: target.suspended_at }, promote: { role: target.role } }[action];
    void this.audit?.record({ actor: AuditLog.admin(admin), action: auditedAs[action], target: { type: 'user', id: target.id, name: target.handle }, previous });
    return (await findUserById(this.db, target.id))!;
  }
}
