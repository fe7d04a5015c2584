// GET /r/:id/ws — one WebSocket per participant. Authenticated by the session cookie, or by the
// browser's signed anonymous cookie the room page hands out; the Origin must be this instance's.
import { Elysia } from 'elysia';
import type { AppDeps } from '../app-deps';
import type { User } from '../db/schema';
import { anonymousCookie } from '../rooms/anonymous-listener';
import { closeCodes, type ErrorCode, type ServerMessage } from '../rooms/live/protocol';
import { send, type RoomSocket } from '../rooms/live/room-broadcaster';
import { RoomError, stageRoles } from '../rooms/live/room.model';
import { parseCookies } from '../web/cookies';
import { FormInvalid } from '../shared/form-errors';
import { AppError } from '../shared/errors';
import { parseClientMessage, type ClientMessage } from './client-messages';
import { mediaMessageTypes, signalMedia, type MediaMessage } from './media-signalling';
import { RoomConnections, type RoomConnection } from './room-connections';

/** A refused report, as the socket says it: too many (429), no such person or room (404), anything else invalid. */
const reportErrorCodes: Partial<Record<AppError['kind'], ErrorCode>> = { tooMany: 'rateLimited', notFound: 'notFound', forbidden: 'forbidden' };

/** Live HLS's listener estimate (src/hls): clients that fetched the room's playlist in the last few seconds. */
interface HlsListenerCounts {
  hlsListeners(roomId: string): number;
}

export function roomSocketRoutes(deps: Pick<AppDeps, 'anonymous' | 'config' | 'contexts' | 'live' | 'log' | 'media' | 'rooms' | 'settings'> & { hls?: HlsListenerCounts }) {
  const connections = new RoomConnections();
  // Live HLS listeners count in the listener number: those who fetch the playlist, less the pages here
  // that do it with a socket open (they are participants already).
  const hls = deps.hls;
  if (hls) deps.live.startObservers.add((live) => void (live.hlsListeners = () => Math.max(0, hls.hlsListeners(live.id) - connections.hlsListenersIn(live.id))));

  return new Elysia({ name: 'room-socket' })
    .derive(({ request, server }) => deps.contexts.build(request, server).then((ctx) => ({ ctx })))
    .ws('/r/:id/ws', {
      beforeHandle({ request, set }) {
        const origin = request.headers.get('origin');
        if (origin !== null && origin !== deps.contexts.expectedOrigin(request)) {
          set.status = 403;
          return `Cross-origin WebSocket refused (origin ${origin})`;
        }
      },
      async open(ws) {
        const raw = ws.raw;
        const socket: RoomSocket = {
          send: (data) => void raw.send(data),
          subscribe: (topic) => raw.subscribe(topic),
          unsubscribe: (topic) => raw.unsubscribe(topic),
          close: (code, reason) => raw.close(code, reason),
        };
        const refuse = (code: number, errorCode: ErrorCode, message: string) => {
          send(socket, { type: 'error', code: errorCode, message });
          socket.close(code, message.slice(0, 120));
        };
        const { ctx, params } = ws.data;
        if (!connections.reserve(ctx.ip, ctx.settings.roomSocketsPerIp)) {
          return refuse(closeCodes.tooManyConnections, 'tooManyConnections', 'Too many room connections from your network address');
        }
        let admitted = false;
        try {
          const browser = deps.anonymous.verify(parseCookies(ctx.request.headers.get('cookie'))[anonymousCookie]);
          const { live, person, presence } = await deps.rooms.admit(params.id, ctx.viewer, browser);
          if (raw.readyState !== 1) return; // closed while we were checking
          admitted = true;
          connections.add(ws.id, { live, personId: person.id, socket, ip: ctx.ip });
          deps.media.find(live.id)?.closePeer(person.id); // a previous window's transports
          live.connect(socket, person, { ...presence, sessionId: ctx.sessionId });
        } catch (error) {
          if (!(error instanceof RoomError)) throw error;
          refuse(closeCodes.refused, error.code, error.message);
        } finally {
          if (!admitted) connections.unreserve(ctx.ip);
        }
      },
      message(ws, raw) {
        const conn = connections.get(ws.id);
        const reply = (message: ServerMessage) => ws.raw.send(JSON.stringify(message));
        if (!conn) return reply({ type: 'error', code: 'notJoined', message: 'Wait for the room snapshot before sending' });
        if (!connections.allow(conn)) return reply({ type: 'error', code: 'rateLimited', message: 'Too many messages; slow down' });
        const parsed = parseClientMessage(raw);
        if (!parsed.ok) return reply({ type: 'error', code: 'invalidMessage', message: parsed.error, ref: parsed.ref });
        if (parsed.message.type === 'ping') return reply({ type: 'pong', ref: parsed.message.ref });
        const viewer = ws.data.ctx.viewer;
        connections.enqueue(
          conn,
          () => handle(conn, parsed.message, viewer, reply),
          (error) => deps.log.error('room message failed', { room: conn.live.id, type: parsed.message.type, error }),
        );
      },
      close(ws) {
        const conn = connections.remove(ws.id);
        if (!conn) return;
        connections.unreserve(conn.ip);
        // Only the current socket's transports go (a replaced window must not close the new one's).
        if (conn.live.sockets.get(conn.personId) === conn.socket) deps.media.find(conn.live.id)?.closePeer(conn.personId);
        conn.live.socketClosed(conn.personId, conn.socket);
      },
    });

  async function handle(conn: RoomConnection, message: ClientMessage, viewer: User | null, reply: (m: ServerMessage) => void): Promise<void> {
    if (mediaMessageTypes.has(message.type)) return signalMedia(deps, conn, message as MediaMessage, reply);
    switch (message.type) {
      case 'leave':
        return conn.live.leave(conn.personId);
      case 'listenOverHls':
        // The page plays the room's live HLS: its WebRTC side goes (and frees its place); on stage it needs WebRTC.
        if (stageRoles.includes(conn.live.state.get(conn.personId)?.role ?? 'listener')) return;
        conn.hls = true;
        return deps.media.find(conn.live.id)?.closePeer(conn.personId);
      case 'report': {
        if (!viewer) return reply({ type: 'error', code: 'signInRequired', message: 'Sign in to report', ref: message.ref });
        // Only signed-in people can be reported (anonymous listeners cannot speak or react).
        const named = message.target === undefined ? null : /^u:([1-9]\d{0,11})$/.exec(message.target);
        if (message.target !== undefined && !named) {
          return reply({ type: 'error', code: 'invalidMessage', message: `Unknown report target ${message.target}: report a signed-in person (u:<id>) or the room`, ref: message.ref });
        }
        const targetUserId = named ? Number(named[1]) : null;
        try {
          await deps.rooms.report(viewer, { roomId: conn.live.id, targetUserId, reason: message.reason });
          return reply({ type: 'reported', ref: message.ref });
        } catch (error) {
          if (error instanceof FormInvalid) return reply({ type: 'error', code: 'invalidMessage', message: error.message, ref: message.ref });
          if (error instanceof AppError) return reply({ type: 'error', code: reportErrorCodes[error.kind] ?? 'invalidMessage', message: error.message, ref: message.ref });
          throw error;
        }
      }
      default: {
        const { ref, ...command } = message as Exclude<ClientMessage, MediaMessage | { type: 'leave' | 'report' | 'ping' | 'listenOverHls' }>;
        return conn.live.receive(conn.personId, conn.socket, command, ref);
      }
    }
  }
}
