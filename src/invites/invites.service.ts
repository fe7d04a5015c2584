// Invitations (Clubhouse-style cooptation): each member may create a limited number of single-use
// codes; admins create as many as they like, with any number of uses (null = unlimited).
import type { Kysely } from 'kysely';
import type { Db } from '../db/connection';
import type { DatabaseSchema, Invite, User } from '../db/schema';
import type { SettingsService } from '../settings/settings.service';
import { NotFound } from '../shared/errors';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { randomCode } from '../shared/random';

export type InviteState = 'usable' | 'exhausted' | 'revoked';
export const inviteState = (invite: Invite): InviteState =>
  invite.revoked_at ? 'revoked' : invite.max_uses !== null && invite.uses >= invite.max_uses ? 'exhausted' : 'usable';

export class InvitesService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsService,
  ) {}

  /** How many more codes this user may create (Infinity for admins). */
  async remainingQuota(user: User): Promise<number> {
    if (user.role === 'admin') return Infinity;
    const row = await this.db
      .selectFrom('invites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_by', '=', user.id)
      .executeTakeFirstOrThrow();
    return Math.max(0, this.settings.get().inviteQuota - Number(row.n));
  }

  async create(user: User, maxUses: number | null = 1): Promise<Invite> {
    if (user.role !== 'admin') return this.createWithinQuota(user);
    if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 100_000)) {
      const errors = new FieldErrors();
      errors.add('maxUses', 'error.field.integerRange', { min: 1, max: 100_000 });
      errors.throwIfAny();
    }
    return this.db.insertInto('invites').values({ code: randomCode(), created_by: user.id, max_uses: maxUses }).returningAll().executeTakeFirstOrThrow();
  }

  /**
   * A member's single-use code, counted and inserted in one statement: with a count first and an
   * insert after it, parallel requests would all see the last free place and all take it.
   */
  private async createWithinQuota(user: User): Promise<Invite> {
    const quota = this.settings.get().inviteQuota;
    const invite = await this.db
      .insertInto('invites')
      .columns(['code', 'created_by', 'max_uses'])
      .expression(
        this.db
          .selectNoFrom((eb) => [eb.val(randomCode()).as('code'), eb.val(user.id).as('created_by'), eb.val(1).as('max_uses')])
          .where((eb) => eb(eb.selectFrom('invites').select(eb.fn.countAll().as('n')).where('created_by', '=', user.id), '<', quota)),
      )
      .returningAll()
      .executeTakeFirst();
    if (!invite) throw new FormInvalid([{ field: 'invite', key: 'invite.quotaReached', params: { quota } }], 'forbidden');
    return invite;
  }

  listFor(userId: number) {
    return this.db.selectFrom('invites').selectAll().where('created_by', '=', userId).orderBy('created_at', 'desc').execute();
  }

  find(code: string) {
    return this.db.selectFrom('invites').selectAll().where('code', '=', code.trim().toLowerCase()).executeTakeFirst();
  }

  async revoke(user: User, code: string): Promise<void> {
    const result = await this.db
      .updateTable('invites')
      .set({ revoked_at: new Date().toISOString() })
      .where('code', '=', code)
      .where((eb) => (user.role === 'admin' ? eb.val(true) : eb('created_by', '=', user.id)))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NotFound('No such invite');
  }
}

/** Inside the sign-up transaction: takes one use of a code, or throws the reason it cannot. */
export async function consumeInvite(trx: Kysely<DatabaseSchema>, rawCode: string): Promise<Invite> {
  const code = rawCode.trim().toLowerCase();
  const invite = await trx.selectFrom('invites').selectAll().where('code', '=', code).executeTakeFirst();
  const fail = (key: 'invite.unknown' | 'invite.exhausted') => new FormInvalid([{ field: 'inviteCode', key }]);
  if (!invite || invite.revoked_at) throw fail('invite.unknown');
  // Conditional update: two sign-ups racing for the last use cannot both win.
  const result = await trx
    .updateTable('invites')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('code', '=', code)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw fail('invite.exhausted');
  return invite;
}
