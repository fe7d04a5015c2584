// One live room at runtime: the state machine plus its sockets, timers, broadcasts and history.
// Clients ask, the room decides (RoomState), then tells the people concerned.
import type { Db } from '../../db/connection';
import type { Room } from '../../db/schema';
import type { Logger } from '../../log';
import { closeCodes, type Hand, type RoomSnapshot } from './protocol';
import { RoomBroadcaster, send, type Publisher, type RoomSocket } from './room-broadcaster';
import { RoomHistory } from './room-history';
import { RoomState } from './room-state';
import { RoomError, type EndReason, type Participant, type Person, type RoomCommand, type RoomEvent, type RoomLimits } from './room.model';

/** A command that changed something: the actor and the target as they were before it. */
export interface CommandDone {
  actor: Participant | undefined;
  target: Participant | undefined;
  command: RoomCommand;
  events: RoomEvent[];
}

/** Where a participant's socket comes from: live rooms follow their session and browser. */
export interface Presence {
  sessionId: string | null;
  /** The browser's anonymous id (signed cookie): a removal keeps that browser out too. */
  browserId: string | null;
  /** The account last signed in on that browser, for an anonymous listener. */
  browserUserId: number | null;
}

/** Why someone is put out of the room by something that happened outside it. */
export type ExpelReason = 'signedOut' | 'suspended' | 'blocked';
const expelled: Record<ExpelReason, { code: number; message: string; remember: boolean }> = {
  signedOut: { code: closeCodes.signedOut, message: 'You signed out', remember: false },
  suspended: { code: closeCodes.suspended, message: 'This account is suspended', remember: false }, // admission refuses them anyway
  blocked: { code: closeCodes.removed, message: 'You cannot join this room', remember: true },
};

export interface LiveRoomDeps {
  db: Db;
  log: Logger;
  publisher: Publisher;
  limits: RoomLimits;
  /** Called once the room has ended (the registry forgets it). */
  onEnded(room: LiveRoom): void;
  clock?: () => number;
}

export class LiveRoom {
  readonly state: RoomState;
  readonly sockets = new Map<string, RoomSocket>();
  readonly broadcaster: RoomBroadcaster;
  readonly history: RoomHistory;
  peakListeners = 0;
  /**
   * Who was removed, kept here for admission: no database read per join, and no window while the
   * removal is still being written (rooms do not outlive the process, so memory is enough).
   */
  readonly removed = new Set<string>();
  private readonly presence = new Map<string, Presence>();
  private readonly ticker: Timer;
  private readonly now: () => number;
  /** Throws (a RoomError) when the host may not start recording now; the recording feature sets it. */
  recordingGate: () => void = () => {
    throw new RoomError('forbidden', 'Recording is not available');
  };
  /**
   * Listeners over live HLS without a socket (the live HLS feature sets it; socket holders are
   * participants already). Read every 5 s; counted in the listener number everyone sees.
   */
  hlsListeners: () => number = () => 0;
  private hlsCount = 0;
  private ticks = 0;
  /** Hooks for the media plane: role and mute changes drive producers and transports. */
  readonly eventObservers = new Set<(event: RoomEvent) => void>();
  /** Told of every command that succeeded, with who gave it and whom it named as they were before (the audit log). */
  readonly commandObservers = new Set<(done: CommandDone) => void>();

  constructor(
    readonly room: Room,
    private readonly deps: LiveRoomDeps,
  ) {
    this.now = deps.clock ?? Date.now;
    this.state = new RoomState({ id: room.id, hostUserId: room.host_id, speakPolicy: room.speak_policy, limits: deps.limits });
    this.broadcaster = new RoomBroadcaster(room.id, deps.publisher, this.sockets);
    this.history = new RoomHistory(deps.db, room.id, deps.log);
    this.ticker = setInterval(() => {
      this.apply(this.state.tick(this.now()));
      if (++this.ticks % 5 === 0) this.refreshHlsListeners();
    }, 1000);
  }

  get id() {
    return this.room.id;
  }

  /** Everyone listening: participants who listen (socket) and HLS listeners without a socket. */
  listenerCount(): number {
    return this.state.listenerCount() + this.hlsCount;
  }

  refreshHlsListeners(): void {
    const count = this.hlsListeners();
    if (count === this.hlsCount) return;
    this.hlsCount = count;
    this.peakListeners = Math.max(this.peakListeners, this.listenerCount());
    this.broadcaster.listenersChanged(() => this.listenerCount());
  }

