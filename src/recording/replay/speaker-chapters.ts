// The speaker timeline as chapters: consecutive stretches of one speaker separated by pauses under
// 2 s are merged; what is left shorter than 1 s is dropped (a cough is not a chapter).
export interface SpeechStretch {
  participant_id: string;
  user_id: number | null;
  name: string;
  start_ms: number;
  end_ms: number;
}

export interface Chapter {
  participantId: string;
  userId: number | null;
  name: string;
  startMs: number;
  endMs: number;
}

export const mergeGapMs = 2000;
export const minChapterMs = 1000;

export function speakerChapters(speech: readonly SpeechStretch[], window: { startMs: number; endMs: number | null } = { startMs: 0, endMs: null }): Chapter[] {
  const sorted = [...speech].sort((a, b) => a.start_ms - b.start_ms || a.end_ms - b.end_ms);
  const merged: Chapter[] = [];
  for (const s of sorted) {
    const last = merged.at(-1);
    if (last && last.participantId === s.participant_id && s.start_ms - last.endMs < mergeGapMs) {
      last.endMs = Math.max(last.endMs, s.end_ms);
      continue;
    }
    merged.push({ participantId: s.participant_id, userId: s.user_id, name: s.name, startMs: s.start_ms, endMs: s.end_ms });
  }
  // Times on the replay's own timeline (after the trim), inside it.
  const end = window.endMs ?? Infinity;
  return merged
    .filter((c) => c.endMs - c.startMs >= minChapterMs)
    .filter((c) => c.endMs > window.startMs && c.startMs < end)
    .map((c) => ({ ...c, startMs: Math.max(0, c.startMs - window.startMs), endMs: Math.min(end, c.endMs) - window.startMs }));
}
