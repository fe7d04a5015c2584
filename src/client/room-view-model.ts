// What the views read besides the room itself: this browser's own settings and connection, the
// actions a click may call, and who may do what (derived once, shared by the views).
import type { ClientMessage } from '../realtime/client-messages';
import type { PublicParticipant } from '../rooms/live/room.model';
import type { ConnectionState } from './room-connection';
import type { RoomState } from './room-state';

export interface LocalState {
  connection: ConnectionState;
  audio: 'off' | 'starting' | 'on';
  /** Shown on request to managers; null when hidden. */
  listenerList: PublicParticipant[] | null;
  musicMode: boolean;
  /** Microphones the browser offers (labels appear once permission was given). */
  microphones: { deviceId: string; label: string }[];
  microphoneId: string | null;
  /** 0..1, kept here so a rebuilt slider shows the volume in use. */
  volume: number;
  /** The instance lets hosts record (the page says so); the server decides anyway. */
  recordingAllowed: boolean;
  /** A clip was asked for and its answer has not come yet (the button waits). */
  clipping: boolean;
}

export interface Actions {
  /** Sends a client message (a click's request; the server decides). */
  send(message: ClientMessage, confirm?: string): void;
  listen(): void;
  leave(): void;
  toggleListeners(): void;
  setVolume(volume: number): void;
  setMusicMode(on: boolean): void;
  chooseMicrophone(deviceId: string): void;
  /** Clips the last 30 s of the recording (an HTTP request; the server's clip setting decides). */
  clip(): void;
}

export type T = (key: string, params?: Record<string, string | number>) => string;

export function powersOf(s: RoomState) {
  const isManager = s.me?.role === 'host' || s.me?.role === 'cohost';
  return {
    isManager,
    hostPowers: s.me?.role === 'host' || (!!s.me && s.actingHostId === s.me.id),
    /** An instance admin listening: may remove people and end the room, nothing else. */
    moderatorOnly: !!s.me?.moderator && !isManager,
  };
}

/**
 * On stage in a recorded room without having accepted the recording: the page asks first, and the
 * microphone stays off until they accept (the server would refuse it anyway).
 */
export function needsRecordingConsent(s: RoomState): boolean {
  return s.recording && !s.final && !!s.me && s.me.role !== 'listener' && !s.me.recordingConsent;
}

/** The ref Record / Stop recording carry, so their refusals get recording-specific texts. */
export const recordingRef = 'recording';
/**
 * The ref consents carry. Their refusals are not shown: consent is refused only when it is moot (the
 * recording stopped meanwhile) or when the command sent with it fails too, and that one says why.
 */
export const consentRef = 'recordingConsent';

export function actionButton(a: Actions, label: string, message: ClientMessage, opts: { danger?: boolean; primary?: boolean; confirm?: string } = {}): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  if (opts.danger) button.className = 'danger';
  else if (opts.primary) button.className = 'primary';
  button.textContent = label;
  button.addEventListener('click', () => a.send(message, opts.confirm));
  return button;
}
