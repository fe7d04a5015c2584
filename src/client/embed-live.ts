// The embed player's live mode (/embed/<room id>, part of static/build/share.js): one click plays the
// room's live HLS (/r/<id>/live.m3u8, a few seconds behind) through the HLS bundle (hls.js), loaded on
// that click. When it cannot play (sign-in required, no HLS, an error), the "Listen on <instance>" link
// beside it opens the room page.
import type { HlsPlayback } from './hls-player';

export function enhanceLiveEmbed(root: ParentNode = document) {
  const audio = root.querySelector<HTMLAudioElement>('audio.embed-live');
  const button = root.querySelector<HTMLButtonElement>('.embed-play');
  if (!audio || !button || button.dataset.ready) return;
  button.dataset.ready = 'yes';
  button.hidden = false;
  const status = root.querySelector<HTMLElement>('.embed-status');
  let playback: HlsPlayback | null = null;
  const say = (text: string | undefined) => {
    if (status) status.textContent = text ?? '';
  };
  button.addEventListener('click', async () => {
    if (playback) {
      if (audio.paused) void audio.play().catch(() => {});
      else audio.pause();
      return;
    }
    button.disabled = true;
    say(button.dataset.connecting);
    try {
      const { attachHls } = (await import(audio.dataset.hlsPlayer!)) as typeof import('./hls-player');
      playback = attachHls(audio, audio.dataset.playlist!, {
        onEnded: () => say(button.dataset.ended),
        onFatalError: () => say(button.dataset.failed),
      });
      await audio.play().catch(() => {});
    } catch {
      say(button.dataset.failed);
    } finally {
      button.disabled = false;
    }
  });
  audio.addEventListener('playing', () => {
    say('');
    button.textContent = button.dataset.pause ?? '❚❚';
  });
  audio.addEventListener('pause', () => (button.textContent = button.dataset.play ?? '▶'));
}
