// The room page's client: keeps the stage, counts and hand queue live from the server's events,
// plays the room's audio and sends the microphone of people on stage. The client survives
// htmx-boosted navigation (the audio element lives in the preserved #player region), so a person
// keeps listening while browsing other Salon pages.
import { RoomAudio, musicModeKey } from './room-audio';
import { RoomConnection } from './room-connection';
import { renderRoom, type Hand, type Me, type ViewState } from './room-view';
import type { PublicParticipant } from '../rooms/live/room.model';
import { el } from './dom';
import { closeCodes } from '../rooms/live/protocol';

/** What the page says when the server closed the room socket for good. */
const finalMessageKeys: Record<number, string> = {
  [closeCodes.ended]: 'room.ended',
  [closeCodes.removed]: 'room.removed',
  [closeCodes.signedOut]: 'room.signedOut',
  [closeCodes.suspended]: 'room.suspended',
  [closeCodes.tooManyConnections]: 'room.tooManyConnections',
};

declare global {
  interface Window {
    salonRoom?: RoomClient;
  }
}

class RoomClient {
  readonly state: ViewState;
  private strings: Record<string, string>;
  private readonly connection: RoomConnection;
  private readonly audio: RoomAudio;
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextRef = 1;
  private left = false;

  constructor(root: HTMLElement) {
    this.strings = JSON.parse(root.dataset.strings ?? '{}');
    this.state = {
      roomId: root.dataset.roomId!,
      title: document.querySelector('.room-head h1')?.textContent ?? '',
      me: null,
      stage: [],
      hands: [],
      listenerCount: Number(document.getElementById('listener-count')?.textContent ?? 0),
      actingHostId: null,
      speakPolicy: 'anyone',
      speaking: new Set(),
      status: this.t('room.connecting'),
      finalMessage: null,
      audio: 'off',
      listenerList: null,
      musicMode: localStorage.getItem(musicModeKey) === 'on',
      microphones: [],
      microphoneId: null,
      dominantSpeaker: null,
    };
    const player = document.getElementById('player') ?? document.body;
    this.audio = new RoomAudio((m) => this.request(m), { problem: (key) => this.toast(this.t(key)), state: (s) => ((this.state.audio = s), this.render()) }, player);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.connection = new RoomConnection(`${scheme}://${location.host}/r/${this.state.roomId}/ws`, {
      state: (state, code) => {
        this.state.status = this.t(`room.${state === 'closed' ? 'connecting' : state}`);
        const finalKey = code === undefined ? undefined : finalMessageKeys[code];
        if (finalKey) this.state.finalMessage ??= this.t(finalKey);
        if (state === 'reconnecting') this.audio.reset(); // its transports died with the socket
        if (this.state.finalMessage) this.audio.close();
        this.render();
      },
      message: (m) => void this.onMessage(m),
    });
    this.attach(root);
    this.connection.open();
    setInterval(() => this.state.hands.length && this.render(), 5000);
  }

  /** The room page was (re)displayed, e.g. after browsing away and back. */
  attach(root: HTMLElement) {
    this.strings = JSON.parse(root.dataset.strings ?? '{}');
    root.querySelector('#reactions')?.addEventListener('click', (e) => {
      const emoji = (e.target as HTMLElement).closest<HTMLElement>('[data-emoji]')?.dataset.emoji;
      if (emoji) this.connection.send({ type: 'react', emoji });
    });
    this.render();
  }

  /** After htmx swapped the page (player bar shown or hidden). */
  refresh() {
    this.render();
  }

  leave() {
    if (this.left) return;
    this.left = true;
    this.connection.send({ type: 'leave' }); // frees the seat now, not after the 30 s reconnection window
    this.connection.close();
    this.audio.close();
    document.querySelector('#player .player-bar')?.remove();
    if (window.salonRoom === this) window.salonRoom = undefined;
  }

  get roomId() {
    return this.state.roomId;
  }

