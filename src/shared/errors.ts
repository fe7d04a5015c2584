// Typed errors thrown by services. Each names its kind, not an HTTP status: the web layer maps kinds
// to statuses in one place (src/web/error-status.ts, used by app.ts's error handler).
export type ErrorKind =
  | 'badRequest'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'lengthRequired'
  | 'tooLarge'
  | 'unsupportedType'
  | 'invalid'
  | 'tooMany'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Sign in required') {
    super('unauthorized', message);
  }
}
export class NotFound extends AppError {
  constructor(message = 'Not found') {
    super('notFound', message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'Forbidden') {
    super('forbidden', message);
  }
}
export class Conflict extends AppError {
  constructor(message: string, field?: string) {
    super('conflict', message, field);
  }
}
export class Invalid extends AppError {
  constructor(message: string, field?: string) {
    super('invalid', message, field);
  }
}
