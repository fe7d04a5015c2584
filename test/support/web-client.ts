// A tiny browser for integration tests: keeps cookies, sends the CSRF token like our pages do,
// and can pretend to come from a given client IP (the test server trusts X-Forwarded-For).
let nextIp = 1;

export interface PostOptions {
  accept?: 'json' | 'html';
  csrf?: boolean | string;
  headers?: Record<string, string>;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  readonly ip: string;

  constructor(
    readonly baseUrl: string,
    opts: { ip?: string; lang?: string } = {},
  ) {
    this.ip = opts.ip ?? `10.0.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
    this.lang = opts.lang ?? 'en';
  }
  lang: string;

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path: string, init: RequestInit & { accept?: 'json' | 'html' } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', this.ip);
    headers.set('accept-language', headers.get('accept-language') ?? this.lang);
    if (!headers.has('accept')) headers.set('accept', init.accept === 'html' ? 'text/html' : 'application/json');
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(this.baseUrl + path, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => a.trim().toLowerCase() === 'max-age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, accept: 'json' | 'html' = 'html') {
    return this.fetch(path, { accept });
  }

  /** The CSRF token a page would carry (loads the home page once to get the cookie). */
  async csrfToken(): Promise<string> {
    if (!this.cookies.has('salon_csrf')) await this.get('/');
    return decodeURIComponent(this.cookies.get('salon_csrf')!);
  }

  /** Posts a form (urlencoded, or multipart when given FormData) with the CSRF field. */
  async post(path: string, fields: Record<string, string> | FormData = {}, opts: PostOptions = {}): Promise<Response> {
    const token = opts.csrf === false ? undefined : typeof opts.csrf === 'string' ? opts.csrf : await this.csrfToken();
    let body: FormData | URLSearchParams;
    if (fields instanceof FormData) {
      body = fields;
      if (token) body.set('_csrf', token);
    } else {
      body = new URLSearchParams({ ...fields, ...(token ? { _csrf: token } : {}) });
    }
    return this.fetch(path, { method: 'POST', body, accept: opts.accept ?? 'json', headers: opts.headers });
  }

  async json<T = any>(path: string): Promise<T> {
    const res = await this.get(path, 'json');
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  }

  get signedIn() {
    return this.cookies.has('salon_session');
  }
}

export interface Account {
  client: WebClient;
  handle: string;
  email: string;
  password: string;
}

/** Signs up through the real form and returns a signed-in client. */
export async function signUp(baseUrl: string, handle: string, extra: Record<string, string> = {}): Promise<Account> {
  const client = new WebClient(baseUrl);
  const account = { handle, email: `${handle}@example.org`, password: `pw-${handle}-secret` };
  const res = await client.post('/signup', { handle, email: account.email, password: account.password, ...extra });
  if (res.status !== 200 || !client.signedIn) throw new Error(`sign-up of ${handle} failed: ${res.status} ${await res.text()}`);
  return { client, ...account };
}

export async function logIn(baseUrl: string, login: string, password: string, client = new WebClient(baseUrl)) {
  const res = await client.post('/login', { login, password });
  return { client, res };
}