  private t(key: string, params: Record<string, string | number> = {}) {
    return Object.entries(params).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, String(v)), this.strings[key] ?? key);
  }

  /** A request that expects an answer (audio signalling). */
  private request(message: Record<string, unknown>): Promise<any> {
    const ref = `m${this.nextRef++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { resolve, reject });
      this.connection.send({ ...message, ref });
      setTimeout(() => this.pending.get(ref) && (this.pending.delete(ref), reject(new Error('timeout'))), 10_000);
    });
  }

  private render() {
    renderRoom(this.state, (k, p) => this.t(k, p), {
      send: (message, confirm) => {
        if (confirm && !window.confirm(confirm)) return;
        this.connection.send(message);
        // Mute at once locally; the server pauses the producer too.
        if ((message as { type: string }).type === 'mute') this.audio.setMuted(true);
      },
      listen: () => void this.startAudio(),
      leave: () => {
        this.leave();
        if (document.getElementById('room')) location.href = '/';
      },
      toggleListeners: () => void this.toggleListeners(),
      setVolume: (v) => this.audio.setVolume(v),
      setMusicMode: (on) => {
        localStorage.setItem(musicModeKey, on ? 'on' : 'off');
        this.state.musicMode = on;
        if (this.audio.hasMicrophone && this.state.me) void this.startMicrophone();
      },
      chooseMicrophone: (deviceId) => {
        this.state.microphoneId = deviceId;
        void this.startMicrophone();
      },
    });
  }

  private async startAudio() {
    try {
      await this.audio.listen();
      const me = this.state.me;
      if (me && me.role !== 'listener') await this.startMicrophone();
    } catch (error) {
      this.state.audio = 'off';
      this.toast((error as Error).message);
      this.render();
    }
  }

  private async startMicrophone() {
    if (!this.state.me) return;
    if (await this.audio.startMicrophone(this.state.me.muted, this.state.microphoneId ?? undefined)) {
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
      this.state.microphones = devices.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId, label: d.label }));
      this.render();
    }
  }

  private async onMessage(m: any) {
    const s = this.state;
    if ((m.type === 'mediaReply' || m.type === 'error') && m.ref && this.pending.has(m.ref)) {
      const waiter = this.pending.get(m.ref)!;
      this.pending.delete(m.ref);
      if (m.type === 'mediaReply') waiter.resolve(m.data);
      else waiter.reject(new Error(m.message));
      return;
    }
    switch (m.type) {
      case 'snapshot': {
        const wasListening = this.audio.listening;
        s.me = m.you as Me;
        s.stage = m.stage;
        s.listenerCount = m.listenerCount;
        s.actingHostId = m.actingHostId;
        s.hands = (m.hands ?? []) as Hand[];
        s.speakPolicy = m.room.speakPolicy;
        s.title = m.room.title;
        if (wasListening) void this.startAudio(); // back after a blip: rebuild the audio
        break;
      }
      case 'participantJoined':
        if (m.participant.role !== 'listener') s.stage = [...s.stage.filter((p) => p.id !== m.participant.id), m.participant];
        break;
      case 'participantLeft':
      case 'participantRemoved':
        s.stage = s.stage.filter((p) => p.id !== m.id);
        s.hands = s.hands.filter((h) => h.id !== m.id);
        break;
      case 'roleChanged':
        s.stage = s.stage.filter((p) => p.id !== m.id);
        if (m.role !== 'listener' && m.participant) s.stage.push(m.participant as PublicParticipant);
        if (s.me && m.id === s.me.id) {
          const wasOnStage = s.me.role !== 'listener';
          Object.assign(s.me, { role: m.role, muted: m.muted, pendingInvite: null, handRaised: false });
          if (m.role === 'listener') this.audio.stopMicrophone();
          else if (!wasOnStage && this.audio.listening) void this.startMicrophone();
        }
        break;
      case 'muteChanged':
        s.stage = s.stage.map((p) => (p.id === m.id ? { ...p, muted: m.muted } : p));
        if (s.me && m.id === s.me.id) {
          s.me.muted = m.muted;
          this.audio.setMuted(m.muted);
        }
        break;
      case 'connectionChanged':
        s.stage = s.stage.map((p) => (p.id === m.id ? { ...p, connected: m.connected } : p));
        break;
      case 'handRaised':
        s.hands = [...s.hands.filter((h) => h.id !== m.id), { id: m.id, name: m.name, handle: m.handle, raisedAt: m.raisedAt }];
        if (s.me && m.id === s.me.id) s.me.handRaised = true;
        break;
      case 'handLowered':
        s.hands = s.hands.filter((h) => h.id !== m.id);
        if (s.me && m.id === s.me.id) s.me.handRaised = false;
        break;
      case 'handQueue':
        s.hands = m.hands;
        break;
      case 'invited':
        if (s.me && m.id === s.me.id) s.me.pendingInvite = m.as;
        break;
      case 'actingHostChanged':
        s.actingHostId = m.id;
        break;
      case 'listenerCount':
        s.listenerCount = m.count;
        break;
      case 'speaking':
        s.speaking = new Set(m.ids);
        break;
      case 'dominantSpeaker':
        s.dominantSpeaker = m.id;
        break;
      case 'newConsumer':
        await this.audio.consume(m).catch((e) => this.toast(e.message));
        return;
      case 'consumerClosed':
        this.audio.consumerClosed(m.consumerId);
        return;
      case 'mediaReset':
        this.audio.reset();
        if (this.audio.listening) void this.startAudio();
        return;
      case 'reactions':
        this.showReactions(m.counts);
        return;
      case 'removed':
        s.finalMessage = this.t('room.removed');
        this.audio.close();
        break;
      case 'roomEnded':
        s.finalMessage = this.t('room.ended');
        this.audio.close();
        break;
      case 'error':
        this.toast(m.message);
        return;
      default:
        return;
    }
    this.render();
  }

  private async toggleListeners() {
    if (this.state.listenerList) this.state.listenerList = null;
    else {
      const res = await fetch(`/r/${this.state.roomId}/listeners`, { headers: { accept: 'application/json' } });
      this.state.listenerList = res.ok ? (await res.json()).listeners : [];
    }
    this.render();
  }

  private showReactions(counts: Record<string, number>) {
    const burst = document.getElementById('reaction-burst');
    if (!burst) return;
    for (const [emoji, count] of Object.entries(counts)) {
      const node = el('span', { class: 'burst' }, count > 1 ? `${emoji}×${count}` : emoji);
      burst.append(node);
      setTimeout(() => node.remove(), 2500);
    }
  }

  private toast(text: string) {
    const node = el('p', { class: 'toast', role: 'status' }, text);
    document.body.append(node);
    setTimeout(() => node.remove(), 4000);
  }
}

// Runs on every room page display, including htmx-boosted navigation back to it.
if (!window.salonRoom) document.addEventListener('htmx:afterSettle', () => window.salonRoom?.refresh());
const root = document.getElementById('room');
if (root?.dataset.live === 'yes') {
  const current = window.salonRoom;
  if (current && current.roomId === root.dataset.roomId) current.attach(root);
  else {
    current?.leave();
    window.salonRoom = new RoomClient(root);
  }
}
