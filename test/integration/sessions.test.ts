// Log in / out, server-side sessions, rate limits, suspension.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startPeriodicPurge } from '../../src/cleanup';
import { startTestSalon, waitFor, type TestSalon } from '../support/salon';
import { logIn, signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account;
let alice: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'boss');
  alice = await signUp(salon.url, 'alice');
});
afterAll(() => salon.dispose());

describe('log in and out', () => {
  test('by handle or by email, case-insensitive; the cookie is HttpOnly and SameSite=Lax', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/login', { login: 'ALICE', password: alice.password }, { accept: 'html' });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('salon_session='))!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // plain http instance
    expect((await logIn(salon.url, 'Alice@Example.org', alice.password)).client.signedIn).toBe(true);
  });

  test('login redirects to a local "next" only', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/login', { login: 'alice', password: alice.password, next: '/settings' }, { accept: 'html' });
    expect(res.headers.get('location')).toBe('/settings');
    const evil = await new WebClient(salon.url).post('/login', { login: 'alice', password: alice.password, next: '//evil.example' }, { accept: 'html' });
    expect(evil.headers.get('location')).toBe('/');
  });

  test('a wrong password gets one generic message, on the re-rendered form', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/login', { login: 'alice', password: 'nope-nope' }, { accept: 'html' });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Wrong handle, email or password.');
    const unknown = await client.post('/login', { login: 'nobody', password: 'nope-nope' });
    expect(await unknown.json()).toMatchObject({ field: 'form', error: 'Wrong handle, email or password.' });
    expect(client.signedIn).toBe(false);
  });

  test('log out ends the session on the server', async () => {
    const { client } = await logIn(salon.url, 'alice', alice.password);
    const token = client.cookies.get('salon_session')!;
    expect((await client.post('/logout', {})).status).toBe(200);
    expect(client.signedIn).toBe(false);
    // Replaying the old cookie does not bring the session back.
    const replay = new WebClient(salon.url);
    replay.cookies.set('salon_session', token);
    expect((await replay.get('/settings', 'json')).status).toBe(401);
  });

  test('pages that need an account send people to log in, then back', async () => {
    const res = await new WebClient(salon.url).get('/settings/sessions');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fsettings%2Fsessions');
  });
});

describe('sessions list', () => {
  test('the owner sees and revokes their sessions; another member cannot', async () => {
    const phone = (await logIn(salon.url, 'alice', alice.password)).client;
    const { sessions } = await alice.client.json('/settings/sessions');
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s: { current: boolean }) => s.current).length).toBe(1);
    const other = sessions.find((s: { current: boolean; ip: string }) => !s.current && s.ip === phone.ip);
    expect(other).toMatchObject({ current: false, ip: phone.ip }); // (no expect.any here: Bun 1.4's toMatchObject writes the matcher into the object)
    expect(other.id).toBeString();

    const bob = await signUp(salon.url, 'bob');
    expect((await bob.client.post(`/settings/sessions/${other.id}/revoke`, {})).status).toBe(404);
    expect((await phone.get('/settings', 'json')).status).not.toBe(401);

    expect((await alice.client.post(`/settings/sessions/${other.id}/revoke`, {})).status).toBe(200);
    expect((await phone.get('/settings', 'json')).status).toBe(401);
    expect((await alice.client.get('/settings', 'json')).status).not.toBe(401);
  });

  test('the sessions page lists devices in French too', async () => {
    alice.client.lang = 'fr';
    const page = await (await alice.client.get('/settings/sessions')).text();
    alice.client.lang = 'en';
    expect(page).toContain('Cet appareil');
  });
});

