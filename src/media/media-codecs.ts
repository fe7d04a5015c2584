// Audio only: Opus at 48 kHz, the codec every browser speaks.
import type { types } from 'mediasoup';

export const opusCodec: types.RtpCodecCapability = {
  kind: 'audio',
  mimeType: 'audio/opus',
  clockRate: 48000,
  channels: 2,
  parameters: { useinbandfec: 1, usedtx: 1 },
};
