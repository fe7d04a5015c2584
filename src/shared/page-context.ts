// What every page needs to know about its request (types only): the contract between the web layer,
// which builds it per request (src/web/request-context.ts), and the views, which render with it.
// Views import nothing but types (and the html helper): whatever values they show come in here or
// in the view model their route passes.
import type { Language, Translate } from '../i18n/i18n';
import type { AssetName } from '../web/static-assets';

/** A language the instance offers, named in that language ("Français"). */
export interface LanguageChoice {
  code: Language;
  name: string;
}

export interface PageContext {
  lang: Language;
  t: Translate;
  instanceName: string;
  csrfToken: string;
  viewer: { handle: string; display_name: string; role: string } | null;
  /** The versioned URL of a static asset (stylesheet, scripts, icon). */
  asset(name: AssetName): string;
  /** Every language the instance offers, for language pickers. */
  languages: readonly LanguageChoice[];
}
