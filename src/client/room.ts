// The room page's client: server messages go through the pure reducer (room-state.ts) and then
// their effects (audio, toasts) run here; the view redraws only what changed. It plays the room's
// audio and sends the microphone of people on stage. The client survives htmx-boosted navigation
// (the audio element lives in the preserved #player region), so a person keeps listening while
// browsing other Salon pages.
import type { ClientMessage } from '../realtime/client-messages';
import { closeCodes, type ServerMessage } from '../rooms/live/protocol';
import { reactionEmojis, type PublicParticipant, type ReactionEmoji } from '../rooms/live/room.model';
import { el } from './dom';
import { mediaAbilities, MediaUnsupported } from './media-device';
import { bindSelfTest } from './network-self-test';
import { ListenOverHls, RoomAudio, musicModeKey } from './room-audio';
import { RoomHls } from './room-hls';
import { RoomConnection } from './room-connection';
import { PendingRequests, errorText } from './room-requests';
import { initialRoomState, reduceRoom, socketClosed, type RoomState } from './room-state';
import { RoomView, type LocalState } from './room-view';
import { consentRef, needsRecordingConsent, recordingRef } from './room-view-model';
import { clearNowPlaying, nowPlayingOf, setActions, setPlaybackState, showNowPlaying, type NowPlaying } from './media-session';

const isReactionEmoji = (value: string | undefined): value is ReactionEmoji => (reactionEmojis as readonly (string | undefined)[]).includes(value);

declare global {
  interface Window {
    salonRoom?: RoomClient;
  }
}

class RoomClient {
  private room: RoomState;
  private readonly local: LocalState;
  private strings: Record<string, string>;
  private readonly connection: RoomConnection;
  private readonly audio: RoomAudio;
  private readonly requests: PendingRequests;
  private readonly view: RoomView;
  private left = false;
  private nowPlaying: NowPlaying | null = null;
  private mediaActions = false;
  /** Live HLS, for listeners whose WebRTC cannot connect or whose room's WebRTC listeners are full. */
  private readonly hls: RoomHls;
  /** The socket was refused (or never connected): the page is a plain HLS player. */
  private degraded = false;
  private socketFailures = 0;

  constructor(root: HTMLElement) {
    this.strings = JSON.parse(root.dataset.strings ?? '{}');
    const title = document.querySelector('.room-head h1')?.textContent ?? '';
    this.room = initialRoomState(root.dataset.roomId!, title, Number(document.getElementById('listener-count')?.textContent ?? 0));
    this.local = {
      connection: 'connecting',
      audio: 'off',
      listenerList: null,
      musicMode: localStorage.getItem(musicModeKey) === 'on',
      microphones: [],
      microphoneId: null,
      volume: 1,
      recordingAllowed: root.dataset.recordingAllowed !== 'no',
      clipping: false,
    };
    this.view = new RoomView((k, p) => this.t(k, p), this.actions());
    this.requests = new PendingRequests(
      (m) => this.connection.send(m),
      (m) => this.errorText(m),
    );
    const player = document.getElementById('player') ?? document.body;
    this.audio = new RoomAudio(
      (m) => this.requests.request(m),
      { problem: (key) => this.toast(this.t(key), 8000), state: (s) => this.setLocal({ audio: s }), webrtcFailed: () => void this.switchToHls() },
      player,
    );
    this.hls = new RoomHls(`/r/${this.room.roomId}/live.m3u8`, root.dataset.hlsPlayer ?? '/static/hls-player.js', {
      stopped: (reason) => {
        if (reason === 'failed') this.toast(this.t('insecure.audioFailed'), 8000);
        this.audio.listening = false;
        this.setLocal({ audio: 'off' });
      },
    });
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.connection = new RoomConnection(`${scheme}://${location.host}/r/${this.room.roomId}/ws`, {
      state: (state, code) => {
        if (state === 'connected') this.socketFailures = -Infinity; // it worked once: reconnections are blips
        if (state === 'reconnecting') this.socketFailures++;
        // Refused (too many connections from this network) or never reachable: listen over HLS, no socket.
        if (code === closeCodes.tooManyConnections || this.socketFailures >= 3) return this.degrade();
        this.room = socketClosed(this.room, code);
        if (state === 'reconnecting') this.audio.reset(); // its transports died with the socket
        if (this.room.final) {
          this.audio.close();
          this.hls.stop();
        }
        this.setLocal({ connection: state });
      },
      message: (m) => void this.onMessage(m),
    });
    this.attach(root);
    this.connection.open();
    // "waiting N s" in the hand queue moves on by itself.
    setInterval(() => this.room.hands.length && (this.view.invalidate('hands'), this.render()), 5000);
  }

