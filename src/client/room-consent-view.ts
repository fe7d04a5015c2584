// The recording notice for someone already on stage when the room becomes recorded (or seated
// without having accepted it): a modal dialog, since their microphone stays off until they choose.
// "Stay" consents (the room client then starts the microphone), "Leave" steps down to the listeners.
// It lives in the preserved #player region, so it follows the person while they browse other pages.
import { el } from './dom';
import type { RoomState } from './room-state';
import { consentRef, needsRecordingConsent, type Actions, type T } from './room-view-model';

const dialogId = 'recording-consent';

/** What the dialog depends on: the view compares these to decide whether to redraw it. */
export const consentInputs = (s: RoomState) => [needsRecordingConsent(s), s.me];

/** True when the dialog is up but no longer modal (htmx moved the preserved region): redraw it. */
export const consentDisplaced = () => !!document.querySelector(`#${dialogId}:not(:modal)`);

export function renderConsent(s: RoomState, t: T, a: Actions): void {
  const container = document.getElementById('player') ?? document.body;
  let dialog = document.getElementById(dialogId) as HTMLDialogElement | null;
  if (!needsRecordingConsent(s)) {
    if (dialog?.open) dialog.close();
    dialog?.remove();
    return;
  }
  if (!dialog) {
    dialog = build(t, a);
    container.append(dialog);
  }
  // Redrawn because the room changed (e.g. back after a reconnection): a lost choice may be made again.
  for (const button of dialog.querySelectorAll('button')) button.disabled = false;
  // Not modal any more when htmx moved the preserved region during a navigation: show it again.
  if (!dialog.matches(':modal')) {
    if (dialog.open) dialog.close();
    dialog.showModal();
  }
}

function build(t: T, a: Actions): HTMLDialogElement {
  const choose = (then: () => void) => () => {
    // One choice: the dialog goes when the server's answer changes the room state.
    for (const button of dialog.querySelectorAll('button')) button.disabled = true;
    then();
  };
  const dialog = el(
    'dialog',
    { id: dialogId, class: 'consent', 'aria-labelledby': `${dialogId}-title`, 'aria-describedby': `${dialogId}-text` },
    el('h2', { id: `${dialogId}-title` }, el('span', { class: 'rec-dot', 'aria-hidden': 'true' }), t('room.recording.consentTitle')),
    el('p', { id: `${dialogId}-text` }, t('room.recording.consentText')),
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', class: 'primary', onclick: choose(() => a.send({ type: 'consentToRecording', ref: consentRef })) }, t('room.recording.consentStay')),
      el('button', { type: 'button', onclick: choose(() => a.send({ type: 'leaveStage' })) }, t('room.recording.consentLeave')),
    ),
  );
  // Escape does not dismiss it: the microphone would stay off with nothing saying why.
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  return dialog;
}
