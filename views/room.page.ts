// The room page /r/<id>: server-rendered so it works as a plain link; the room client
// (static/build/room.js) then keeps it live over the WebSocket and adds the controls.
import { html } from '../src/shared/html';
import type { Room, User } from '../src/db/schema';
import type { PublicParticipant, ReactionEmoji } from '../src/rooms/live/room.model';
import type { ErrorCode } from '../src/rooms/live/protocol';
import type { MessageKey } from '../src/i18n/messages.en';
import type { ShareBits } from '../src/sharing/share-meta';
import { clipButton } from './clip.page';
import { avatar, csrfField } from './components';
import { layout, type PageContext } from './layout';

export interface RoomView {
  room: Room;
  host: User;
  live: { stage: PublicParticipant[]; listenerCount: number } | null;
  /** Why this viewer cannot join (blocked, removed, sign-in required), if so. */
  refusal?: string;
  reported?: boolean;
  /** The reaction buttons, in order. */
  reactions: readonly ReactionEmoji[];
  /** Every error the room may answer with: the page sends the client their texts. */
  errorCodes: readonly ErrorCode[];
  /** The live room is being recorded now (REC shows from the first paint; the client keeps it current). */
  recording: boolean;
  /** The instance lets hosts record (else the host gets no Record button). */
  recordingAllowed: boolean;
  /** This room at the instance's https address (publicUrl), when it has one: a plain-http visitor is sent there. */
  secureUrl?: string | null;
  /** Link preview tags and the share button. */
  share?: ShareBits;
}

/** Strings the room client needs, in the page's language. */
const clientKeys = [
  'room.listen', 'room.leave', 'room.raiseHand', 'room.lowerHand', 'room.mute', 'room.unmute', 'room.leaveStage',
  'room.muteSpeaker', 'room.moveToListeners', 'room.remove', 'room.makeCohost', 'room.inviteToSpeak', 'room.approve',
  'room.deny', 'room.next', 'room.muteAll', 'room.end', 'room.endConfirm', 'room.accept', 'room.decline',
  'room.invitedToSpeak', 'room.invitedToCohost', 'room.hands', 'room.noHands', 'room.waiting', 'room.listeners',
  'room.ended', 'room.removed', 'room.signedOut', 'room.suspended', 'room.tooManyConnections', 'room.connecting', 'room.reconnecting', 'room.connected', 'room.role.host',
  'room.role.cohost', 'room.role.speaker', 'room.role.listener', 'room.muted', 'room.actingHost', 'room.you',
  'a11y.onStage', 'a11y.leftStage', 'a11y.handRaised',
  'room.signInToTakePart', 'room.handRaised', 'room.showListeners', 'room.hideListeners', 'room.volume',
  'room.musicMode', 'room.microphone', 'room.audio.blocked', 'room.mic.denied', 'room.mic.absent', 'room.mic.failed',
  'room.endedStatus', 'room.recording.rec', 'room.recording.label', 'room.recording.start', 'room.recording.stop',
  'room.recording.started', 'room.recording.youStarted', 'room.recording.stopped', 'room.recording.stoppedQuota',
  'room.recording.stoppedFailed', 'room.recording.inviteNotice', 'room.recording.consentTitle', 'room.recording.consentText',
  'room.recording.consentStay', 'room.recording.consentLeave', 'room.recording.error.forbidden',
  'room.recording.error.limitReached', 'room.recording.error.invalidState',
  'clip.make', 'clip.makeHint', 'clip.making', 'clip.ready', 'clip.open', 'clip.copyLink', 'clip.copied', 'clip.failed',
  'clip.error.off', 'clip.error.hosts', 'clip.error.removed', 'clip.error.tooMany',
  'insecure.cannotSpeak', 'insecure.unsupported', 'insecure.audioFailed',
  'hls.listening', 'hls.noSocket',
] as const satisfies readonly MessageKey[];
const errorKeys = (codes: readonly ErrorCode[]) => codes.map((code) => `room.error.${code}` as const) satisfies MessageKey[];

function stageMember(ctx: PageContext, p: PublicParticipant) {
  return html`<li class="member" data-id="${p.id}">
    ${avatar({ handle: p.handle ?? '', display_name: p.name, avatar_file: p.avatar }, 64)}
    <span class="name">${p.name}</span>
    <span class="role">${ctx.t(`room.role.${p.role}` as MessageKey)}${p.muted ? html` · <span class="muted">${ctx.t('room.muted')}</span>` : ''}</span>
  </li>`;
}

/**
 * What a plain-http page can and cannot do, shown by the room client before anything is tried when the
 * browser does not treat the page as secure (hidden otherwise): listening works, the microphone does not.
 */
