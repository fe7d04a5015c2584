// What an admin needs to know about how browsers reach this instance: whether pages are served over
// https (browsers give the microphone only to secure pages), and the media address and ports handed
// to browsers. Shown in the start-up log and on /admin/network.
import type { SalonConfig } from '../config/config.schema';
import { announcedIp } from '../media/announced-ip';
import { MediaWorkerPool } from '../media/worker-pool';
import { tlsMode, type TlsMode } from '../tls/tls-settings';

type NetworkConfig = Pick<SalonConfig, 'publicUrl' | 'tlsCert' | 'domain' | 'rtcAnnouncedIp' | 'rtcListenIp' | 'webRtcPort' | 'workers' | 'turnUrls' | 'turnSecret'>;

export interface NetworkReport {
  publicUrl: string;
  /** HTTPS served by Salon itself (certificate files or ACME), or off. */
  tls: TlsMode;
  /** People reach the pages over https (publicUrl https, or TLS built in). */
  https: boolean;
  /** Why people on other machines will not be able to speak, when so: 'noPublicUrl' | 'notHttps'. */
  problem: 'noPublicUrl' | 'notHttps' | null;
  /** The address browsers send audio to. */
  announcedIp: string;
  /** Where it comes from: rtcAnnouncedIp, the concrete rtcListenIp, or guessed (first non-loopback IPv4). */
  announcedIpSource: 'announced' | 'listen' | 'guessed';
  /** UDP and TCP ports browsers send audio to, one per worker (the real ones when the workers run). */
  ports: number[];
  turnUrls: string[];
  turnSecretSet: boolean;
}

export function httpsProblem(config: Pick<SalonConfig, 'publicUrl' | 'tlsCert' | 'domain'>): NetworkReport['problem'] {
  if (tlsMode(config) !== 'off') return null;
  if (!config.publicUrl) return 'noPublicUrl';
  return config.publicUrl.startsWith('https://') ? null : 'notHttps';
}

export function networkReport(config: NetworkConfig, ports?: number[]): NetworkReport {
  const base = config.webRtcPort;
  return {
    publicUrl: config.publicUrl,
    tls: tlsMode(config),
    https: tlsMode(config) !== 'off' || config.publicUrl.startsWith('https://'),
    problem: httpsProblem(config),
    announcedIp: announcedIp(config),
    announcedIpSource: config.rtcAnnouncedIp ? 'announced' : config.rtcListenIp !== '0.0.0.0' && config.rtcListenIp !== '::' ? 'listen' : 'guessed',
    ports: ports ?? (base === 0 ? [] : Array.from({ length: config.workers }, (_, i) => base + i)),
    turnUrls: config.turnUrls.split(',').map((url) => url.trim()).filter(Boolean),
    turnSecretSet: !!config.turnSecret,
  };
}

/** The ports the workers' WebRtcServers really listen on (webRtcPort 0 picks random ones). */
export async function mediaPorts(pool: MediaWorkerPool): Promise<number[] | undefined> {
  try {
    const dumps = await Promise.all(pool.liveWorkers().map((worker) => MediaWorkerPool.webRtcServerOf(worker).dump()));
    const ports = [...new Set(dumps.flatMap((d) => (d.udpSockets as { port: number }[]).map((s) => s.port)))].sort((a, b) => a - b);
    return ports.length ? ports : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The start-up warning, in the log's words, or null when pages are served over https (or Salon listens
 * on loopback only, where nobody on another machine reaches it).
 */
export function httpsWarning(config: NetworkConfig & Pick<SalonConfig, 'host'>): { message: string; fields: Record<string, string> } | null {
  const problem = httpsProblem(config);
  if (!problem || /^(127\.|::1$|localhost$)/.test(config.host)) return null;
  const report = networkReport(config);
  return {
    message:
      problem === 'noPublicUrl'
        ? 'publicUrl is not set and HTTPS is not built in: people reaching Salon from other machines over plain http can listen but cannot speak (browsers give the microphone only to https pages); set --public-url to the https address of a reverse proxy (docs/reverse-proxy.md), or --domain/--tls-cert (README, HTTPS)'
        : 'publicUrl is not https and HTTPS is not built in: people reaching Salon from other machines can listen but cannot speak (browsers give the microphone only to https pages); put it behind a reverse proxy doing TLS (docs/reverse-proxy.md) or use --domain/--tls-cert (README, HTTPS)',
    fields: {
      publicUrl: config.publicUrl || '(empty)',
      announcedIp: report.announcedIp,
      mediaPorts: report.ports.length ? `${report.ports[0]}-${report.ports.at(-1)} udp+tcp` : 'random',
      turn: report.turnUrls.length ? report.turnUrls.join(',') : 'none',
    },
  };
}
