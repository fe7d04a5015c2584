// Security headers on real responses: HSTS only for an https instance, the microphone for our own
// pages only, and the CSP lets pages connect to this origin alone.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestSalon, type TestSalon } from '../support/salon';

let plain: TestSalon;
let secure: TestSalon;
beforeAll(async () => {
  [plain, secure] = await Promise.all([startTestSalon(), startTestSalon({ publicUrl: 'https://salon.example.org' })]);
});
afterAll(async () => {
  await Promise.all([plain.dispose(), secure.dispose()]);
});

const paths = ['/', '/healthz', '/static/salon.css', '/login', '/no/such/page'];

describe('security headers', () => {
  test('HSTS is sent only when the public URL is https', async () => {
    for (const path of paths) {
      expect((await fetch(secure.url + path)).headers.get('strict-transport-security'), path).toBe('max-age=63072000; includeSubDomains');
      expect((await fetch(plain.url + path)).headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  test('only our own pages may use the microphone; camera and location are off', async () => {
    for (const path of paths) {
      const policy = (await fetch(plain.url + path)).headers.get('permissions-policy') ?? '';
      const features = Object.fromEntries(policy.split(',').map((f) => f.trim().split('=') as [string, string]));
      expect(features, path).toMatchObject({ microphone: '(self)', camera: '()', geolocation: '()' });
    }
  });

  test('the CSP allows connections to this origin only (its WebSocket included), and the other headers stay', async () => {
    for (const path of paths) {
      const res = await fetch(plain.url + path, { headers: { accept: 'text/html' } });
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      expect(directives['connect-src'], path).toEqual(["'self'"]);
      expect(directives['default-src'], path).toEqual(["'self'"]);
      expect(directives['frame-ancestors'], path).toEqual(["'none'"]);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
    }
  });
});
