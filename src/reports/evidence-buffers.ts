// A rolling evidence buffer for every live room while the instance keeps evidence (evidenceSeconds
// > 0) and ffmpeg is installed. Rings live under <dataDir>/evidence/live/<roomId>; whatever a crash
// left there is deleted at start-up (it was never evidence of anything: no report held it).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { MediaRooms } from '../media/media-rooms';
import type { LiveRoom } from '../rooms/live/live-room';
import type { LiveRooms } from '../rooms/live/live-rooms';
import type { SettingsService } from '../settings/settings.service';
import { EvidenceBuffer } from './evidence-buffer';

export interface EvidenceBuffersDeps {
  log: Logger;
  live: LiveRooms;
  media: MediaRooms;
  settings: SettingsService;
  dataDir: string;
  ffmpeg: string;
  now(): number;
}

export const evidenceDir = (dataDir: string) => join(dataDir, 'evidence');

export class EvidenceBuffers {
  private readonly buffers = new Map<string, EvidenceBuffer>();
  private readonly ffmpegFound: boolean;

  constructor(private readonly deps: EvidenceBuffersDeps) {
    this.ffmpegFound = !!Bun.which(deps.ffmpeg);
    rmSync(join(evidenceDir(deps.dataDir), 'live'), { recursive: true, force: true });
    // Registered after the media plane's observer: the room's MediaRoom exists when this runs.
    deps.live.startObservers.add((room) => this.roomStarted(room));
  }

  get(roomId: string): EvidenceBuffer | undefined {
    const buffer = this.buffers.get(roomId);
    return buffer && !buffer.isClosed ? buffer : undefined;
  }

  private roomStarted(room: LiveRoom) {
    if (this.deps.settings.get().evidenceSeconds <= 0 || !this.ffmpegFound) return;
    const media = this.deps.media.find(room.id);
    if (!media) return;
    const buffer = new EvidenceBuffer(room, media, {
      log: this.deps.log,
      ffmpeg: this.deps.ffmpeg,
      dir: join(evidenceDir(this.deps.dataDir), 'live', room.id),
      seconds: () => this.deps.settings.get().evidenceSeconds,
      now: this.deps.now,
    });
    this.buffers.set(room.id, buffer);
    room.eventObservers.add((event) => {
      if (event.type !== 'roomEnded') return;
      this.buffers.delete(room.id);
      void buffer.close().catch((error) => this.deps.log.warn('could not clear a room evidence buffer', { room: room.id, error }));
    });
  }
}
