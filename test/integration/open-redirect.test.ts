// The `next` parameter of /login must never send anyone off-site, whatever shape it takes.
// Browsers drop tabs and newlines inside URLs and read `\` as `/`, so many strings that look like
// paths are really other hosts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';
import { signUp, WebClient, type Account } from '../support/web-client';

let salon: TestSalon;
let alice: Account;
beforeAll(async () => {
  salon = await startTestSalon();
  alice = await signUp(salon.url, 'alice');
});
afterAll(() => salon.dispose());

// As they would appear, already percent-encoded, in a query string.
const bypasses = [
  '//evil.example/x',
  '/\\evil.example/x',
  '\\/evil.example/x',
  '/%09/evil.example/x',
  '/%0a/evil.example/x',
  '/%0d/evil.example/x',
  '%09//evil.example/x',
  '/%20/evil.example/x',
  '/.//evil.example/x',
  '/x/..//evil.example/x',
  'https://evil.example/x',
  'https:evil.example/x',
  '//%5cevil.example',
  '/%5c/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,hi',
  '%2f%2fevil.example',
  'evil.example',
  '',
];

/** Where a browser would end up after following `location` from this instance. */
function landsOnSite(location: string | null): boolean {
  if (location === null) return false;
  // What a browser does first: strip tabs and newlines, read backslashes as slashes.
  const browserView = location.replace(/[\t\n\r]/g, '');
  return new URL(browserView, salon.url).origin === new URL(salon.url).origin && !/^[\\/]{2}/.test(browserView);
}

describe('login "next" stays on this site', () => {
  for (const next of bypasses) {
    test(`GET /login?next=${next} when signed in`, async () => {
      const res = await alice.client.get(`/login?next=${next}`);
      expect(res.status).toBe(303);
      expect(landsOnSite(res.headers.get('location'))).toBe(true);
      expect(res.headers.get('location')).not.toContain('evil');
    });

    test(`POST /login with next=${next}`, async () => {
      const client = new WebClient(salon.url);
      const res = await client.post('/login', { login: 'alice', password: alice.password, next: decodeURIComponent(next) }, { accept: 'html' });
      expect(res.status).toBe(303);
      expect(landsOnSite(res.headers.get('location'))).toBe(true);
      expect(res.headers.get('location')).not.toContain('evil');
    });
  }

  test('the log-in form carries only a safe next', async () => {
    const page = await (await new WebClient(salon.url).get('/login?next=/%09/evil.example/x')).text();
    expect(page).toContain('name="next" value="/"');
  });

  test('local paths, queries and fragments survive', async () => {
    const res = await alice.client.get(`/login?next=${encodeURIComponent('/settings/invites?x=1#top')}`);
    expect(res.headers.get('location')).toBe('/settings/invites?x=1#top');
    const encoded = await alice.client.get(`/login?next=${encodeURIComponent('/%2f%2fevil.example')}`);
    expect(encoded.headers.get('location')).toBe('/%2f%2fevil.example'); // one path segment here, not a host
  });

  test('a next that cannot go in a header is refused or encoded, not a 500', async () => {
    for (const next of ['/x%0d%0aSet-Cookie:%20a=b', '/%C3%A9t%C3%A9', '/%E2%80%AEx', '/%00', '/%ff', '/%E0%A4%A', '/%F0%9F%98%80']) {
      const res = await alice.client.get(`/login?next=${next}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie') ?? '').not.toContain('a=b');
      expect(landsOnSite(res.headers.get('location'))).toBe(true);
    }
    for (const next of ['/x\r\nSet-Cookie: a=b', '/été', '/\u202ex', '/\0', '/\u{1F600}', '/\ud800']) {
      const res = await new WebClient(salon.url).post('/login', { login: 'alice', password: alice.password, next }, { accept: 'html' });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie') ?? '').not.toContain('a=b');
      expect(landsOnSite(res.headers.get('location'))).toBe(true);
    }
  });
});
