// HTTPS for a running Salon: the HTTPS listener, the plain HTTP port beside it (ACME challenges and
// redirects), and where its certificate comes from: files the admin manages (reloaded when they
// change or on SIGHUP) or ACME (obtained at start, renewed in the background). A certificate that
// cannot be loaded or obtained is logged and the one in service keeps serving.
import type { Server } from 'bun';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SalonConfig } from '../config/config.schema';
import type { Logger } from '../log';
import { StartupError } from '../startup-error';
import { AcmeCertificates } from './acme-certificates';
import { explainAcmeError } from './acme-errors';
import { CertificateError, readCertificateFiles, type Certificate } from './certificate';
import { startRedirectServer } from './http-redirect';
import { HttpsListener, type ListenTls } from './https-listener';
import { nextAttemptDelay, needsRenewal } from './renewal';
import { watchFiles } from './watch-files';

export interface HttpsService {
  /** The HTTPS port (the configured one while ACME has not produced a first certificate). */
  readonly port: number;
  readonly redirectPort: number;
  certificate(): Certificate | undefined;
  /** The last failure to load or obtain a certificate, in words for the admin; undefined after a success. */
  lastError(): string | undefined;
  publish(topic: string, data: string | Uint8Array): void;
  /** SIGHUP: certificate files are read again; with ACME the renewal check runs now. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export interface HttpsOptions {
  config: SalonConfig;
  log: Logger;
  listen: ListenTls;
  /** How often ACME certificates are checked for renewal (ms). */
  checkIntervalMs: number;
}

export async function startHttps({ config, log, listen, checkIntervalMs }: HttpsOptions): Promise<HttpsService> {
  const challenges = new Map<string, string>();
  let listener: HttpsListener | undefined;
  let certificate: Certificate | undefined;
  let lastError: string | undefined = config.domain ? `a certificate for ${config.domain} is being requested` : undefined;

  const install = (next: Certificate) => {
    if (listener) listener.replace(next);
    else listener = new HttpsListener(listen, next, config.httpsPort);
    certificate = next;
    lastError = undefined;
  };
  const redirect = listenOrExplain('httpRedirectPort', config.httpRedirectPort, () =>
    startRedirectServer({
      hostname: config.host,
      port: config.httpRedirectPort,
      challenges,
      httpsPort: () => listener?.port,
      waitingReason: () => lastError ?? 'starting',
    }),
  );

  let stopSource: () => void;
  let reloadSource: () => Promise<void>;
  if (config.domain) {
    ({ stop: stopSource, check: reloadSource } = await startAcme());
  } else {
    ({ stop: stopSource, reload: reloadSource } = await startFiles());
  }

  async function startFiles() {
    const where = { cert: 'tlsCert', key: 'tlsKey' };
    const first = await readCertificateFiles(config.tlsCert, config.tlsKey, where).catch((error) => {
      redirect.stop(true);
      throw error instanceof CertificateError ? new StartupError(`HTTPS: ${error.message}`) : error;
    });
    warnIfExpiring(first);
    listenOrExplain('httpsPort', config.httpsPort, () => install(first), redirect);
    const reload = async () => {
      try {
        const next = await readCertificateFiles(config.tlsCert, config.tlsKey, where);
        if (next.cert === certificate?.cert && next.key === certificate?.key) return;
        install(next);
        log.info('HTTPS certificate reloaded', describe(next));
        warnIfExpiring(next);
      } catch (error) {
        lastError = (error as Error).message;
        log.error('new HTTPS certificate refused; the previous one keeps serving', { reason: lastError });
      }
    };
    const stop = watchFiles([config.tlsCert, config.tlsKey], () => void reload());
    return { stop, reload };
  }

  async function startAcme() {
    let extraCa = '';
    if (config.acmeCaFile) {
      extraCa = await readFile(config.acmeCaFile, 'utf8').catch((error: Error) => {
        redirect.stop(true);
        throw new StartupError(`acmeCaFile: cannot read ${config.acmeCaFile} (${error.message})`);
      });
    }
    const acme = new AcmeCertificates({
      domain: config.domain,
      email: config.acmeEmail,
      directoryUrl: config.acmeDirectoryUrl,
      extraCa,
      folder: join(config.dataDir, 'tls'),
      challenges,
    });
    const context = { domain: config.domain, directoryUrl: config.acmeDirectoryUrl, httpRedirectPort: redirect.port! };
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running: Promise<void> | undefined;
    const attempt = async () => {
      try {
        const renewing = certificate !== undefined;
        // Obtained earlier but not served (the HTTPS port could not be bound): no need to ask the CA again.
        let next = renewing ? undefined : await acme.stored();
        if (!next) {
          log.info(renewing ? 'renewing the HTTPS certificate' : 'requesting an HTTPS certificate', { domain: config.domain, ca: config.acmeDirectoryUrl });
          next = await acme.obtain();
        }
        if (stopped) return;
        const obtained = next;
        listenOrExplain('httpsPort', config.httpsPort, () => install(obtained));
        failures = 0;
        log.info(renewing ? 'HTTPS certificate renewed' : 'HTTPS certificate obtained', describe(next));
      } catch (error) {
        failures++;
        lastError = error instanceof StartupError ? error.message : explainAcmeError(error, context);
        const retryIn = nextAttemptDelay(failures, checkIntervalMs);
        log.error(certificate ? 'HTTPS certificate renewal failed; the current certificate keeps serving' : 'could not obtain an HTTPS certificate', {
          domain: config.domain,
          reason: lastError,
          retryInSeconds: Math.round(retryIn / 1000),
        });
      }
    };
    // One check at a time: a SIGHUP during a renewal waits for it.
    const check = () =>
      (running ??= (async () => {
        clearTimeout(timer);
        if (!certificate || needsRenewal(certificate, new Date())) await attempt();
        if (!stopped) timer = setTimeout(() => void check(), failures ? nextAttemptDelay(failures, checkIntervalMs) : checkIntervalMs);
      })().finally(() => (running = undefined)));

    const stored = await acme.stored();
    if (stored) {
      listenOrExplain('httpsPort', config.httpsPort, () => install(stored), redirect);
      log.info('HTTPS certificate loaded', describe(stored));
    }
    await check(); // the first certificate (or a due renewal) before start-up goes on
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
    };
    return { stop, check };
  }

  function warnIfExpiring(cert: Certificate) {
    const days = (cert.notAfter.getTime() - Date.now()) / 86_400_000;
    if (days < 14) log.warn(days < 0 ? 'the HTTPS certificate has expired' : 'the HTTPS certificate expires soon', describe(cert));
  }

  return {
    get port() {
      return listener?.port ?? config.httpsPort;
    },
    redirectPort: redirect.port!,
    certificate: () => certificate,
    lastError: () => lastError,
    publish: (topic, data) => listener?.publish(topic, data),
    reload: () => reloadSource(),
    async stop() {
      stopSource();
      await redirect.stop();
      await listener?.stop();
    },
  };
}

function describe(cert: Certificate) {
  return { names: cert.names.join(','), serial: cert.serial, notAfter: cert.notAfter.toISOString() };
}

/** Binding a port: a failure (in use, or below 1024 without the right) names the setting. */
export function listenOrExplain<T>(setting: string, port: number, start: () => T, cleanup?: Server<unknown>): T {
  try {
    return start();
  } catch (error) {
    cleanup?.stop(true);
    const low = port > 0 && port < 1024 ? '; ports below 1024 need root or the CAP_NET_BIND_SERVICE capability (see README, "HTTPS")' : '';
    throw new StartupError(`${setting}: cannot listen on port ${port} (${(error as Error).message})${low}`);
  }
}
