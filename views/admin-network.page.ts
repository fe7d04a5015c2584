// /admin/network: whether people on other machines can speak (https), the media address and ports
// handed to browsers, TURN, and the connectivity self-test (run by the room client bundle).
import { html } from '../src/shared/html';
import type { NetworkReport } from '../src/admin/network-report';
import { adminNav } from './admin.pages';
import { layout, type PageContext } from './layout';

const selfTestKeys = [
  'admin.network.test.run', 'admin.network.test.running', 'admin.network.test.send', 'admin.network.test.recv',
  'admin.network.test.udp', 'admin.network.test.tcp', 'admin.network.test.relay', 'admin.network.test.rtt',
  'admin.network.test.failed', 'admin.network.test.unsupported', 'insecure.audioFailed',
] as const;

export function adminNetworkPage(ctx: PageContext, report: NetworkReport) {
  const { t } = ctx;
  const strings = Object.fromEntries(selfTestKeys.map((k) => [k, t(k)]));
  const ports = report.ports.length ? (report.ports.length === 1 ? String(report.ports[0]) : `${report.ports[0]}–${report.ports.at(-1)}`) : t('admin.network.media.random');
  const turn = report.turnUrls.length
    ? html`${report.turnUrls.map((url) => html`<code>${url}</code> `)}${report.turnSecretSet ? '' : html`<br><small>${t('admin.network.media.turnNoSecret')}</small>`}`
    : t('admin.network.media.noTurn');
  const httpsState = report.problem
    ? html`<div class="notice warn" role="alert" id="https-warning"><p>${report.problem === 'noPublicUrl' ? t('admin.network.https.noPublicUrl') : t('admin.network.https.notHttps', { url: report.publicUrl })}</p>
        <p>${t('admin.network.https.howTo')}</p></div>`
    : html`<p class="notice ok">${report.tls === 'off' ? t('admin.network.https.ok', { url: report.publicUrl }) : t('admin.network.https.builtIn', { mode: t(report.tls === 'acme' ? 'admin.network.tls.acme' : 'admin.network.tls.files') })}</p>`;
  return layout(ctx, {
    title: t('admin.network'),
    body: html`<h1>${t('admin.title')}</h1>${adminNav(ctx, '/admin/network')}
    <section class="card network-card" id="https"><h2>${t('admin.network.https.heading')}</h2>${httpsState}</section>
    <section class="card network-card" id="media"><h2>${t('admin.network.media.heading')}</h2>
      <dl class="network-facts">
        <dt>${t('admin.network.media.address')}</dt><dd><code id="media-address">${report.announcedIp}</code> <small>${t(`admin.network.media.${report.announcedIpSource}`)}</small></dd>
        <dt>${t('admin.network.media.ports')}</dt><dd><code id="media-ports">${ports}</code></dd>
        <dt>${t('admin.network.media.turn')}</dt><dd id="media-turn">${turn}</dd>
      </dl>
    </section>
    <section class="card network-card" id="self-test" data-strings="${JSON.stringify(strings)}"><h2>${t('admin.network.test.heading')}</h2>
      <p>${t('admin.network.test.intro')}</p>
      <button type="button" class="primary" id="self-test-run" disabled>${t('admin.network.test.run')}</button>
      <div id="self-test-result" aria-live="polite"></div>
    </section>
    <script src="${ctx.asset('room.js')}" defer></script>`,
  });
}
