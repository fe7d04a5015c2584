// The one place where error kinds become HTTP statuses (app.ts's error handler, rejected forms).
import type { AppError, ErrorKind } from '../shared/errors';

const statusByKind: Record<ErrorKind, number> = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  lengthRequired: 411,
  tooLarge: 413,
  unsupportedType: 415,
  invalid: 422,
  tooMany: 429,
  unavailable: 503,
};

export const httpStatus = (error: AppError): number => statusByKind[error.kind];
