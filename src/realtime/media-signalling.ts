// Audio signalling over the room socket (mediasoup): each request gets a reply with the same ref,
// or an error naming why; never a crash.
import type { AppDeps } from '../app-deps';
import { iceServersFor } from '../media/turn-credentials';
import type { ServerMessage } from '../rooms/live/protocol';
import { RoomError } from '../rooms/live/room.model';
import type { ClientMessage } from './client-messages';
import type { RoomConnection } from './room-connections';

export type MediaMessage = Extract<ClientMessage, { type: 'mediaCapabilities' | 'createTransport' | 'connectTransport' | 'produce' | 'consumeReady' | 'resumeConsumer' | 'restartIce' }>;
export const mediaMessageTypes: ReadonlySet<string> = new Set<MediaMessage['type']>(['mediaCapabilities', 'createTransport', 'connectTransport', 'produce', 'consumeReady', 'resumeConsumer', 'restartIce']);

export async function signalMedia(deps: Pick<AppDeps, 'media' | 'config' | 'log'>, conn: RoomConnection, message: MediaMessage, reply: (m: ServerMessage) => void) {
  const id = conn.personId;
  try {
    const media = deps.media.get(conn.live.id);
    let data: unknown = {};
    switch (message.type) {
      case 'mediaCapabilities':
        data = { routerRtpCapabilities: media.rtpCapabilities, iceServers: iceServersFor(deps.config, id) }; // time-limited TURN credentials, admitted people only
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

