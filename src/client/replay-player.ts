// The replay page's player (static/build/replay-player.js): a waveform from peaks.json that seeks on
// click, play/pause, speed, chapters that jump, a share link at the current time, a clip of the 30 s
// before the current time, and one play count per page view. Without it the page's <audio controls> still plays.

import { formatClock, formatShareTime } from '../recording/replay/replay-time';
import { nowPlayingOf, setActions, setPlaybackState, setPosition, showNowPlaying } from './media-session';

interface PlayerStrings {
  'replay.play': string;
  'replay.pause': string;
  'replay.copyLink': string;
  'replay.copied': string;
}

/** The page's own formats (replay-time.ts renders the same on the server), from seconds. */
const clock = (seconds: number) => formatClock(seconds * 1000);
const shareTime = (seconds: number) => formatShareTime(seconds * 1000);

function csrfHeader(): Record<string, string> {
  try {
    return JSON.parse(document.body.getAttribute('hx-headers') ?? '{}');
  } catch {
    return {};
  }
}

function drawWaveform(canvas: HTMLCanvasElement, peaks: number[], progress: number) {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const width = (canvas.width = canvas.clientWidth * devicePixelRatio || canvas.width);
  const height = (canvas.height = canvas.clientHeight * devicePixelRatio || canvas.height);
  ctx.clearRect(0, 0, width, height);
  const bars = Math.min(peaks.length, Math.floor(width / (2 * devicePixelRatio))) || 1;
  const barWidth = width / bars;
  const styles = getComputedStyle(canvas);
  for (let i = 0; i < bars; i++) {
    const from = Math.floor((i * peaks.length) / bars);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / bars));
    let peak = 0;
    for (let j = from; j < to; j++) peak = Math.max(peak, peaks[j] ?? 0);
    const h = Math.max(devicePixelRatio, peak * height);
    ctx.fillStyle = i / bars < progress ? styles.getPropertyValue('--wave-played') || '#6d4aff' : styles.getPropertyValue('--wave') || '#b9b3cc';
    ctx.fillRect(i * barWidth, (height - h) / 2, Math.max(1, barWidth - devicePixelRatio), h);
  }
}

