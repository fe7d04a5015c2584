// Password reset: a single-use link (32 random bytes, base64url; only its sha256 is stored) that
// works for one hour, sent by email or handed over by an admin. Asking for a link never tells
// whether an account matched: the answer is the same and is given before any lookup, the lookup
// and the email happen in the background. Making a link removes the person's older links; using
// one sets the new password, removes their other links and ends all their sessions.
import type { Db } from '../db/connection';
import type { User } from '../db/schema';
import type { Logger } from '../log';
import { MailError, type Mailer } from '../mail/mailer';
import { mailLanguage, passwordResetMail } from '../mail/mail-templates';
import type { InstanceSettings } from '../settings/settings.schema';
import { NotFound } from '../shared/errors';
import { FieldErrors, FormInvalid } from '../shared/form-errors';
import { randomToken } from '../shared/random';
import type { RateLimiter } from '../shared/rate-limiter';
import { checkPassword, normalizeHandle } from './accounts.model';
import { hashPassword } from './password';
import { deleteOtherResets, deleteStaleResets, findUsableReset, replaceResetToken, tokenHashOf, useResetToken } from './password-reset.repository';
import type { SessionsService } from './sessions.service';
import { findUserById, findUserByLogin, updateUser } from './users.repository';

const hour = 3600_000;
export const resetLimits = {
  lifetimeMs: hour,
  /** Requests per network address per hour (answered with "too many", whoever they name). */
  perIp: 10,
  /** Requests naming the same handle or address per hour (the same for names that match nobody). */
  perLogin: 3,
  /** Emails one account receives per hour, however it is named (beyond: not sent, same answer). */
  emailsPerAccount: 3,
  windowMs: hour,
};

const tokenPattern = /^[A-Za-z0-9_-]{43}$/; // 32 bytes in base64url

export interface PasswordResetDeps {
  db: Db;
  mailer: Pick<Mailer, 'configured' | 'send'>;
  sessions: Pick<SessionsService, 'revokeAll'>;
  settings: { get(): Readonly<InstanceSettings> };
  limiter: RateLimiter;
  log: Logger;
  now?: () => Date;
}

export class PasswordResetService {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly deps: PasswordResetDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Whether links can be sent by email (SMTP set up); without it, people ask an admin. */
  get byEmail(): boolean {
    return this.deps.mailer.configured;
  }

  /**
   * "Send me a link": checks the limits and returns at once; the account is looked up and the email
   * sent in the background. Throws FormInvalid only for an empty field or too many requests.
   */
  request(loginInput: string, ip: string, origin: string): void {
    const login = normalizeHandle(loginInput ?? '').slice(0, 254);
    if (!login) throw new FormInvalid([{ field: 'login', key: 'error.field.required' }]);
    for (const [key, limit] of [[`reset-ip:${ip}`, resetLimits.perIp], [`reset-login:${login}`, resetLimits.perLogin]] as const) {
      const decision = this.deps.limiter.hit(key, limit, resetLimits.windowMs);
      if (!decision.allowed) {
        throw new FormInvalid([{ field: 'form', key: 'reset.rateLimited', params: { minutes: Math.ceil(decision.retryAfterMs / 60_000) } }], 'tooMany');
      }
    }
    const task = this.emailLink(login, origin);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Resolves when the emails asked for so far are sent or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async emailLink(login: string, origin: string): Promise<void> {
    try {
      const user = await findUserByLogin(this.deps.db, login);
      if (!user || user.suspended_at) {
        this.deps.log.info('password reset asked: no email sent', { reason: user ? 'suspended' : 'no such account' });
        return;
      }
      if (!this.deps.mailer.configured) {
        this.deps.log.warn('password reset asked but email is not set up', { user: user.id });
        return;
      }
      if (!this.deps.limiter.hit(`reset-account:${user.id}`, resetLimits.emailsPerAccount, resetLimits.windowMs).allowed) {
        this.deps.log.warn('password reset emails to this account are over the hourly limit: not sent', { user: user.id });
        return;
      }
      const { link } = await this.issue(user, origin);
      const settings = this.deps.settings.get();
      const content = passwordResetMail(mailLanguage(user.language, settings.defaultLanguage), {
        instanceName: settings.instanceName,
        handle: user.handle,
        link,
        minutes: resetLimits.lifetimeMs / 60_000,
      });
      await this.deps.mailer.send({ to: user.email, ...content });
      this.deps.log.info('password reset email sent', { user: user.id });
    } catch (error) {
      this.deps.log.error('password reset email not sent', { error: error instanceof MailError ? error.message : error });
    }
  }

  /** An admin makes a link to hand over (works without email); logged. */
  async issueByAdmin(admin: User, userId: number, origin: string): Promise<{ user: User; link: string; expiresAt: Date }> {
    const user = await findUserById(this.deps.db, userId);
    if (!user) throw new NotFound('No such user');
    const issued = await this.issue(user, origin);
    this.deps.log.info('admin made a password reset link', { admin: admin.id, adminHandle: admin.handle, user: user.id, userHandle: user.handle });
    return { user, ...issued };
  }

  private async issue(user: User, origin: string): Promise<{ link: string; expiresAt: Date }> {
    const token = randomToken(32);
    const expiresAt = new Date(this.now().getTime() + resetLimits.lifetimeMs);
    await replaceResetToken(this.deps.db, user.id, tokenHashOf(token), expiresAt);
    await deleteStaleResets(this.deps.db, this.now()); // everyone's expired links go as new ones are made: the table stays small
    return { link: `${origin.replace(/\/+$/, '')}/password/reset/${token}`, expiresAt };
  }

  /** The account a link works for, or undefined (unknown, used, expired, malformed). */
  async userFor(token: string): Promise<User | undefined> {
    if (!tokenPattern.test(token)) return undefined;
    return findUsableReset(this.deps.db, tokenHashOf(token), this.now());
  }

  /**
   * Sets the new password through a link: the same rules as sign-up, typed twice. The link is used
   * up (once, even under parallel requests), the person's other links removed, their sessions ended.
   * Throws FormInvalid for a bad password, NotFound for a link that does not work (any more).
   */
  async reset(token: string, password: string, confirmation: string): Promise<User> {
    const errors = new FieldErrors();
    checkPassword(errors, password ?? '');
    if (!errors.list.length && password !== confirmation) errors.add('passwordConfirm', 'reset.mismatch');
    const user = await this.userFor(token);
    if (!user) throw new NotFound('This password reset link is invalid, used or expired');
    errors.throwIfAny();
    const passwordHash = await hashPassword(password); // slow: outside the transaction
    const hash = tokenHashOf(token);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await useResetToken(trx, hash, this.now()))) throw new NotFound('This password reset link is invalid, used or expired');
      await updateUser(trx, user.id, { password_hash: passwordHash });
      await deleteOtherResets(trx, user.id, hash);
    });
    await this.deps.sessions.revokeAll(user.id); // every session, with its live room sockets
    this.deps.limiter.reset(`login-account:${user.id}`); // failed log-ins before the reset no longer count
    this.deps.log.info('password reset through a link', { user: user.id });
    return user;
  }
}
