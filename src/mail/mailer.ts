// Sends email over SMTP with nodemailer. The settings are read at each send (an admin's change
// applies to the next message, no restart); failures become a MailError that says, in the admin's
// language, what went wrong: the server cannot be found or reached, TLS or the certificate failed,
// the user name or password was refused, the server refused the message.
import nodemailer from 'nodemailer';
import type { MessageKey } from '../i18n/messages.en';
import { AppError } from '../shared/errors';
import { addressOf, mailConfigured, type MailSettings } from './mail-settings';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Why a message was not sent: a catalog key with its parameters (the English text is the error's message). */
export class MailError extends AppError {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number>,
    englishText: string,
    /** The server refused for good (a 5xx answer to the recipient or message): trying again will not help. */
    readonly permanent = false,
  ) {
    super('unavailable', englishText);
  }
}

const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

export class Mailer {
  constructor(
    private readonly settings: { get(): Readonly<MailSettings> },
    private readonly opts: { publicUrl: string },
  ) {}

  get configured(): boolean {
    return mailConfigured(this.settings.get());
  }

  /** Where links in emails point: the public URL, else the address the admin saved the settings from. */
  linkOrigin(): string {
    return (this.opts.publicUrl || this.settings.get().linkOrigin).replace(/\/+$/, '');
  }

  /** Sends one message; throws MailError (email off, or the server's refusal, in words). */
  async send(message: MailMessage): Promise<{ messageId: string }> {
    const s = this.settings.get();
    if (!mailConfigured(s)) throw new MailError('mail.error.notConfigured', {}, 'Email is not set up on this instance (no SMTP server or sender address)');
    // One transport per message, made from the settings of the moment; no pool left open.
    const transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      auth: s.user ? { user: s.user, pass: s.password } : undefined,
      ...timeouts,
    });
    try {
      const info = await transport.sendMail({
        from: s.from,
        sender: addressOf(s.from),
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      return { messageId: info.messageId };
    } catch (error) {
      throw describeMailError(error, s);
    } finally {
      transport.close();
    }
  }
}

interface SmtpFailure {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

/** nodemailer's error, said for an admin: what failed, where, and the server's own words. */
export function describeMailError(error: unknown, s: Pick<MailSettings, 'host' | 'port' | 'security'>): MailError {
  const e = (error ?? {}) as SmtpFailure;
  const detail = (e.response ?? e.message ?? String(error)).trim().slice(0, 500);
  const where = { host: s.host, port: s.port };
  const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
  const make = (key: MessageKey, params: Record<string, string | number>, english: string) => new MailError(key, params, english, permanent);
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(detail)) {
    return make('mail.error.hostNotFound', where, `The SMTP server ${s.host} was not found (DNS: ${detail})`);
  }
  if (/ECONNREFUSED/.test(detail)) {
    return make('mail.error.refused', where, `Could not connect to ${s.host}:${s.port}: connection refused (is the server running, is the port right?)`);
  }
  if (e.code === 'ETIMEDOUT' || /ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(detail)) {
    return make('mail.error.timeout', { ...where, detail }, `No answer from ${s.host}:${s.port} (${detail}): check the host, the port and the firewall`);
  }
  if (/certificate|self[- ]signed|CERT_|altnames/i.test(detail)) {
    return make('mail.error.certificate', { ...where, detail }, `The certificate of ${s.host} was not accepted: ${detail}`);
  }
  if (e.code === 'ETLS' || /SSL|TLS|WRONG_VERSION_NUMBER|wrong version number/i.test(detail)) {
    return make('mail.error.tls', { ...where, detail, security: s.security }, `TLS failed with ${s.host}:${s.port} (security ${s.security}): ${detail}. Port 465 usually means TLS, 587 STARTTLS.`);
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return make('mail.error.auth', { detail }, `The SMTP server refused the user name or password: ${detail}`);
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE' || typeof e.responseCode === 'number') {
    return make('mail.error.rejected', { detail }, `The SMTP server refused the message: ${detail}`);
  }
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET') {
    return make('mail.error.connection', { ...where, detail }, `The connection to ${s.host}:${s.port} failed: ${detail}`);
  }
  return make('mail.error.other', { detail }, `The email could not be sent: ${detail}`);
}
