// Who is audible in a room and who dominates, from the primary router's audio-level and
// active-speaker observers. Everyone gets `speaking` (only when it changes) and `dominantSpeaker`;
// local observers (the recorder's speaker timeline) get the same list.
import type { types } from 'mediasoup';
import type { RoomBroadcaster } from '../rooms/live/room-broadcaster';

export class SpeakingWatch {
  private lastSpeaking = '';

  private constructor(
    private readonly audioLevels: types.AudioLevelObserver,
    private readonly activeSpeaker: types.ActiveSpeakerObserver,
    private readonly broadcaster: RoomBroadcaster,
    private readonly observers: ReadonlySet<(ids: string[]) => void>,
  ) {
    audioLevels.on('volumes', (volumes) => this.speaking(volumes.map((v) => v.producer.appData.peerId as string)));
    audioLevels.on('silence', () => this.speaking([]));
    // The dominant speaker (the one to put forward in the UI), distinct from everyone audible.
    activeSpeaker.on('dominantspeaker', ({ producer }) => broadcaster.toAll({ type: 'dominantSpeaker', id: producer.appData.peerId as string }));
  }

  static async open(router: types.Router, broadcaster: RoomBroadcaster, observers: ReadonlySet<(ids: string[]) => void>): Promise<SpeakingWatch> {
    const audioLevels = await router.createAudioLevelObserver({ maxEntries: 13, threshold: -60, interval: 400 });
    const activeSpeaker = await router.createActiveSpeakerObserver({ interval: 300 });
    return new SpeakingWatch(audioLevels, activeSpeaker, broadcaster, observers);
  }

  /** Without this the room only loses its speaking indicator for the producer: the caller warns and goes on. */
  async add(producerId: string): Promise<void> {
    await this.audioLevels.addProducer({ producerId });
    await this.activeSpeaker.addProducer({ producerId });
  }

  private speaking(ids: string[]) {
    const key = ids.sort().join(',');
    if (key === this.lastSpeaking) return;
    this.lastSpeaking = key;
    this.broadcaster.toAll({ type: 'speaking', ids });
    for (const observer of this.observers) observer(ids);
  }
}
