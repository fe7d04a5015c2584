// A dead or mistyped room link gets the friendly 404 page, whatever the id looks like: a malformed
// id is just another room that does not exist (it used to be a 400 validation error).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let member: Account;
const malformed = ['NOT-VALID!', 'x', 'ABCDEF', 'a'.repeat(60), 'room%20id', '%ff', 'caf%C3%A9'];

beforeAll(async () => {
  salon = await startTestSalon();
  member = await signUp(salon.url, 'link_follower');
});
afterAll(() => salon.dispose());

/** The page without what differs between two requests (tokens in forms and headers). */
const comparable = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/"X-CSRF-Token":"[^"]*"/g, '');

test('browsers get the same friendly 404 page for a malformed room id as for an unknown room', async () => {
  const browser = new WebClient(salon.url);
  const unknown = await browser.get('/r/zzzz9999');
  expect(unknown.status).toBe(404);
  const unknownPage = comparable(await unknown.text());
  expect(unknownPage).toContain('<html');
  for (const id of malformed) {
    const res = await browser.get(`/r/${id}`);
    expect({ id, status: res.status, type: res.headers.get('content-type') }).toEqual({ id, status: 404, type: 'text/html; charset=utf-8' });
    expect(comparable(await res.text())).toBe(unknownPage);
  }
});

test('JSON clients get a JSON 404', async () => {
  for (const id of malformed) {
    const res = await member.client.get(`/r/${id}`, 'json');
    expect({ id, status: res.status }).toEqual({ id, status: 404 });
    expect(await res.json()).toEqual({ error: 'No such room' });
    const listeners = await member.client.get(`/r/${id}/listeners`, 'json');
    expect({ id, status: listeners.status }).toEqual({ id, status: 404 });
  }
});

test('forms posted to a malformed room id are still refused with a 4xx', async () => {
  const res = await member.client.post('/r/NOT-VALID!/report', { reason: 'spam' });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
});
