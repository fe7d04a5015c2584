// The start-up settings of a Salon instance: one declarative table drives parsing, validation,
// the environment/flag names, `--config-dump` redaction and the README table.
// Runtime settings (instance name, registration mode...) live in the database instead.
import { isIP } from 'node:net';

export type ConfigValue = string | number | boolean;

export interface ConfigKey<V extends ConfigValue = ConfigValue> {
  description: string;
  /** Human-readable expected form, quoted in error messages. */
  expected: string;
  default: V;
  secret?: boolean;
  parse(raw: unknown): V | undefined; // undefined = invalid
}

const integer = (min: number, max: number, description: string, fallback: number): ConfigKey<number> => ({
  description,
  expected: `an integer from ${min} to ${max}`,
  default: fallback,
  parse(raw) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  },
});

const text = (description: string, fallback = '', opts: { secret?: boolean } = {}): ConfigKey<string> => ({
  description,
  expected: 'a string',
  default: fallback,
  secret: opts.secret,
  parse: (raw) => (typeof raw === 'string' ? raw.trim() : undefined),
});

const ipAddress = (description: string, fallback: string, allowEmpty = false): ConfigKey<string> => ({
  description,
  expected: allowEmpty ? 'an IPv4/IPv6 address, or empty' : 'an IPv4/IPv6 address',
  default: fallback,
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim();
    if (value === '' && allowEmpty) return '';
    return isIP(value) ? value : undefined;
  },
});

const hostName = (description: string, fallback: string): ConfigKey<string> => ({
  description,
  expected: 'an IP address or host name',
  default: fallback,
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim();
    return isIP(value) || /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})$/.test(value) ? value : undefined;
  },
});

const httpUrl = (description: string): ConfigKey<string> => ({
  description,
  expected: 'an http:// or https:// URL without path, query or fragment, or empty for http://localhost:<port>',
  default: '',
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim().replace(/\/+$/, '');
    if (value === '') return '';
    try {
      const url = new URL(value);
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username;
      return (url.protocol === 'http:' || url.protocol === 'https:') && bare ? url.origin : undefined;
    } catch {
      return undefined;
    }
  },
});

const flag = (description: string, fallback: boolean): ConfigKey<boolean> => ({
  description,
  expected: 'true or false',
  default: fallback,
  parse(raw) {
    if (typeof raw === 'boolean') return raw;
    const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    return ['true', '1', 'yes', 'on'].includes(value) ? true : ['false', '0', 'no', 'off'].includes(value) ? false : undefined;
  },
});

const oneOf = <V extends string>(values: readonly V[], description: string, fallback: V): ConfigKey<string> => ({
  description,
  expected: `one of ${values.join(', ')}`,
  default: fallback,
  parse: (raw) => (typeof raw === 'string' && (values as readonly string[]).includes(raw.trim()) ? raw.trim() : undefined),
});

/** Comma-separated `stun:`, `turn:` or `turns:` URLs (RFC 7064/7065), normalised to `a,b`; empty = none. */
const iceUrls = (description: string): ConfigKey<string> => ({
  description,
  expected: 'comma-separated stun:, turn: or turns: URLs (e.g. turn:turn.example.org:3478?transport=udp), or empty',
  default: '',
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const urls = raw.split(',').map((url) => url.trim()).filter(Boolean);
    return urls.every((url) => /^(stun|turns?):[^\s,/@?]+$/i.test(url.replace(/\?transport=(udp|tcp)$/i, ''))) ? urls.join(',') : undefined;
  },
});

const domainName = (description: string): ConfigKey<string> => ({
  description,
  expected: 'a DNS name such as salon.example.org, or empty',
  default: '',
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim().toLowerCase().replace(/\.$/, '');
    if (value === '') return '';
    const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
    return value.length <= 253 && value.includes('.') && !isIP(value) && value.split('.').every((part) => label.test(part)) ? value : undefined;
  },
});

const email = (description: string): ConfigKey<string> => ({
  description,
  expected: 'an email address, or empty',
  default: '',
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    const value = raw.trim();
    return value === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : undefined;
  },
});

