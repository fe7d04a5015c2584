// A certificate and its key, read and checked before they are ever handed to the listener:
// a wrong file must be refused with a message naming the setting, never half-served.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface Certificate {
  cert: string; // PEM, leaf first, then the chain
  key: string;
  serial: string;
  names: string[];
  notBefore: Date;
  notAfter: Date;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

/** Checks a PEM certificate chain and key; `where` names their origin in error messages. */
export function parseCertificate(cert: string, key: string, where = { cert: 'the certificate', key: 'the key' }): Certificate {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (error) {
    throw new CertificateError(`${where.cert} is not a PEM certificate (${(error as Error).message})`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new CertificateError(`${where.key} is not a PEM private key (${(error as Error).message})`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new CertificateError(`${where.key} does not match ${where.cert}: the key belongs to another certificate`);
  }
  const names = (leaf.subjectAltName ?? '').split(',').map((s) => s.trim().replace(/^(DNS|IP Address):/, '')).filter(Boolean);
  return { cert, key, serial: leaf.serialNumber, names, notBefore: new Date(leaf.validFrom), notAfter: new Date(leaf.validTo) };
}

/** Reads and checks a certificate/key pair from files (settings tlsCert/tlsKey by default). */
export async function readCertificateFiles(certPath: string, keyPath: string, settings = { cert: 'tlsCert', key: 'tlsKey' }): Promise<Certificate> {
  const read = async (path: string, setting: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      throw new CertificateError(`${setting}: cannot read ${path} (${why})`);
    }
  };
  const [cert, key] = await Promise.all([read(certPath, settings.cert), read(keyPath, settings.key)]);
  return parseCertificate(cert, key, { cert: `${settings.cert} (${certPath})`, key: `${settings.key} (${keyPath})` });
}
