// Live rooms follow what happens to accounts at once: a revoked session, a suspension or a host's
// block puts the person out of the room (socket closed with a named code, media closed), not
// only at their next join.
import type { AccountEvents } from '../../accounts/account-events';
import type { LiveRooms } from './live-rooms';

export function enforceAccountChanges(events: AccountEvents, live: LiveRooms): void {
  events.subscribe((event) => {
    switch (event.type) {
      case 'sessionsEnded': {
        const ended = new Set(event.sessionIds);
        for (const room of live.all()) room.expelSessions(ended);
        break;
      }
      case 'accountSuspended':
        for (const room of live.all()) {
          if (room.room.host_id === event.userId) room.hostSuspended();
          if (room.state.status === 'live') room.expelUser(event.userId, 'suspended');
        }
        break;
      case 'userBlocked':
        for (const room of live.all()) if (room.room.host_id === event.blockerId) room.expelUser(event.blockedId, 'blocked');
        break;
    }
  });
}
