// Password reset by email and by an admin, SMTP settings and the test email, against a real SMTP
// server on loopback whose received messages are parsed: what a person would get in their inbox.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config/config.load';
import { createLogger } from '../../src/log';
import { startSalon, type RunningSalon } from '../../src/server';
import { tempDir } from '../support/salon';
import { resetLinkIn, startTestSmtp, type TestSmtp } from '../support/smtp';
import { logIn, signUp, WebClient, type Account } from '../support/web-client';

let salon: RunningSalon;
let dataDir: string;
let smtp: TestSmtp;
const logs: string[] = [];
let admin: Account;
let alice: Account;
const smtpAuth = { user: 'salon-mailer', password: 'smtp-secret-pw' };

const idOf = async (handle: string) => (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
const pathOf = (link: string) => new URL(link).pathname;
const settle = () => salon.deps.passwordResets.idle();
const smtpSettings = (extra: Record<string, string> = {}) => ({
  host: '127.0.0.1', port: String(smtp.port), security: 'none', user: smtpAuth.user, password: smtpAuth.password, from: 'Salon <salon@example.org>', ...extra,
});

beforeAll(async () => {
  smtp = await startTestSmtp({ auth: smtpAuth });
  dataDir = tempDir();
  const config = loadConfig({ flags: { host: '127.0.0.1', port: '0', dataDir, workers: '1', rtcListenIp: '127.0.0.1', webRtcPort: '0', trustProxy: 'true' }, env: {} });
  salon = await startSalon(config, createLogger('info', (line) => void logs.push(line)));
  admin = await signUp(salon.url, 'rs_admin');
  alice = await signUp(salon.url, 'rs_alice');
});
afterAll(async () => {
  await settle();
  await salon.stop();
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('without SMTP', () => {
  test('the forgot page says to ask an admin, and sends nothing', async () => {
    const visitor = new WebClient(salon.url);
    const page = await (await visitor.get('/password/forgot')).text();
    expect(page).toContain('ask an administrator to reset your password');
    expect(page).not.toContain('name="login"');
    const res = await visitor.post('/password/forgot', { login: alice.handle }, { accept: 'html' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('ask an administrator');
    expect(await (await visitor.post('/password/forgot', { login: alice.handle })).json()).toMatchObject({ ok: false });
  });

  test('the login page links to it', async () => {
    expect(await (await new WebClient(salon.url).get('/login')).text()).toContain('href="/password/forgot"');
  });

  test('an admin makes a one-time link to hand over; it works once and is logged', async () => {
    const users = await (await admin.client.get('/admin/users')).text();
    expect(users).toContain(`action="/admin/users/${await idOf('rs_alice')}/reset-link"`);
    const res = await admin.client.post(`/admin/users/${await idOf('rs_alice')}/reset-link`, {}, { accept: 'html' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const link = /value="(http:\/\/[^"]+\/password\/reset\/[\w-]+)"/.exec(html)![1]!;
    expect(new URL(link).origin).toBe(salon.url);
    expect(logs.some((l) => l.includes('admin made a password reset link') && l.includes('userHandle=rs_alice') && l.includes('adminHandle=rs_admin'))).toBe(true);

    const person = new WebClient(salon.url);
    expect((await person.get(pathOf(link))).status).toBe(200);
    alice.password = 'handed-over-new-pw';
    expect((await person.post(pathOf(link), { password: alice.password, passwordConfirm: alice.password })).status).toBe(200);
    expect(person.signedIn).toBe(true);
    expect((await person.get(pathOf(link))).status).toBe(404);
    // alice's old session ended with the reset; she signs in again for the tests below.
    expect((await alice.client.get('/settings', 'json')).status).toBe(401);
    expect((await logIn(salon.url, 'rs_alice', alice.password, alice.client)).res.status).toBe(200);
  });
});

describe('SMTP settings at /admin/email', () => {
  test('bad values are refused, naming the field', async () => {
    const res = await admin.client.post('/admin/email', smtpSettings({ from: 'not an address', port: '70000', host: 'bad host!' }));
    expect(res.status).toBe(422);
    const fields = (await res.json()).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['from', 'host', 'port']);
    expect((await admin.client.post('/admin/email', smtpSettings({ from: '' }))).status).toBe(422);
  });

  test('saved; the password is never shown back and a blank one keeps the stored one', async () => {
    const saved = await admin.client.post('/admin/email', smtpSettings());
    expect(saved.status).toBe(200);
    const visible = await saved.json();
    expect(visible).toMatchObject({ host: '127.0.0.1', port: smtp.port, security: 'none', user: smtpAuth.user, passwordSet: true, configured: true });
    expect(JSON.stringify(visible)).not.toContain(smtpAuth.password);
    const page = await (await admin.client.get('/admin/email')).text();
    expect(page).not.toContain(smtpAuth.password);
    expect(page).toContain('A password is stored');
    expect(JSON.stringify(await admin.client.json('/admin/settings'))).not.toContain(smtpAuth.password);
    // Saved again with the password left blank: still authenticates (the test email below goes through).
    expect((await admin.client.post('/admin/email', smtpSettings({ password: '' }))).status).toBe(200);
    expect(salon.deps.mailSettings.get().password).toBe(smtpAuth.password);
  });

  test('the test email reaches the admin, in plain text and HTML', async () => {
    const res = await admin.client.post('/admin/email/test', {}, { accept: 'html' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`Test email sent to ${admin.email}`);
    const mail = await smtp.waitForMail(admin.email);
    expect(mail.parsed.subject).toBe('Test email from Salon');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Salon', address: 'salon@example.org' }]);
    expect(mail.parsed.text).toContain('Email works');
    expect(mail.parsed.html).toContain('Email works');
  });

  test('a wrong SMTP password: the test email says the server refused it', async () => {
    await admin.client.post('/admin/email', smtpSettings({ password: 'wrong' }));
    const res = await admin.client.post('/admin/email/test', {}, { accept: 'html' });
    expect(await res.text()).toContain('The SMTP server refused the user name or password: 535');
    const asJson = await admin.client.post('/admin/email/test', {});
    expect(asJson.status).toBe(200);
    expect(await asJson.json()).toMatchObject({ ok: false, code: 'mail.error.auth' });
    await admin.client.post('/admin/email', smtpSettings());
  });

  test('TLS asked of a plain server: the test email says TLS failed', async () => {
    await admin.client.post('/admin/email', smtpSettings({ security: 'tls' }));
    const res = await admin.client.post('/admin/email/test', {});
    expect(await res.json()).toMatchObject({ ok: false, code: 'mail.error.tls' });
    await admin.client.post('/admin/email', smtpSettings());
  });
});

describe('forgot password by email', () => {
  test('email with a link → new password; the old one fails, other sessions end', async () => {
    const laptop = (await logIn(salon.url, 'rs_alice', alice.password)).client;
    const visitor = new WebClient(salon.url);
    expect(await (await visitor.get('/password/forgot')).text()).toContain('name="login"');
    const res = await visitor.post('/password/forgot', { login: alice.email.toUpperCase() }, { accept: 'html' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('If an account matches, we sent a link to its email address.');

    const mail = await smtp.waitForMail(alice.email);
    expect(mail.parsed.subject).toBe('Reset your password on Salon');
    expect(mail.parsed.text).toContain('@rs_alice');
    const link = resetLinkIn(mail);
    expect(mail.parsed.html).toContain(`href="${link}"`);
    expect(new URL(link).origin).toBe(salon.url);

    const form = await visitor.get(pathOf(link));
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="passwordConfirm"');
    const mismatch = await visitor.post(pathOf(link), { password: 'brand-new-password', passwordConfirm: 'something-else' });
    expect(mismatch.status).toBe(422);
    expect((await mismatch.json()).field).toBe('passwordConfirm');
    expect((await visitor.post(pathOf(link), { password: 'short', passwordConfirm: 'short' })).status).toBe(422);

    const done = await visitor.post(pathOf(link), { password: 'brand-new-password', passwordConfirm: 'brand-new-password' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ ok: true, location: '/@rs_alice' });
    expect(visitor.signedIn).toBe(true);
    expect((await visitor.get('/settings', 'json')).status).toBe(200);

    expect((await laptop.get('/settings', 'json')).status).toBe(401);
    expect((await alice.client.get('/settings', 'json')).status).toBe(401);
    expect((await logIn(salon.url, 'rs_alice', alice.password)).res.status).toBe(401);
    alice.password = 'brand-new-password';
    expect((await logIn(salon.url, 'rs_alice', alice.password, alice.client)).res.status).toBe(200);

    // Single use: the link is dead now.
    expect((await visitor.get(pathOf(link), 'html')).status).toBe(404);
    const again = await new WebClient(salon.url).post(pathOf(link), { password: 'another-password', passwordConfirm: 'another-password' });
    expect(again.status).toBe(404);
    const stored = await salon.db.selectFrom('password_resets').selectAll().where('user_id', '=', await idOf('rs_alice')).execute();
    expect(stored.every((r) => !r.token_hash.includes(link.split('/').pop()!))).toBe(true); // only the hash is kept
  });

  test("the link points to this instance, not to the Host header a visitor sends", async () => {
    const visitor = new WebClient(salon.url);
    const res = await visitor.post('/password/forgot', { login: 'rs_admin' }, { headers: { host: 'evil.example', origin: 'http://evil.example' } });
    expect(res.status).toBe(200);
    const link = resetLinkIn(await smtp.waitForMail(admin.email));
    expect(new URL(link).origin).toBe(salon.url);
  });

  test('a new link cancels the older one', async () => {
    const visitor = new WebClient(salon.url);
    await visitor.post('/password/forgot', { login: 'rs_alice' });
    const first = resetLinkIn(await smtp.waitForMail(alice.email));
    await visitor.post('/password/forgot', { login: '@rs_alice' });
    const second = resetLinkIn(await smtp.waitForMail(alice.email));
    expect(second).not.toBe(first);
    expect((await visitor.get(pathOf(first))).status).toBe(404);
    expect((await visitor.get(pathOf(second))).status).toBe(200);
  });

  test('an expired link is refused', async () => {
    const bob = await signUp(salon.url, 'rs_bob');
    await new WebClient(salon.url).post('/password/forgot', { login: bob.email });
    const link = resetLinkIn(await smtp.waitForMail(bob.email));
    await salon.db.updateTable('password_resets').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('user_id', '=', await idOf('rs_bob')).execute();
    const visitor = new WebClient(salon.url);
    const res = await visitor.get(pathOf(link));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('invalid, already used or expired');
    expect((await visitor.post(pathOf(link), { password: 'never-applied-pw', passwordConfirm: 'never-applied-pw' })).status).toBe(404);
    expect((await logIn(salon.url, 'rs_bob', bob.password)).res.status).toBe(200);
    // The expired row is removed when the next link (anyone's) is made.
    await admin.client.post(`/admin/users/${await idOf('rs_admin')}/reset-link`, {});
    expect(await salon.db.selectFrom('password_resets').selectAll().where('user_id', '=', await idOf('rs_bob')).execute()).toEqual([]);
  });

  test('malformed tokens are a plain 404', async () => {
    for (const token of ['x', 'a'.repeat(43), '%00', 'a'.repeat(99)]) {
      expect((await new WebClient(salon.url).get(`/password/reset/${token}`)).status).toBe(404);
    }
  });

  test('an unknown address gets the same answer, and no email is sent', async () => {
    const client = new WebClient(salon.url);
    const known = await client.post('/password/forgot', { login: 'rs_admin' }, { accept: 'html' });
    const unknown = await client.post('/password/forgot', { login: 'nobody@example.org' }, { accept: 'html' });
    expect(unknown.status).toBe(known.status);
    expect(await unknown.text()).toBe(await known.text());
    await settle();
    const count = smtp.messages.length;
    await client.post('/password/forgot', { login: 'no_such_handle' });
    await settle();
    await Bun.sleep(200);
    expect(smtp.messages.length).toBe(count);
    expect(smtp.messages.some((m) => m.to.includes('nobody@example.org'))).toBe(false);
  });

  test('the email is in the person’s language', async () => {
    const claire = await signUp(salon.url, 'rs_claire');
    await salon.db.updateTable('users').set({ language: 'fr' }).where('handle', '=', 'rs_claire').execute();
    await new WebClient(salon.url).post('/password/forgot', { login: claire.email });
    const mail = await smtp.waitForMail(claire.email);
    expect(mail.parsed.subject).toBe('Réinitialiser votre mot de passe sur Salon');
    expect(mail.parsed.text).toContain('Le lien fonctionne une fois, pendant 60 minutes.');
  });

  test('limited per address and per network address', async () => {
    const sameName = new WebClient(salon.url);
    for (let i = 0; i < 3; i++) expect((await sameName.post('/password/forgot', { login: 'rs_limited' })).status).toBe(200);
    const refused = await new WebClient(salon.url).post('/password/forgot', { login: 'RS_LIMITED' }, { accept: 'html' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many requests');

    const oneIp = new WebClient(salon.url);
    for (let i = 0; i < 10; i++) expect((await oneIp.post('/password/forgot', { login: `ip_probe_${i}` })).status).toBe(200);
    expect((await oneIp.post('/password/forgot', { login: 'ip_probe_x' })).status).toBe(429);
  });

  test('SMTP down: the test email names the problem; the visitor gets the same answer and the failure is logged', async () => {
    const dead = await startTestSmtp();
    const deadPort = dead.port;
    await dead.close();
    await admin.client.post('/admin/email', smtpSettings({ port: String(deadPort) }));
    const res = await admin.client.post('/admin/email/test', {}, { accept: 'html' });
    expect(await res.text()).toContain(`Could not connect to 127.0.0.1:${deadPort}: connection refused`);

    const dana = await signUp(salon.url, 'rs_dana');
    const visitor = new WebClient(salon.url);
    const asked = await visitor.post('/password/forgot', { login: dana.email }, { accept: 'html' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('If an account matches');
    await settle();
    expect(logs.some((l) => l.includes('password reset email not sent') && l.includes('connection refused'))).toBe(true);
    await admin.client.post('/admin/email', smtpSettings());
  });
});

describe('authorization matrix: anonymous / member / admin for the email and reset-link routes', () => {
  const routes = [
    { method: 'GET' as const, path: () => '/admin/email' },
    { method: 'POST' as const, path: () => '/admin/email', fields: () => smtpSettings({ host: 'evil.example' }) },
    { method: 'POST' as const, path: () => '/admin/email/test' },
    { method: 'POST' as const, path: async () => `/admin/users/${await idOf('rs_alice')}/reset-link` },
  ];
  for (const route of routes) {
    test(`${route.method} ${route.path.toString().includes('reset-link') ? '/admin/users/:id/reset-link' : (route.path as () => string)()}`, async () => {
      const path = await route.path();
      const call = (client: WebClient) => (route.method === 'GET' ? client.get(path, 'json') : client.post(path, route.fields?.() ?? {}));
      const before = await salon.db.selectFrom('password_resets').select('token_hash').execute();
      expect((await call(new WebClient(salon.url))).status).toBe(401);
      const member = await call(alice.client);
      expect(member.status).toBe(403);
      expect(await member.json()).toEqual({ error: 'Admins only' });
      expect(salon.deps.mailSettings.get().host).toBe('127.0.0.1');
      expect(await salon.db.selectFrom('password_resets').select('token_hash').execute()).toEqual(before);
      expect((await call(admin.client)).status).toBe(200);
      if (route.fields) await admin.client.post('/admin/email', smtpSettings());
    });
  }
});
