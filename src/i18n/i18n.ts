// Language choice and lookup. The user's preference wins (accounts issue), then Accept-Language,
// then the instance default.
import { en, type MessageKey } from './messages.en';
import { fr } from './messages.fr';

export const catalogs = { en, fr } as const satisfies Record<string, Record<MessageKey, string>>;
export type Language = keyof typeof catalogs;
export const languages = Object.keys(catalogs) as Language[];

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (languages as string[]).includes(value);

/** Best supported language from an Accept-Language header, honouring q-values. */
export function languageFromHeader(header: string | null | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.toLowerCase().split('-')[0]!, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.find((entry) => isLanguage(entry.base))?.base as Language | undefined;
}

export function chooseLanguage(opts: { preference?: string | null; acceptLanguage?: string | null; fallback: Language }): Language {
  if (isLanguage(opts.preference)) return opts.preference;
  return languageFromHeader(opts.acceptLanguage) ?? opts.fallback;
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, params) => {
    let text: string = catalog[key] ?? en[key] ?? key; // a missing key shows itself (and fails the i18n test)
    for (const [name, value] of Object.entries(params ?? {})) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  };
}