function insecureNotice(ctx: PageContext, secureUrl: string | null | undefined) {
  const { t } = ctx;
  return html`<div class="notice warn insecure-notice" id="insecure-notice" role="alert" hidden>
    <p><strong>${t('insecure.title')}</strong> <span data-when="listen">${t('insecure.canListen')}</span><span data-when="no-listen" hidden>${t('insecure.cannotListen')}</span></p>
    <p>${t('insecure.speakNeedsHttps')}</p>
    ${secureUrl ? html`<p><a class="button primary" href="${secureUrl}" hx-boost="false">${t('insecure.openSecure')}</a></p>` : html`<p>${t('insecure.askAdmin')}</p>`}
    ${ctx.viewer?.role === 'admin' ? html`<p><a href="/admin/network#https">${t('insecure.adminDocs')}</a></p>` : ''}
  </div>`;
}

/** Red dot + REC while the stage is recorded; shown to everyone, listeners included. */
function recIndicator(ctx: PageContext, recording: boolean) {
  const label = ctx.t('room.recording.label');
  return html`<span class="rec" id="rec-indicator" role="img" aria-label="${label}" title="${label}"${recording ? '' : html` hidden`}><span class="rec-dot" aria-hidden="true"></span>${ctx.t('room.recording.rec')}</span>`;
}

export function roomPage(ctx: PageContext & { viewerCanTakePart: boolean; settings?: { evidenceSeconds?: number } }, view: RoomView) {
  const { t } = ctx;
  const { room, host } = view;
  const topics = room.topics;
  const ended = room.status === 'ended' || !view.live;
  // An ended page has no live client: no strings for it, nothing live left on the page.
  const strings = ended ? {} : Object.fromEntries([...clientKeys, ...errorKeys(view.errorCodes)].map((k) => [k, t(k)]));
  // A live page is never restored from htmx's history snapshot (Back would show a stale "Live" room).
  const body = html`<article class="room" id="room" data-room-id="${room.id}" data-live="${ended ? 'no' : 'yes'}" ${ended ? '' : html`hx-history="false"`} data-signed-in="${ctx.viewer ? 'yes' : 'no'}" data-recording-allowed="${view.recordingAllowed ? 'yes' : 'no'}" data-hls-player="${ended ? '' : ctx.asset('hls-player.js')}" data-artwork="${host.avatar_file ? `/avatars/${host.avatar_file}` : ctx.asset('icon-512.png')}" data-strings="${JSON.stringify(strings)}">
    <header class="room-head">
      <div class="room-title"><h1>${room.title}</h1>${ended ? '' : recIndicator(ctx, view.recording)}</div>
      ${topics.length ? html`<p class="topics">${topics.map((topic) => html`<span class="topic">#${topic}</span> `)}</p>` : ''}
      <p class="hosted-by">${t('room.hostedBy')} <a href="/@${host.handle}">${host.display_name}</a></p>
      ${view.share?.button ?? ''}
    </header>
    ${
      ended
        ? html`<p class="notice">${t('room.ended')}</p>`
        : view.refusal
          ? html`<p class="notice warn" role="alert">${view.refusal}</p>`
          : html`
    ${insecureNotice(ctx, view.secureUrl)}
    <p class="status" id="room-status">${t('room.liveNow')} · <span id="listener-count">${view.live!.listenerCount}</span> ${t('room.listeners')}</p>
    ${ctx.settings?.evidenceSeconds ? html`<p class="evidence-note" id="evidence-note"><small>${t('reports.roomNotice', { minutes: Math.max(1, Math.round(ctx.settings.evidenceSeconds / 60)) })}</small></p>` : ''}
    <section aria-label="${t('room.stage')}"><ul class="stage" id="stage">${view.live!.stage.map((p) => stageMember(ctx, p))}</ul></section>
    <p class="notice hls-notice" id="hls-notice" role="status" hidden>${t('hls.delayNotice')}</p>
    <div id="room-controls" class="room-controls"><noscript><p class="notice">${t('room.needsJavaScript')}</p>${ctx.viewer && view.recording ? clipButton(ctx, room.id) : ''}</noscript></div>
    <section id="hand-queue" class="hand-queue" hidden></section>
    <div id="reactions" class="reactions" ${ctx.viewer ? '' : 'hidden'}>${view.reactions.map((e) => html`<button type="button" class="reaction" data-emoji="${e}" aria-label="${e}">${e}</button>`)}</div>
    <div id="reaction-burst" class="reaction-burst" aria-hidden="true"></div>
    <script src="${ctx.asset('room.js')}" defer></script>`
      }
    ${
      ctx.viewer && !ended
        ? html`<details class="report"><summary>${t('room.report')}</summary>
      ${view.reported ? html`<p class="notice ok">${t('room.reported')}</p>` : ''}
      <form method="post" action="/r/${room.id}/report">${csrfField(ctx)}
        <label for="report-reason">${t('room.reportReason')}</label>
        <textarea id="report-reason" name="reason" maxlength="500" required rows="2"></textarea>
        <button type="submit">${t('room.reportSend')}</button></form></details>`
        : ''
    }
  </article>`;
  return layout(ctx, { title: room.title, body, head: view.share?.head });
}
