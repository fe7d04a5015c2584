// The Media Session API: what plays (room or replay title, host, artwork) on the lock screen and in
// the OS media controls, the actions they offer, and whether it plays. Does nothing where the
// browser has no navigator.mediaSession.

export interface NowPlaying {
  title: string;
  artist: string;
  artwork: string;
}

/** Title, host and artwork from a room or replay page (h1, "hosted by" link, data-artwork). */
export function nowPlayingOf(root: HTMLElement): NowPlaying {
  return {
    title: root.querySelector('h1')?.textContent?.trim() ?? document.title,
    artist: root.querySelector('.hosted-by a')?.textContent?.trim() ?? '',
    artwork: root.dataset.artwork || '/static/icon-512.png',
  };
}

const supported = () => typeof navigator !== 'undefined' && 'mediaSession' in navigator;

export function showNowPlaying(playing: NowPlaying) {
  if (!supported() || typeof MediaMetadata === 'undefined') return;
  const current = navigator.mediaSession.metadata;
  if (current && current.title === playing.title && current.artist === playing.artist && current.artwork[0]?.src === new URL(playing.artwork, location.href).href) return;
  const type = /\.png(\?|$)/.test(playing.artwork) ? 'image/png' : /\.webp(\?|$)/.test(playing.artwork) ? 'image/webp' : /\.jpe?g(\?|$)/.test(playing.artwork) ? 'image/jpeg' : undefined;
  navigator.mediaSession.metadata = new MediaMetadata({
    title: playing.title,
    artist: playing.artist,
    album: document.querySelector('.brand')?.textContent?.trim() ?? '',
    artwork: [{ src: new URL(playing.artwork, location.href).href, sizes: '512x512', ...(type ? { type } : {}) }],
  });
}

export function setActions(handlers: Partial<Record<MediaSessionAction, MediaSessionActionHandler | null>>) {
  if (!supported()) return;
  for (const [action, handler] of Object.entries(handlers)) {
    try {
      navigator.mediaSession.setActionHandler(action as MediaSessionAction, handler ?? null);
    } catch {
      // An action this browser does not know.
    }
  }
}

export function setPlaybackState(state: MediaSessionPlaybackState) {
  if (supported() && navigator.mediaSession.playbackState !== state) navigator.mediaSession.playbackState = state;
}

/** Position for a seekable replay (lock-screen scrubber). */
export function setPosition(duration: number, position: number, playbackRate: number) {
  if (!supported() || !navigator.mediaSession.setPositionState || !(duration > 0) || !Number.isFinite(duration)) return;
  try {
    navigator.mediaSession.setPositionState({ duration, position: Math.min(Math.max(0, position), duration), playbackRate: playbackRate || 1 });
  } catch {
    // Inconsistent values for a moment (metadata loading): next update fixes it.
  }
}

/** The page no longer plays anything: metadata, actions and state cleared. */
export function clearNowPlaying(actions: MediaSessionAction[]) {
  if (!supported()) return;
  navigator.mediaSession.metadata = null;
  setActions(Object.fromEntries(actions.map((a) => [a, null])));
  setPlaybackState('none');
}
