// Everything a handler needs about the request: who is signed in, language, CSRF token, client IP.
import type { SalonConfig } from '../config/config.schema';
import type { User } from '../db/schema';
import { catalogs, chooseLanguage, languages, translator } from '../i18n/i18n';
import type { InstanceSettings } from '../settings/settings.schema';
import type { LanguageChoice, PageContext } from '../shared/page-context';
import { csrfCookie, parseCookies, serializeCookie, sessionCookie } from './cookies';
import { randomToken } from '../shared/random';
import { tlsMode } from '../tls/tls-settings';
import { assetUrl } from './static-assets';

/** The language pickers' options, each named in its own language. */
const languageChoices: readonly LanguageChoice[] = languages.map((code) => ({ code, name: catalogs[code]['lang.name'] }));

export interface RequestContext extends PageContext {
  request: Request;
  url: URL;
  viewer: User | null;
  sessionId: string | null;
  ip: string;
  settings: Readonly<InstanceSettings>;
  /** Set-Cookie values every response built from this context must carry. */
  setCookies: string[];
  wantsJson: boolean;
  secureCookies: boolean;
}

/** What contexts are built from: the sessions and settings services fit these shapes. */
interface SessionLookup {
  resolve(token: string | undefined): Promise<{ user: User; sessionId: string } | null>;
}
interface SettingsSource {
  get(): Readonly<InstanceSettings>;
}

export interface ServerLike {
  requestIP(request: Request): { address: string } | null;
}

export class RequestContexts {
  constructor(
    private readonly deps: { config: SalonConfig; sessions: SessionLookup; settings: SettingsSource },
  ) {}

  get secureCookies() {
    return this.deps.config.publicUrl.startsWith('https://') || tlsMode(this.deps.config) !== 'off'; // served over https
  }

  async build(request: Request, server: ServerLike | null): Promise<RequestContext> {
    const cookies = parseCookies(request.headers.get('cookie'));
    const settings = this.deps.settings.get();
    const signedIn = await this.deps.sessions.resolve(cookies[sessionCookie]);
    const viewer = signedIn?.user ?? null;
    const setCookies: string[] = [];
    let csrfToken = cookies[csrfCookie];
    if (!csrfToken || !/^[\w-]{20,100}$/.test(csrfToken)) {
      csrfToken = randomToken();
      setCookies.push(serializeCookie(csrfCookie, csrfToken, { secure: this.secureCookies }));
    }
    const lang = chooseLanguage({ preference: viewer?.language, acceptLanguage: request.headers.get('accept-language'), fallback: settings.defaultLanguage });
    return {
      request,
      url: new URL(request.url),
      viewer,
      sessionId: signedIn?.sessionId ?? null,
      ip: clientIp(request, server, this.deps.config.trustProxy),
      settings,
      setCookies,
      wantsJson: wantsJson(request),
      secureCookies: this.secureCookies,
      lang,
      t: translator(lang),
      instanceName: settings.instanceName,
      csrfToken,
      asset: assetUrl,
      languages: languageChoices,
    };
  }

  /** The origin browsers use for this instance: the public URL, else what the request says. */
  expectedOrigin(request: Request): string {
    if (this.deps.config.publicUrl) return this.deps.config.publicUrl;
    const url = new URL(request.url);
    return `${url.protocol}//${request.headers.get('host') ?? url.host}`;
  }
}

/** JSON clients say so in Accept; browsers and htmx get HTML. */
export function wantsJson(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Behind a reverse proxy (config trustProxy), the client is the last X-Forwarded-For hop. */
export function clientIp(request: Request, server: ServerLike | null, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1]!;
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}
