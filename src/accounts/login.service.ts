// Checks credentials with rate limits per IP and per account, and refuses suspended accounts.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { FormInvalid } from '../shared/form-errors';
import type { RateLimiter } from '../shared/rate-limiter';
import { normalizeHandle } from './accounts.model';
import { verifyPassword } from './password';
import { findUserByLogin } from './users.repository';

const window = 15 * 60 * 1000;
export const loginLimits = { perIp: 30, failuresPerAccount: 5, windowMs: window };

export class LoginService {
  constructor(
    private readonly db: Db,
    private readonly limiter: RateLimiter,
  ) {}

  async logIn(loginInput: string, password: string, ip: string): Promise<User> {
    const login = normalizeHandle(loginInput ?? '');
    const byIp = this.limiter.hit(`login-ip:${ip}`, loginLimits.perIp, window);
    if (!byIp.allowed) throw rateLimited(byIp.retryAfterMs);
    const user = login ? await findUserByLogin(this.db, login) : undefined;
    // The attempt is counted before the password is checked: that check takes milliseconds, and a
    // count made after it would let every guess sent in parallel through. The key is the account
    // (its handle and its email share it); unknown logins are counted by name, at the same cost.
    const accountKey = `login-account:${user ? user.id : login}`;
    const byAccount = this.limiter.hit(accountKey, loginLimits.failuresPerAccount, window);
    if (!byAccount.allowed) throw rateLimited(byAccount.retryAfterMs);
    if (!(await verifyPassword(password ?? '', user?.password_hash))) throw new FormInvalid([{ field: 'form', key: 'login.invalid' }], 'unauthorized');
    if (user!.suspended_at) throw new FormInvalid([{ field: 'form', key: 'login.suspended' }], 'forbidden');
    this.limiter.reset(accountKey); // a success clears the failures before it
    return user!;
  }
}

const rateLimited = (retryAfterMs: number) =>
  new FormInvalid([{ field: 'form', key: 'login.rateLimited', params: { minutes: Math.ceil(retryAfterMs / 60_000) } }], 'tooMany');
