// Field-level validation errors: translated on the re-rendered form, named in JSON answers.
import type { MessageKey } from '../i18n/messages.en';
import { en } from '../i18n/messages.en';
import { AppError, type ErrorKind } from './errors';

export interface FieldError {
  field: string;
  key: MessageKey;
  params?: Record<string, string | number>;
}

/** Thrown by services when form input breaks a rule; kind 'invalid' ('conflict' for duplicates, 'tooMany' for limits). */
export class FormInvalid extends AppError {
  constructor(
    readonly errors: FieldError[],
    kind: ErrorKind = 'invalid',
  ) {
    super(kind, englishMessage(errors[0]!), errors[0]!.field);
  }
}

export function englishMessage(error: FieldError): string {
  let text: string = en[error.key];
  for (const [name, value] of Object.entries(error.params ?? {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** Collects errors while checking several fields, then throws them together. */
export class FieldErrors {
  readonly list: FieldError[] = [];
  add(field: string, key: MessageKey, params?: Record<string, string | number>) {
    if (!this.list.some((e) => e.field === field)) this.list.push({ field, key, params });
  }
  throwIfAny(kind: ErrorKind = 'invalid') {
    if (this.list.length) throw new FormInvalid(this.list, kind);
  }
}