function startReplayPlayer(root: HTMLElement) {
  if (root.dataset.playerReady) return;
  root.dataset.playerReady = 'yes';
  const roomId = root.dataset.roomId!;
  const strings = JSON.parse(root.dataset.strings ?? '{}') as PlayerStrings;
  const audio = root.querySelector<HTMLAudioElement>('#replay-audio')!;
  const controls = root.querySelector<HTMLElement>('#replay-controls')!;
  const toggle = root.querySelector<HTMLButtonElement>('#replay-toggle')!;
  const time = root.querySelector<HTMLElement>('#replay-time')!;
  const wave = root.querySelector<HTMLElement>('#replay-waveform')!;
  const canvas = wave.querySelector('canvas')!;
  const shareButton = root.querySelector<HTMLButtonElement>('#replay-share')!;
  const shareUrl = root.querySelector<HTMLInputElement>('#replay-share-url')!;
  const durationMs = Number(root.dataset.durationMs ?? 0);
  let peaks: number[] = [];
  let counted = false;

  const duration = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : durationMs / 1000);
  const render = () => {
    toggle.textContent = audio.paused ? strings['replay.play'] : strings['replay.pause'];
    time.textContent = `${clock(audio.currentTime)} / ${clock(duration())}`;
    canvas.setAttribute('aria-valuenow', String(Math.floor(audio.currentTime)));
    if (peaks.length) drawWaveform(canvas, peaks, audio.currentTime / duration());
  };
  const seek = (seconds: number) => {
    audio.currentTime = Math.max(0, Math.min(seconds, duration()));
    render();
  };

  controls.hidden = false;
  const start = Number(root.dataset.startMs ?? 0) / 1000;
  if (start > 0) {
    if (audio.readyState >= 1) seek(start);
    else audio.addEventListener('loadedmetadata', () => audio.currentTime < start - 0.5 && seek(start), { once: true });
  }

  toggle.addEventListener('click', () => (audio.paused ? void audio.play() : audio.pause()));
  for (const button of root.querySelectorAll<HTMLButtonElement>('.replay-speed')) {
    button.addEventListener('click', () => {
      audio.playbackRate = Number(button.dataset.rate);
      for (const other of root.querySelectorAll('.replay-speed')) other.setAttribute('aria-pressed', String(other === button));
    });
  }
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a.chapter')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      seek(Number(link.dataset.startMs) / 1000);
      void audio.play();
    });
  }
  canvas.addEventListener('click', (event) => {
    const box = canvas.getBoundingClientRect();
    seek(((event.clientX - box.left) / box.width) * duration());
  });
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowRight') seek(audio.currentTime + 10);
    else if (event.key === 'ArrowLeft') seek(audio.currentTime - 10);
    else return;
    event.preventDefault();
  });
  shareButton.addEventListener('click', async () => {
    const url = `${location.origin}/r/${roomId}?t=${shareTime(audio.currentTime)}`;
    // Where the browser has the Web Share API (phones): its share sheet, at the current time; else copy.
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ url, title: document.title });
        return;
      } catch (error) {
        if ((error as Error).name === 'AbortError') return;
      }
    }
    shareUrl.value = url;
    shareUrl.hidden = false;
    shareUrl.select();
    try {
      await navigator.clipboard.writeText(url);
      shareButton.textContent = strings['replay.copied'];
      setTimeout(() => (shareButton.textContent = strings['replay.copyLink']), 2000);
    } catch {
      // No clipboard (permissions, http): the selected field is there to copy by hand.
    }
  });
  // The clip form takes the player's position (from the first second on; before that, the page's own
  // value). Capture phase: runs before htmx's boosted submit reads the form.
  root.addEventListener(
    'submit',
    (event) => {
      const form = (event.target as HTMLElement).closest<HTMLFormElement>('form.clip-form');
      const button = form?.querySelector<HTMLButtonElement>('button');
      if (!form || !button) return;
      if (button.disabled) {
        event.preventDefault(); // one clip per click
        event.stopImmediatePropagation();
        return;
      }
      const position = Math.round(audio.currentTime * 1000);
      const field = form.querySelector<HTMLInputElement>('input[name="t"]');
      if (field && position >= 1000) field.value = String(position);
      setTimeout(() => (button.disabled = true)); // after the form's values were read
    },
    true,
  );
  root.addEventListener('htmx:afterRequest', () => {
    for (const button of root.querySelectorAll<HTMLButtonElement>('form.clip-form button')) button.disabled = false;
  });
  for (const event of ['play', 'pause', 'timeupdate', 'durationchange', 'ratechange']) audio.addEventListener(event, render);
  // Lock screen and OS media controls: title, host, artwork; play/pause and seeking; state in step.
  const syncSession = () => {
    setPlaybackState(audio.paused ? 'paused' : 'playing');
    setPosition(duration(), audio.currentTime, audio.playbackRate);
  };
  audio.addEventListener('play', () => {
    showNowPlaying(nowPlayingOf(root));
    setActions({
      play: () => void audio.play(),
      pause: () => audio.pause(),
      seekto: (details) => details.seekTime !== undefined && seek(details.seekTime),
      seekbackward: (details) => seek(audio.currentTime - (details.seekOffset ?? 10)),
      seekforward: (details) => seek(audio.currentTime + (details.seekOffset ?? 10)),
    });
  });
  for (const event of ['play', 'pause', 'seeked', 'durationchange', 'ratechange']) audio.addEventListener(event, syncSession);
  audio.addEventListener('play', () => {
    if (counted) return;
    counted = true;
    void fetch(`/r/${roomId}/replay/played`, { method: 'POST', headers: { accept: 'application/json', ...csrfHeader() } })
      .then((res) => (res.ok ? res.json() : null))
      .then((answer: { plays: number } | null) => {
        const plays = root.querySelector('#replay-plays');
        if (answer && plays) plays.textContent = plays.textContent!.replace(/\d+(?:[.,\u202f\u00a0]\d+)*/, String(answer.plays));
      })
      .catch(() => undefined);
  });
  addEventListener('resize', render);
  void fetch(`/r/${roomId}/replay/peaks.json`)
    .then((res) => (res.ok ? res.json() : null))
    .then((data: { peaks?: number[] } | null) => {
      if (!data?.peaks?.length) return;
      peaks = data.peaks;
      wave.hidden = false;
      render();
    })
    .catch(() => undefined);
  render();
}

function startAll() {
  const root = document.getElementById('replay');
  if (root) startReplayPlayer(root);
}
startAll();
document.addEventListener('htmx:load', startAll);
