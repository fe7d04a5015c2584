// The audio side of every live room: a MediaRoom is opened when a room starts and closed when it ends.
import type { Logger } from '../log';
import type { LiveRoom } from '../rooms/live/live-room';
import type { LiveRooms } from '../rooms/live/live-rooms';
import { RoomError } from '../rooms/live/room.model';
import { MediaRoom } from './media-room';
import type { MediaWorkerPool } from './worker-pool';

export class MediaRooms {
  private readonly rooms = new Map<string, MediaRoom>();

  constructor(
    live: LiveRooms,
    private readonly pool: MediaWorkerPool,
    private readonly log: Logger,
    private readonly routerListenerLimit: number,
  ) {
    live.startObservers.add((room) => this.open(room));
  }

  private async open(live: LiveRoom): Promise<void> {
    const media = await MediaRoom.create(live, this.pool, this.log, this.routerListenerLimit);
    this.rooms.set(live.id, media);
    live.eventObservers.add((event) => {
      if (event.type === 'roomEnded') this.rooms.delete(live.id);
    });
  }

  get(roomId: string): MediaRoom {
    const room = this.rooms.get(roomId);
    if (!room || room.closed) throw new RoomError('ended', 'This room has no audio (it has ended)');
    return room;
  }

  find(roomId: string): MediaRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Listeners receiving over WebRTC now, in every room. */
  webrtcListeners(): number {
    let count = 0;
    for (const room of this.rooms.values()) if (!room.closed) count += room.webrtcListeners();
    return count;
  }
}
