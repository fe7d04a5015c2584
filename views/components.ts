// Small pieces shared by forms and pages.
import { html, type SafeHtml } from '../src/shared/html';
import type { FieldError } from '../src/shared/form-errors';
import type { PageContext } from './layout';

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`;

export function errorText(ctx: PageContext, errors: FieldError[], field: string): string | undefined {
  const error = errors.find((e) => e.field === field);
  return error ? ctx.t(error.key, error.params) : undefined;
}

/** A labelled input with its error message (aria-linked for screen readers). */
export function field(
  ctx: PageContext,
  opts: {
    name: string;
    label: string;
    value?: string | number | null;
    type?: string;
    errors: FieldError[];
    required?: boolean;
    maxlength?: number;
    hint?: string;
    autocomplete?: string;
  },
): SafeHtml {
  const error = errorText(ctx, opts.errors, opts.name);
  const id = `field-${opts.name}`;
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="${id}">${opts.label}</label>
    <input id="${id}" name="${opts.name}" type="${opts.type ?? 'text'}" value="${opts.type === 'password' ? '' : (opts.value ?? '')}"
      ${opts.required ? html`required` : ''} ${opts.maxlength ? html`maxlength="${opts.maxlength}"` : ''}
      ${opts.autocomplete ? html`autocomplete="${opts.autocomplete}"` : ''}
      ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}>
    ${opts.hint ? html`<small class="hint">${opts.hint}</small>` : ''}
    ${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}
  </div>`;
}

export function formError(ctx: PageContext, errors: FieldError[]): SafeHtml {
  const text = errorText(ctx, errors, 'form');
  return text ? html`<p class="error form-error" role="alert">${text}</p>` : html``;
}

export function avatar(user: { handle: string; display_name: string; avatar_file: string | null }, size = 48, live = false): SafeHtml {
  const initial = (user.display_name || user.handle).slice(0, 1).toUpperCase();
  const inner = user.avatar_file
    ? html`<img src="/avatars/${user.avatar_file}" alt="" width="${size}" height="${size}">`
    : html`<span class="initial" aria-hidden="true">${initial}</span>`;
  // A size class, not an inline style: the CSP forbids inline styles.
  return html`<span class="avatar s${size}${live ? ' live' : ''}">${inner}</span>`;
}

/** A POST button (one-click action) that works without JavaScript. */
export function actionButton(ctx: PageContext, action: string, label: string, opts: { danger?: boolean; target?: string } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="inline"${opts.target ? html` hx-target="${opts.target}" hx-swap="outerHTML"` : ''}>
    ${csrfField(ctx)}<button type="submit"${opts.danger ? html` class="danger"` : ''}>${label}</button>
  </form>`;
}
