// What a shared subject's card shows, in the request's language (the language is part of the cache key).
import { readFile } from 'node:fs/promises';
import { webpAsPng, type AvatarStore } from '../../profiles/avatar.service';
import type { Translate } from '../../i18n/i18n';
import type { Person, ShareSubject } from '../share-subject';
import { subjectTitle } from '../share-subject';
import type { CardInput } from './card-image';
import { formatClock } from '../../recording/replay/replay-time';

const avatarTypes: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' }; // satori draws PNG and JPEG: WebP is converted below
/** A length as `1:02:03` / `2:03`, to the nearest second. */
const clock = (ms: number) => formatClock(Math.round(ms / 1000) * 1000);
const names = (list: string[]) => list.slice(0, 3).join(', ') + (list.length > 3 ? ` +${list.length - 3}` : '');

// WebP avatars converted for cards, by file name (a new upload gets a new name): cards of live rooms are
// asked for often. A 512 px PNG can be half a megabyte, so only the last 32 are kept.
const convertedWebp = new Map<string, string>();
async function webpAsPngUri(file: string, path: string): Promise<string> {
  const known = convertedWebp.get(file);
  if (known) return known;
  const uri = `data:image/png;base64,${Buffer.from(await webpAsPng(new Uint8Array(await readFile(path)))).toString('base64')}`;
  if (convertedWebp.size >= 32) convertedWebp.delete(convertedWebp.keys().next().value!); // the oldest
  convertedWebp.set(file, uri);
  return uri;
}

/** The avatar as a data: URI (PNG or JPEG; a WebP one as PNG), or null (none, unreadable). */
export async function avatarDataUri(avatars: Pick<AvatarStore, 'path'>, file: string | null): Promise<string | null> {
  const path = file ? avatars.path(file) : undefined;
  const type = file ? avatarTypes[file.split('.').pop()!] : undefined;
  if (!path || !type) return null;
  try {
    if (file!.endsWith('.webp')) return await webpAsPngUri(file!, path);
    return `data:${type};base64,${(await readFile(path)).toString('base64')}`;
  } catch {
    return null;
  }
}

export function cardInput(t: Translate, lang: string, instanceName: string, s: ShareSubject, avatar: string | null): CardInput {
  const host = s.host;
  const base = { title: subjectTitle(s), hostLine: t('share.hostedBy', { host: host.display_name }), footer: instanceName, avatar, initial: initialOf(host) };
  const withNames = (list: string[]) => (list.length ? t('share.with', { names: names(list) }) : '');
  switch (s.kind) {
    case 'live':
      return { ...base, badge: `● ${t('share.badge.live')}`, tone: 'live', speakersLine: [withNames(s.speakers), t('share.listeners', { count: s.listenerCount })].filter(Boolean).join(' · ') };
    case 'replay':
      return { ...base, badge: `${t('share.badge.replay')} · ${clock(s.durationMs)}`, tone: 'quiet', speakersLine: withNames(s.speakers) };
    case 'ended':
      return { ...base, badge: t('share.badge.ended'), tone: 'quiet', speakersLine: '' };
    case 'scheduled': {
      const when = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: s.schedule.time_zone, timeZoneName: 'short' }).format(new Date(s.schedule.starts_at));
      return { ...base, badge: when, tone: 'quiet', speakersLine: withNames(s.speakers) };
    }
    case 'clip':
      return { ...base, badge: `${t('share.badge.clip')} · ${clock(s.clip.duration_ms)}`, tone: 'quiet', speakersLine: s.clip.recording_title };
  }
}

export function profileCardInput(instanceName: string, user: Person & { bio?: string }, avatar: string | null): CardInput {
  return { badge: `@${user.handle}`, tone: 'quiet', title: user.display_name, hostLine: user.bio ? user.bio.split('\n')[0]!.slice(0, 60) : '', speakersLine: '', footer: instanceName, avatar, initial: initialOf(user) };
}

const initialOf = (p: Person) => (p.display_name.trim()[0] ?? p.handle[0] ?? '?').toUpperCase();
