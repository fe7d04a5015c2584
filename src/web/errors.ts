// Typed errors thrown by services; app.ts maps them to HTTP in one place.
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
export class Unauthorized extends AppError {
  constructor(message = 'Sign in required') {
    super(401, message);
  }
}
export class NotFound extends AppError {
  constructor(message = 'Not found') {
    super(404, message);
  }
}
export class Forbidden extends AppError {
  constructor(message = 'Forbidden') {
    super(403, message);
  }
}
export class Conflict extends AppError {
  constructor(message: string, field?: string) {
    super(409, message, field);
  }
}
export class Invalid extends AppError {
  constructor(message: string, field?: string) {
    super(422, message, field);
  }
}
