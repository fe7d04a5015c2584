// The scheduled rooms' tiny browser script (served at /schedules/schedule.js; the CSP allows only
// same-origin scripts): remembers the browser's time zone in a cookie (the server then renders
// times in it), rewrites times into that zone, picks it in the form's zone list when nothing was
// chosen, and keeps countdowns live. Plain JavaScript: nothing to bundle. Pages work without it.
import { timeZoneCookie } from './time-zones';

export const scheduleScriptSource = `(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const cookie = '${timeZoneCookie}=' + encodeURIComponent(zone);
  if (!document.cookie.split('; ').includes(cookie)) document.cookie = cookie + '; path=/; max-age=34560000; samesite=lax';
  const me = document.currentScript;
  const words = { startsIn: me?.dataset.startsIn ?? '{time}', now: me?.dataset.startingNow ?? '', units: (me?.dataset.units ?? 'd|h|min').split('|') };
  const locale = () => (document.documentElement.lang === 'fr' ? 'fr-FR' : 'en-US');
  const formats = {
    full: { dateStyle: 'full', timeStyle: 'short' },
    short: { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
    time: { timeStyle: 'short' },
  };
  const format = (iso, kind) => new Intl.DateTimeFormat(locale(), { timeZone: zone, ...formats[kind] }).format(new Date(iso));
  const zoneName = zone.replaceAll('_', ' ');
  const countdown = (iso) => {
    const ms = Date.parse(iso) - Date.now();
    if (ms <= 0) return words.now;
    const minutes = Math.ceil(ms / 60000);
    const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
    const parts = [d && d + ' ' + words.units[0], (d || h) && h + ' ' + words.units[1], m + ' ' + words.units[2]].filter(Boolean);
    return words.startsIn.replace('{time}', parts.join(' '));
  };
  const apply = (root) => {
    for (const select of root.querySelectorAll('select[data-browser-zone]')) {
      if ([...select.options].some((o) => o.value === zone)) select.value = zone;
      select.removeAttribute('data-browser-zone');
    }
    for (const el of root.querySelectorAll('time[data-format]')) {
      if (!Number.isNaN(Date.parse(el.dateTime))) el.textContent = format(el.dateTime, el.dataset.format) + (el.dataset.format === 'full' ? ' (' + zoneName + ')' : '');
    }
    for (const el of root.querySelectorAll('[data-zone-note]')) el.textContent = el.dataset.template.replace('{zone}', zoneName);
    for (const el of root.querySelectorAll('[data-template][data-time]')) el.textContent = el.dataset.template.replace('{time}', format(el.dataset.time, 'time'));
    for (const el of root.querySelectorAll('[data-countdown]')) el.textContent = countdown(el.dataset.countdown);
  };
  if (window.salonSchedule) return window.salonSchedule.apply(document);
  window.salonSchedule = { apply };
  const start = () => {
    apply(document);
    document.body.addEventListener('htmx:load', (event) => apply(event.target));
    setInterval(() => { for (const el of document.querySelectorAll('[data-countdown]')) el.textContent = countdown(el.dataset.countdown); }, 15000);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
`;
