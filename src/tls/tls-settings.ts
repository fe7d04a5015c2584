// Which HTTPS mode the start-up settings ask for, and the checks that involve several settings.
// Kept apart from config.load so the rules about certificates read in one place.
import type { SalonConfig } from '../config/config.schema';

export type TlsMode = 'off' | 'files' | 'acme';

export function tlsMode(config: Pick<SalonConfig, 'tlsCert' | 'domain'>): TlsMode {
  return config.domain ? 'acme' : config.tlsCert ? 'files' : 'off';
}

/**
 * Checks the HTTPS settings together (values as loaded, before freezing) and fills the public URL
 * when a domain is set: returns the problem in words naming the settings, or undefined.
 */
export function checkTlsSettings(values: Record<string, unknown>): string | undefined {
  const { tlsCert, tlsKey, domain, acmeEmail, httpsPort, httpRedirectPort, publicUrl } = values as Record<string, string & number>;
  if (tlsCert && !tlsKey) return `tlsCert is set (${tlsCert}) but tlsKey is empty: set tlsKey to the private key file of that certificate`;
  if (tlsKey && !tlsCert) return `tlsKey is set (${tlsKey}) but tlsCert is empty: set tlsCert to the certificate file of that key`;
  if (domain && tlsCert) {
    return `domain (${domain}) and tlsCert are both set: choose certificate files (tlsCert, tlsKey) or automatic certificates (domain, acmeEmail), not both`;
  }
  if (domain && !acmeEmail) {
    return `domain is set (${domain}) but acmeEmail is empty: the certificate authority needs a contact email for automatic certificates`;
  }
  if ((tlsCert || domain) && httpsPort !== 0 && httpsPort === httpRedirectPort) {
    return `httpsPort and httpRedirectPort are both ${httpsPort}: HTTPS and the plain HTTP redirect need two ports`;
  }
  // The address people use is the domain's https origin unless the admin said otherwise.
  if (domain && !publicUrl) values.publicUrl = httpsPort === 443 ? `https://${domain}` : `https://${domain}:${httpsPort}`;
  return undefined;
}
