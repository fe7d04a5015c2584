// Audio signalling over the room socket (mediasoup): each request gets a reply with the same ref,
// or an error naming why; never a crash.
import type { AppDeps } from '../app-deps';
import { iceServersFor } from '../media/turn-credentials';
import type { ServerMessage } from '../rooms/live/protocol';
import { RoomError, stageRoles } from '../rooms/live/room.model';
import type { MediaRoom } from '../media/media-room';
import type { ClientMessage } from './client-messages';
import type { RoomConnection } from './room-connections';

export type MediaMessage = Extract<ClientMessage, { type: 'mediaCapabilities' | 'createTransport' | 'connectTransport' | 'produce' | 'consumeReady' | 'resumeConsumer' | 'restartIce' }>;
export const mediaMessageTypes: ReadonlySet<string> = new Set<MediaMessage['type']>(['mediaCapabilities', 'createTransport', 'connectTransport', 'produce', 'consumeReady', 'resumeConsumer', 'restartIce']);

export async function signalMedia(deps: Pick<AppDeps, 'media' | 'config' | 'log' | 'settings'>, conn: RoomConnection, message: MediaMessage, reply: (m: ServerMessage) => void) {
  const id = conn.personId;
  try {
    const media = deps.media.get(conn.live.id);
    let data: unknown = {};
    switch (message.type) {
      case 'mediaCapabilities':
        data = { routerRtpCapabilities: media.rtpCapabilities, iceServers: iceServersFor(deps.config, id) }; // time-limited TURN credentials, admitted people only
        if (webrtcFull(deps, conn, media)) data = { ...(data as object), listenOverHls: true }; // the page plays the room's live HLS instead
        break;
      case 'createTransport':
        if (message.direction === 'recv' && webrtcFull(deps, conn, media)) throw new RoomError('limitReached', 'WebRTC listeners are full here: listen over HLS');
        if (message.direction === 'recv') conn.hls = false; // back on WebRTC (moved on stage)
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
      case 'restartIce':
        data = { iceParameters: await media.restartIce(id, message.transportId) };
        break;
    }
    reply({ type: 'mediaReply', ref: message.ref, data });
  } catch (error) {
    const code = error instanceof RoomError ? error.code : ('mediaError' as const);
    if (!(error instanceof RoomError)) deps.log.debug('media request refused', { type: message.type, error });
    reply({ type: 'error', code, message: (error as Error).message ?? 'Media request failed', ref: message.ref });
  }
}


/**
 * A room serves `webrtcListenersPerRoom` listeners over WebRTC, and the server `webrtcListenersPerServer`
 * in all rooms together (0 = no limit); past either, listeners (never people on stage) are sent to
 * the room's live HLS and refused receive transports.
 */
export function webrtcFull(deps: Pick<AppDeps, 'settings' | 'media'>, conn: RoomConnection, media: MediaRoom): boolean {
  const { webrtcListenersPerRoom: perRoom, webrtcListenersPerServer: perServer } = deps.settings.get();
  if (!perRoom && !perServer) return false;
  if (stageRoles.includes(conn.live.state.get(conn.personId)?.role ?? 'listener')) return false;
  return (!!perRoom && media.webrtcListeners() >= perRoom) || (!!perServer && deps.media.webrtcListeners() >= perServer);
}