  /** The room as this page knows it (tests read `state.me`). */
  get state(): RoomState {
    return this.room;
  }

  /** The room page was (re)displayed, e.g. after browsing away and back. */
  attach(root: HTMLElement) {
    this.strings = JSON.parse(root.dataset.strings ?? '{}');
    this.local.recordingAllowed = root.dataset.recordingAllowed !== 'no';
    showInsecureNotice(root);
    this.nowPlaying = nowPlayingOf(root);
    root.querySelector('#reactions')?.addEventListener('click', (e) => {
      const emoji = (e.target as HTMLElement).closest<HTMLElement>('[data-emoji]')?.dataset.emoji;
      if (isReactionEmoji(emoji)) this.connection.send({ type: 'react', emoji });
    });
    this.view.invalidate(); // new page, new elements
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
    this.hls.stop();
    clearNowPlaying(['play', 'pause', 'stop']);
    this.mediaActions = false;
    document.querySelector('#player .player-bar')?.remove();
    if (window.salonRoom === this) window.salonRoom = undefined;
  }

  get roomId() {
    return this.room.roomId;
  }

  private t(key: string, params: Record<string, string | number> = {}) {
    return Object.entries(params).reduce((text, [k, v]) => text.replaceAll(`{${k}}`, String(v)), this.strings[key] ?? key);
  }

  /**
   * An audio failure in words: the server's refusals come translated (PendingRequests), a browser or
   * library error (mediasoup-client's UnsupportedError, InvalidStateError, a DOMException) never
   * reaches the person as such.
   */
  private audioErrorText(error: unknown): string {
    if (error instanceof MediaUnsupported || (error as Error)?.name === 'UnsupportedError') return this.t('insecure.unsupported');
    const e = error as Error;
    if (e instanceof Error && e.name === 'Error' && e.message && e.message !== 'timeout') return e.message; // the server's words
    console.warn('room audio failed', error);
    return this.t('insecure.audioFailed');
  }

  private errorText(m: Extract<ServerMessage, { type: 'error' }>): string {
    return errorText(this.strings, m);
  }

  private render() {
    const notice = document.getElementById('hls-notice');
    if (notice) notice.hidden = !this.hls.active || !!this.room.final;
    if (this.degraded) return this.renderDegraded();
    this.view.render(this.room, this.local);
    this.syncMediaSession();
  }

  /**
   * The lock screen and OS media controls: the room's title, host and artwork while its audio is on,
   * play/pause (the streams stay; the elements pause) and stop (leave the room); the state in step.
   */
  private syncMediaSession() {
    if (this.left) return;
    if (this.local.audio === 'off') {
      if (this.mediaActions) clearNowPlaying(['play', 'pause', 'stop']);
      this.mediaActions = false;
      return;
    }
    if (this.nowPlaying) showNowPlaying({ ...this.nowPlaying, title: this.room.title || this.nowPlaying.title });
    if (!this.mediaActions) {
      this.mediaActions = true;
      setActions({
        play: () => {
          if (!this.audio.listening) void this.startAudio();
          this.audio.setPaused(false);
          this.hls.setPaused(false);
          this.render();
        },
        pause: () => {
          this.audio.setPaused(true);
          this.hls.setPaused(true);
          this.render();
        },
        stop: () => {
          this.leave();
          if (document.getElementById('room')) location.href = '/';
        },
      });
    }
    setPlaybackState(this.local.audio === 'on' && this.audio.paused ? 'paused' : 'playing');
  }

  private setLocal(change: Partial<LocalState>) {
    Object.assign(this.local, change);
    this.render();
  }

