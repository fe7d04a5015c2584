// Sign-up under each registration mode, the admin-first rule, invitations and validation errors.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account;
beforeAll(async () => {
  salon = await startTestSalon();
});
afterAll(() => salon.dispose());

const setMode = (mode: string, extra: Record<string, string> = {}) =>
  admin.client.post('/admin/settings', { registrationMode: mode, ...extra }).then((r) => expect(r.status).toBe(200));

async function trySignUp(handle: string, extra: Record<string, string> = {}, accept: 'json' | 'html' = 'json') {
  const client = new WebClient(salon.url);
  const res = await client.post('/signup', { handle, email: `${handle}@example.org`, password: 'long-enough-pw', ...extra }, { accept });
  return { client, res };
}

describe('the first account', () => {
  test('the sign-up page says the first account will be the admin', async () => {
    const page = await (await new WebClient(salon.url).get('/signup')).text();
    expect(page).toContain('it will be the administrator');
  });

  test('becomes the admin, even in closed mode semantics', async () => {
    admin = await signUp(salon.url, 'founder');
    const me = await admin.client.json('/@founder');
    expect(me.handle).toBe('founder');
    expect((await admin.client.get('/admin/settings')).status).toBe(200);
  });

  test('the second account is a plain member', async () => {
    const member = await signUp(salon.url, 'second');
    expect((await member.client.get('/admin/settings', 'json')).status).toBe(403);
  });
});

describe('validation errors name the field', () => {
  const cases: [string, Record<string, string>, number, string, RegExp][] = [
    ['duplicate handle', { handle: 'second', email: 'other@example.org' }, 409, 'handle', /already taken/],
    ['duplicate handle, other case', { handle: 'SECOND', email: 'other2@example.org' }, 409, 'handle', /already taken/],
    ['duplicate email', { handle: 'fresh1', email: 'SECOND@example.org' }, 409, 'email', /already uses this email/],
    ['reserved handle', { handle: 'admin' }, 422, 'handle', /reserved/],
    ['reserved handle static', { handle: 'static' }, 422, 'handle', /reserved/],
    ['bad handle characters', { handle: 'no spaces!' }, 422, 'handle', /letters, digits and underscores/],
    ['short handle', { handle: 'ab' }, 422, 'handle', /3 to 30/],
    ['bad email', { handle: 'fresh2', email: 'not-an-email' }, 422, 'email', /valid email/],
    ['short password', { handle: 'fresh3', password: 'short' }, 422, 'password', /at least 8/],
  ];
  for (const [name, fields, status, field, message] of cases) {
    test(name, async () => {
      const handle = fields.handle!;
      const { res, client } = await trySignUp(handle, fields);
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body.field).toBe(field);
      expect(body.error).toMatch(message);
      expect(client.signedIn).toBe(false);
    });
  }

  test('the HTML form re-renders with the error and keeps what was typed (but not the password)', async () => {
    const { res } = await trySignUp('admin', { displayName: 'My <Name>' }, 'html');
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('This handle is reserved.');
    expect(page).toContain('value="My &lt;Name&gt;"');
    expect(page).not.toContain('long-enough-pw');
  });

  test('errors are translated on a French form', async () => {
    const client = new WebClient(salon.url, { lang: 'fr' });
    const res = await client.post('/signup', { handle: 'api', email: 'x@example.org', password: 'long-enough-pw' }, { accept: 'html' });
    expect(await res.text()).toContain('Cet identifiant est réservé.');
  });

  test('a missing field or an absurdly long one is a 4xx naming it, never a 500', async () => {
    const client = new WebClient(salon.url);
    const res = await client.post('/signup', { handle: 'x'.repeat(500), email: 'a@b.co', password: 'long-enough-pw' });
    expect(res.status).toBe(400);
    expect((await res.json()).field).toBe('handle');
  });

  test('nothing half-written: a failed sign-up leaves no account behind', async () => {
    const count = async () => (await salon.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await count();
    await trySignUp('second', { email: 'new-address@example.org' });
    expect(await count()).toBe(before);
  });
});

