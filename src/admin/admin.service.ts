// What an admin does to accounts: hosting grants, suspension (logs the person out everywhere), promotion.
import type { AccountEvents } from '../accounts/account-events';
import { findUserById, updateUser } from '../accounts/users.repository';
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { Forbidden, NotFound } from '../shared/errors';

export const adminActions = ['grant-host', 'revoke-host', 'suspend', 'unsuspend', 'promote'] as const;
export type AdminAction = (typeof adminActions)[number];

export class AdminService {
  constructor(
    private readonly db: Db,
    private readonly events: AccountEvents,
  ) {}

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
    return (await findUserById(this.db, target.id))!;
  }
}
