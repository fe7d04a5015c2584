// Live HLS in the browser (static/build/hls-player.js, its own bundle: hls.js is large and only
// listeners who fall back to HLS need it). Safari plays the playlist natively; elsewhere hls.js
// (its light build: no subtitles, alternate audio or DRM) feeds the <audio> element through
// MediaSource. The room page loads it on demand:
//   const { attachHls } = (await import('/static/hls-player.js')) as typeof import('./hls-player');
// or imports it directly (then hls.js is bundled into room.js).
import Hls from 'hls.js/light';

export interface HlsPlayback {
  /** 'hls.js' or the browser's own player ('native'). */
  readonly engine: 'hls.js' | 'native';
  /** Stops loading and detaches from the element. */
  destroy(): void;
}

export interface AttachHlsOptions {
  /** The playlist ended (#EXT-X-ENDLIST reached: the room ended). */
  onEnded?: () => void;
  /** A fatal error hls.js could not recover from (after its own retries). */
  onFatalError?: (details: string) => void;
}

/** Plays a live playlist (e.g. `/r/<id>/live.m3u8`) in `audio`, a few seconds behind live. */
export function attachHls(audio: HTMLMediaElement, url: string, options: AttachHlsOptions = {}): HlsPlayback {
  const ended = () => options.onEnded?.();
  audio.addEventListener('ended', ended);
  if (!Hls.isSupported() && audio.canPlayType('application/vnd.apple.mpegurl')) {
    audio.src = url;
    void audio.play().catch(() => {}); // autoplay refused: the page's play button starts it
    return {
      engine: 'native',
      destroy() {
        audio.removeEventListener('ended', ended);
        audio.removeAttribute('src');
        audio.load();
      },
    };
  }
  const hls = new Hls({
    enableWorker: false, // the page's CSP allows no blob: workers; demuxing ~1 s of AAC is cheap
    // Segments are 1 s. Play 1.5 s behind the newest segment: the next one is listed within a second, so
    // half a second is left for fetching it (about 2.5 s behind the room in all). A stall moves the
    // target back by 1 s at most (hls.js's liveSyncOnStallIncrease); past 5 s behind, it jumps ahead.
    liveSyncDuration: 1.5,
    liveMaxLatencyDuration: 5,
    maxBufferLength: 10,
    backBufferLength: 10,
    manifestLoadingMaxRetry: 6,
    levelLoadingMaxRetry: 6,
    fragLoadingMaxRetry: 6,
  });
  let mediaErrorsRecovered = 0;
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaErrorsRecovered++ < 3) return hls.recoverMediaError();
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR && data.response?.code !== 404 && data.response?.code !== 403) return hls.startLoad();
    options.onFatalError?.(data.details);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, () => void audio.play().catch(() => {}));
  hls.loadSource(url);
  hls.attachMedia(audio);
  return {
    engine: 'hls.js',
    destroy() {
      audio.removeEventListener('ended', ended);
      hls.destroy();
    },
  };
}
