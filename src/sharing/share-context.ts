// The share context of a request: its language, the instance's name and absolute origin, and whether embeds are on.
import type { RequestContext } from '../web/request-context';
import type { ShareContext } from './share-meta';

export function shareContextOf(ctx: RequestContext, origin: string, formatTime?: (iso: string) => string): ShareContext {
  return { t: ctx.t, lang: ctx.lang, instanceName: ctx.instanceName, origin: origin.replace(/\/+$/, ''), embeddingAllowed: ctx.settings.embeddingAllowed !== 'no', formatTime };
}
