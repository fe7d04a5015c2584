// My notifications (newest first, mark read) and my notification settings: a kind × channel table
// and this device's web push (turned on and off by static/build/notifications.js).
import { html } from '../src/shared/html';
import type { MessageKey } from '../src/i18n/messages.en';
import type { PushSubscription } from '../src/db/schema';
import type { InboxItem, PreferenceTable } from '../src/notifications/notifications.service';
import type { NotificationChannelName, NotificationKind } from '../src/notifications/notification.model';
import { actionButton, csrfField } from './components';
import { layout, type PageContext } from './layout';
import { settingsNav } from './settings.pages';

const shortTime = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export function notificationsPage(ctx: PageContext, view: { items: InboxItem[]; unread: number; older: number | null }) {
  const { t } = ctx;
  return layout(ctx, {
    title: t('notifications.title'),
    body: html`<h1>${t('notifications.title')}</h1>
    <p class="notifications-actions"><span id="notifications-unread">${t('notifications.unread', { count: view.unread })}</span>
      ${view.unread ? actionButton(ctx, '/notifications/read', t('notifications.markAllRead')) : ''}
      <a href="/settings/notifications">${t('notifications.settingsLink')}</a></p>
    ${
      view.items.length
        ? html`<ul class="notification-list">${view.items.map(
            (item) => html`<li class="notification${item.read ? '' : ' unread'}" data-kind="${item.kind}">
              <form method="post" action="/notifications/${String(item.id)}/read" class="inline">${csrfField(ctx)}<input type="hidden" name="open" value="1">
                <button type="submit" class="link notification-open">${item.text}</button></form>
              <small><time datetime="${item.createdAt}">${shortTime(item.createdAt)}</time></small>
              ${item.read ? '' : actionButton(ctx, `/notifications/${item.id}/read`, t('notifications.markRead'))}
            </li>`,
          )}</ul>`
        : html`<p class="empty">${t('notifications.empty')}</p>`
    }
    ${view.older ? html`<p><a href="/notifications?before=${String(view.older)}">${t('notifications.older')}</a></p>` : ''}`,
  });
}

export function notificationSettingsPage(
  ctx: PageContext,
  view: { preferences: PreferenceTable; available: Record<NotificationChannelName, boolean>; devices: PushSubscription[]; publicKey: string; saved: boolean; tested: number | null },
) {
  const { t } = ctx;
  // The order of the view model: kinds as the service lists them, channels in-app, push, email.
  const notificationKinds = Object.keys(view.preferences) as NotificationKind[];
  const notificationChannels = Object.keys(view.available) as NotificationChannelName[];
  const channelHead = (channel: NotificationChannelName) =>
    html`<th scope="col">${t(`notifications.channel.${channel}` as MessageKey)}${
      !view.available[channel] ? html`<br><small class="hint">${t('notifications.notSetUp')}</small>` : channel === 'push' && !view.devices.length ? html`<br><small class="hint">${t('notifications.pushNeedsDevice')}</small>` : ''
    }</th>`;
  return layout(ctx, {
    title: t('notifications.settingsLink'),
    body: html`<h1>${t('settings.title')}</h1>${settingsNav(ctx, '/settings/notifications')}
    <section class="card"><h2>${t('notifications.settingsLink')}</h2>
      <p>${t('notifications.settingsIntro')}</p>
      ${view.saved ? html`<p class="notice ok" role="status">${t('notifications.saved')}</p>` : ''}
      <form method="post" action="/settings/notifications">${csrfField(ctx)}
        <table class="notification-preferences">
          <thead><tr><th scope="col">${t('notifications.kindColumn')}</th>${notificationChannels.map(channelHead)}</tr></thead>
          <tbody>${notificationKinds.map(
            (kind) => html`<tr><th scope="row">${t(`notifications.kind.${kind}` as MessageKey)}</th>${notificationChannels.map(
              (channel) => html`<td><input type="checkbox" name="${kind}.${channel}" aria-label="${t(`notifications.kind.${kind}` as MessageKey)}: ${t(`notifications.channel.${channel}` as MessageKey)}"${view.preferences[kind][channel] ? html` checked` : ''}></td>`,
            )}</tr>`,
          )}</tbody>
        </table>
        <button type="submit" class="primary">${t('form.save')}</button>
      </form>
    </section>
    <section class="card" id="push-device" data-public-key="${view.publicKey}">
      <h2>${t('notifications.push.title')}</h2>
      <p>${t('notifications.push.intro')}</p>
      ${view.tested !== null ? html`<p class="notice ok" role="status">${t('notifications.push.testSent', { count: view.tested })}</p>` : ''}
      <p class="push-status" data-unsupported="${t('notifications.push.unsupported')}" data-denied="${t('notifications.push.denied')}" data-on="${t('notifications.push.on')}" data-off="${t('notifications.push.off')}" role="status"></p>
      <p><button type="button" class="primary" data-push="subscribe" hidden>${t('notifications.push.subscribe')}</button>
        <button type="button" data-push="unsubscribe" hidden>${t('notifications.push.unsubscribe')}</button></p>
      <p>${t('notifications.push.devices', { count: view.devices.length })}</p>
      ${
        view.devices.length
          ? html`<ul class="push-devices">${view.devices.map(
              (d) => html`<li>${d.device || '—'} <small><time datetime="${d.created_at}">${shortTime(d.created_at)}</time></small>
                <form method="post" action="/push/subscriptions/delete" class="inline">${csrfField(ctx)}<input type="hidden" name="id" value="${String(d.id)}"><button type="submit">${t('notifications.push.remove')}</button></form></li>`,
            )}</ul>
            ${actionButton(ctx, '/push/test', t('notifications.push.test'))}`
          : ''
      }
    </section>`,
  });
}
