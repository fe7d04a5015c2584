// SMTP settings, edited by the admin at /admin/email. Stored in the settings table under one key
// ('mail'), apart from the instance settings: they hold a password, which is never sent back to a
// page or a JSON client (left blank in the form, the stored one is kept). Kept in memory and
// refreshed on every write, so the mailer reads the current values at each send (no restart).
import type { Db } from '../db/connection';
import { FieldErrors } from '../shared/form-errors';

export const smtpSecurities = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof smtpSecurities)[number];

export interface MailSettings {
  /** SMTP server; empty: email is off. */
  host: string;
  port: number;
  /** starttls: plain connection upgraded (required) to TLS, usually port 587; tls: TLS from the start (465); none: no encryption. */
  security: SmtpSecurity;
  user: string;
  password: string;
  /** The From header: an address, or `Name <address>`. */
  from: string;
  /**
   * Where links in emails point when publicUrl is not set: the address the admin used when saving
   * these settings (never the Host header of a visitor's request, which anyone can forge).
   */
  linkOrigin: string;
}

export const defaultMailSettings: Readonly<MailSettings> = Object.freeze({ host: '', port: 587, security: 'starttls', user: '', password: '', from: '', linkOrigin: '' });

/** What the admin's form sends: strings, a blank password meaning "keep the stored one". */
export interface MailSettingsInput {
  host?: string;
  port?: string | number;
  security?: string;
  user?: string;
  password?: string;
  /** Forget the stored password (a blank field keeps it). */
  clearPassword?: boolean;
  from?: string;
}

const settingsKey = 'mail';
const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;
const addressPattern = /^[^\s@<>",;]+@[^\s@<>",;]+$/;

/** The bare address in `Name <address>` or `address`; undefined when it is not one. */
export function addressOf(from: string): string | undefined {
  const named = /^[^<>]*<([^<>]+)>$/.exec(from.trim());
  const address = (named ? named[1]! : from).trim();
  return addressPattern.test(address) ? address : undefined;
}

/** Email can be sent: a server and a sender address are set. */
export const mailConfigured = (s: Readonly<MailSettings>) => s.host !== '' && s.from !== '';

export class MailSettingsStore {
  private current: MailSettings = { ...defaultMailSettings };

  constructor(private readonly db: Db) {}

  async load(): Promise<void> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', settingsKey).executeTakeFirst();
    if (!row) return;
    try {
      const stored = JSON.parse(row.value) as Partial<MailSettings>;
      this.current = { ...defaultMailSettings, ...pickKnown(stored) };
    } catch {
      /* unreadable: email stays off until the admin saves again */
    }
  }

  get(): Readonly<MailSettings> {
    return this.current;
  }

  /** What pages and JSON may show: everything but the password, and whether one is stored. */
  visible(): Omit<MailSettings, 'password'> & { passwordSet: boolean } {
    const { password, ...rest } = this.current;
    return { ...rest, passwordSet: password !== '' };
  }

  /** Validates the form (throws FormInvalid naming each bad field), then saves; `linkOrigin`: the admin's address for this instance. */
  async update(input: MailSettingsInput, linkOrigin?: string): Promise<Readonly<MailSettings>> {
    const next = { ...validateMailSettings(input, this.current), ...(linkOrigin ? { linkOrigin } : {}) };
    const value = JSON.stringify(next);
    await this.db
      .insertInto('settings')
      .values({ key: settingsKey, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date().toISOString() }))
      .execute();
    this.current = next;
    return next;
  }
}

function pickKnown(stored: Partial<MailSettings>): Partial<MailSettings> {
  const out: Partial<MailSettings> = {};
  if (typeof stored.host === 'string') out.host = stored.host;
  if (typeof stored.port === 'number') out.port = stored.port;
  if (smtpSecurities.includes(stored.security as SmtpSecurity)) out.security = stored.security;
  if (typeof stored.user === 'string') out.user = stored.user;
  if (typeof stored.password === 'string') out.password = stored.password;
  if (typeof stored.from === 'string') out.from = stored.from;
  if (typeof stored.linkOrigin === 'string') out.linkOrigin = stored.linkOrigin;
  return out;
}

export function validateMailSettings(input: MailSettingsInput, stored: Readonly<MailSettings>): MailSettings {
  const errors = new FieldErrors();
  const host = String(input.host ?? '').trim();
  const portText = String(input.port ?? '').trim();
  const port = portText === '' ? defaultPortFor(input.security) : Number(portText);
  const security = String(input.security ?? stored.security);
  const user = String(input.user ?? '').trim();
  const from = String(input.from ?? '').trim();
  const typedPassword = String(input.password ?? '');
  if (host.length > 253 || (host && !hostPattern.test(host))) errors.add('host', 'mail.setting.hostInvalid');
  if (!Number.isInteger(port) || port < 1 || port > 65535) errors.add('port', 'error.field.integerRange', { min: 1, max: 65535 });
  if (!(smtpSecurities as readonly string[]).includes(security)) errors.add('security', 'error.field.oneOf', { values: smtpSecurities.join(', ') });
  if (user.length > 254) errors.add('user', 'error.field.tooLong', { max: 254 });
  if (typedPassword.length > 500) errors.add('password', 'error.field.tooLong', { max: 500 });
  if (from.length > 320) errors.add('from', 'error.field.tooLong', { max: 320 });
  else if (from && !addressOf(from)) errors.add('from', 'mail.setting.fromInvalid');
  else if (host && !from) errors.add('from', 'mail.setting.fromRequired');
  errors.throwIfAny();
  const password = input.clearPassword ? '' : typedPassword !== '' ? typedPassword : stored.password;
  return { host, port, security: security as SmtpSecurity, user, password, from, linkOrigin: stored.linkOrigin };
}

const defaultPortFor = (security: unknown) => (security === 'tls' ? 465 : security === 'none' ? 25 : 587);
