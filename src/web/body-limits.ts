// Limits on request bodies, applied before anything reads or parses them: a size per route, checked
// from Content-Length (Bun reads exactly that many bytes, so it cannot be exceeded), and a nesting
// depth for JSON (Elysia's validation errors pretty-print the value: a 60 KB `[[[[...]]]]` costs
// seconds of CPU and gigabytes of memory).
import { AppError } from '../shared/errors';

const kib = 1024;
/** Every form and JSON body of the app fits well within this. */
export const defaultBodyLimit = 64 * kib;
export const maxJsonDepth = 32;

const shown = (bytes: number) => (bytes >= 1024 * kib ? `${(bytes / (1024 * kib)).toFixed(1)} MB` : `${Math.round(bytes / kib)} KB`);

/** The limits for an app: `largerLimits` names the routes (path → bytes) that take more than the default. */
export function bodyLimits(largerLimits: Record<string, number>) {
  const bodyLimitFor = (pathname: string) => largerLimits[pathname] ?? defaultBodyLimit;
  return {
    /** For Bun.serve's own limit, a backstop: the check below answers first, with a message. */
    maxRequestBodyBytes: 2 * Math.max(defaultBodyLimit, ...Object.values(largerLimits)),
    /** Called on every request, before routing: a body over the route's limit is refused unread. */
    enforce: (request: Request) => enforceBodyLimit(request, bodyLimitFor),
  };
}

function enforceBodyLimit(request: Request, bodyLimitFor: (pathname: string) => number): void {
  const declared = request.headers.get('content-length');
  if (declared === null) {
    // Chunked bodies would have to be counted as they stream; every browser form sends a length.
    if (request.headers.has('transfer-encoding')) throw new AppError('lengthRequired', 'Send the request body with a Content-Length header');
    return;
  }
  if (Number(declared) <= defaultBodyLimit) return;
  const limit = bodyLimitFor(new URL(request.url).pathname);
  if (Number(declared) > limit) throw new AppError('tooLarge', `Request body too large: the limit here is ${shown(limit)}`);
}

/** Elysia parse hook for JSON bodies: parsed as usual, but refused when nested too deep. */
export async function parseJsonWithinDepth(request: Request, contentType: string): Promise<unknown> {
  if (contentType !== 'application/json') return undefined; // other types: Elysia's own parsers
  const value: unknown = JSON.parse(await request.text());
  if (nestedDeeperThan(value, maxJsonDepth)) throw new AppError('badRequest', `Request body nested too deep: at most ${maxJsonDepth} levels`);
  return value;
}

function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  return Object.values(value).some((child) => nestedDeeperThan(child, levels - 1));
}
