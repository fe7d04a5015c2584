// Renders the room from the client's state: stage, controls, hand queue, listener list, player bar.
// Pure DOM building from data; every click calls an action (the server decides).
import type { PublicParticipant, Role } from '../rooms/live/room.model';
import { avatarNode, el } from './dom';

export interface Me {
  id: string;
  role: Role;
  muted: boolean;
  handRaised: boolean;
  pendingInvite: 'speaker' | 'cohost' | null;
  anonymous: boolean;
  /** An instance admin: may remove anyone and end the room. */
  moderator?: boolean;
}

export interface Hand {
  id: string;
  name: string;
  handle: string | null;
  raisedAt: number;
}

export interface ViewState {
  roomId: string;
  title: string;
  me: Me | null;
  stage: PublicParticipant[];
  hands: Hand[];
  listenerCount: number;
  actingHostId: string | null;
  speakPolicy: string;
  speaking: Set<string>;
  status: string;
  finalMessage: string | null;
  audio: 'off' | 'starting' | 'on';
  listenerList: PublicParticipant[] | null;
  musicMode: boolean;
  /** Microphones the browser offers (labels appear once permission was given). */
  microphones: { deviceId: string; label: string }[];
  microphoneId: string | null;
  dominantSpeaker: string | null;
}

export interface Actions {
  send(message: object, confirm?: string): void;
  listen(): void;
  leave(): void;
  toggleListeners(): void;
  setVolume(volume: number): void;
  setMusicMode(on: boolean): void;
  chooseMicrophone(deviceId: string): void;
}

export type T = (key: string, params?: Record<string, string | number>) => string;

export function renderRoom(s: ViewState, t: T, a: Actions) {
  const $ = (id: string) => document.getElementById(id);
  const isManager = s.me?.role === 'host' || s.me?.role === 'cohost';
  const hostPowers = s.me?.role === 'host' || (!!s.me && s.actingHostId === s.me.id);
  const button = (label: string, message: object, opts: { danger?: boolean; primary?: boolean; confirm?: string } = {}) =>
    el('button', { type: 'button', class: opts.danger ? 'danger' : opts.primary ? 'primary' : undefined, onclick: () => a.send(message, opts.confirm) }, label);

  const moderatorOnly = !!s.me?.moderator && !isManager;
  const memberActions = (p: PublicParticipant) => {
    if (s.me && p.id !== s.me.id && moderatorOnly) return el('span', { class: 'member-actions' }, button(t('room.remove'), { type: 'remove', target: p.id }, { danger: true }));
    if (!s.me || p.id === s.me.id || !isManager || p.role === 'host' || (p.role === 'cohost' && !hostPowers)) return null;
    return el(
      'span',
      { class: 'member-actions' },
      p.muted ? null : button(t('room.muteSpeaker'), { type: 'muteSpeaker', target: p.id }),
      button(t('room.moveToListeners'), { type: 'moveToListeners', target: p.id }),
      hostPowers && p.role === 'speaker' ? button(t('room.makeCohost'), { type: 'inviteCohost', target: p.id }) : null,
      button(t('room.remove'), { type: 'remove', target: p.id }, { danger: true }),
    );
  };

  $('stage')?.replaceChildren(
    ...s.stage.map((p) => {
      const labels = [t(`room.role.${p.role}`)];
      if (p.id === s.actingHostId) labels.push(t('room.actingHost'));
      if (s.me && p.id === s.me.id) labels.push(t('room.you'));
      const speaking = s.speaking.has(p.id) && !p.muted;
      return el(
        'li',
        { class: `member${p.connected ? '' : ' away'}${speaking ? ' speaking' : ''}${speaking && p.id === s.dominantSpeaker ? ' dominant' : ''}`, 'data-id': p.id },
        avatarNode(p, 64),
        el('span', { class: 'name' }, p.name),
        el('span', { class: 'role' }, labels.join(' · '), p.muted ? el('span', { class: 'muted' }, ` · ${t('room.muted')}`) : null),
        memberActions(p),
      );
    }),
  );
  const count = $('listener-count');
  if (count) count.textContent = String(s.listenerCount);

  const controls = $('room-controls');
  if (controls) {
    const items: HTMLElement[] = [el('p', { class: 'connection' }, s.finalMessage ?? s.status)];
    if (s.me && !s.finalMessage) {
      if (s.me.pendingInvite) {
        items.push(
          el(
            'div',
            { class: 'invitation notice', role: 'alert' },
            t(s.me.pendingInvite === 'cohost' ? 'room.invitedToCohost' : 'room.invitedToSpeak'),
            ' ',
            button(t('room.accept'), { type: 'acceptInvite' }, { primary: true }),
            button(t('room.decline'), { type: 'declineInvite' }),
          ),
        );
      }
      const row: (HTMLElement | null)[] = [];
      if (s.audio === 'off') row.push(el('button', { type: 'button', class: 'primary listen', onclick: () => a.listen() }, t('room.listen')));
      if (s.me.role === 'listener') {
        if (s.me.anonymous) row.push(el('span', { class: 'hint' }, t('room.signInToTakePart')));
        else if (s.speakPolicy === 'anyone') row.push(s.me.handRaised ? button(t('room.lowerHand'), { type: 'lowerHand' }) : button(t('room.raiseHand'), { type: 'raiseHand' }));
      } else {
        row.push(s.me.muted ? button(t('room.unmute'), { type: 'unmute' }, { primary: true }) : button(t('room.mute'), { type: 'mute' }));
        if (s.me.role !== 'host') row.push(button(t('room.leaveStage'), { type: 'leaveStage' }));
      }
      if (isManager) row.push(button(t('room.muteAll'), { type: 'muteAll' }));
      if (hostPowers || s.me.moderator) row.push(button(t('room.end'), { type: 'end' }, { danger: true, confirm: t('room.endConfirm') }));
      row.push(el('button', { type: 'button', onclick: () => a.leave() }, t('room.leave')));
      items.push(el('div', { class: 'actions' }, ...row.filter((x): x is HTMLElement => x !== null)));
      if (s.audio !== 'off') items.push(audioSettings(s, t, a));
    }
    controls.replaceChildren(...items);
  }
  const reactions = $('reactions');
  if (reactions) reactions.hidden = !s.me || s.me.anonymous || !!s.finalMessage;

  const section = $('hand-queue');
  if (section) {
    section.hidden = !(isManager || moderatorOnly) || !!s.finalMessage;
    if (!section.hidden) section.replaceChildren(listenerList(s, t, a, button, isManager), ...(isManager ? handQueue(s, t, button) : []));
  }
  renderPlayer(s, t, a);
}

