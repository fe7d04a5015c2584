// What a screen reader hears of the room, in one polite live region (visually hidden): who comes on
// or leaves the stage, a newly raised hand (for those who manage the stage), the room's end. Never
// the speaking rings or the listener count, which change far too often to be read out; changes that
// come together are said together, once.
import { el } from './dom';
import type { RoomState } from './room-state';
import type { T } from './room-view-model';

export class RoomAnnouncer {
  private stage: Map<string, string> | null = null;
  private hands: Set<string> | null = null;
  private final: string | null = null;
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Compares with the room as last seen; the first call only takes note (nothing to announce). */
  update(s: RoomState, t: T, managesStage: boolean): void {
    this.region(); // exists before anything is written to it, or it may not be read
    const stage = new Map(s.stage.map((p) => [p.id, p.name]));
    const hands = new Set(s.hands.map((h) => h.id));
    if (this.stage) {
      for (const [id, name] of stage) if (!this.stage.has(id) && id !== s.me?.id) this.say(t('a11y.onStage', { name }));
      for (const [id, name] of this.stage) if (!stage.has(id) && id !== s.me?.id && !s.final) this.say(t('a11y.leftStage', { name }));
    }
    if (this.hands && managesStage) for (const h of s.hands) if (!this.hands.has(h.id)) this.say(t('a11y.handRaised', { name: h.name }));
    if (s.final && s.final !== this.final) this.say(t(`room.${s.final}`));
    this.stage = stage;
    this.hands = hands;
    this.final = s.final;
  }

  private say(text: string) {
    this.pending.push(text);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const region = this.region();
      if (region) region.textContent = this.pending.splice(0).join(' ');
    }, 500);
  }

  private region(): HTMLElement | null {
    const existing = document.getElementById('room-announcer');
    if (existing) return existing;
    const room = document.getElementById('room');
    return room ? room.appendChild(el('div', { id: 'room-announcer', class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })) : null;
  }
}
