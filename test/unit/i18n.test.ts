import { describe, expect, test } from 'bun:test';
import { catalogs, chooseLanguage, languageFromHeader, translator } from '../../src/i18n/i18n';
import { en } from '../../src/i18n/messages.en';
import { errorCodes } from '../../src/rooms/live/protocol';

describe('translations', () => {
  for (const [language, catalog] of Object.entries(catalogs)) {
    test(`${language} has every key, none empty, same placeholders`, () => {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        const text = (catalog as Record<string, string>)[key];
        expect(text, `${language}: ${key}`).toBeString();
        expect(text!.trim().length, `${language}: ${key}`).toBeGreaterThan(0);
        const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(placeholders(text!), `${language}: ${key}`).toEqual(placeholders(en[key]));
      }
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
    });
  }
});

test('every room and socket error code has a translation (room.error.<code>)', () => {
  for (const code of errorCodes) expect(Object.hasOwn(en, `room.error.${code}`), code).toBe(true);
});

describe('language choice', () => {
  test('Accept-Language honours order and q-values', () => {
    expect(languageFromHeader('fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(languageFromHeader('de, en;q=0.5, fr;q=0.7')).toBe('fr');
    expect(languageFromHeader('de')).toBeUndefined();
    expect(languageFromHeader('fr;q=0, en')).toBe('en');
  });

  test('preference beats header, header beats default', () => {
    expect(chooseLanguage({ preference: 'en', acceptLanguage: 'fr', fallback: 'fr' })).toBe('en');
    expect(chooseLanguage({ acceptLanguage: 'fr', fallback: 'en' })).toBe('fr');
    expect(chooseLanguage({ acceptLanguage: 'ja', fallback: 'fr' })).toBe('fr');
  });

  test('placeholders are filled', () => {
    expect(translator('fr')('home.intro', { name: 'Agora' })).toStartWith('Agora est un lieu');
  });
});
