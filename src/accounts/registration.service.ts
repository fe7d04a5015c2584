// Creating accounts: sign-up under the instance's registration mode, admin-created accounts, and
// `salon create-admin`. The first account on an empty instance becomes the admin.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { consumeInvite } from '../invites/invites.service';
import type { SettingsService } from '../settings/settings.service';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { validateNewAccount, type NewAccount } from './accounts.model';
import { hashPassword } from './password';
import { countUsers, handleOrEmailTaken, insertUser } from './users.repository';

export interface SignUpInput extends NewAccount {
  inviteCode?: string;
}

export class RegistrationService {
  constructor(
    private readonly db: Db,
    private readonly settings: SettingsService,
  ) {}

  /** Public sign-up: obeys the registration mode (the very first account always may, as admin). */
  signUp(input: SignUpInput): Promise<User> {
    return this.create(input, { bypassMode: false });
  }

  /** An admin creating an account (the way in when registration is closed). */
  createByAdmin(input: NewAccount, role: 'member' | 'admin' = 'member'): Promise<User> {
    return this.create(input, { bypassMode: true, role });
  }

  private async create(input: SignUpInput, opts: { bypassMode: boolean; role?: 'member' | 'admin' }): Promise<User> {
    const account = validateNewAccount(input);
    const passwordHash = await hashPassword(account.password); // slow: outside the transaction
    return this.db.transaction().execute(async (trx) => {
      const isFirst = (await countUsers(trx)) === 0;
      const mode = this.settings.get().registrationMode;
      const code = input.inviteCode?.trim();
      if (!isFirst && !opts.bypassMode) {
        if (mode === 'closed') throw new FormInvalid([{ field: 'form', key: 'signup.closed' }], 'forbidden');
        if (mode === 'invite' && !code) throw new FormInvalid([{ field: 'inviteCode', key: 'signup.inviteRequired' }]);
      }
      const taken = await handleOrEmailTaken(trx, account.handle, account.email);
      const errors = new FieldErrors();
      if (taken.handle) errors.add('handle', 'account.handle.taken');
      if (taken.email) errors.add('email', 'account.email.taken');
      errors.throwIfAny('conflict');
      const invite = code && !opts.bypassMode && !isFirst ? await consumeInvite(trx, code) : undefined;
      return insertUser(trx, {
        handle: account.handle,
        email: account.email,
        password_hash: passwordHash,
        display_name: account.displayName,
        role: isFirst ? 'admin' : (opts.role ?? 'member'),
        invited_by: invite?.created_by ?? null,
        invite_code: invite?.code ?? null,
      });
    });
  }
}
