// Push endpoints are URLs the server POSTs to: internal addresses are refused (SSRF) unless the
// instance allows them (tests, a private push service).
import { expect, test } from 'bun:test';
import { checkEndpointAddresses, checkEndpointForm, isPrivateAddress } from '../../../src/notifications/push/push-endpoint-check';

test('private, loopback, link-local and reserved addresses are recognised, mapped IPv6 too', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '224.0.0.1']) {
    expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
  }
  for (const ip of ['8.8.8.8', '142.250.74.78', '2a00:1450:4007:80e::200a', '::ffff:8.8.8.8']) expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
  expect(isPrivateAddress('not-an-ip')).toBe(true);
});

test('only https endpoints on public hosts, unless private endpoints are allowed', () => {
  expect(checkEndpointForm('https://fcm.googleapis.com/fcm/send/abc', false).hostname).toBe('fcm.googleapis.com');
  for (const bad of ['http://push.example.org/x', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://localhost/x', 'https://a.localhost/x', 'https://169.254.169.254/latest', 'https://u:p@push.example.org/x', 'ftp://push.example.org/x', 'nonsense']) {
    expect(() => checkEndpointForm(bad, false)).toThrow();
  }
  expect(checkEndpointForm('http://127.0.0.1:9999/push/d1', true).port).toBe('9999');
  expect(() => checkEndpointForm('ftp://127.0.0.1/x', true)).toThrow();
});

test('a host name resolving to a private address is refused before sending', async () => {
  await expect(checkEndpointAddresses(new URL('https://localhost/x'), false)).rejects.toThrow(/private address/);
  await expect(checkEndpointAddresses(new URL('https://10.0.0.1/x'), false)).rejects.toThrow(/private address/);
  await checkEndpointAddresses(new URL('http://localhost/x'), true);
});
