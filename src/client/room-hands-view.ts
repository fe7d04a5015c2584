// What hosts and co-hosts manage: the listener list (on request) and the queue of raised hands.
import { el } from './dom';
import type { RoomState } from './room-state';
import { actionButton, powersOf, type Actions, type LocalState, type T } from './room-view-model';

export const handsInputs = (s: RoomState, l: LocalState) => [s.me, s.final, s.hands, s.actingHostId, l.listenerList];

export function renderHands(section: HTMLElement, s: RoomState, l: LocalState, t: T, a: Actions): void {
  const { isManager, moderatorOnly } = powersOf(s);
  section.hidden = !(isManager || moderatorOnly) || !!s.final;
  if (section.hidden) return;
  section.replaceChildren(listenerList(l, t, a, isManager), ...(isManager ? handQueue(s, t, a) : []));
}

function handQueue(s: RoomState, t: T, a: Actions) {
  const now = Date.now();
  const since = (ms: number) => {
    const sec = Math.max(0, Math.round(ms / 1000));
    return sec < 60 ? `${sec} s` : `${Math.floor(sec / 60)} min`;
  };
  return [
    el('h2', {}, t('room.hands'), ' ', s.hands.length ? actionButton(a, t('room.next'), { type: 'nextHand' }, { primary: true }) : null),
    s.hands.length
      ? el(
          'ol',
          { class: 'rows' },
          ...s.hands.map((h) =>
            el(
              'li',
              {},
              el('span', {}, h.name, h.handle ? ` @${h.handle}` : '', ' ', el('small', {}, t('room.waiting', { time: since(now - h.raisedAt) }))),
              el('span', { class: 'actions' }, actionButton(a, t('room.approve'), { type: 'approveHand', target: h.id }), actionButton(a, t('room.deny'), { type: 'denyHand', target: h.id })),
            ),
          ),
        )
      : el('p', { class: 'empty' }, t('room.noHands')),
  ];
}

function listenerList(l: LocalState, t: T, a: Actions, canInvite: boolean) {
  const toggle = el('button', { type: 'button', onclick: () => a.toggleListeners() }, t(l.listenerList ? 'room.hideListeners' : 'room.showListeners'));
  if (!l.listenerList) return el('div', { class: 'listener-list' }, toggle);
  return el(
    'div',
    { class: 'listener-list' },
    toggle,
    el(
      'ul',
      { class: 'rows' },
      ...l.listenerList.map((p) =>
        el(
          'li',
          {},
          el('span', {}, p.name, p.handle ? ` @${p.handle}` : ''),
          el(
            'span',
            { class: 'actions' },
            canInvite ? actionButton(a, t('room.inviteToSpeak'), { type: 'inviteToSpeak', target: p.id }) : null,
            actionButton(a, t('room.remove'), { type: 'remove', target: p.id }, { danger: true }),
          ),
        ),
      ),
    ),
  );
}
