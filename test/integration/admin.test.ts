// Admin pages: who may use them (server-enforced), settings validation, effect without restart; CSRF.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { logIn, signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account;
let member: Account;
let memberId: number;
beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'queen');
  member = await signUp(salon.url, 'pawn');
  memberId = (await admin.client.json('/admin/users?q=pawn')).users[0].id;
});
afterAll(() => salon.dispose());

describe('authorization matrix: anonymous / member / admin against every admin route', () => {
  const routes: { method: 'GET' | 'POST'; path: () => string; fields?: Record<string, string> }[] = [
    { method: 'GET', path: () => '/admin' },
    { method: 'GET', path: () => '/admin/settings' },
    { method: 'POST', path: () => '/admin/settings', fields: { instanceName: 'Hijacked' } },
    { method: 'GET', path: () => '/admin/users' },
    { method: 'POST', path: () => '/admin/users', fields: { handle: 'sneaky', email: 'sneaky@example.org', password: 'long-enough-pw' } },
    ...['grant-host', 'revoke-host', 'suspend', 'unsuspend', 'promote'].map((action) => ({ method: 'POST' as const, path: () => `/admin/users/${memberId}/${action}` })),
  ];
  const call = (client: WebClient, route: (typeof routes)[number]) =>
    route.method === 'GET' ? client.get(route.path(), 'json') : client.post(route.path(), route.fields ?? {});

  for (const route of routes) {
    test(`${route.method} ${route.path().replace(/\d+/, ':id')}`, async () => {
      const anonymous = await call(new WebClient(salon.url), route);
      expect(anonymous.status).toBe(401);
      const asMember = await call(member.client, route);
      expect(asMember.status).toBe(403);
      expect(await asMember.json()).toEqual({ error: 'Admins only' });
    });
  }

  test('members changed nothing', async () => {
    expect((await admin.client.json('/admin/settings')).instanceName).toBe('Salon');
    expect((await admin.client.json('/admin/users?q=sneaky')).users).toEqual([]);
    const pawn = await salon.db.selectFrom('users').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(pawn).toMatchObject({ role: 'member', hosting_granted: 0, suspended_at: null });
  });

  test('anonymous browsers are sent to log in', async () => {
    const res = await new WebClient(salon.url).get('/admin/users');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fadmin%2Fusers');
  });

  test('the admin can use every route', async () => {
    expect((await admin.client.get('/admin/settings')).status).toBe(200);
    expect((await admin.client.get('/admin/users')).status).toBe(200);
    for (const action of ['grant-host', 'revoke-host', 'suspend', 'unsuspend']) {
      expect((await admin.client.post(`/admin/users/${memberId}/${action}`)).status).toBe(200);
    }
    expect((await admin.client.post(`/admin/users/${memberId}/promote`)).status).toBe(200);
    // Suspension logged them out; once back, the promoted member passes the same checks.
    expect((await member.client.get('/admin/settings', 'json')).status).toBe(401);
    await logIn(salon.url, 'pawn', member.password, member.client);
    expect((await member.client.get('/admin/settings', 'json')).status).toBe(200);
  });

  test('nav shows the admin link to admins only', async () => {
    const other = await signUp(salon.url, 'rook');
    expect(await (await other.client.get('/')).text()).not.toContain('href="/admin/settings"');
    expect(await (await admin.client.get('/')).text()).toContain('href="/admin/settings"');
  });
});