  /** Someone's socket is open and admitted: join (or rejoin) and send them the room as it is. */
  connect(socket: RoomSocket, person: Person, presence: Presence = { sessionId: null, browserId: null, browserUserId: null }): void {
    let joined: ReturnType<RoomState['join']>;
    try {
      joined = this.state.join(person, this.now());
    } catch (error) {
      this.refuse(socket, error);
      return;
    }
    const previous = this.sockets.get(person.id);
    this.sockets.set(person.id, socket);
    this.presence.set(person.id, presence);
    if (previous && previous !== socket) previous.close(closeCodes.replaced, 'Opened in another window');
    socket.subscribe(this.broadcaster.everyone);
    if (this.state.isManager(person.id)) socket.subscribe(this.broadcaster.managers);
    if (!joined.reconnected) this.history.joined(joined.participant);
    send(socket, this.snapshotFor(person.id));
    this.apply(joined.events);
  }

  /** A validated command from a participant. Refusals go back to them only; nothing changes. */
  receive(id: string, socket: RoomSocket, command: RoomCommand, ref?: string): void {
    if (this.sockets.get(id) !== socket) return; // a replaced socket's late message
    try {
      if (command.type === 'startRecording' && this.state.hasHostPowers(id)) this.recordingGate();
      const before = { actor: this.copyOf(id), target: 'target' in command ? this.copyOf(command.target) : undefined };
      const events = this.state.command(id, command, this.now());
      this.apply(events, id);
      if (events.length) for (const observer of this.commandObservers) observer({ ...before, command, events });
    } catch (error) {
      if (!(error instanceof RoomError)) throw error;
      send(socket, { type: 'error', code: error.code, message: error.message, ref });
    }
  }

  /** The socket closed without leaving: keep their place for the reconnection window. */
  socketClosed(id: string, socket: RoomSocket): void {
    if (this.sockets.get(id) !== socket) return;
    this.sockets.delete(id);
    this.apply(this.state.disconnect(id, this.now()));
  }

  /** Leaving on purpose (the Leave button): no reconnection window. */
  leave(id: string): void {
    const socket = this.sockets.get(id);
    this.sockets.delete(id);
    this.apply(this.state.leave(id, this.now()));
    socket?.close(1000, 'Left the room');
  }

  end(reason: EndReason): void {
    this.apply(this.state.end(reason));
  }

  /** A room created "recorded": recording runs from the first second (nobody is here yet to tell). */
  recordFromStart(): void {
    this.state.recording = true;
  }

  /** The recorder could not go on (storage quota, a failure): everyone sees REC go off. */
  stopRecording(reason: 'quota' | 'failed'): void {
    this.apply(this.state.stopRecording(reason));
  }

  /** Removed by a moderator from outside the room (an admin page): like a host's removal. */
  removeByModerator(id: string, byUserId: number): boolean {
    if (!this.state.get(id)) return false;
    this.apply(this.state.expel(id, this.now()), undefined, byUserId);
    return true;
  }

  /** Whoever came in with this session (signed out, revoked) leaves now. */
  expelSessions(sessionIds: ReadonlySet<string>): void {
    for (const [id, presence] of [...this.presence]) if (presence.sessionId && sessionIds.has(presence.sessionId)) this.expel(id, 'signedOut');
  }

  /** The account, and any browser bound to it, leaves now (suspended, or blocked by the host). */
  expelUser(userId: number, reason: ExpelReason): void {
    for (const [id, presence] of [...this.presence]) if (id === `u:${userId}` || presence.browserUserId === userId) this.expel(id, reason);
  }

  /** The host's account was suspended: a present co-host carries on, otherwise the room ends. */
  hostSuspended(): void {
    const cohostHere = this.state.stage().some((p) => p.role === 'cohost' && p.connected);
    if (!cohostHere) return this.end('hostSuspended');
    this.expel(`u:${this.room.host_id}`, 'suspended');
  }

  private expel(id: string, reason: ExpelReason): void {
    if (!this.state.get(id)) return;
    const { code, message, remember } = expelled[reason];
    const socket = this.sockets.get(id);
    this.sockets.delete(id); // closed below with the reason, not as an ordinary removal
    this.apply(remember ? this.state.expel(id, this.now()) : this.state.leave(id, this.now()));
    socket?.close(code, message);
  }

