// A real SMTP server on loopback (the smtp-server package) for tests: it receives what Salon sends
// and keeps each message raw and parsed (mailparser), so tests read the email a person would get.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './salon';

export interface ReceivedMail {
  /** Envelope recipients. */
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  messages: ReceivedMail[];
  /** The next message to this address received after `since` messages (default: any so far not yet returned). */
  waitForMail(to: string, opts?: { timeoutMs?: number; after?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Starts the server; with `auth`, it requires that user name and password (AUTH PLAIN/LOGIN over plain text). */
export async function startTestSmtp(opts: { auth?: { user: string; password: string } } = {}): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.password) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed: await simpleParser(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  let seen = 0;
  return {
    port,
    messages,
    async waitForMail(to, { timeoutMs = 10_000, after } = {}) {
      const start = after ?? seen;
      let found: ReceivedMail | undefined;
      await waitFor(() => (found = messages.slice(start).find((m) => m.to.includes(to))) !== undefined, timeoutMs, `an email to ${to}`);
      seen = Math.max(seen, messages.indexOf(found!) + 1);
      return found!;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The password reset link in an email's plain text. */
export function resetLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+\/password\/reset\/[A-Za-z0-9_-]+/.exec(mail.parsed.text ?? '');
  if (!match) throw new Error(`no reset link in: ${mail.parsed.text}`);
  return match[0];
}
