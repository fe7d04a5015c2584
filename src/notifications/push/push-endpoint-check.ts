// Where the server may send web push requests. A push subscription names a URL the server will
// POST to, so whoever registers one could point the server at an internal address (SSRF): only
// https endpoints on public addresses are accepted, checked when registered and again, after a
// fresh DNS lookup, before each delivery (no redirects are followed). `pushAllowPrivateEndpoints`
// lifts the address rule and allows http, for tests and for a push service on a private network.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Invalid } from '../../shared/errors';

const privateRanges = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96], ['100::', 64]] as const) {
  privateRanges.addSubnet(net, bits, 'ipv6');
}

/** Loopback, private, link-local, reserved, multicast (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? privateRanges.check(mapped[1]!, 'ipv4') : privateRanges.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse
}

export const maxEndpointLength = 2048;

/** The endpoint as a URL when its form is acceptable (scheme, no credentials, no private IP literal); throws Invalid. */
export function checkEndpointForm(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Invalid('The push endpoint is not a URL', 'endpoint');
  }
  if (raw.length > maxEndpointLength) throw new Invalid('The push endpoint is too long', 'endpoint');
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw new Invalid('The push endpoint must be an https:// URL', 'endpoint');
  if (url.username || url.password) throw new Invalid('The push endpoint must not carry credentials', 'endpoint');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))) {
    throw new Invalid('The push endpoint must be on a public address', 'endpoint');
  }
  return url;
}

/** Before sending: the endpoint's host must still resolve to public addresses only. */
export async function checkEndpointAddresses(url: URL, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  if (!addresses.length || addresses.some((a) => isPrivateAddress(a.address))) throw new Invalid(`The push endpoint host ${host} resolves to a private address`, 'endpoint');
}
