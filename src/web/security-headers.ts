// Headers every response carries. HSTS only when the instance is served over https (per its
// publicUrl): sent over plain http it is ignored at best and locks a test host out at worst.
import type { SalonConfig } from '../config/config.schema';

// connect-src 'self' covers the room's same-origin ws:/wss: socket (CSP Level 3); no other host.
const contentSecurityPolicy =
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

// The embeddable players (/embed/*) are the only pages other sites may frame.
const embedContentSecurityPolicy = contentSecurityPolicy.replace("frame-ancestors 'none'", 'frame-ancestors *');

// Only our own pages may ask for the microphone (to speak on stage); nothing else is needed.
const permissionsPolicy = 'microphone=(self), camera=(), geolocation=(), display-capture=(), payment=(), usb=()';

export function securityHeaders(config: Pick<SalonConfig, 'publicUrl'>): Readonly<Record<string, string>> {
  return Object.freeze({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'content-security-policy': contentSecurityPolicy,
    'permissions-policy': permissionsPolicy,
    ...(config.publicUrl.startsWith('https://') ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  });
}

/** The headers of /embed/* pages: the same, but any site may frame them (no X-Frame-Options). */
export function embedSecurityHeaders(config: Pick<SalonConfig, 'publicUrl'>): Readonly<Record<string, string>> {
  const { 'x-frame-options': _, ...rest } = securityHeaders(config);
  return Object.freeze({ ...rest, 'content-security-policy': embedContentSecurityPolicy });
}

/** Whether a request URL is an embed page (path /embed/...). */
export function isEmbedPath(url: string): boolean {
  return /^[a-z]+:\/\/[^/]+\/embed\//i.test(url);
}
