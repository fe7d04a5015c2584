// /r/<id>/analytics: how a room did, for its host, co-hosts and admins.
import { html } from '../src/shared/html';
import type { RoomReport } from '../src/analytics/room-analytics';
import { layout, type PageContext } from './layout';
import { lineChart } from './svg-charts';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : m ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`;
}

export function roomAnalyticsPage(ctx: PageContext, r: RoomReport) {
  const { t } = ctx;
  const n = (value: number) => new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 }).format(value);
  const stat = (label: string, value: string, id: string, note?: string) => html`<div class="stat" id="${id}"><dt>${label}</dt><dd>${value}</dd>${note ? html`<small>${note}</small>` : ''}</div>`;
  const time = (iso: string) => iso.slice(11, 16);
  const points = r.samples.map((s) => ({ x: Date.parse(s.at), y: s.listeners, label: time(s.at) }));
  const first = r.samples[0];
  const last = r.samples[r.samples.length - 1];
  const body = html`<article class="analytics stats-page">
    <p><a href="/r/${r.room.id}">← ${r.room.title}</a></p>
    <h1>${t('analytics.title')}</h1>
    <p class="status">${r.room.status === 'live' ? html`<span class="badge live">${t('room.liveNow')}</span>` : (r.room.ended_at ?? r.room.created_at).slice(0, 16).replace('T', ' ')}</p>
    <dl class="stats">
      ${stat(t('analytics.peakListeners'), n(r.peakListeners), 'stat-peak')}
      ${stat(t('analytics.uniqueListeners'), n(r.uniqueListeners), 'stat-unique', t('analytics.accountsAnonymous', { accounts: n(r.uniqueAccounts), anonymous: n(r.uniqueAnonymous) }))}
      ${stat(t('analytics.listeningMinutes'), n(r.listeningMinutes), 'stat-minutes')}
      ${stat(t('analytics.averageListened'), formatDuration(r.averageListenMs), 'stat-average')}
      ${stat(t('analytics.reactions'), n(r.reactions), 'stat-reactions')}
      ${stat(t('analytics.handRaises'), n(r.handRaises), 'stat-hands')}
      ${stat(t('analytics.replayPlays'), r.replays ? n(r.replayPlays) : '–', 'stat-replay-plays')}
      ${stat(t('analytics.clipPlays'), r.clips ? n(r.clipPlays) : '–', 'stat-clip-plays')}
    </dl>
    <section class="card"><h2>${t('analytics.listenersOverTime')}</h2>
      ${points.length ? lineChart(points, { label: t('analytics.listenersOverTime'), id: 'chart-listeners', firstLabel: first && time(first.at), lastLabel: last && time(last.at) }) : html`<p class="empty">${t('analytics.noSamples')}</p>`}
    </section>
    <section class="card"><h2>${t('analytics.speakers', { count: r.speakerCount })}</h2>
      ${
        r.speakers.length
          ? html`<div class="table-wrap"><table class="data" id="talk-time"><thead><tr><th>${t('analytics.speaker')}</th><th class="num">${t('analytics.talkTime')}</th></tr></thead>
            <tbody>${r.speakers.map((s) => html`<tr><td>${s.handle ? html`<a href="/@${s.handle}">${s.name}</a>` : s.name}</td><td class="num" data-ms="${s.talkMs}">${formatDuration(s.talkMs)}</td></tr>`)}</tbody></table></div>`
          : html`<p class="empty">${t('analytics.noTalk')}</p>`
      }
    </section>
  </article>`;
  return layout(ctx, { title: `${t('analytics.title')} · ${r.room.title}`, body });
}
