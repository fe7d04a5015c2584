// Times in replay links and forms: `?t=1h02m`, `?t=75s`, `?t=75`, and trim fields as seconds or h:mm:ss.

/** Milliseconds from a share-link time (`1h02m`, `2m30s`, `75s`, `75`), or null when unreadable. */
export function parseShareTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const text = value.trim().toLowerCase();
  if (/^\d{1,6}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const match = /^(?:(\d{1,3})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s)?$/.exec(text);
  if (!match || text === '') return null;
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** Milliseconds from a form time: seconds (`90`, `90.5`) or `h:mm:ss` / `m:ss`; null when unreadable. */
export function parseClockTime(value: string): number | null {
  const text = value.trim();
  if (/^\d{1,7}(\.\d{1,3})?$/.test(text)) return Math.round(Number(text) * 1000);
  const match = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(\.\d{1,3})?$/.exec(text);
  if (!match) return null;
  const [, h = '0', m = '0', s = '0', frac = ''] = match;
  if (Number(s) >= 60 || (match[1] !== undefined && Number(m) >= 60)) return null;
  return Math.round(((Number(h) * 60 + Number(m)) * 60 + Number(s) + Number(frac || 0)) * 1000);
}

/** `1:02:03` or `2:03`. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The share-link form of a time: `1h02m05s`, `75s` under a minute and a half... always parseable back. */
export function formatShareTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (!h && !m) return `${s}s`;
  return `${h ? `${h}h` : ''}${h ? String(m).padStart(2, '0') : m}m${s ? `${String(s).padStart(2, '0')}s` : ''}`;
}
