// GET /r/:id/ws — one WebSocket per participant. Authenticated by the session cookie, or by the
// anonymous listener cookie the room page hands out; the Origin must be this instance's.
import { Elysia } from 'elysia';
import type { AppDeps } from '../app-deps';
import type { User } from '../db/schema';
import { closeCodes, type LiveRoom } from '../rooms/live/live-room';
import type { RoomSocket } from '../rooms/live/room-broadcaster';
import { RoomError } from '../rooms/live/room.model';
import { anonymousCookie, anonymousIdOf } from '../rooms/anonymous-listener';
import { parseCookies } from '../web/cookies';
import { FormInvalid } from '../web/form-errors';
import { AppError } from '../web/errors';
import { parseClientMessage, type ClientMessage } from './client-messages';

type MediaMessage = Extract<ClientMessage, { type: 'mediaCapabilities' | 'createTransport' | 'connectTransport' | 'produce' | 'consumeReady' | 'resumeConsumer' }>;

interface Connection {
  live: LiveRoom;
  personId: string;
  socket: RoomSocket;
  /** Token bucket: a client cannot flood the room. */
  tokens: number;
  refilledAt: number;
}

// Generous enough for a full join (up to ~25 signalling messages with 13 speakers), tight enough for floods.
const burst = 60;
const perSecond = 20;

export function roomSocketRoutes(deps: AppDeps) {
  const connections = new Map<string, Connection>();

  const allow = (conn: Connection) => {
    const now = Date.now();
    conn.tokens = Math.min(burst, conn.tokens + ((now - conn.refilledAt) / 1000) * perSecond);
    conn.refilledAt = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  };

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
        const { ctx, params } = ws.data;
        const token = parseCookies(ctx.request.headers.get('cookie'))[anonymousCookie];
        try {
          const { live, person } = await deps.rooms.admit(params.id, ctx.viewer, ctx.viewer ? null : anonymousIdOf(token));
          if (raw.readyState !== 1) return; // closed while we were checking
          connections.set(ws.id, { live, personId: person.id, socket, tokens: burst, refilledAt: Date.now() });
          deps.media.find(live.id)?.closePeer(person.id); // a previous window's transports
          live.connect(socket, person);
        } catch (error) {
          if (!(error instanceof RoomError)) throw error;
          socket.send(JSON.stringify({ type: 'error', code: error.code, message: error.message }));
          socket.close(closeCodes.refused, error.message.slice(0, 120));
        }
      },
      async message(ws, raw) {
        const conn = connections.get(ws.id);
        const reply = (message: object) => ws.raw.send(JSON.stringify(message));
        if (!conn) return reply({ type: 'error', code: 'notJoined', message: 'Wait for the room snapshot before sending' });
        if (!allow(conn)) return reply({ type: 'error', code: 'rateLimited', message: 'Too many messages; slow down' });
        const parsed = parseClientMessage(raw);
        if (!parsed.ok) return reply({ type: 'error', code: 'invalidMessage', message: parsed.error, ref: parsed.ref });
        await handle(conn, parsed.message, ws.data.ctx.viewer, reply);
      },
      close(ws) {
        const conn = connections.get(ws.id);
        connections.delete(ws.id);
        if (!conn) return;
        // Only the current socket's transports go (a replaced window must not close the new one's).
        if (conn.live.sockets.get(conn.personId) === conn.socket) deps.media.find(conn.live.id)?.closePeer(conn.personId);
        conn.live.socketClosed(conn.personId, conn.socket);
      },
    });

  /** Audio signalling: a reply with the same ref, or an error naming why (never a crash). */
  async function signalMedia(conn: Connection, message: MediaMessage, reply: (m: object) => void) {
    const id = conn.personId;
    try {
      const media = deps.media.get(conn.live.id);
      let data: unknown = {};
      switch (message.type) {
        case 'mediaCapabilities':
          data = { routerRtpCapabilities: media.rtpCapabilities, iceServers: iceServers() };
          break;
        case 'createTransport':
          data = await media.createTransport(id, message.direction);
          break;
        case 'connectTransport':
          await media.connectTransport(id, message.transportId, message.dtlsParameters as never);
          break;
        case 'produce':
          data = { producerId: await media.produce(id, message.transportId, message.rtpParameters as never) };
          break;
        case 'consumeReady':
          await media.ready(id, message.rtpCapabilities as never);
          break;
        case 'resumeConsumer':
          await media.resumeConsumer(id, message.consumerId);
          break;
      }
      reply({ type: 'mediaReply', ref: message.ref, data });
    } catch (error) {
      const code = error instanceof RoomError ? error.code : 'mediaError';
      if (!(error instanceof RoomError)) deps.log.debug('media request refused', { type: message.type, error });
      reply({ type: 'error', code, message: (error as Error).message ?? 'Media request failed', ref: message.ref });
    }
  }

  function iceServers() {
    const urls = deps.config.turnUrls.split(',').map((u) => u.trim()).filter(Boolean);
    return urls.length ? [{ urls, username: deps.config.turnUsername, credential: deps.config.turnCredential }] : [];
  }

  async function handle(conn: Connection, message: ClientMessage, viewer: User | null, reply: (m: object) => void) {
    switch (message.type) {
      case 'ping':
        return reply({ type: 'pong', ref: message.ref });
      case 'leave':
        return conn.live.leave(conn.personId);
      case 'report': {
        if (!viewer) return reply({ type: 'error', code: 'signInRequired', message: 'Sign in to report', ref: message.ref });
        const targetUserId = message.target?.startsWith('u:') ? Number(message.target.slice(2)) : null;
        try {
          await deps.rooms.report(viewer, { roomId: conn.live.id, targetUserId, reason: message.reason });
          return reply({ type: 'reported', ref: message.ref });
        } catch (error) {
          if (error instanceof FormInvalid || error instanceof AppError) return reply({ type: 'error', code: 'invalidMessage', message: error.message, ref: message.ref });
          throw error;
        }
      }
      case 'mediaCapabilities':
      case 'createTransport':
      case 'connectTransport':
      case 'produce':
      case 'consumeReady':
      case 'resumeConsumer':
        return signalMedia(conn, message, reply);
      default: {
        const { ref, ...command } = message;
        return conn.live.receive(conn.personId, conn.socket, command, ref);
      }
    }
  }
}