  private actions() {
    return {
      send: (message: ClientMessage, confirm?: string) => {
        if (confirm && !window.confirm(confirm)) return;
        this.connection.send(message);
        if (message.type === 'mute') this.audio.setMuted(true); // at once locally; the server pauses the producer too
      },
      listen: () => void this.startAudio(),
      leave: () => {
        this.leave();
        if (document.getElementById('room')) location.href = '/';
      },
      toggleListeners: () => void this.toggleListeners(),
      setVolume: (volume: number) => {
        this.local.volume = volume; // no redraw: the slider already shows it
        this.audio.setVolume(volume);
        this.hls.setVolume(volume);
      },
      setMusicMode: (on: boolean) => {
        localStorage.setItem(musicModeKey, on ? 'on' : 'off');
        this.setLocal({ musicMode: on });
        if (this.audio.hasMicrophone && this.room.me) void this.startMicrophone();
      },
      chooseMicrophone: (deviceId: string) => {
        this.setLocal({ microphoneId: deviceId });
        void this.startMicrophone();
      },
      clip: () => void this.clip(),
    };
  }

  private async startAudio() {
    if (this.degraded) return void this.startHls();
    const me = this.room.me;
    const onStage = !!me && me.role !== 'listener';
    if (this.hls.active) {
      if (!onStage) return; // listening over HLS already
      this.hls.stop(); // moved on stage: WebRTC both ways
    }
    try {
      await this.audio.listen({ onStage });
      if (onStage) await this.startMicrophone();
    } catch (error) {
      if (error instanceof ListenOverHls) return this.switchToHls();
      this.toast(this.audioErrorText(error), 8000);
      this.setLocal({ audio: 'off' });
    }
  }

  /**
   * WebRTC cannot connect here, or the room's WebRTC listeners are full: listen to the room's live HLS
   * instead (a few seconds behind). The socket stays: stage, reactions and counts as before; the
   * server closes this person's transports and counts them as an HLS listener.
   */
  private async switchToHls() {
    const me = this.room.me;
    if ((me && me.role !== 'listener') || this.hls.active || this.room.final || !this.audio.listening) return;
    this.audio.reset();
    this.connection.send({ type: 'listenOverHls' });
    await this.startHls();
  }

  private async startHls() {
    this.audio.listening = true;
    this.setLocal({ audio: 'starting' });
    try {
      await this.hls.start(document.getElementById('player') ?? document.body, this.local.volume);
      if (this.hls.active) this.setLocal({ audio: 'on' });
    } catch (error) {
      console.warn('live HLS failed', error);
      this.hls.stop();
      this.audio.listening = false;
      this.toast(this.t('insecure.audioFailed'), 8000);
      this.setLocal({ audio: 'off' });
    }
  }

  /** No socket (refused or unreachable): a plain player of the room's live HLS, with its title and a Listen button. */
  private degrade() {
    if (this.degraded) return;
    this.degraded = true;
    this.connection.close();
    this.audio.reset();
    this.setLocal({ connection: 'closed' });
  }

  private renderDegraded() {
    const controls = document.getElementById('room-controls');
    if (controls && controls.dataset.degraded !== this.local.audio) {
      controls.dataset.degraded = this.local.audio;
      const row = [
        this.local.audio === 'off'
          ? el('button', { type: 'button', class: 'primary listen', onclick: () => void this.startHls() }, this.t('room.listen'))
          : el('p', { class: 'connection' }, this.t('hls.listening')),
      ];
      controls.replaceChildren(el('p', { class: 'notice' }, this.t('hls.noSocket')), el('div', { class: 'actions' }, ...row));
    }
    const reactions = document.getElementById('reactions');
    if (reactions) reactions.hidden = true;
  }

