// The stage: rebuilt when who is on it (or what they may do) changes; speaking rings are only
// toggled on the existing members, so a `speaking` event never rebuilds anything.
import type { PublicParticipant } from '../rooms/live/room.model';
import { avatarNode, el } from './dom';
import type { RoomState } from './room-state';
import { actionButton, powersOf, type Actions, type T } from './room-view-model';

export function renderStage(list: HTMLElement, s: RoomState, t: T, a: Actions): void {
  const { isManager, hostPowers, moderatorOnly } = powersOf(s);
  const memberActions = (p: PublicParticipant) => {
    if (s.me && p.id !== s.me.id && moderatorOnly) return el('span', { class: 'member-actions' }, actionButton(a, t('room.remove'), { type: 'remove', target: p.id }, { danger: true }));
    if (!s.me || p.id === s.me.id || !isManager || p.role === 'host' || (p.role === 'cohost' && !hostPowers)) return null;
    return el(
      'span',
      { class: 'member-actions' },
      p.muted ? null : actionButton(a, t('room.muteSpeaker'), { type: 'muteSpeaker', target: p.id }),
      actionButton(a, t('room.moveToListeners'), { type: 'moveToListeners', target: p.id }),
      hostPowers && p.role === 'speaker' ? actionButton(a, t('room.makeCohost'), { type: 'inviteCohost', target: p.id }) : null,
      actionButton(a, t('room.remove'), { type: 'remove', target: p.id }, { danger: true }),
    );
  };
  list.replaceChildren(
    ...s.stage.map((p) => {
      const labels = [t(`room.role.${p.role}`)];
      if (p.id === s.actingHostId) labels.push(t('room.actingHost'));
      if (s.me && p.id === s.me.id) labels.push(t('room.you'));
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
}

/** Rings around whoever is audible (never the muted), the dominant speaker stronger. */
export function markSpeaking(list: HTMLElement, s: RoomState): void {
  const audible = new Set(s.speaking);
  for (const p of s.stage) {
    const node = list.querySelector<HTMLElement>(`li.member[data-id="${CSS.escape(p.id)}"]`);
    if (!node) continue;
    const speaking = audible.has(p.id) && !p.muted;
    node.classList.toggle('speaking', speaking);
    node.classList.toggle('dominant', speaking && p.id === s.dominantSpeaker);
  }
}
