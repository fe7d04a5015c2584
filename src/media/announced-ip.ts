// The address browsers are told to send audio to. Configured explicitly behind NAT; otherwise the
// listen IP when it is a concrete address, else this machine's first non-loopback IPv4.
import { networkInterfaces } from 'node:os';
import type { SalonConfig } from '../config/config.schema';

export function announcedIp(config: Pick<SalonConfig, 'rtcAnnouncedIp' | 'rtcListenIp'>): string {
  if (config.rtcAnnouncedIp) return config.rtcAnnouncedIp;
  if (config.rtcListenIp !== '0.0.0.0' && config.rtcListenIp !== '::') return config.rtcListenIp;
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}
