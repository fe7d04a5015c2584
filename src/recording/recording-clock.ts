// The recording's own timeline: it runs only while recording is on, so a stretch the host did not
// record takes no room in the replay. Wall-clock instants map onto it.
export class RecordingClock {
  private accumulated = 0;
  private since: number | null = null;

  get running() {
    return this.since !== null;
  }

  resume(now: number) {
    this.since ??= now;
  }

  pause(now: number) {
    if (this.since === null) return;
    this.accumulated += now - this.since;
    this.since = null;
  }

  /** Milliseconds of recording at the wall-clock instant `now`. */
  at(now: number): number {
    return this.accumulated + (this.since === null ? 0 : Math.max(0, now - this.since));
  }
}
