// Obtains certificates over ACME (RFC 8555) with acme-client, HTTP-01 only, and keeps the account
// key and the certificate in <dataDir>/tls/ so a restart reuses them instead of asking the CA again.
import * as acme from 'acme-client';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCertificate, type Certificate } from './certificate';

export interface AcmeSettings {
  domain: string;
  email: string;
  directoryUrl: string;
  /** Extra CA certificates (PEM) trusted for the directory's HTTPS; '' = the system ones. */
  extraCa: string;
  /** <dataDir>/tls */
  folder: string;
  /** token → key authorization, served on the plain HTTP port while the CA validates. */
  challenges: Map<string, string>;
}

/** The ACME directory did not answer: nothing was asked of the CA. */
export class AcmeDirectoryUnreachable extends Error {
  override name = 'AcmeDirectoryUnreachable';
}

export class AcmeCertificates {
  private readonly trusted: string[] | undefined;

  constructor(private readonly settings: AcmeSettings) {
    // acme-client talks through its own axios instance: the trust for a private CA goes there.
    this.trusted = settings.extraCa ? [...rootCertificates, settings.extraCa] : undefined;
    if (this.trusted) acme.axios.defaults.httpsAgent = new Agent({ ca: this.trusted });
  }

  private get certPath() {
    return join(this.settings.folder, `${this.settings.domain}.crt`);
  }
  private get keyPath() {
    return join(this.settings.folder, `${this.settings.domain}.key`);
  }

  /** The stored certificate for the domain, if there is a usable one. */
  async stored(): Promise<Certificate | undefined> {
    try {
      const cert = parseCertificate(await readFile(this.certPath, 'utf8'), await readFile(this.keyPath, 'utf8'));
      return cert.names.includes(this.settings.domain) && cert.notAfter.getTime() > Date.now() ? cert : undefined;
    } catch {
      return undefined; // missing or damaged: obtain a new one
    }
  }

  /** Orders a certificate, answers the HTTP-01 challenge, stores and returns the result. */
  async obtain(): Promise<Certificate> {
    const { domain, email, directoryUrl, challenges } = this.settings;
    await this.reachDirectory();
    const client = new acme.Client({ directoryUrl, accountKey: await this.accountKey() });
    const [key, csr] = await acme.crypto.createCsr({ commonName: domain, altNames: [domain] });
    const chain = await client.auto({
      csr,
      email,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // acme-client's own pre-check fetches the challenge from here, which fails behind NAT without
      // hairpinning; the CA's verdict is the one that counts, and it says why.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => void challenges.set(challenge.token, keyAuthorization),
      challengeRemoveFn: async (_authz, challenge) => void challenges.delete(challenge.token),
    });
    const certificate = parseCertificate(chain, key.toString(), { cert: 'the issued certificate', key: 'its key' });
    await this.write(this.keyPath, certificate.key);
    await this.write(this.certPath, certificate.cert);
    return certificate;
  }

  /**
   * acme-client retries a refused connection for over a minute, then fails with a message that has lost
   * the cause: asking the directory first gives a quick and clear answer when the CA is out of reach.
   */
  private async reachDirectory() {
    const { directoryUrl } = this.settings;
    try {
      const res = await fetch(directoryUrl, { signal: AbortSignal.timeout(20_000), ...(this.trusted ? { tls: { ca: this.trusted } } : {}) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = (error as Error).message;
      throw new AcmeDirectoryUnreachable(`cannot reach ${directoryUrl}: ${code && !message.includes(code) ? `${code}, ` : ''}${message}`);
    }
  }

  private async accountKey(): Promise<Buffer> {
    const path = join(this.settings.folder, 'account.key');
    try {
      return await readFile(path);
    } catch {
      const key = await acme.crypto.createPrivateKey();
      await this.write(path, key.toString());
      return key;
    }
  }

  /** Written aside then renamed: a crash never leaves half a key. Keys are readable by Salon only. */
  private async write(path: string, content: string) {
    await mkdir(this.settings.folder, { recursive: true, mode: 0o700 });
    await writeFile(`${path}.tmp`, content, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
  }
}
