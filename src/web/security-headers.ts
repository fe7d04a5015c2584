// Headers every response carries. HSTS only when the instance is served over https (per its
// publicUrl): sent over plain http it is ignored at best and locks a test host out at worst.
import type { SalonConfig } from '../config/config.schema';

// connect-src 'self' covers the room's same-origin ws:/wss: socket (CSP Level 3); no other host.
const contentSecurityPolicy =
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

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
