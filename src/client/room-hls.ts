// Listening over live HLS (issue 15), when WebRTC cannot connect or the room's WebRTC listeners are
// full: one <audio> element plays /r/<id>/live.m3u8 a few seconds behind live. hls.js comes in its
// own bundle (/static/hls-player.js), loaded only by the listeners who need it.
import type { HlsPlayback } from './hls-player';

export interface HlsEvents {
  /** The playlist ended (the room ended) or could not be played. */
  stopped(reason: 'ended' | 'failed'): void;
}

export class RoomHls {
  readonly element: HTMLAudioElement;
  private playback: HlsPlayback | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly playlistUrl: string,
    private readonly playerUrl: string,
    private readonly events: HlsEvents,
  ) {
    this.element = document.createElement('audio');
    this.element.id = 'hls-audio';
  }

  get active(): boolean {
    return this.playback !== null || this.starting !== null;
  }

  /** Starts playing in `container` (the preserved #player region), once. */
  start(container: HTMLElement, volume: number): Promise<void> {
    if (this.playback) return Promise.resolve();
    this.starting ??= (async () => {
      if (!this.element.isConnected) container.append(this.element);
      this.element.volume = volume;
      const { attachHls } = (await import(this.playerUrl)) as typeof import('./hls-player');
      if (!this.starting) return; // stopped while loading
      this.playback = attachHls(this.element, this.playlistUrl, {
        onEnded: () => this.stop('ended'),
        onFatalError: () => this.stop('failed'),
      });
    })().finally(() => (this.starting = null));
    return this.starting;
  }

  setPaused(paused: boolean) {
    if (paused) this.element.pause();
    else void this.element.play().catch(() => {});
  }

  setVolume(volume: number) {
    this.element.volume = volume;
  }

  /** Stops loading and removes the element; `reason` tells the page why, when it was not asked. */
  stop(reason?: 'ended' | 'failed') {
    const wasActive = this.active;
    this.starting = null;
    this.playback?.destroy();
    this.playback = null;
    this.element.remove();
    if (wasActive && reason) this.events.stopped(reason);
  }
}
