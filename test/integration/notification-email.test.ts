// Notifications by email: the email channel of the notifications outbox, against a real SMTP server
// on loopback. Off by default; a person turns it on per kind; the message is in their language and
// links back to this instance; a server that is down means a retry, not a loss.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { startTestSmtp, type TestSmtp } from '../support/smtp';
import { signUp, type Account } from '../support/web-client';

let salon: TestSalon;
let smtp: TestSmtp;
let admin: Account;
let bob: Account;
let claire: Account;
const ids: Record<string, number> = {};
const smtpSettings = (port: number) => ({ host: '127.0.0.1', port: String(port), security: 'none', from: 'Salon <salon@example.org>' });

beforeAll(async () => {
  smtp = await startTestSmtp();
  salon = await startTestSalon();
  admin = await signUp(salon.url, 'ne_admin');
  bob = await signUp(salon.url, 'ne_bob');
  claire = await signUp(salon.url, 'ne_claire');
  for (const handle of ['ne_admin', 'ne_bob', 'ne_claire']) {
    ids[handle] = (await salon.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirstOrThrow()).id;
  }
  await salon.db.updateTable('users').set({ language: 'fr' }).where('handle', '=', 'ne_claire').execute();
  expect((await admin.client.post('/admin/email', smtpSettings(smtp.port))).status).toBe(200);
});
afterAll(async () => {
  await salon.dispose();
  await smtp.close();
});

const deliveries = (channel: string) => salon.db.selectFrom('notification_deliveries').selectAll().where('channel', '=', channel).execute();

test('email is off by default and sent to those who turn it on, in their language, with links back', async () => {
  for (const person of [bob, claire]) {
    expect((await person.client.post('/settings/notifications', { 'roomStarting.inApp': 'on', 'roomStarting.email': 'on' })).status).toBe(200);
  }
  const created = await salon.deps.notifications.notify({
    userIds: [ids.ne_admin!, ids.ne_bob!, ids.ne_claire!],
    kind: 'roomStarting',
    dedupeKey: 'roomStarting:email-test',
    payload: { url: '/r/abcdefghij', params: { title: 'Jazz <night>' } },
  });
  expect(created).toBe(3);
  await salon.deps.notifications.worker.drain();

  const toBob = await smtp.waitForMail(bob.email, { after: 0 });
  expect(toBob.parsed.subject).toBe('Starting now: Jazz <night> · Salon');
  expect(toBob.parsed.text).toContain(`${salon.url}/r/abcdefghij`);
  expect(toBob.parsed.text).toContain(`${salon.url}/settings/notifications`);
  expect(toBob.parsed.html).toContain('Jazz &lt;night&gt;');
  expect(toBob.parsed.html).toContain(`href="${salon.url}/r/abcdefghij"`);
  const toClaire = await smtp.waitForMail(claire.email, { after: 0 });
  expect(toClaire.parsed.text).toContain('Vous recevez ces e-mails parce que vous les avez activés.');

  await Bun.sleep(200);
  expect(smtp.messages.some((m) => m.to.includes(admin.email))).toBe(false); // never turned on
  expect((await deliveries('email')).map((d) => [d.target, d.status]).sort()).toEqual([[bob.email, 'sent'], [claire.email, 'sent']].sort());
});

test('the settings page offers email once it is set up', async () => {
  const page = await (await bob.client.get('/settings/notifications')).text();
  expect(page).toContain('name="roomStarting.email"');
});

test('SMTP down: the delivery waits and is retried, then sent once the server is back', async () => {
  const dead = await startTestSmtp();
  const deadPort = dead.port;
  await dead.close();
  await admin.client.post('/admin/email', smtpSettings(deadPort));
  await salon.deps.notifications.notify({
    userIds: [ids.ne_bob!],
    kind: 'roomStarting',
    dedupeKey: 'roomStarting:email-retry',
    payload: { url: '/r/klmnopqrst', params: { title: 'Retry me' } },
  });
  await salon.deps.notifications.worker.drain();
  const waiting = (await deliveries('email')).find((d) => d.status !== 'sent');
  expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
  expect(waiting!.last_error).toContain('connection refused');

  const before = smtp.messages.length;
  await admin.client.post('/admin/email', smtpSettings(smtp.port));
  await salon.db.updateTable('notification_deliveries').set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', waiting!.id).execute();
  await salon.deps.notifications.worker.drain();
  const mail = await smtp.waitForMail(bob.email, { after: before });
  expect(mail.parsed.subject).toBe('Starting now: Retry me · Salon');
  expect((await deliveries('email')).find((d) => d.id === waiting!.id)!.status).toBe('sent');
});
