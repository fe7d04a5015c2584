// Who may hear a room's live HLS: the same rules as joining it. People the host blocked get 404
// (blocks are private), removed or suspended people 403, anonymous listeners 401 when the instance
// requires an account to listen. Shared by the Elysia routes (hls.routes.ts) and the fast path
// (hls-fast-path.ts), so both decide alike.
import type { User } from '../db/schema';
import type { BrowserIdentity } from '../rooms/anonymous-listener';
import type { LiveRoom } from '../rooms/live/live-room';
import type { RoomsService } from '../rooms/rooms.service';
import { Forbidden, NotFound, Unauthorized, type AppError } from '../shared/errors';
import type { InstanceSettings } from '../settings/settings.schema';

export interface Listener {
  viewer: User | null;
  browser: BrowserIdentity | null;
}

/** Why this listener may not hear the room, or null when they may. Removals are read from the live room each time. */
export async function refusal(rooms: Pick<RoomsService, 'hiddenFrom'>, live: LiveRoom, who: Listener, settings: Readonly<InstanceSettings>): Promise<AppError | null> {
  if (await rooms.hiddenFrom(live.room, who.viewer, who.browser)) return new NotFound('No live stream for this room');
  if (who.viewer?.suspended_at) return new Forbidden('This account is suspended');
  if (!who.viewer && settings.requireAccountToListen === 'yes') return new Unauthorized('Sign in to listen to this room');
  return wasRemoved(live, removalKeys(who)) ? new Forbidden('You were removed from this room') : null;
}

/** The keys a removal of this listener is stored under (an account, an anonymous browser). */
export function removalKeys({ viewer, browser }: Listener): string[] {
  const keys: string[] = [];
  if (viewer) keys.push(`u:${viewer.id}`);
  if (browser) keys.push(`a:${browser.anonymousId}`);
  if (browser?.userId != null) keys.push(`u:${browser.userId}`);
  return keys;
}

export const wasRemoved = (live: LiveRoom, keys: readonly string[]) => keys.some((key) => live.removed.has(key));

/** Who fetched a playlist, for the HLS listener estimate: the browser's anonymous id or the account; null when neither (address and user agent then). */
export function listenerKey({ viewer, browser }: Listener): string | null {
  if (browser) return `a:${browser.anonymousId}`;
  if (viewer) return `u:${viewer.id}`;
  return null;
}

/** A listener known only by address and user agent (VLC, a podcast app, a CDN's edge): a short hash keeps the map's keys small. */
export const addressKey = (ip: string, userAgent: string | null) => `h:${Bun.hash(`${ip}\n${userAgent ?? ''}`).toString(36)}`;
