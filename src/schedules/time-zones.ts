// Time zones with the platform's own database (Intl): a local time entered in a zone becomes a UTC
// instant, and instants are shown back in a viewer's zone, in English or French formats.
import type { Language } from '../i18n/i18n';

export const timeZoneCookie = 'salon_tz';

/** Every zone the runtime knows (IANA names), UTC included. */
export const timeZones: readonly string[] = (() => {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
})();

export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || !zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();
function wallClock(zone: string, instant: number) {
  let format = partsFormat.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partsFormat.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** The zone's offset from UTC at that instant, in ms (Paris in summer: +2 h). */
const offsetAt = (zone: string, instant: number) => wallClock(zone, instant) - Math.floor(instant / 1000) * 1000;

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A wall-clock time as a datetime-local input sends it ("2025-06-13T18:00"), in `zone`, as a UTC
 * instant; null when it is not such a time. A time skipped by a clock change moves forward with it.
 */
export function localTimeToUtc(local: string, zone: string): Date | null {
  const m = localPattern.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(asUtc).getUTCDate() !== d) return null; // 31 June and the like
  let guess = asUtc - offsetAt(zone, asUtc);
  guess = asUtc - offsetAt(zone, guess); // a second pass settles instants near a clock change
  return new Date(guess);
}

/** The instant as a datetime-local value in `zone` (to fill an edit form). */
export function utcToLocalInput(instant: Date, zone: string): string {
  return new Date(wallClock(zone, instant.getTime())).toISOString().slice(0, 16);
}

const locales: Record<Language, string> = { en: 'en-US', fr: 'fr-FR' };

/** "Friday, June 13, 2025 at 6:00 PM GMT+2" / "vendredi 13 juin 2025 à 18:00 UTC+2", in the viewer's zone. */
export function formatDateTime(instant: Date, zone: string, lang: Language): string {
  return new Intl.DateTimeFormat(locales[lang], { timeZone: zone, dateStyle: 'full', timeStyle: 'short' }).format(instant) + ` (${zoneName(instant, zone, lang)})`;
}

/** "6:00 PM" / "18:00". */
export function formatTime(instant: Date, zone: string, lang: Language): string {
  return new Intl.DateTimeFormat(locales[lang], { timeZone: zone, timeStyle: 'short' }).format(instant);
}

/** A short date and time for lists: "Fri, Jun 13, 6:00 PM" / "ven. 13 juin, 18:00". */
export function formatShort(instant: Date, zone: string, lang: Language): string {
  return new Intl.DateTimeFormat(locales[lang], { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(instant);
}

function zoneName(instant: Date, zone: string, lang: Language): string {
  const part = new Intl.DateTimeFormat(locales[lang], { timeZone: zone, timeZoneName: 'short' }).formatToParts(instant).find((p) => p.type === 'timeZoneName');
  return zone === 'UTC' ? 'UTC' : `${zone.replaceAll('_', ' ')}${part ? `, ${part.value}` : ''}`;
}

/** "in 2 h 05 min" style remaining time, coarse: days, hours, minutes. */
export function durationParts(ms: number): { days: number; hours: number; minutes: number } {
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  return { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 };
}