  /** Sends the microphone, unless the room is recorded and they have not accepted it (yet). */
  private async startMicrophone() {
    if (!this.room.me || this.room.me.role === 'listener' || needsRecordingConsent(this.room)) return;
    let started: boolean;
    try {
      // Checked again once the microphone is ready: recording may have started meanwhile.
      started = await this.audio.startMicrophone(this.room.me.muted, this.local.microphoneId ?? undefined, () => !needsRecordingConsent(this.room));
    } catch (error) {
      // Refused because recording started while it was sent: the dialog asks; no error to show.
      if (!needsRecordingConsent(this.room)) throw error;
      this.audio.stopMicrophone();
      return;
    }
    if (started) {
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
      this.setLocal({ microphones: devices.filter((d) => d.kind === 'audioinput').map((d) => ({ deviceId: d.deviceId, label: d.label })) });
    }
  }

  private async onMessage(m: ServerMessage) {
    if (this.requests.settle(m)) return;
    const before = this.room;
    this.room = reduceRoom(before, m);
    this.render();
    await this.effects(m, before, this.room);
  }

  /** What a message does besides changing the room: audio, microphone, toasts. */
  private async effects(m: ServerMessage, before: RoomState, after: RoomState) {
    const aboutMe = 'id' in m && !!after.me && m.id === after.me.id;
    switch (m.type) {
      case 'snapshot':
        if (this.hls.active) this.connection.send({ type: 'listenOverHls' }); // a new socket: the server counts this page on HLS again
        else if (this.audio.listening) void this.startAudio(); // back after a blip: rebuild the audio
        return;
      case 'roleChanged':
        if (!aboutMe) return;
        if (m.role !== 'listener' && this.hls.active) return void this.startAudio(); // on stage: WebRTC both ways
        if (m.role === 'listener') this.audio.stopMicrophone();
        else if (before.me?.role === 'listener' && this.audio.listening) void this.startMicrophone();
        return;
      case 'muteChanged':
        if (aboutMe) this.audio.setMuted(m.muted);
        return;
      case 'recordingChanged':
        this.toast(this.t(recordingNotice(m, after.me?.id)), 6000);
        // Recorded now and I have not accepted: my microphone stops until I do (the dialog asks). Muted
        // too, so the server pauses what it still holds of it and the room sees I am silent.
        if (needsRecordingConsent(after)) {
          this.audio.stopMicrophone();
          if (!after.me!.muted) this.connection.send({ type: 'mute' });
        } else if (!m.recording && needsRecordingConsent(before)) this.resumeMicrophone(); // the question is moot
        return;
      case 'recordingConsented':
        if (aboutMe) this.resumeMicrophone();
        return;
      case 'newConsumer':
        return this.audio.consume(m).catch((e: unknown) => this.toast(this.audioErrorText(e)));
      case 'consumerClosed':
        return this.audio.consumerClosed(m.consumerId);
      case 'mediaReset':
        this.audio.reset();
        if (this.audio.listening) void this.startAudio();
        return;
      case 'reactions':
        return this.showReactions(m.counts);
      case 'removed':
      case 'roomEnded':
        this.hls.stop();
        return this.audio.close();
      case 'error':
        if (m.ref === consentRef || m.code === 'tooManyConnections') return; // the page becomes a plain HLS player instead // moot, or the command sent with it reports its own refusal
        return this.toast(m.ref === recordingRef ? (this.strings[`room.recording.error.${m.code}`] ?? this.errorText(m)) : this.errorText(m));
    }
  }

  /** On stage and listening, without a microphone going out (it waited for a consent): start it. */
  private resumeMicrophone() {
    const me = this.room.me;
    if (me && me.role !== 'listener' && this.audio.listening && !this.audio.hasMicrophone) void this.startMicrophone();
  }

  /**
   * Clips the last 30 s over HTTP (no navigation: the room keeps playing), then a toast links to the
   * clip. A refusal (the host's clip setting, too many clips) is shown in the person's language.
   */
  private async clip() {
    if (this.local.clipping) return;
    this.setLocal({ clipping: true });
    try {
      const csrf = csrfHeader();
      const res = await fetch(`/r/${this.room.roomId}/clips`, {
        method: 'POST',
        headers: { accept: 'application/json', ...csrf },
        body: new URLSearchParams({ _csrf: csrf['X-CSRF-Token'] ?? '' }), // the form's fields (an empty body is no form)
      });
      const answer = (await res.json().catch(() => null)) as { url?: string; shareUrl?: string; error?: string; code?: string } | null;
      if (res.ok && answer?.url) this.clipReady(answer.url, answer.shareUrl ?? `${location.origin}${answer.url}`);
      else this.toast((answer?.code && this.strings[`clip.error.${answer.code}`]) || answer?.error || this.t('clip.failed'), 6000);
    } catch {
      this.toast(this.t('clip.failed'), 6000);
    } finally {
      this.setLocal({ clipping: false });
    }
  }