describe('rate limits', () => {
  test('5 failed logins lock the account for a while, with a clear message, even from other IPs', async () => {
    await signUp(salon.url, 'target');
    for (let i = 0; i < 5; i++) {
      expect((await new WebClient(salon.url).post('/login', { login: 'target', password: 'wrong-guess' })).status).toBe(401);
    }
    const locked = await new WebClient(salon.url).post('/login', { login: 'target', password: 'pw-target-secret' });
    expect(locked.status).toBe(429);
    expect((await locked.json()).error).toMatch(/Too many attempts\. Try again in \d+ minutes\./);
  });

  test('one IP cannot try more than 30 logins per window', async () => {
    const client = new WebClient(salon.url);
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) last = await client.post('/login', { login: `nobody${i}`, password: 'whatever1' });
    expect(last!.status).toBe(429);
  });

  test('sign-ups per IP follow the instance setting', async () => {
    await admin.client.post('/admin/settings', { signupsPerIpPerHour: '2' });
    const ip = '10.99.0.1';
    const attempt = (handle: string) =>
      new WebClient(salon.url, { ip }).post('/signup', { handle, email: `${handle}@example.org`, password: 'long-enough-pw' });
    expect((await attempt('ipone')).status).toBe(200);
    expect((await attempt('iptwo')).status).toBe(200);
    const third = await attempt('ipthree');
    expect(third.status).toBe(429);
    expect((await third.json()).error).toMatch(/Too many sign-ups from your network/);
    expect((await new WebClient(salon.url, { ip: '10.99.0.2' }).post('/signup', { handle: 'ipfour', email: 'ipfour@example.org', password: 'long-enough-pw' })).status).toBe(200);
  });
});

describe('suspension', () => {
  test('a suspended member is logged out everywhere and cannot log in; reinstating restores access', async () => {
    const carol = await signUp(salon.url, 'carol');
    const second = (await logIn(salon.url, 'carol', carol.password)).client;
    const { id } = (await admin.client.json('/admin/users?q=carol')).users[0];
    expect((await admin.client.post(`/admin/users/${id}/suspend`, {})).status).toBe(200);

    expect((await carol.client.get('/settings', 'json')).status).toBe(401);
    expect((await second.get('/settings', 'json')).status).toBe(401);
    const refused = await new WebClient(salon.url).post('/login', { login: 'carol', password: carol.password });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('This account is suspended.');
    expect((await new WebClient(salon.url).get('/@carol', 'json')).status).toBe(404); // hidden from others
    expect((await admin.client.get('/@carol', 'json')).status).toBe(200);

    expect((await admin.client.post(`/admin/users/${id}/unsuspend`, {})).status).toBe(200);
    expect((await logIn(salon.url, 'carol', carol.password)).client.signedIn).toBe(true);
  });

  test('an admin cannot suspend themselves or another admin', async () => {
    const { id } = (await admin.client.json('/admin/users?q=boss')).users[0];
    expect((await admin.client.post(`/admin/users/${id}/suspend`, {})).status).toBe(403);
  });

  test('acting on an unknown user is a 404', async () => {
    expect((await admin.client.post('/admin/users/99999/suspend', {})).status).toBe(404);
    expect((await admin.client.post('/admin/users/abc/suspend', {})).status).toBe(400);
    expect((await admin.client.post('/admin/users/1/explode', {})).status).toBe(400);
  });
});

describe('behind https', () => {
  test('cookies are Secure when the public URL is https, and other origins are refused', async () => {
    const secure = await startTestSalon({ publicUrl: 'https://salon.example.org' });
    try {
      const client = new WebClient(secure.url);
      const signup = await client.post('/signup', { handle: 'first', email: 'first@example.org', password: 'long-enough-pw' }, { headers: { origin: 'https://salon.example.org' } });
      expect(signup.status).toBe(200);
      for (const cookie of signup.headers.getSetCookie()) expect(cookie).toContain('; Secure');
      const forged = await client.post('/logout', {}, { headers: { origin: secure.url } });
      expect(forged.status).toBe(403);
    } finally {
      await secure.dispose();
    }
  });
});

describe('expired data is purged on a timer', () => {
  test('an expired session row goes, signed-in people stay signed in', async () => {
    const { id: userId } = await salon.db.selectFrom('users').select('id').where('handle', '=', 'alice').executeTakeFirstOrThrow();
    await salon.db.insertInto('sessions').values({ id: 'long-expired', user_id: userId, expires_at: '2000-01-01T00:00:00.000Z' }).execute();
    const stop = startPeriodicPurge(salon.deps, 50);
    try {
      await waitFor(async () => !(await salon.db.selectFrom('sessions').select('id').where('id', '=', 'long-expired').executeTakeFirst()), 5_000, 'purge');
    } finally {
      stop();
    }
    expect((await alice.client.get('/settings', 'json')).status).toBe(200);
  });
});