describe('invite-only mode', () => {
  let member: Account;
  let code: string;

  test('sign-up without a code is refused, naming the field', async () => {
    member = await signUp(salon.url, 'inviter');
    await setMode('invite', { inviteQuota: '2' });
    const { res } = await trySignUp('nocode');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'inviteCode', error: 'An invitation code is required to sign up here.' });
  });

  test('an unknown code is refused', async () => {
    const { res } = await trySignUp('badcode', { inviteCode: 'nosuchcode' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'inviteCode', error: 'This invitation code does not exist or was revoked.' });
  });

  test('a member creates a code and a newcomer signs up with it', async () => {
    const res = await member.client.post('/settings/invites', {});
    expect(res.status).toBe(201);
    code = (await res.json()).code;
    expect(code).toMatch(/^[a-z0-9]{10}$/);
    const { res: signup, client } = await trySignUp('invitee', { inviteCode: code.toUpperCase() });
    expect(signup.status).toBe(200);
    expect(client.signedIn).toBe(true);
    const row = await salon.db.selectFrom('users').select(['invited_by', 'invite_code']).where('handle', '=', 'invitee').executeTakeFirstOrThrow();
    expect(row.invite_code).toBe(code);
  });

  test('a used code is exhausted', async () => {
    const { res } = await trySignUp('latecomer', { inviteCode: code });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ field: 'inviteCode', error: 'This invitation code has already been used.' });
    const list = await member.client.json('/settings/invites');
    expect(list.invites[0]).toMatchObject({ code, uses: 1, max_uses: 1 });
  });

  test('the invite link pre-fills the code', async () => {
    const res = await new WebClient(salon.url).get(`/invite/${code}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/signup?invite=${code}`);
    const page = await (await new WebClient(salon.url).get(`/signup?invite=${code}`)).text();
    expect(page).toContain(`value="${code}"`);
  });

  test('members have a quota; admins do not', async () => {
    expect((await member.client.post('/settings/invites', {})).status).toBe(201); // 2 of 2
    const over = await member.client.post('/settings/invites', {});
    expect(over.status).toBe(403);
    expect(await over.json()).toMatchObject({ field: 'invite', error: 'You have used all 2 of your invitations.' });
    for (let i = 0; i < 4; i++) expect((await admin.client.post('/settings/invites', {})).status).toBe(201);
  });

  test('the admin quota change applies at once', async () => {
    await setMode('invite', { inviteQuota: '3' });
    expect((await member.client.post('/settings/invites', {})).status).toBe(201);
  });

  test('an admin link with several uses admits that many people', async () => {
    const res = await admin.client.post('/settings/invites', { maxUses: '2' });
    const multi = (await res.json()).code;
    expect((await trySignUp('multi1', { inviteCode: multi })).res.status).toBe(200);
    expect((await trySignUp('multi2', { inviteCode: multi })).res.status).toBe(200);
    expect((await trySignUp('multi3', { inviteCode: multi })).res.status).toBe(422);
  });

  test('a revoked code no longer works', async () => {
    const res = await admin.client.post('/settings/invites', { maxUses: '' });
    const unlimited = (await res.json()).code;
    expect((await admin.client.post(`/settings/invites/${unlimited}/revoke`, {})).status).toBe(200);
    expect((await trySignUp('revoked1', { inviteCode: unlimited })).res.status).toBe(422);
  });

  test('a member cannot revoke someone else\'s code', async () => {
    const res = await admin.client.post('/settings/invites', {});
    const adminCode = (await res.json()).code;
    expect((await member.client.post(`/settings/invites/${adminCode}/revoke`, {})).status).toBe(404);
  });
});

describe('closed mode', () => {
  test('sign-up is refused with a clear message', async () => {
    await setMode('closed');
    const { res } = await trySignUp('closedout');
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('Registration is closed');
    const page = await (await new WebClient(salon.url).get('/signup')).text();
    expect(page).toContain('Registration is closed on this instance');
  });

  test('the admin creates accounts, and they can log in', async () => {
    const res = await admin.client.post('/admin/users', { handle: 'created', email: 'created@example.org', password: 'given-by-admin' });
    expect(res.status).toBe(201);
    const client = new WebClient(salon.url);
    expect((await client.post('/login', { login: 'created', password: 'given-by-admin' })).status).toBe(200);
    expect(client.signedIn).toBe(true);
  });

  test('admin-created accounts are validated like any other', async () => {
    const res = await admin.client.post('/admin/users', { handle: 'created', email: 'again@example.org', password: 'given-by-admin' });
    expect(res.status).toBe(409);
    expect((await res.json()).field).toBe('handle');
  });

  test('open mode lets anyone in again', async () => {
    await setMode('open');
    expect((await trySignUp('openagain')).res.status).toBe(200);
  });
});
