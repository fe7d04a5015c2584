// The room page's client: keeps the stage, counts and hand queue live from the server's events and
// offers each person the controls their role allows (the server checks every request anyway).
import type { PublicParticipant, Role } from '../rooms/live/room.model';
import { avatarNode, el } from './dom';
import { RoomConnection, type ConnectionState } from './room-connection';

interface Me {
  id: string;
  role: Role;
  muted: boolean;
  handRaised: boolean;
  pendingInvite: 'speaker' | 'cohost' | null;
  anonymous: boolean;
}
interface Hand {
  id: string;
  name: string;
  handle: string | null;
  raisedAt: number;
}

const root = document.getElementById('room');
if (root && root.dataset.live === 'yes') start(root);

function start(root: HTMLElement) {
  const strings = JSON.parse(root.dataset.strings ?? '{}') as Record<string, string>;
  const t = (key: string, params: Record<string, string | number> = {}) =>
    Object.entries(params).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, String(v)), strings[key] ?? key);
  const roomId = root.dataset.roomId!;
  const $ = (id: string) => document.getElementById(id)!;

  let me: Me | null = null;
  let stage: PublicParticipant[] = [];
  let hands: Hand[] = [];
  let actingHostId: string | null = null;
  let hostUserId = 0;
  let speakPolicy = 'anyone';
  let status: ConnectionState = 'connecting';
  let finalMessage: string | null = null;
  let listenerCount = Number($('listener-count')?.textContent ?? 0);
  /** Listeners with an account, fetched on demand by hosts (the roster is not streamed to everyone). */
  let listenerList: PublicParticipant[] | null = null;

  const connection = new RoomConnection(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/r/${roomId}/ws`, {
    state(state, code) {
      status = state;
      if (code === 4000) finalMessage = t('room.ended');
      if (code === 4403) finalMessage = finalMessage ?? t('room.removed');
      render();
    },
    message: onMessage,
  });
  const send = (message: object) => connection.send(message);
  const isManager = () => me?.role === 'host' || me?.role === 'cohost';
  const hasHostPowers = () => me?.role === 'host' || (!!me && actingHostId === me.id);

  function onMessage(m: any) {
    switch (m.type) {
      case 'snapshot':
        me = m.you;
        stage = m.stage;
        listenerCount = m.listenerCount;
        actingHostId = m.actingHostId;
        hands = m.hands ?? [];
        hostUserId = m.room.hostUserId;
        speakPolicy = m.room.speakPolicy;
        break;
      case 'participantJoined':
        if (m.participant.role !== 'listener') stage = [...stage.filter((p) => p.id !== m.participant.id), m.participant];
        break;
      case 'participantLeft':
      case 'participantRemoved':
        stage = stage.filter((p) => p.id !== m.id);
        hands = hands.filter((h) => h.id !== m.id);
        break;
      case 'roleChanged':
        stage = stage.filter((p) => p.id !== m.id);
        if (m.role !== 'listener' && m.participant) stage.push(m.participant);
        if (me && m.id === me.id) Object.assign(me, { role: m.role, muted: m.muted, pendingInvite: null, handRaised: false });
        break;
      case 'muteChanged':
        stage = stage.map((p) => (p.id === m.id ? { ...p, muted: m.muted } : p));
        if (me && m.id === me.id) me.muted = m.muted;
        break;
      case 'connectionChanged':
        stage = stage.map((p) => (p.id === m.id ? { ...p, connected: m.connected } : p));
        break;
      case 'handRaised':
        hands = [...hands.filter((h) => h.id !== m.id), { id: m.id, name: m.name, handle: m.handle, raisedAt: m.raisedAt }];
        if (me && m.id === me.id) me.handRaised = true;
        break;
      case 'handLowered':
        hands = hands.filter((h) => h.id !== m.id);
        if (me && m.id === me.id) me.handRaised = false;
        break;
      case 'handQueue':
        hands = m.hands;
        break;
      case 'invited':
        if (me && m.id === me.id) me.pendingInvite = m.as;
        break;
      case 'actingHostChanged':
        actingHostId = m.id;
        break;
      case 'listenerCount':
        listenerCount = m.count;
        break;
      case 'reactions':
        showReactions(m.counts);
        return;
      case 'removed':
        finalMessage = t('room.removed');
        break;
      case 'roomEnded':
        finalMessage = t('room.ended');
        break;
      case 'error':
        toast(m.message);
        return;
      default:
        return;
    }
    render();
  }

  function button(label: string, message: object, opts: { danger?: boolean; primary?: boolean; confirm?: string } = {}) {
    return el(
      'button',
      {
        type: 'button',
        class: opts.danger ? 'danger' : opts.primary ? 'primary' : undefined,
        onclick: () => {
          if (!opts.confirm || window.confirm(opts.confirm)) send(message);
        },
      },
      label,
    );
  }

  function memberActions(p: PublicParticipant): HTMLElement | null {
    if (!me || p.id === me.id || !isManager() || p.role === 'host') return null;
    if (p.role === 'cohost' && !hasHostPowers()) return null;
    return el(
      'span',
      { class: 'member-actions' },
      p.muted ? null : button(t('room.muteSpeaker'), { type: 'muteSpeaker', target: p.id }),
      button(t('room.moveToListeners'), { type: 'moveToListeners', target: p.id }),
      hasHostPowers() && p.role === 'speaker' ? button(t('room.makeCohost'), { type: 'inviteCohost', target: p.id }) : null,
      button(t('room.remove'), { type: 'remove', target: p.id }, { danger: true }),
    );
  }

  function renderStage() {
    const list = $('stage');
    list.replaceChildren(
      ...stage.map((p) => {
        const labels = [t(`room.role.${p.role}`)];
        if (p.id === actingHostId) labels.push(t('room.actingHost'));
        if (me && p.id === me.id) labels.push(t('room.you'));
        return el(
          'li',
          { class: `member${p.connected ? '' : ' away'}`, 'data-id': p.id },
          avatarNode(p, 64),
          el('span', { class: 'name' }, p.name),
          el('span', { class: 'role' }, labels.join(' · '), p.muted ? el('span', { class: 'muted' }, ` · ${t('room.muted')}`) : null),
          memberActions(p),
        );
      }),
    );
    $('listener-count').textContent = String(listenerCount);
  }

  function renderControls() {
    const controls = $('room-controls');
    const items: (HTMLElement | null)[] = [el('p', { class: 'connection' }, finalMessage ?? t(`room.${status === 'closed' ? 'connecting' : status}`))];
    if (me && !finalMessage) {
      if (me.pendingInvite) {
        items.push(
          el(
            'div',
            { class: 'invitation notice', role: 'alert' },
            t(me.pendingInvite === 'cohost' ? 'room.invitedToCohost' : 'room.invitedToSpeak'),
            ' ',
            button(t('room.accept'), { type: 'acceptInvite' }, { primary: true }),
            button(t('room.decline'), { type: 'declineInvite' }),
          ),
        );
      }
      const row: (HTMLElement | null)[] = [];
      if (me.role === 'listener') {
        if (me.anonymous) row.push(el('span', { class: 'hint' }, t('room.signInToTakePart')));
        else if (speakPolicy === 'anyone') row.push(me.handRaised ? button(t('room.lowerHand'), { type: 'lowerHand' }) : button(t('room.raiseHand'), { type: 'raiseHand' }, { primary: true }));
      } else {
        row.push(me.muted ? button(t('room.unmute'), { type: 'unmute' }, { primary: true }) : button(t('room.mute'), { type: 'mute' }));
        if (me.role !== 'host') row.push(button(t('room.leaveStage'), { type: 'leaveStage' }));
      }
      if (isManager()) row.push(button(t('room.muteAll'), { type: 'muteAll' }));
      if (hasHostPowers()) row.push(button(t('room.end'), { type: 'end' }, { danger: true, confirm: t('room.endConfirm') }));
      const leave = () => {
        send({ type: 'leave' }); // frees the seat now, not after the 30 s reconnection window
        connection.close();
        location.href = '/';
      };
      row.push(el('button', { type: 'button', onclick: leave }, t('room.leave')));
      items.push(el('div', { class: 'actions' }, ...row));
    }
    controls.replaceChildren(...items.filter((item): item is HTMLElement => item !== null));
    const reactions = document.getElementById('reactions');
    if (reactions) reactions.hidden = !me || me.anonymous || !!finalMessage;
  }

  async function toggleListeners() {
    if (listenerList) listenerList = null;
    else {
      const res = await fetch(`/r/${roomId}/listeners`, { headers: { accept: 'application/json' } });
      listenerList = res.ok ? (await res.json()).listeners : [];
    }
    renderHands();
  }

  function renderListeners(): HTMLElement {
    const toggle = el('button', { type: 'button', onclick: () => void toggleListeners() }, t(listenerList ? 'room.hideListeners' : 'room.showListeners'));
    if (!listenerList) return el('div', { class: 'listener-list' }, toggle);
    return el(
      'div',
      { class: 'listener-list' },
      toggle,
      el(
        'ul',
        { class: 'rows' },
        ...listenerList.map((p) =>
          el(
            'li',
            {},
            el('span', {}, p.name, p.handle ? ` @${p.handle}` : ''),
            el('span', { class: 'actions' }, button(t('room.inviteToSpeak'), { type: 'inviteToSpeak', target: p.id }), button(t('room.remove'), { type: 'remove', target: p.id }, { danger: true })),
          ),
        ),
      ),
    );
  }

  function renderHands() {
    const section = $('hand-queue');
    section.hidden = !isManager() || !!finalMessage;
    if (section.hidden) return;
    const now = Date.now();
    section.replaceChildren(
      renderListeners(),
      el('h2', {}, t('room.hands'), ' ', hands.length ? button(t('room.next'), { type: 'nextHand' }, { primary: true }) : null),
      hands.length
        ? el(
            'ol',
            { class: 'rows' },
            ...hands.map((h) =>
              el(
                'li',
                {},
                el('span', {}, h.name, h.handle ? ` @${h.handle}` : '', ' ', el('small', {}, t('room.waiting', { time: since(now - h.raisedAt) }))),
                el('span', { class: 'actions' }, button(t('room.approve'), { type: 'approveHand', target: h.id }), button(t('room.deny'), { type: 'denyHand', target: h.id })),
              ),
            ),
          )
        : el('p', { class: 'empty' }, t('room.noHands')),
    );
  }

  function render() {
    renderStage();
    renderControls();
    renderHands();
    void hostUserId;
  }

  function since(ms: number) {
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min`;
  }

  function showReactions(counts: Record<string, number>) {
    const burst = document.getElementById('reaction-burst');
    if (!burst) return;
    for (const [emoji, count] of Object.entries(counts)) {
      const node = el('span', { class: 'burst' }, count > 1 ? `${emoji}×${count}` : emoji);
      burst.append(node);
      setTimeout(() => node.remove(), 2500);
    }
  }

  function toast(text: string) {
    const node = el('p', { class: 'toast', role: 'status' }, text);
    document.body.append(node);
    setTimeout(() => node.remove(), 4000);
  }

  document.getElementById('reactions')?.addEventListener('click', (e) => {
    const emoji = (e.target as HTMLElement).closest<HTMLElement>('[data-emoji]')?.dataset.emoji;
    if (emoji) send({ type: 'react', emoji });
  });
  const timer = setInterval(() => isManager() && hands.length && renderHands(), 5000);
  // htmx-boosted navigation replaces the page without unloading it: leave the room properly.
  document.addEventListener('htmx:beforeSwap', () => {
    connection.close();
    clearInterval(timer);
  }, { once: true });
  connection.open();
}