  snapshotFor(id: string): RoomSnapshot {
    const me = this.state.get(id);
    const manager = this.state.isManager(id);
    return {
      type: 'snapshot',
      room: { id: this.room.id, title: this.room.title, topics: this.room.topics, speakPolicy: this.room.speak_policy, hostUserId: this.room.host_id, recording: this.state.recording },
      you: me && {
        id: me.id,
        role: me.role,
        muted: me.muted,
        handRaised: me.handRaisedAt !== null,
        pendingInvite: me.pendingInvite,
        anonymous: me.userId === null,
        moderator: !!me.moderator,
        recordingConsent: me.recordingConsent,
      },
      stage: this.state.stage().map((p) => this.state.view(p)),
      listenerCount: this.listenerCount(),
      actingHostId: this.state.actingHostId,
      hands: manager ? this.handQueue() : undefined,
    };
  }

  private copyOf(id: string): Participant | undefined {
    const p = this.state.get(id);
    return p && { ...p };
  }

  private handQueue(): Hand[] {
    return this.state.hands().map((p) => ({ id: p.id, name: p.name, handle: p.handle, raisedAt: p.handRaisedAt ?? 0 })); // hands() holds raised hands only
  }

  /** Routes each event to its audience, keeps subscriptions and history in step. */
  private apply(events: RoomEvent[], actorId?: string, actorUserId?: number): void {
    const b = this.broadcaster;
    for (const event of events) {
      for (const observer of this.eventObservers) observer(event);
      switch (event.type) {
        case 'participantJoined':
          if (event.participant.role === 'listener') b.listenersChanged(() => this.listenerCount());
          else b.toAll(event);
          break;
        case 'participantLeft':
          this.presence.delete(event.id);
          this.history.left(event.id);
          if (event.role === 'listener') b.listenersChanged(() => this.listenerCount());
          else b.toAll(event);
          break;
        case 'roleChanged': {
          this.history.roleChanged(event.id, event.role);
          const moved = this.state.get(event.id);
          b.toAll(moved ? { ...event, participant: this.state.view(moved) } : event); // clients need the name to seat them
          b.listenersChanged(() => this.listenerCount());
          const socket = this.sockets.get(event.id);
          if (socket && this.state.isManager(event.id)) {
            socket.subscribe(b.managers);
            b.toPerson(event.id, { type: 'handQueue', hands: this.handQueue() });
          } else socket?.unsubscribe(b.managers);
          break;
        }
        case 'handRaised':
        case 'handLowered':
        case 'invited':
        case 'inviteDeclined':
          b.toManagers(event);
          if (!this.state.isManager(event.id)) b.toPerson(event.id, event);
          break;
        case 'participantRemoved': {
          this.removed.add(event.id);
          const browserId = this.presence.get(event.id)?.browserId;
          if (browserId) this.removed.add(`a:${browserId}`); // the same browser, signed out, stays out too
          void this.history.removed(event.id, actorUserId ?? (actorId ? (this.state.get(actorId)?.userId ?? null) : null));
          b.toManagers(event);
          b.toPerson(event.id, { type: 'removed' });
          const socket = this.sockets.get(event.id);
          this.sockets.delete(event.id);
          socket?.close(closeCodes.removed, 'Removed from the room');
          break;
        }
        case 'reacted':
          b.reaction(event.emoji);
          break;
        case 'roomEnded':
          b.toAll(event);
          this.finish(event.reason);
          break;
        default: // muteChanged, connectionChanged, actingHostChanged
          b.toAll(event);
      }
    }
    this.peakListeners = Math.max(this.peakListeners, this.listenerCount());
  }

  private finish(reason: EndReason) {
    clearInterval(this.ticker);
    this.broadcaster.flush();
    this.broadcaster.stop();
    void this.history.ended(reason, this.peakListeners);
    for (const socket of this.sockets.values()) socket.close(closeCodes.ended, 'The room has ended');
    this.sockets.clear();
    this.presence.clear();
    this.deps.onEnded(this);
  }

  private refuse(socket: RoomSocket, error: unknown) {
    if (!(error instanceof RoomError)) throw error;
    send(socket, { type: 'error', code: error.code, message: error.message });
    socket.close(closeCodes.refused, error.message.slice(0, 120));
  }
}
