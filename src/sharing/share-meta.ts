// Link previews: the Open Graph and X card tags of a shared page, its oEmbed discovery link, and the
// share button (Web Share API where present, else copy; static/build/share.js adds the behaviour).
import type { Language, Translate } from '../i18n/i18n';
import { html, type SafeHtml } from '../shared/html';
import type { Person, ShareSubject } from './share-subject';
import { subjectPath, subjectTitle } from './share-subject';
import { formatClock } from '../recording/replay/replay-time';

export interface ShareMeta {
  url: string;
  title: string;
  description: string;
  type: 'website' | 'music.song' | 'profile';
  image: string;
  imageAlt: string;
  audio?: { url: string; type: string };
  /** The oEmbed endpoint for this page, when other sites may embed it. */
  oembed?: string;
  siteName: string;
  lang: Language;
}

/** What a page with something to share puts in its head and beside its title. */
export interface ShareBits {
  head: SafeHtml;
  button: SafeHtml;
}

const locales: Record<string, string> = { en: 'en_US', fr: 'fr_FR' };

export function shareHead(m: ShareMeta): SafeHtml {
  return html`<meta name="description" content="${m.description}">
  <meta property="og:site_name" content="${m.siteName}">
  <meta property="og:type" content="${m.type}">
  <meta property="og:title" content="${m.title}">
  <meta property="og:description" content="${m.description}">
  <meta property="og:url" content="${m.url}">
  <meta property="og:locale" content="${locales[m.lang] ?? m.lang}">
  <meta property="og:image" content="${m.image}">
  <meta property="og:image:type" content="image/png">
  <meta property="og:image:width" content="1200">
  <meta property="og:image:height" content="630">
  <meta property="og:image:alt" content="${m.imageAlt}">
  ${m.audio ? html`<meta property="og:audio" content="${m.audio.url}">
  <meta property="og:audio:type" content="${m.audio.type}">` : ''}
  <meta name="twitter:card" content="summary_large_image">
  <meta name="twitter:title" content="${m.title}">
  <meta name="twitter:description" content="${m.description}">
  <meta name="twitter:image" content="${m.image}">
  <meta name="twitter:image:alt" content="${m.imageAlt}">
  <link rel="canonical" href="${m.url}">
  ${m.oembed ? html`<link rel="alternate" type="application/json+oembed" href="${m.oembed}" title="${m.title}">` : ''}
`;
}

/**
 * The share button. `atTime`: the replay player rewrites the link to its current position (`?t=`).
 * The field shows the link without JavaScript and is where it can be copied by hand.
 */
export function shareButton(t: Translate, url: string, title: string, opts: { atTime?: boolean; script: string }): SafeHtml {
  return html`<div class="share-box" data-share-url="${url}" data-share-title="${title}" data-copied="${t('share.copied')}" data-failed="${t('share.copyFailed')}"${opts.atTime ? html` data-share-at-time="true"` : ''}>
    <button type="button" class="share-button" hidden><span aria-hidden="true">↗</span> <span class="share-label">${t('share.button')}</span></button>
    <span class="share-status" role="status" aria-live="polite"></span>
    <input class="share-url" type="url" readonly value="${url}" aria-label="${t('share.button')}">
    <script src="${opts.script}" defer></script>
  </div>`;
}

const names = (list: string[]) => list.slice(0, 4).join(', ') + (list.length > 4 ? '…' : '');
/** A length as `1:02:03` / `2:03`, to the nearest second. */
const clock = (ms: number) => formatClock(Math.round(ms / 1000) * 1000);

export interface ShareContext {
  t: Translate;
  lang: Language;
  instanceName: string;
  origin: string;
  embeddingAllowed: boolean;
  /** The scheduled time as the page shows it. */
  formatTime?: (iso: string) => string;
}

export function badgeOf(t: Translate, s: ShareSubject, formatTime?: (iso: string) => string): string {
  if (s.kind === 'scheduled') return formatTime ? formatTime(s.schedule.starts_at) : t('share.badge.scheduled');
  return t(`share.badge.${s.kind}`);
}

/** The description line of a shared subject, in the page's language. */
export function describe(c: ShareContext, s: ShareSubject): string {
  const instance = c.instanceName;
  const host = s.host.display_name;
  const withSpeakers = (list: string[]) => (list.length ? c.t('share.withInline', { names: names(list) }) : '');
  switch (s.kind) {
    case 'live':
      return c.t('share.description.live', { instance, host, speakers: withSpeakers(s.speakers) });
    case 'replay':
      return c.t('share.description.replay', { instance, host, speakers: withSpeakers(s.speakers), duration: clock(s.durationMs) });
    case 'ended':
      return c.t('share.description.ended', { instance, host });
    case 'scheduled':
      return c.t('share.description.scheduled', { instance, host, speakers: withSpeakers(s.speakers), time: c.formatTime ? c.formatTime(s.schedule.starts_at) : s.schedule.starts_at });
    case 'clip':
      return c.t('share.description.clip', { instance, host, title: s.clip.recording_title });
  }
}

export function cardPath(s: ShareSubject): string {
  return `${subjectPath(s)}/card.png`;
}

export function embeddable(s: ShareSubject): boolean {
  return s.kind === 'live' || s.kind === 'replay' || s.kind === 'clip';
}

/** The tags and the share button of a room, replay, scheduled room or clip page. */
export function shareBits(c: ShareContext, s: ShareSubject, script: string): ShareBits {
  const url = `${c.origin}${subjectPath(s)}`;
  const rawTitle = subjectTitle(s);
  const badge = badgeOf(c.t, s, c.formatTime);
  const title = s.kind === 'live' ? `🔴 ${c.t('share.badge.live')} · ${rawTitle}` : rawTitle;
  const audio =
    s.kind === 'replay' ? { url: `${c.origin}/r/${s.room.id}/replay.m4a`, type: 'audio/mp4' } : s.kind === 'clip' ? { url: `${c.origin}/c/${s.clip.id}/audio`, type: 'audio/mp4' } : undefined;
  const meta: ShareMeta = {
    url,
    title,
    description: describe(c, s),
    type: audio ? 'music.song' : 'website',
    image: `${c.origin}${cardPath(s)}`,
    imageAlt: c.t('share.imageAlt', { title: rawTitle, badge, host: s.host.display_name }),
    audio,
    oembed: c.embeddingAllowed && embeddable(s) ? `${c.origin}/oembed?format=json&url=${encodeURIComponent(url)}` : undefined,
    siteName: c.instanceName,
    lang: c.lang,
  };
  return { head: shareHead(meta), button: shareButton(c.t, url, rawTitle, { atTime: s.kind === 'replay', script }) };
}

/** A profile's tags (no share button: the address bar is the link). */
export function profileHead(c: ShareContext, user: Person): SafeHtml {
  const url = `${c.origin}/@${user.handle}`;
  const title = `${user.display_name} (@${user.handle})`;
  return shareHead({
    url,
    title,
    description: c.t('share.description.profile', { name: user.display_name, handle: user.handle, instance: c.instanceName }),
    type: 'profile',
    image: `${c.origin}/@${user.handle}/card.png`,
    imageAlt: title,
    siteName: c.instanceName,
    lang: c.lang,
  });
}
