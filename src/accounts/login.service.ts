// Checks credentials with rate limits per IP and per account, and refuses suspended accounts.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import { FormInvalid } from '../web/form-errors';
import type { RateLimiter } from '../web/rate-limiter';
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
    const accountKey = `login-account:${login}`;
    const byIp = this.limiter.hit(`login-ip:${ip}`, loginLimits.perIp, window);
    const byAccount = this.limiter.check(accountKey, loginLimits.failuresPerAccount);
    if (!byIp.allowed || !byAccount.allowed) {
      const minutes = Math.ceil(Math.max(byIp.retryAfterMs, byAccount.retryAfterMs) / 60_000);
      throw new FormInvalid([{ field: 'form', key: 'login.rateLimited', params: { minutes } }], 429);
    }
    const user = login ? await findUserByLogin(this.db, login) : undefined;
    if (!(await verifyPassword(password ?? '', user?.password_hash))) {
      this.limiter.hit(accountKey, Infinity, window); // count the failure
      throw new FormInvalid([{ field: 'form', key: 'login.invalid' }], 401);
    }
    if (user!.suspended_at) throw new FormInvalid([{ field: 'form', key: 'login.suspended' }], 403);
    this.limiter.reset(accountKey);
    return user!;
  }
}
