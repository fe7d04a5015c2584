// Shows the room from the client's state. Each part (status, stage, speaking rings, controls,
// hand queue, player bar) is redrawn only when its own inputs changed, compared by reference:
// the reducer keeps untouched parts identical, so a `speaking` event redraws nothing but rings.
import { el } from './dom';
import { consentDisplaced, consentInputs, renderConsent } from './room-consent-view';
import { controlsInputs, renderControls } from './room-controls-view';
import { handsInputs, renderHands } from './room-hands-view';
import { markSpeaking, renderStage } from './room-stage-view';
import { RoomAnnouncer } from './room-announcer';
import type { RoomState } from './room-state';
import { powersOf, type Actions, type LocalState, type T } from './room-view-model';

export type { Actions, LocalState, T } from './room-view-model';

export class RoomView {
  private last = new Map<string, unknown[]>();
  private readonly announcer = new RoomAnnouncer();

  constructor(
    private readonly t: T,
    private readonly actions: Actions,
  ) {}

  /** The page was swapped (htmx navigation) or must be redrawn whole: forget what was drawn. */
  invalidate(part?: string): void {
    if (part) this.last.delete(part);
    else this.last.clear();
  }

  render(s: RoomState, l: LocalState): void {
    const { t, actions: a } = this;
    const $ = (id: string) => document.getElementById(id);
    const status = $('room-status');
    if (status && this.changed('status', [s.final, s.listenerCount])) {
      if (s.final) status.replaceChildren(t(`room.${s.final}`));
      else {
        const count = $('listener-count');
        if (count) count.textContent = String(s.listenerCount);
      }
    }
    const stage = $('stage');
    if (stage && this.changed('stage', [s.stage, s.me, s.actingHostId, s.final])) {
      keepFocus(stage, () => renderStage(stage, s, t, a));
      stage.closest('section')?.toggleAttribute('hidden', !!s.final);
      this.invalidate('speaking');
    }
    if (stage && this.changed('speaking', [s.speaking, s.dominantSpeaker])) markSpeaking(stage, s);
    const controls = $('room-controls');
    if (controls && this.changed('controls', controlsInputs(s, l))) keepFocus(controls, () => renderControls(controls, s, l, t, a));
    const reactions = $('reactions');
    if (reactions) reactions.hidden = !s.me || s.me.anonymous || !!s.final;
    const hands = $('hand-queue');
    if (hands && this.changed('hands', handsInputs(s, l))) keepFocus(hands, () => renderHands(hands, s, l, t, a));
    const rec = $('rec-indicator');
    if (rec) rec.hidden = !s.recording || !!s.final;
    if (this.changed('consent', consentInputs(s)) || consentDisplaced()) renderConsent(s, t, a);
    this.renderPlayer(s, l);
    if (this.changed('announce', [s.stage, s.hands, s.final, s.me])) this.announcer.update(s, t, powersOf(s).isManager);
  }

  /** The mini player in the preserved #player region: visible while browsing other pages. */
  private renderPlayer(s: RoomState, l: LocalState) {
    const player = document.getElementById('player');
    if (!player) return;
    const onRoomPage = document.getElementById('room')?.dataset.roomId === s.roomId;
    let bar = player.querySelector<HTMLElement>('.player-bar');
    if (!this.changed('player', [s.title, s.final, s.recording, l.audio, onRoomPage]) && bar) return;
    bar ??= player.appendChild(el('div', { class: 'player-bar' }));
    bar.hidden = onRoomPage || l.audio === 'off' || !!s.final;
    const label = this.t('room.recording.label');
    const rec = s.recording ? el('span', { class: 'rec', role: 'img', 'aria-label': label, title: label }, el('span', { class: 'rec-dot', 'aria-hidden': 'true' }), this.t('room.recording.rec')) : null;
    bar.replaceChildren(el('a', { href: `/r/${s.roomId}` }, '🔊 ', s.title), ...(rec ? [' ', rec] : []), ' ', el('button', { type: 'button', onclick: () => this.actions.leave() }, this.t('room.leave')));
    // Links built here are not known to htmx: without this, following one reloads the page (and stops the audio).
    (window as unknown as { htmx?: { process(e: Element): void } }).htmx?.process(bar);
  }

  private changed(part: string, inputs: unknown[]): boolean {
    const before = this.last.get(part);
    if (before && before.length === inputs.length && before.every((v, i) => v === inputs[i])) return false;
    this.last.set(part, inputs);
    return true;
  }
}

/**
 * A part redrawn under the keyboard's focus keeps it: on the same control (same words) if it is still
 * there, else on the control now at its place ("Listen" gone: the next one), never lost to the page.
 */
function keepFocus(box: HTMLElement, redraw: () => void) {
  const focused = document.activeElement;
  if (!(focused instanceof HTMLElement) || !box.contains(focused) || focused === box) return redraw();
  const controls = () => [...box.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea')];
  const index = controls().indexOf(focused);
  const label = focused.textContent;
  redraw();
  if (box.contains(document.activeElement)) return;
  const now = controls();
  const target = now.find((c) => c.textContent === label && label) ?? now[Math.min(Math.max(index, 0), now.length - 1)];
  target?.focus({ preventScroll: true });
}
