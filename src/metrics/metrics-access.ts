// Who may read /metrics: nobody unless turned on; with metricsToken, a scraper sending it as a
// Bearer token; with metricsAllowLocal, requests from this machine. "This machine" is the socket's
// address, never X-Forwarded-For (trustProxy or not: a header anyone can send).
import { timingSafeEqual } from 'node:crypto';
import type { SalonConfig } from '../config/config.schema';

export type MetricsAccess = 'allowed' | 'off' | 'unauthorized' | 'notLocal';

export function metricsAccess(config: Pick<SalonConfig, 'metricsToken' | 'metricsAllowLocal'>, authorization: string | null, socketAddress: string | undefined): MetricsAccess {
  if (!config.metricsToken && !config.metricsAllowLocal) return 'off';
  if (config.metricsToken && bearerMatches(authorization, config.metricsToken)) return 'allowed';
  if (config.metricsAllowLocal && isLoopback(socketAddress)) return 'allowed';
  return config.metricsToken ? 'unauthorized' : 'notLocal';
}

function bearerMatches(header: string | null, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