describe('instance settings', () => {
  test('changes take effect without restart', async () => {
    const res = await admin.client.post('/admin/settings', { instanceName: 'Agora', instanceDescription: 'Jazz talk <live>', defaultLanguage: 'fr' });
    expect(res.status).toBe(200);
    const home = await (await new WebClient(salon.url, { lang: 'de' }).get('/')).text();
    expect(home).toContain('<a class="brand" href="/">Agora</a>');
    expect(home).toContain('Jazz talk &lt;live&gt;');
    expect(home).toContain('<html lang="fr">'); // unsupported browser language → instance default
    await admin.client.post('/admin/settings', { defaultLanguage: 'en' });
  });

  test('survive a restart (stored in the database)', async () => {
    const { SettingsService } = await import('../../src/settings/settings.service');
    const fresh = new SettingsService(salon.db);
    await fresh.load();
    expect(fresh.get().instanceName).toBe('Agora');
  });

  const invalid: [Record<string, string>, string, RegExp][] = [
    [{ registrationMode: 'sometimes' }, 'registrationMode', /Choose one of: open, invite, closed/],
    [{ hostMinFollowers: '-1' }, 'hostMinFollowers', /whole number from 0/],
    [{ inviteQuota: 'lots' }, 'inviteQuota', /whole number/],
    [{ instanceName: '   ' }, 'instanceName', /required/],
    [{ instanceName: 'x'.repeat(61) }, 'instanceName', /At most 60/],
    [{ defaultLanguage: 'de' }, 'defaultLanguage', /Choose one of: en, fr/],
    [{ signupsPerIpPerHour: '0' }, 'signupsPerIpPerHour', /from 1/],
  ];
  for (const [fields, field, message] of invalid) {
    test(`invalid ${field} is named, nothing saved`, async () => {
      const res = await admin.client.post('/admin/settings', { ...fields, instanceName: fields.instanceName ?? 'Changed?' });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(body.errors.find((e: { field: string }) => e.field === field).message).toMatch(message);
      expect((await admin.client.json('/admin/settings')).instanceName).toBe('Agora');
    });
  }

  test('the HTML form re-renders with the error next to the field, in French too', async () => {
    admin.client.lang = 'fr';
    const res = await admin.client.post('/admin/settings', { hostMinFollowers: 'beaucoup' }, { accept: 'html' });
    admin.client.lang = 'en';
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('Saisissez un nombre entier de 0 à 1000000000.');
    expect(page).toContain('value="beaucoup"');
  });
});

describe('CSRF', () => {
  test('a state-changing request without the token is refused and changes nothing', async () => {
    const res = await admin.client.post('/admin/settings', { instanceName: 'Forged' }, { csrf: false });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('CSRF token missing');
    expect((await admin.client.json('/admin/settings')).instanceName).toBe('Agora');
  });

  test('a wrong token is refused', async () => {
    const res = await admin.client.post('/admin/settings', { instanceName: 'Forged' }, { csrf: 'x'.repeat(32) });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('CSRF token wrong');
  });

  test('another origin is refused even with a valid token', async () => {
    const res = await admin.client.post('/admin/settings', { instanceName: 'Forged' }, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('Cross-origin request refused');
    const sameOrigin = await admin.client.post('/admin/settings', { instanceName: 'Agora' }, { headers: { origin: salon.url.replace('127.0.0.1', '127.0.0.1') } });
    expect(sameOrigin.status).toBe(200);
  });

  test('log in and sign up are protected too (login CSRF)', async () => {
    const res = await new WebClient(salon.url).post('/login', { login: 'queen', password: admin.password }, { csrf: false });
    expect(res.status).toBe(403);
  });

  test('the header form (htmx) is accepted', async () => {
    const token = await admin.client.csrfToken();
    const res = await admin.client.post('/@pawn/follow', {}, { csrf: false, headers: { 'x-csrf-token': token } });
    expect(res.status).toBe(200);
  });
});

describe('every page is translated', () => {
  const pages = ['/', '/signup', '/login', '/settings', '/settings/sessions', '/settings/invites', '/admin/settings', '/admin/users', '/@queen', '/@queen/followers', '/nowhere'];
  for (const lang of ['en', 'fr']) {
    test(`no untranslated key shows on any page (${lang})`, async () => {
      const { en } = await import('../../src/i18n/messages.en');
      const keys = Object.keys(en);
      const signedOut = new WebClient(salon.url, { lang });
      admin.client.lang = lang;
      for (const path of pages) {
        for (const client of [admin.client, signedOut]) {
          const res = await client.get(path);
          if (res.status >= 300 && res.status < 400) continue; // e.g. /settings when signed out
          const text = await res.text();
          const leaked = keys.filter((key) => text.includes(key));
          expect(leaked, `${path} (${lang})`).toEqual([]);
          expect(text).toContain(`<html lang="${lang}">`);
        }
      }
      admin.client.lang = 'en';
    });
  }
});
