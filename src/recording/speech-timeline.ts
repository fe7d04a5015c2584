// Who spoke when, on the recording clock, from the room's audio levels. Each stretch of speech is
// written when it ends; merging short pauses into chapters happens when the replay is built.
import type { RecordingSpeech } from '../db/schema';

export interface Speaker {
  id: string;
  userId: number | null;
  name: string;
}

export class SpeechTimeline {
  private readonly open = new Map<string, { speaker: Speaker; start: number }>();

  constructor(
    private readonly recordingId: string,
    private readonly write: (rows: RecordingSpeech[]) => void,
  ) {}

  /** The audible speakers now (`at`: the recording clock); speakers missing from `speakers` stop. */
  update(speakers: Speaker[], at: number): void {
    const audible = new Set(speakers.map((s) => s.id));
    const ended: RecordingSpeech[] = [];
    for (const [id, stretch] of this.open) {
      if (audible.has(id)) continue;
      this.open.delete(id);
      if (at > stretch.start) ended.push(this.row(stretch.speaker, stretch.start, at));
    }
    for (const speaker of speakers) if (!this.open.has(speaker.id)) this.open.set(speaker.id, { speaker, start: at });
    this.write(ended);
  }

  /** Recording paused or ended: every open stretch ends now. */
  closeAll(at: number): void {
    this.update([], at);
  }

  private row(speaker: Speaker, start: number, end: number): RecordingSpeech {
    return { recording_id: this.recordingId, participant_id: speaker.id, user_id: speaker.userId, name: speaker.name, start_ms: start, end_ms: end };
  }
}