  /** "Clip ready — Open · Copy link": Open is an htmx-boosted link, so the room audio goes on playing. */
  private clipReady(url: string, shareUrl: string) {
    const copy = el('button', { type: 'button', class: 'link' }, this.t('clip.copyLink'));
    copy.addEventListener('click', () => {
      navigator.clipboard.writeText(shareUrl).then(
        () => (copy.textContent = this.t('clip.copied')),
        // No clipboard (permissions, plain http): the link to copy by hand, selected.
        () => {
          const field = el('input', { type: 'text', readonly: true, value: shareUrl, 'aria-label': this.t('clip.copyLink') });
          copy.replaceWith(field);
          field.select();
        },
      );
    });
    const node = this.toast([`✂ ${this.t('clip.ready')} — `, el('a', { href: url, class: 'clip-link' }, this.t('clip.open')), ' · ', copy], 15_000);
    node.classList.add('clip-toast');
    (window as unknown as { htmx?: { process(e: Element): void } }).htmx?.process(node);
  }

  private async toggleListeners() {
    let list: PublicParticipant[] | null = null;
    if (!this.local.listenerList) {
      const res = await fetch(`/r/${this.room.roomId}/listeners`, { headers: { accept: 'application/json' } });
      list = res.ok ? ((await res.json()) as { listeners: PublicParticipant[] }).listeners : [];
    }
    this.setLocal({ listenerList: list });
  }

  private showReactions(counts: Partial<Record<string, number>>) {
    const burst = document.getElementById('reaction-burst');
    if (!burst) return;
    for (const [emoji, count = 1] of Object.entries(counts)) {
      const node = el('span', { class: 'burst' }, count > 1 ? `${emoji}×${count}` : emoji);
      burst.append(node);
      setTimeout(() => node.remove(), 2500);
    }
  }

  private toast(content: string | (Node | string)[], ms = 4000): HTMLElement {
    for (const older of document.querySelectorAll('body > .toast')) older.remove(); // the newest says what matters now; they would overlap
    const node = el('p', { class: 'toast', role: 'status' }, ...(typeof content === 'string' ? [content] : content));
    document.body.append(node);
    setTimeout(() => node.remove(), ms);
    return node;
  }
}

/**
 * A page the browser does not treat as secure (plain http on another machine): it says at once what
 * works (listening) and what does not (the microphone), before anyone clicks.
 */
function showInsecureNotice(root: HTMLElement) {
  const notice = root.querySelector<HTMLElement>('#insecure-notice');
  const abilities = mediaAbilities();
  if (!notice || abilities.canSpeak) return;
  notice.hidden = false;
  notice.querySelector<HTMLElement>('[data-when="listen"]')!.hidden = !abilities.canListen;
  notice.querySelector<HTMLElement>('[data-when="no-listen"]')!.hidden = abilities.canListen;
}

/** htmx's CSRF header from the page (the body's hx-headers), for the client's own POSTs. */
function csrfHeader(): Record<string, string> {
  try {
    return JSON.parse(document.body.getAttribute('hx-headers') ?? '{}');
  } catch {
    return {};
  }
}

/** What a recording start or stop says to each person. */
function recordingNotice(m: Extract<ServerMessage, { type: 'recordingChanged' }>, myId: string | undefined): string {
  if (m.recording) return m.by !== null && m.by === myId ? 'room.recording.youStarted' : 'room.recording.started';
  if (m.reason === 'quota') return 'room.recording.stoppedQuota';
  if (m.reason === 'failed') return 'room.recording.stoppedFailed';
  return 'room.recording.stopped';
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
// The admin's connectivity self-test (/admin/network) uses the same audio code.
const selfTest = document.getElementById('self-test');
if (selfTest) bindSelfTest(selfTest);
