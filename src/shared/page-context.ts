// What every page needs to know about its request (types only): the contract between the web layer,
// which builds it per request (src/web/request-context.ts), and the views, which render with it.
import type { Language, Translate } from '../i18n/i18n';

export interface PageContext {
  lang: Language;
  t: Translate;
  instanceName: string;
  csrfToken: string;
  viewer: { handle: string; display_name: string; role: string } | null;
}
