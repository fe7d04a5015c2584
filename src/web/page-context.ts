// What every rendered page needs from the request: language and translator, instance name.
import { chooseLanguage, translator } from '../i18n/i18n';
import type { PageContext } from '../../views/layout';

export function pageContext(request: Request): PageContext {
  // The accounts issue adds the signed-in user's preference and the instance default language.
  const lang = chooseLanguage({ acceptLanguage: request.headers.get('accept-language'), fallback: 'en' });
  return { lang, t: translator(lang), instanceName: 'Salon' };
}

export const wantsHtml = (request: Request) => (request.headers.get('accept') ?? '').includes('text/html');