const httpsUrl = (description: string, fallback: string): ConfigKey<string> => ({
  description,
  expected: 'an https:// URL',
  default: fallback,
  parse(raw) {
    if (typeof raw !== 'string') return undefined;
    try {
      const url = new URL(raw.trim());
      return url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  },
});

export const configSchema = {
  host: hostName('Address the HTTP server listens on', '0.0.0.0'),
  port: integer(0, 65535, 'HTTP port (0 picks a free port)', 8080),
  publicUrl: httpUrl('URL people use to reach this instance; https:// makes cookies Secure'),
  trustProxy: flag('Behind a reverse proxy: take the client address from X-Forwarded-For (for rate limits)', false),
  dataDir: text('Folder for the SQLite database, uploads and runtime files', './data'),
  rtcListenIp: ipAddress('Local address mediasoup binds for audio (UDP/TCP)', '0.0.0.0'),
  rtcAnnouncedIp: ipAddress(
    'Public address given to browsers for audio; empty = first non-loopback IPv4 of this machine',
    '',
    true,
  ),
  webRtcPort: integer(0, 65535, 'UDP (and TCP fallback) port browsers send audio to; worker N uses this port + N; 0 = random', 40000),
  rtcMinPort: integer(1024, 65535, 'Lowest port for other media sockets (inter-worker pipes, RTP outputs)', 40100),
  rtcMaxPort: integer(1024, 65535, 'Highest port for other media sockets', 40999),
  workers: integer(0, 256, 'mediasoup workers (media processes); 0 = one per CPU core', 0),
  routerListenerLimit: integer(1, 100000, 'Listener streams (listeners × speakers) one media router carries before a room grows onto another worker', 1000),
  workerHealthIntervalMs: integer(200, 600000, 'How often each media worker is health-checked (ms)', 5000),
  turnUrls: iceUrls('Comma-separated TURN (and STUN) server URLs given to browsers (e.g. turn:turn.example.org:3478?transport=udp)'),
  turnSecret: text(
    "Shared secret of the TURN server (coturn's use-auth-secret + static-auth-secret): each participant gets its own expiring TURN username and password; required when turnUrls has turn: or turns: URLs",
    '',
    { secret: true },
  ),
  turnCredentialTtlSeconds: integer(300, 604800, 'How long the TURN credentials handed to a participant stay valid (seconds)', 86400),
  tlsCert: text('PEM certificate file (with its chain) for HTTPS, used with tlsKey; reloaded when it changes or on SIGHUP'),
  tlsKey: text('PEM private key file of tlsCert'),
  httpsPort: integer(0, 65535, 'HTTPS port, used when tlsCert/tlsKey or domain is set (0 picks a free port)', 443),
  httpRedirectPort: integer(0, 65535, 'When HTTPS is on: plain HTTP port that answers ACME challenges and redirects everything else to https (0 picks a free port)', 80),
  domain: domainName("Domain name for automatic HTTPS certificates over ACME (Let's Encrypt); needs acmeEmail, and this domain pointing here with port 80 open"),
  acmeEmail: email('Contact email given to the ACME certificate authority (expiry and policy notices); required with domain'),
  acmeDirectoryUrl: httpsUrl('ACME directory of the certificate authority', 'https://acme-v02.api.letsencrypt.org/directory'),
  acmeCaFile: text('PEM file of extra CA certificates trusted when talking to the ACME directory (a private or test CA); empty = the system ones'),
  acmeCheckIntervalSeconds: integer(1, 604800, 'How often the automatic certificate is checked and renewed when less than a third of its lifetime is left (seconds)', 86400),
  ffmpegPath: text('The ffmpeg program that records and mixes rooms (a name on PATH or a full path)', 'ffmpeg'),
  ffprobePath: text('The ffprobe program that reads recorded files', 'ffprobe'),
  pushAllowPrivateEndpoints: flag('Accept web push endpoints on private or loopback addresses, and over plain http (tests, a push service on a private network); off refuses them, so a subscription cannot make the server POST inside its network', false),
  metricsToken: text('Turns GET /metrics (Prometheus) on, for scrapers sending this token as "Authorization: Bearer TOKEN"; empty = no token access', '', { secret: true }),
  metricsAllowLocal: flag('Turns GET /metrics on for requests from this machine (loopback socket address; X-Forwarded-For is not believed here), without a token', false),
  logLevel: oneOf(['debug', 'info', 'warn', 'error'] as const, 'Log verbosity', 'info'),
} satisfies Record<string, ConfigKey>;

export type ConfigName = keyof typeof configSchema;

export type SalonConfig = Readonly<{
  [K in ConfigName]: (typeof configSchema)[K]['default'];
}>;

const useTurnSecret =
  "Salon now gives each participant its own expiring TURN credentials: remove turnUsername and turnCredential, configure the TURN server with coturn's use-auth-secret and static-auth-secret=<secret>, and set turnSecret to the same secret";

/**
 * Settings that no longer exist but that an older deployment may still set (file, environment or flag),
 * with the advice to give. Setting one to a non-empty value stops start-up instead of being silently ignored.
 */
export const removedConfigKeys: Readonly<Record<string, string>> = {
  turnUsername: useTurnSecret,
  turnCredential: useTurnSecret,
};

/** `rtcAnnouncedIp` → `SALON_RTC_ANNOUNCED_IP` */
export const envName = (key: string) => 'SALON_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
/** `rtcAnnouncedIp` → `--rtc-announced-ip` */
export const flagName = (key: string) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
