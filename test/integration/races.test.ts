// Limits that must hold when many requests arrive at once: the invitation quota and the login lockout.
// Kysely awaits between statements and password checks take milliseconds, so a check made before
// an await and a count made after it let parallel requests all pass.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loginLimits } from '../../src/accounts/login.service';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let admin: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'boss');
});
afterAll(() => salon.dispose());

const statusCounts = (responses: Response[]) => {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
};

describe('invitation quota', () => {
  test('parallel creations when one invitation is left create exactly one', async () => {
    expect((await admin.client.post('/admin/settings', { inviteQuota: '3' })).status).toBe(200);
    const member = await signUp(salon.url, 'inviter');
    for (let i = 0; i < 2; i++) expect((await member.client.post('/settings/invites', {})).status).toBe(201);

    const responses = await Promise.all(Array.from({ length: 20 }, () => member.client.post('/settings/invites', {})));
    expect(statusCounts(responses)).toEqual({ 201: 1, 403: 19 });
    const user = await salon.db.selectFrom('users').select('id').where('handle', '=', 'inviter').executeTakeFirstOrThrow();
    const rows = await salon.db.selectFrom('invites').select('code').where('created_by', '=', user.id).execute();
    expect(rows.length).toBe(3);
  });

  test('parallel calls inside the server interleave at every await, and still create exactly one', async () => {
    // Requests reach the service one by one after their bodies are read; calls started together
    // interleave between every statement, which is what an atomic count must survive.
    const member = await signUp(salon.url, 'inviter2');
    const user = await salon.db.selectFrom('users').selectAll().where('handle', '=', 'inviter2').executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) await salon.deps.invites.create(user);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => salon.deps.invites.create(user)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    expect((await member.client.json('/settings/invites')).invites.length).toBe(3);
  });

  test('admins are not limited, in parallel either', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => admin.client.post('/settings/invites', {})));
    expect(statusCounts(responses)).toEqual({ 201: 10 });
  });
});

describe('login lockout', () => {
  test('parallel wrong guesses from many addresses get no more password checks than the account limit', async () => {
    const target = await signUp(salon.url, 'target');
    const guesses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => new WebClient(salon.url, { ip: `10.77.${Math.floor(i / 200)}.${(i % 200) + 1}` }).post('/login', { login: 'target', password: `wrong-guess-${i}` })),
    );
    const counts = statusCounts(guesses);
    expect(counts[401]).toBe(loginLimits.failuresPerAccount);
    expect(counts[429]).toBe(30 - loginLimits.failuresPerAccount);

    const correct = await new WebClient(salon.url, { ip: '10.78.0.1' }).post('/login', { login: 'target', password: target.password });
    expect(correct.status).toBe(429);
  });

  test('the same account by its email address shares the lockout', async () => {
    const victim = await signUp(salon.url, 'victim');
    const guess = (login: string, i: number) => new WebClient(salon.url, { ip: `10.79.0.${i + 1}` }).post('/login', { login, password: `nope-${i}` });
    const byHandle = await Promise.all(Array.from({ length: 10 }, (_, i) => guess('victim', i)));
    const byEmail = await Promise.all(Array.from({ length: 10 }, (_, i) => guess(victim.email, 100 + i)));
    expect(statusCounts([...byHandle, ...byEmail])[401]).toBe(loginLimits.failuresPerAccount);
  });

  test('a correct password before the limit logs in and clears the count', async () => {
    const carol = await signUp(salon.url, 'carol');
    for (let i = 0; i < loginLimits.failuresPerAccount - 1; i++) {
      expect((await new WebClient(salon.url).post('/login', { login: 'carol', password: 'not-it-at-all' })).status).toBe(401);
    }
    expect((await new WebClient(salon.url).post('/login', { login: 'carol', password: carol.password })).status).toBe(200);
    for (let i = 0; i < loginLimits.failuresPerAccount; i++) {
      expect((await new WebClient(salon.url).post('/login', { login: 'carol', password: 'not-it-at-all' })).status).toBe(401);
    }
  });
});
