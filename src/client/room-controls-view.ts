// The person's own controls: connection state, invitation, listen/hand/mute/leave buttons and
// audio settings. Rebuilt only when one of those inputs changes (see RoomView), so the volume
// slider keeps its value and focus while the room goes on around it.
import { el } from './dom';
import type { RoomState } from './room-state';
import { actionButton, consentRef, powersOf, recordingRef, type Actions, type LocalState, type T } from './room-view-model';

/** What the controls depend on: the view compares these to decide whether to rebuild. */
export const controlsInputs = (s: RoomState, l: LocalState) => [s.me, s.final, s.speakPolicy, s.actingHostId, s.recording, l.connection, l.audio, l.microphones, l.microphoneId, l.musicMode, l.recordingAllowed, l.clipping];

export function renderControls(box: HTMLElement, s: RoomState, l: LocalState, t: T, a: Actions): void {
  if (!s.me || s.final) {
    // The final message stands in the status line; nothing is left to do here.
    box.replaceChildren(...(s.final ? [] : [el('p', { class: 'connection' }, t(`room.${l.connection === 'closed' ? 'connecting' : l.connection}`))]));
    return;
  }
  const me = s.me;
  const { isManager, hostPowers } = powersOf(s);
  const items: HTMLElement[] = [el('p', { class: 'connection' }, t(`room.${l.connection === 'closed' ? 'connecting' : l.connection}`))];
  if (me.pendingInvite) items.push(invitation(s, t, a));
  const row: HTMLElement[] = [];
  if (l.audio === 'off') row.push(el('button', { type: 'button', class: 'primary listen', onclick: () => a.listen() }, t('room.listen')));
  if (me.role === 'listener') {
    if (me.anonymous) row.push(el('span', { class: 'hint' }, t('room.signInToTakePart')));
    else if (s.speakPolicy === 'anyone') row.push(me.handRaised ? actionButton(a, t('room.lowerHand'), { type: 'lowerHand' }) : actionButton(a, t('room.raiseHand'), { type: 'raiseHand' }));
  } else {
    row.push(me.muted ? actionButton(a, t('room.unmute'), { type: 'unmute' }, { primary: true }) : actionButton(a, t('room.mute'), { type: 'mute' }));
    if (me.role !== 'host') row.push(actionButton(a, t('room.leaveStage'), { type: 'leaveStage' }));
  }
  if (isManager) row.push(actionButton(a, t('room.muteAll'), { type: 'muteAll' }));
  if (hostPowers && (l.recordingAllowed || s.recording)) row.push(recordButton(s.recording, t, a));
  if (s.recording && !me.anonymous) row.push(clipButton(l.clipping, t, a));
  if (hostPowers || me.moderator) row.push(actionButton(a, t('room.end'), { type: 'end' }, { danger: true, confirm: t('room.endConfirm') }));
  row.push(el('button', { type: 'button', onclick: () => a.leave() }, t('room.leave')));
  items.push(el('div', { class: 'actions' }, ...row));
  if (l.audio !== 'off') items.push(audioSettings(s, l, t, a));
  box.replaceChildren(...items);
}

/**
 * An invitation on stage. In a recorded room it says so, and accepting is also consenting: the
 * consent goes first, so the server never seats them unconsented (the microphone may start at once).
 */
function invitation(s: RoomState, t: T, a: Actions) {
  const me = s.me!;
  const recorded = s.recording && !me.recordingConsent;
  const accept = el('button', { type: 'button', class: 'primary' }, t('room.accept'));
  accept.addEventListener('click', () => {
    if (s.recording && !me.recordingConsent) a.send({ type: 'consentToRecording', ref: consentRef });
    a.send({ type: 'acceptInvite' });
  });
  return el(
    'div',
    { class: `invitation notice${recorded ? ' recorded' : ''}`, role: 'alert' },
    el('span', {}, t(me.pendingInvite === 'cohost' ? 'room.invitedToCohost' : 'room.invitedToSpeak')),
    recorded ? el('strong', { class: 'recorded-notice' }, el('span', { class: 'rec-dot', 'aria-hidden': 'true' }), t('room.recording.inviteNotice')) : null,
    el('span', { class: 'actions' }, accept, actionButton(a, t('room.decline'), { type: 'declineInvite' })),
  );
}

/** The host's one-click Record / Stop recording (everyone's REC follows the server's event). */
function recordButton(recording: boolean, t: T, a: Actions) {
  const button = el(
    'button',
    { type: 'button', class: recording ? 'record on' : 'record' },
    el('span', { class: 'rec-dot', 'aria-hidden': 'true' }),
    t(recording ? 'room.recording.stop' : 'room.recording.start'),
  );
  button.addEventListener('click', () => a.send({ type: recording ? 'stopRecording' : 'startRecording', ref: recordingRef }));
  return button;
}

/** Anyone signed in may ask for a clip of the last 30 s while the room is recorded; the host's setting decides on the server. */
function clipButton(clipping: boolean, t: T, a: Actions) {
  return el('button', { type: 'button', class: 'clip-button', title: t('clip.makeHint'), disabled: clipping, 'aria-busy': clipping ? 'true' : undefined, onclick: () => a.clip() }, '✂ ', t(clipping ? 'clip.making' : 'clip.make'));
}

function audioSettings(s: RoomState, l: LocalState, t: T, a: Actions) {
  const onStage = !!s.me && s.me.role !== 'listener';
  return el(
    'div',
    { class: 'audio-settings' },
    el('label', {}, t('room.volume'), ' ', volumeSlider(l.volume, a)),
    onStage && l.microphones.length > 1 ? el('label', {}, t('room.microphone'), ' ', microphoneSelect(l, a)) : null,
    onStage ? el('label', { class: 'check' }, checkbox(l.musicMode, (on) => a.setMusicMode(on)), ' ', t('room.musicMode')) : null,
  );
}

function microphoneSelect(l: LocalState, a: Actions) {
  const select = el('select', {}, ...l.microphones.map((m) => el('option', { value: m.deviceId, selected: m.deviceId === l.microphoneId }, m.label || m.deviceId.slice(0, 8))));
  select.addEventListener('change', () => a.chooseMicrophone(select.value));
  return select;
}

function volumeSlider(volume: number, a: Actions) {
  const input = el('input', { type: 'range', min: '0', max: '1', step: '0.05', value: String(volume) });
  input.addEventListener('input', () => a.setVolume(Number(input.value)));
  return input;
}

function checkbox(checked: boolean, onChange: (on: boolean) => void) {
  const input = el('input', { type: 'checkbox', checked });
  input.addEventListener('change', () => onChange(input.checked));
  return input;
}
