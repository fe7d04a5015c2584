// Host moderation in live rooms goes to the audit log: removals, mutes, mute all, moves to the
// listeners, the end, recording on and off (from the room's commands), and blocks a host makes
// against someone in their live room (from the account events, before the block puts them out).
import type { AccountEvents } from '../accounts/account-events';
import type { CommandDone, LiveRoom } from '../rooms/live/live-room';
import type { LiveRooms } from '../rooms/live/live-rooms';
import type { Participant } from '../rooms/live/room.model';
import { auditActionNames as A, type AuditActor, type AuditLog, type AuditTarget } from './audit-log';

const actions: Partial<Record<CommandDone['command']['type'], string>> = {
  remove: A.roomRemove,
  muteSpeaker: A.roomMute,
  muteAll: A.roomMuteAll,
  moveToListeners: A.roomMoveToListeners,
  end: A.roomEnd,
  startRecording: A.roomStartRecording,
  stopRecording: A.roomStopRecording,
};

export function auditLiveRooms(live: LiveRooms, events: AccountEvents, audit: Pick<AuditLog, 'record'>): void {
  live.startObservers.add((room) => {
    room.commandObservers.add((done) => recordCommand(room, done, audit));
  });
  // Subscribed before the live rooms' own enforcement (services.ts): the blocked person is still in the room here.
  events.subscribe((event) => {
    if (event.type !== 'userBlocked') return;
    for (const room of live.all()) {
      if (room.room.host_id !== event.blockerId) continue;
      const target = room.state.get(`u:${event.blockedId}`);
      if (!target) continue;
      const host = room.state.get(`u:${event.blockerId}`);
      void audit.record({
        actor: { id: event.blockerId, name: host?.handle ?? `#${event.blockerId}`, role: 'host' },
        action: A.roomBlock,
        target: participantTarget(target),
        roomId: room.id,
        details: { role: target.role },
      });
    }
  });
}

function recordCommand(room: LiveRoom, done: CommandDone, audit: Pick<AuditLog, 'record'>) {
  const action = actions[done.command.type];
  const actor = done.actor;
  if (!action || !actor) return;
  const details: Record<string, unknown> = {};
  let previous: unknown;
  if (done.command.type === 'muteAll') details.muted = done.events.filter((e) => e.type === 'muteChanged').map((e) => ('id' in e ? e.id : null));
  if (done.target) {
    previous = done.command.type === 'muteSpeaker' ? { muted: done.target.muted } : { role: done.target.role };
  }
  if (done.command.type === 'startRecording' || done.command.type === 'stopRecording') previous = { recording: done.command.type === 'stopRecording' };
  void audit.record({
    actor: actorOf(room, actor),
    action,
    target: done.target ? participantTarget(done.target) : { type: 'room', id: room.id, name: room.room.title },
    roomId: room.id,
    previous,
    details: Object.keys(details).length ? details : undefined,
  });
}

function actorOf(room: LiveRoom, p: Participant): AuditActor {
  const role = p.role === 'host' ? 'host' : p.role === 'cohost' ? 'cohost' : p.moderator ? 'moderator' : 'host';
  return { id: p.userId, name: p.handle ?? p.name, role: p.userId === room.room.host_id ? 'host' : role };
}

function participantTarget(p: Participant): AuditTarget {
  return p.userId === null ? { type: 'participant', id: p.id, name: p.name } : { type: 'user', id: p.userId, name: p.handle ?? p.name };
}
