// What this page can do with audio, known before anything is tried, and the mediasoup-client Device
// made without cryptic failures. Browsers give the microphone (navigator.mediaDevices) only to secure
// pages (https, or localhost); receiving WebRTC audio works on a plain http page too.
import { Device } from 'mediasoup-client';

export interface MediaAbilities {
  /** https or localhost: the browser treats the page as secure. */
  secure: boolean;
  /** A microphone can be asked for (needs a secure page). */
  canSpeak: boolean;
  /** WebRTC exists, so the room's audio can be received. */
  canListen: boolean;
}

export function mediaAbilities(): MediaAbilities {
  const secure = window.isSecureContext !== false;
  const canListen = typeof RTCPeerConnection === 'function';
  return { secure, canSpeak: secure && canListen && !!navigator.mediaDevices?.getUserMedia, canListen };
}

/** This browser has no WebRTC mediasoup can use: the page explains instead of showing the library's words. */
export class MediaUnsupported extends Error {
  constructor(cause?: unknown) {
    super('media unsupported', { cause });
    this.name = 'MediaUnsupported';
  }
}

/**
 * A mediasoup-client Device. mediasoup-client recognises Chromium by `navigator.userAgentData`, which
 * browsers give only to secure pages, then by "Chrome/NN" in the user agent: on a plain http page a
 * browser whose user agent says it differently (headless Chromium's "HeadlessChrome/NN") was refused
 * with "device not supported", though it receives audio fine. Such a Chromium gets its handler by name.
 */
export function createDevice(): Device {
  try {
    return new Device();
  } catch (error) {
    const chromium = /Chrom(?:e|ium)\/(\d+)/.exec(navigator.userAgent);
    if (chromium && Number(chromium[1]) >= 111 && typeof RTCPeerConnection === 'function') {
      try {
        return new Device({ handlerName: 'Chrome111' });
      } catch {
        /* fall through */
      }
    }
    throw new MediaUnsupported(error);
  }
}
