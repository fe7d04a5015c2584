// What the room socket and the browser agree on, in a module safe to bundle into the client:
// close codes by name (no number copied by hand on either side).

/** WebSocket close codes. The client does not reconnect after a final one. */
export const closeCodes = {
  ended: 4000,
  refused: 4400,
  signedOut: 4401,
  suspended: 4402,
  removed: 4403,
  replaced: 4409,
  tooManyConnections: 4429,
} as const;
export type CloseCode = (typeof closeCodes)[keyof typeof closeCodes];

export const finalCloseCodes: ReadonlySet<number> = new Set(Object.values(closeCodes));
