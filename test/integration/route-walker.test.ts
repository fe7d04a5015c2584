// Walks every HTTP route of the app with malformed params, queries, bodies and headers, as an
// anonymous visitor, a member and an admin: bad input must get a 4xx (or a normal page), never a 5xx.
// WebSocket routes are out of scope here (see the realtime tests).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createApp } from '../../src/app';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

interface Probe {
  variant: string;
  path: string;
  init?: { method?: string; headers?: Record<string, string>; body?: BodyInit };
}

const huge = 'x'.repeat(5000);
const badParams = ['%00', '%ff', '%E0%A4%A', '%2e%2e%2f', '..', '-1', '0', '0.01', '1e400', 'NaN', '%0d%0a', '%F0%9F%98%80', '__proto__', 'constructor', huge];
const badQueries = [
  'page=0.01', 'page=-1', 'page=1e400', 'page=NaN', 'page=99999999999999999999', 'page=1&page=2', 'page[]=1', 'page[a]=1',
  'q=%00', `q=${huge}`, 'q=%E0%A4%A', 'q=%25', 'q=\\', 'q=_%', 'next=%E0%A4%A', 'next=%ff', 'next=//evil.example', 'next=/%0d%0aX:%20y', 'next=/%C3%A9', 'next=/%09/evil.example', 'invite=%00',
  'invite[]=1', 'saved=%ff', 'created=%0d%0a', 'created[]=x', 'reported=1&reported=2', '%ff=1', '__proto__[x]=1', 'constructor=1', '&&==&',
];
// Every form field name the app reads, so each handler sees its own fields malformed.
const fields = [
  'handle', 'displayName', 'email', 'password', 'inviteCode', 'login', 'next', 'maxUses', 'bio', 'language', 'removeAvatar', 'avatar',
  'title', 'topics', 'speakPolicy', 'recordIntent', 'reason', 'target', 'participant', 'instanceName', 'registrationMode', 'inviteQuota',
  'hostMinFollowers', 'defaultLanguage', 'maxListenersPerRoom', 'roomGraceMinutes',
  'description', 'startsAt', 'timeZone', 'speakers', 'cohosts', 'answer', // scheduled rooms
  'passwordConfirm', 'host', 'port', 'security', 'user', 'from', 'clearPassword',
];
const formOf = (value: string) => fields.map((f) => `${f}=${value}`).join('&');
const jsonOf = (value: unknown) => JSON.stringify(Object.fromEntries(fields.map((f) => [f, value])));
function multipartOf(valueOf: (field: string) => string | Blob): FormData {
  const data = new FormData(); // fetch writes the multipart boundary into the content type
  for (const f of fields) data.append(f, valueOf(f));
  return data;
}
const form = 'application/x-www-form-urlencoded';
const json = 'application/json';
const badBodies: [string, string | undefined, BodyInit][] = [
  ['form-empty', form, ''],
  ['form-bad-percent', form, formOf('%E0%A4%A')],
  ['form-nul', form, formOf('%00')],
  ['form-numbers', form, formOf('1e400')],
  ['form-negative', form, formOf('-1')],
  ['form-repeated', form, `${formOf('a')}&${formOf('b')}`],
  ['form-brackets', form, fields.map((f) => `${f}[x]=1`).join('&')],
  ['form-no-equals', form, fields.join('&')],
  ['form-large-field', form, `reason=${'r'.repeat(60_000)}`],
  ['form-binary', form, new Uint8Array([0xff, 0xfe, 0x00, 0x3d, 0x26, 0x80])],
  ['json-object-empty', json, '{}'],
  ['json-array', json, '[]'],
  ['json-string', json, '"x"'],
  ['json-null', json, 'null'],
  ['json-number', json, '12'],
  ['json-invalid', json, '{"title":'],
  ['json-numbers', json, jsonOf(12)],
  ['json-floats', json, jsonOf(0.01)],
  ['json-objects', json, jsonOf({ a: 1 })],
  ['json-arrays', json, jsonOf([1, 'x'])],
  ['json-nulls', json, jsonOf(null)],
  ['json-booleans', json, jsonOf(true)],
  ['json-long-strings', json, jsonOf('y'.repeat(2000))],
  ['json-proto', json, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'],
  ['json-deep', json, '['.repeat(20_000) + ']'.repeat(20_000)],
  ['json-charset', 'application/json; charset=utf-16', '{"title":"x"}'],
  ['multipart-no-boundary', 'multipart/form-data', 'x'],
  ['multipart-broken', 'multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="title"\r\n\r\nx'],
  ['text-plain', 'text/plain', 'hello'],
  ['octet-stream', 'application/octet-stream', new Uint8Array([1, 2, 3])],
  ['multipart-strings', undefined, multipartOf(() => '%E0%A4%A\u0000')],
  ['multipart-files', undefined, multipartOf((f) => new File([new Uint8Array([0xff, 0xd8, 0x00])], `${f}.jpg`, { type: 'image/jpeg' }))],
  ['report-unknown-target', form, 'reason=spam&target=nobody_here'],
  ['report-id-target', form, 'reason=spam&target=u%3A999999'],
  ['no-content-type', undefined, 'title=x'],
  ['unknown-content-type', 'application/x-made-up', 'x'],
];
const badHeaders: [string, Record<string, string>][] = [
  ['referer-unparsable', { referer: 'http://[::1' }],
  ['referer-not-url', { referer: 'not a url' }],
  ['referer-other-site', { referer: 'http://evil.example/x' }],
  ['origin-null', { origin: 'null' }],
  ['origin-other-site', { origin: 'http://evil.example' }],
  ['origin-garbage', { origin: '%ff\\' }],
  ['accept-html', { accept: 'text/html' }],
  ['accept-any', { accept: '*/*' }],
  ['htmx', { accept: 'text/html', 'hx-request': 'true' }],
  ['accept-language-garbage', { 'accept-language': 'xx-%ff;q=abc, *;q=NaN, ;;;' }],
  ['forwarded-garbage', { 'x-forwarded-for': ' , ,::::,' }],
  ['cookie-garbage', { cookie: 'salon_session=%ff; salon_csrf=%E0%A4%A; salon_anon=%00; =; x' }],
  ['cookie-huge', { cookie: `salon_session=${'s'.repeat(6000)}` }],
];

let salon: TestSalon;
let roles: Record<'anonymous' | 'member' | 'admin', Role>;
const valid: Record<string, string> = {};

beforeAll(async () => {
  salon = await startTestSalon();
  const admin = await signUp(salon.url, 'boss');
  const member = await signUp(salon.url, 'alice');
  const victim: Account = await signUp(salon.url, 'victim');
  await admin.client.post('/studio/rooms', { title: 'Walked room' });
  valid.roomId = (await salon.db.selectFrom('rooms').select('id').executeTakeFirstOrThrow()).id;
  valid.userId = String((await salon.db.selectFrom('users').select('id').where('handle', '=', victim.handle).executeTakeFirstOrThrow()).id);
  valid.inviteCode = (await (await admin.client.post('/settings/invites', {})).json()).code;
  roles = { anonymous: await roleOf(new WebClient(salon.url)), member: await roleOf(member.client), admin: await roleOf(admin.client) };
});
afterAll(() => salon.dispose());

/** A well-formed value for each path parameter, so the other parts of a request get exercised. */
function validParam(route: string, name: string): string {
  if (name === 'id') return route.startsWith('/r/') ? valid.roomId! : route.startsWith('/admin/users') ? valid.userId! : 'nosuchsession';
  return { handle: 'victim', code: valid.inviteCode!, file: 'nosuch.png', name: 'salon.css', action: 'grant-host' }[name] ?? 'x';
}

function probesFor(method: string, route: string): Probe[] {
  const names = [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const pathWith = (override: Record<string, string> = {}) => route.replace(/:(\w+)/g, (_, n: string) => override[n] ?? validParam(route, n));
  // Without a body, POST handlers with a body schema would refuse every probe before running.
  const plainBody = method === 'GET' ? {} : { body: 'participant=u%3A1&walked=1', headers: { 'content-type': form } };
  const withMethod = (init: Probe['init'] = {}) => ({ ...plainBody, ...init, method, headers: { ...plainBody.headers, ...init.headers } });
  const probes: Probe[] = [{ variant: 'valid', path: pathWith(), init: withMethod() }];
  for (const name of names) for (const value of badParams) probes.push({ variant: `param:${name}=${value.slice(0, 20)}`, path: pathWith({ [name]: value }), init: withMethod() });
  for (const query of badQueries) probes.push({ variant: `query:${query.slice(0, 30)}`, path: `${pathWith()}?${query}`, init: withMethod() });
  for (const [label, headers] of badHeaders) probes.push({ variant: `header:${label}`, path: pathWith(), init: withMethod({ headers }) });
  if (method !== 'GET') {
    for (const [label, type, body] of badBodies) probes.push({ variant: `body:${label}`, path: pathWith(), init: { method, body, headers: type ? { 'content-type': type } : {} } });
  }
  for (const other of ['HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE']) probes.push({ variant: `method:${other}`, path: pathWith(), init: { method: other } });
  for (const suffix of ['/', '//', '%00', '/..', '?']) probes.push({ variant: `path-suffix:${suffix}`, path: pathWith() + suffix, init: withMethod() });
  // JSON clients and browsers take different paths through the handlers (re-rendered forms, redirects).
  const asBrowser = (p: Probe): Probe => ({ ...p, variant: `${p.variant} as-html`, init: { ...p.init, headers: { accept: 'text/html', ...p.init?.headers } } });
  return [...probes, ...probes.map(asBrowser)];
}

/** Who sends the probes: the cookies and CSRF token of a browser in that role. */
interface Role {
  cookie: string;
  csrf: string;
}
const roleOf = async (client: WebClient): Promise<Role> => {
  const csrf = await client.csrfToken();
  return { csrf, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
};
const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

/** Sends one probe as `role`, from a fresh address each time (no rate limit hides a handler). */
async function send(role: Role, probe: Probe): Promise<number> {
  const headers = { accept: 'application/json', cookie: role.cookie, 'x-csrf-token': role.csrf, 'x-forwarded-for': randomIp(), ...probe.init?.headers };
  try {
    const res = await fetch(salon.url + probe.path, { ...probe.init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    return (error as Error).name === 'TimeoutError' ? 599 : 598; // no answer: as bad as a 5xx
  }
}

// Routes that end what later probes use (the session, the live room) are walked last.
const walkedLast = (path: string) => (path === '/logout' ? 2 : path.endsWith('/end') ? 1 : 0);

test('no route answers malformed input with a 5xx', async () => {
  const routes = createApp(salon.deps)
    .routes.filter((r) => r.method !== 'WS')
    .map((r) => ({ method: r.method.toUpperCase(), path: r.path }))
    .sort((a, b) => walkedLast(a.path) - walkedLast(b.path));
  expect(routes.length).toBeGreaterThan(30);
  const failures = new Set<string>();
  const details: string[] = [];
  const settingsPage: Record<string, number> = {};
  for (const { method, path } of routes) {
    const probes = probesFor(method, path);
    await Promise.all(
      Object.entries(roles).map(async ([roleName, role]) => {
        const statuses = await Promise.all(probes.map((probe) => send(role, probe)));
        probes.forEach((probe, i) => {
          if (method === 'GET' && path === '/settings' && probe.variant === 'valid') settingsPage[roleName] = statuses[i]!;
          if (statuses[i]! < 500) return;
          failures.add(`${method} ${path} ${probe.variant}`);
          details.push(`${roleName} ${method} ${probe.path.slice(0, 120)} [${probe.variant}] → ${statuses[i]}`);
        });
      }),
    );
  }
  expect(settingsPage).toEqual({ anonymous: 401, member: 200, admin: 200 }); // the roles really were who they claim
  if (details.length) console.log(details.join('\n'));
  expect([...failures]).toEqual([]);
  expect((await fetch(`${salon.url}/healthz`)).status).toBe(200);
}, 300_000);
