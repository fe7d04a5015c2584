// Rules for account fields, shared by sign-up, admin-created accounts, the CLI and profile edits.
import { FieldErrors } from '../shared/form-errors';

const reservedHandles = new Set([
  'admin', 'administrator', 'api', 'static', 'avatars', 'r', 'rooms', 'room', 'studio', 'login', 'logout',
  'signup', 'register', 'settings', 'healthz', 'invite', 'invites', 'about', 'help', 'salon', 'root',
  'support', 'system', 'moderator', 'mod', 'staff', 'me', 'www', 'ws', 'null', 'undefined', 'new', 'home',
  'explore', 'search', 'terms', 'privacy', 'security', 'anonymous',
]);

export const limits = { handleMin: 3, handleMax: 30, passwordMin: 8, passwordMax: 200, displayNameMax: 50, bioMax: 300, emailMax: 254 };

export const normalizeHandle = (handle: string) => handle.trim().replace(/^@/, '').toLowerCase();
const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface NewAccount {
  handle: string;
  email: string;
  password: string;
  displayName?: string;
}

function checkHandle(errors: FieldErrors, handle: string) {
  if (!handle) errors.add('handle', 'error.field.required');
  else if (handle.length < limits.handleMin || handle.length > limits.handleMax) {
    errors.add('handle', 'account.handle.length', { min: limits.handleMin, max: limits.handleMax });
  } else if (!/^[a-z0-9_]+$/.test(handle)) errors.add('handle', 'account.handle.chars');
  else if (reservedHandles.has(handle)) errors.add('handle', 'account.handle.reserved');
}

function checkEmail(errors: FieldErrors, email: string) {
  if (!email) errors.add('email', 'error.field.required');
  else if (email.length > limits.emailMax || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.add('email', 'account.email.invalid');
}

export function checkPassword(errors: FieldErrors, password: string) {
  if (password.length < limits.passwordMin) errors.add('password', 'account.password.short', { min: limits.passwordMin });
  else if (password.length > limits.passwordMax) errors.add('password', 'error.field.tooLong', { max: limits.passwordMax });
}

export function checkDisplayName(errors: FieldErrors, name: string) {
  if (!name) errors.add('displayName', 'error.field.required');
  else if (name.length > limits.displayNameMax) errors.add('displayName', 'error.field.tooLong', { max: limits.displayNameMax });
}

export function checkBio(errors: FieldErrors, bio: string) {
  if (bio.length > limits.bioMax) errors.add('bio', 'error.field.tooLong', { max: limits.bioMax });
}

/** Normalises and validates a new account; throws FormInvalid listing every bad field. */
export function validateNewAccount(input: NewAccount): Required<NewAccount> {
  const account = {
    handle: normalizeHandle(input.handle ?? ''),
    email: normalizeEmail(input.email ?? ''),
    password: input.password ?? '',
    displayName: (input.displayName ?? '').trim(),
  };
  if (!account.displayName) account.displayName = account.handle;
  const errors = new FieldErrors();
  checkHandle(errors, account.handle);
  checkEmail(errors, account.email);
  checkPassword(errors, account.password);
  checkDisplayName(errors, account.displayName);
  errors.throwIfAny();
  return account;
}