function audioSettings(s: ViewState, t: T, a: Actions) {
  const onStage = !!s.me && s.me.role !== 'listener';
  return el(
    'div',
    { class: 'audio-settings' },
    el('label', {}, t('room.volume'), ' ', volumeSlider(a)),
    onStage && s.microphones.length > 1 ? el('label', {}, t('room.microphone'), ' ', microphoneSelect(s, a)) : null,
    onStage ? el('label', { class: 'check' }, checkbox(s.musicMode, (on) => a.setMusicMode(on)), ' ', t('room.musicMode')) : null,
  );
}

function microphoneSelect(s: ViewState, a: Actions) {
  const select = el('select', {}, ...s.microphones.map((m) => el('option', { value: m.deviceId, selected: m.deviceId === s.microphoneId }, m.label || m.deviceId.slice(0, 8))));
  select.addEventListener('change', () => a.chooseMicrophone(select.value));
  return select;
}

function volumeSlider(a: Actions) {
  const input = el('input', { type: 'range', min: '0', max: '1', step: '0.05', value: '1', 'aria-label': 'volume' });
  input.addEventListener('input', () => a.setVolume(Number(input.value)));
  return input;
}

function checkbox(checked: boolean, onChange: (on: boolean) => void) {
  const input = el('input', { type: 'checkbox', checked });
  input.addEventListener('change', () => onChange(input.checked));
  return input;
}

function handQueue(s: ViewState, t: T, button: (l: string, m: object, o?: { primary?: boolean }) => HTMLElement) {
  const now = Date.now();
  const since = (ms: number) => {
    const sec = Math.max(0, Math.round(ms / 1000));
    return sec < 60 ? `${sec} s` : `${Math.floor(sec / 60)} min`;
  };
  return [
    el('h2', {}, t('room.hands'), ' ', s.hands.length ? button(t('room.next'), { type: 'nextHand' }, { primary: true }) : null),
    s.hands.length
      ? el(
          'ol',
          { class: 'rows' },
          ...s.hands.map((h) =>
            el(
              'li',
              {},
              el('span', {}, h.name, h.handle ? ` @${h.handle}` : '', ' ', el('small', {}, t('room.waiting', { time: since(now - h.raisedAt) }))),
              el('span', { class: 'actions' }, button(t('room.approve'), { type: 'approveHand', target: h.id }), button(t('room.deny'), { type: 'denyHand', target: h.id })),
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('room.noHands')),
  ];
}

function listenerList(s: ViewState, t: T, a: Actions, button: (l: string, m: object, o?: { danger?: boolean }) => HTMLElement, canInvite: boolean) {
  const toggle = el('button', { type: 'button', onclick: () => a.toggleListeners() }, t(s.listenerList ? 'room.hideListeners' : 'room.showListeners'));
  if (!s.listenerList) return el('div', { class: 'listener-list' }, toggle);
  return el(
    'div',
    { class: 'listener-list' },
    toggle,
    el(
      'ul',
      { class: 'rows' },
      ...s.listenerList.map((p) =>
        el(
          'li',
          {},
          el('span', {}, p.name, p.handle ? ` @${p.handle}` : ''),
          el('span', { class: 'actions' }, canInvite ? button(t('room.inviteToSpeak'), { type: 'inviteToSpeak', target: p.id }) : null, button(t('room.remove'), { type: 'remove', target: p.id }, { danger: true })),
        ),
      ),
    ),
  );
}

/** The mini player in the preserved #player region: visible while browsing other pages. */
function renderPlayer(s: ViewState, t: T, a: Actions) {
  const player = document.getElementById('player');
  if (!player) return;
  const onRoomPage = document.getElementById('room')?.dataset.roomId === s.roomId;
  const bar = player.querySelector('.player-bar') ?? player.appendChild(el('div', { class: 'player-bar' }));
  (bar as HTMLElement).hidden = onRoomPage || s.audio === 'off' || !!s.finalMessage;
  bar.replaceChildren(el('a', { href: `/r/${s.roomId}` }, '🔊 ', s.title), ' ', el('button', { type: 'button', onclick: () => a.leave() }, t('room.leave')));
  // Links built here are not known to htmx: without this, following one reloads the page (and stops the audio).
  (window as unknown as { htmx?: { process(e: Element): void } }).htmx?.process(bar);
}
