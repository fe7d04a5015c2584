// A start-up problem the admin must fix (missing worker, unusable data dir): printed as a
// message, without a stack trace.
export class StartupError extends Error {
  override name = 'StartupError';
}
