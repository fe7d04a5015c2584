// The room's audio in the browser (mediasoup-client): listening for everyone, the microphone for
// people on stage. The server decides who may produce and pauses muted producers; this side asks,
// plays what it receives, and rebuilds everything after a reconnection or a server-side reset.
import type { Device, types } from 'mediasoup-client';
import { createDevice, mediaAbilities } from './media-device';
import type { NewConsumer } from '../rooms/live/protocol';
import type { Request, RequestMessage } from './room-requests';

// mediasoup-client types codec and header-extension parameters as Record<string, unknown>; the
// server's schema takes strings and numbers, all that codecs use (and refuses anything else).
type WireRtpCapabilities = RequestMessage<'consumeReady'>['rtpCapabilities'];
type WireRtpParameters = RequestMessage<'produce'>['rtpParameters'];

export interface AudioEvents {
  /** A message for the person (microphone denied, absent...). */
  problem(key: string): void;
  state(state: 'off' | 'starting' | 'on'): void;
  /** The receive transport did not connect in time (media blocked): the page listens over HLS instead. */
  webrtcFailed(): void;
}

/** WebRTC listening is not possible here: the room's WebRTC listeners are full, or this browser cannot load the device. */
export class ListenOverHls extends Error {
  constructor(readonly reason: 'full' | 'device') {
    super(`listen over HLS (${reason})`);
    this.name = 'ListenOverHls';
  }
}

/** How long a receive transport may take to connect before the page gives up on WebRTC. */
export const recvConnectTimeoutMs = 9000;

/** Voice processing is on by default; "music mode" turns it off (and tests use it for a clean tone). */
export const musicModeKey = 'salon.musicMode';

export class RoomAudio {
  /** Holds one <audio> per speaker heard (browsers reliably play one track per element). */
  readonly element: HTMLDivElement;
  private readonly players = new Map<string, HTMLAudioElement>();
  private volume = 1;
  private device: Device | null = null;
  private recv: types.Transport | null = null;
  private send: types.Transport | null = null;
  private producer: types.Producer | null = null;
  private micTrack: MediaStreamTrack | null = null;
  private readonly consumers = new Map<string, types.Consumer>();
  private pendingConsumers: NewConsumer[] = [];
  /** The wanted microphone state; applied to the producer whenever it exists. */
  private muted = true;
  /** Transports with an ICE restart under way (one at a time each). */
  private readonly restarting = new Set<string>();
  /** A receive transport connected once on this page: later failures are outages, not a blocked network. */
  private webrtcWorked = false;
  listening = false;
  /** Paused from the OS media controls (lock screen): the elements stop playing, the streams stay. */
  paused = false;

  constructor(
    private readonly request: Request,
    private readonly events: AudioEvents,
    container: HTMLElement,
  ) {
    this.element = document.createElement('div');
    this.element.id = 'room-audio';
    container.append(this.element);
  }

  /** The Listen click: load the device, open the receive transport, ask for every stream. */
  async listen(opts: { onStage?: boolean } = {}): Promise<void> {
    this.events.state('starting');
    this.listening = true;
    const { routerRtpCapabilities, iceServers, listenOverHls } = await this.request({ type: 'mediaCapabilities' });
    if (listenOverHls && !opts.onStage) throw new ListenOverHls('full'); // the server counts: the room's WebRTC listeners are full
    try {
      this.device = createDevice();
      await this.device.load({ routerRtpCapabilities });
    } catch (error) {
      if (opts.onStage) throw error;
      throw new ListenOverHls('device');
    }
    this.recv = await this.transport('recv', iceServers);
    await this.request({ type: 'consumeReady', rtpCapabilities: this.device.recvRtpCapabilities as WireRtpCapabilities });
    for (const pending of this.pendingConsumers.splice(0)) await this.consume(pending);
    this.events.state('on');
  }

  /** The server announced a stream for us. */
  async consume(message: NewConsumer): Promise<void> {
    if (!this.recv) {
      this.pendingConsumers.push(message);
      return;
    }
    const consumer = await this.recv.consume({ id: message.consumerId, producerId: message.producerId, kind: message.kind, rtpParameters: message.rtpParameters as types.RtpParameters });
    this.consumers.set(consumer.id, consumer);
    // Elements get their stream only now: an element waiting for data would hold back the page's
    // load event. The Listen click allowed playback (autoplay rules).
    const player = document.createElement('audio');
    player.srcObject = new MediaStream([consumer.track]);
    player.volume = this.volume;
    this.players.set(consumer.id, player);
    this.element.append(player);
    if (!this.paused) player.play().catch(() => this.events.problem('room.audio.blocked'));
    await this.request({ type: 'resumeConsumer', consumerId: consumer.id });
  }

  consumerClosed(consumerId: string) {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) return;
    this.players.get(consumerId)?.remove();
    this.players.delete(consumerId);
    consumer.close();
    this.consumers.delete(consumerId);
  }

  /**
   * On stage: ask for the microphone and send it (paused while muted). `mayProduce` is asked again
   * once the microphone and transport are ready, just before anything is sent.
   */
  async startMicrophone(muted: boolean, deviceId?: string, mayProduce: () => boolean = () => true): Promise<boolean> {
    this.muted = muted;
    if (!this.device) return false;
    if (!mediaAbilities().canSpeak) {
      this.events.problem('insecure.cannotSpeak'); // plain http: no microphone for this page
      return false;
    }
    const music = localStorage.getItem(musicModeKey) === 'on';
    let track: MediaStreamTrack | undefined;
    try {
      const media = await navigator.mediaDevices.getUserMedia({
        audio: { deviceId: deviceId ? { exact: deviceId } : undefined, echoCancellation: !music, noiseSuppression: !music, autoGainControl: !music },
      });
      track = media.getAudioTracks()[0];
    } catch (error) {
      const name = (error as DOMException).name;
      this.events.problem(name === 'NotAllowedError' ? 'room.mic.denied' : name === 'NotFoundError' ? 'room.mic.absent' : 'room.mic.failed');
      return false;
    }
    if (!track) return false;
    this.stopMicrophone();
    this.micTrack = track;
    const { iceServers } = await this.request({ type: 'mediaCapabilities' });
    const send = await this.transport('send', iceServers);
    if (!mayProduce() || this.micTrack !== track) {
      send.close();
      if (this.micTrack === track) this.stopMicrophone(); // else a newer start or a stop owns the microphone now
      else track.stop();
      return false;
    }
    this.send = send;
    // Speech settings: mono, DTX (silence costs nothing), in-band FEC (survives packet loss).
    this.producer = await this.send.produce({ track, codecOptions: { opusStereo: false, opusDtx: true, opusFec: true }, stopTracks: false });
    this.setMuted(this.muted); // it may have changed while the microphone was starting
    return true;
  }

  setMuted(muted: boolean) {
    this.muted = muted;
    if (!this.producer) return;
    if (muted) this.producer.pause();
    else this.producer.resume();
  }

  stopMicrophone() {
    this.producer?.close();
    this.producer = null;
    this.send?.close();
    this.send = null;
    this.micTrack?.stop();
    this.micTrack = null;
  }

  setPaused(paused: boolean) {
    this.paused = paused;
    for (const player of this.players.values()) {
      if (paused) player.pause();
      else player.play().catch(() => this.events.problem('room.audio.blocked'));
    }
  }

  setVolume(volume: number) {
    this.volume = volume;
    for (const player of this.players.values()) player.volume = volume;
  }

  get hasMicrophone() {
    return this.producer !== null;
  }

  /** Transports are gone (reconnection, worker moved): drop local state; `listen()` again rebuilds. */
  reset() {
    this.stopMicrophone();
    for (const id of [...this.consumers.keys()]) this.consumerClosed(id);
    this.recv?.close();
    this.recv = null;
    this.device = null;
    this.pendingConsumers = [];
  }

  close() {
    this.reset();
    this.listening = false;
    this.paused = false;
    this.element.remove();
    this.events.state('off');
  }

  /**
   * The network stalled or changed (Wi-Fi to mobile): ask the server for new ICE credentials and
   * restart ICE on the same transport, as mediasoup-demo does; again until it connects, because in
   * a long outage the request times out, a restart made offline fails, and once ICE has failed
   * nothing else brings it back. If the server already closed the transport, its `mediaReset`
   * makes the room rebuild the audio (and reset() closes this one, which ends the loop).
   */
  private async restartIce(transport: types.Transport) {
    if (transport.closed || this.restarting.has(transport.id)) return;
    this.restarting.add(transport.id);
    try {
      while (!transport.closed && transport.connectionState !== 'connected') {
        const attemptEnds = Date.now() + iceRestartRetryMs;
        try {
          const { iceParameters } = await this.request({ type: 'restartIce', transportId: transport.id });
          if (!transport.closed) await transport.restartIce({ iceParameters });
        } catch {
          /* timed out (still offline): try again */
        }
        await connectedOrTimeout(transport, attemptEnds - Date.now()); // a timed-out request already waited
      }
    } finally {
      this.restarting.delete(transport.id);
    }
  }

  /**
   * Media blocked (strict networks): a receive transport that has not connected after a while never
   * will. Only before WebRTC ever worked on this page: once it has, a new transport that cannot
   * connect is an outage, which ICE restarts and rebuilds get through (and audio comes back live).
   */
  private watchRecvConnect(transport: types.Transport) {
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected') this.webrtcWorked = true;
    });
    setTimeout(() => {
      if (this.webrtcWorked || transport.closed || transport !== this.recv || transport.connectionState === 'connected') return;
      this.events.webrtcFailed();
    }, recvConnectTimeoutMs);
  }

  private async transport(direction: 'send' | 'recv', iceServers: RTCIceServer[]): Promise<types.Transport> {
    const params = await this.request({ type: 'createTransport', direction });
    const options = { ...params, iceServers };
    const transport = direction === 'send' ? this.device!.createSendTransport(options) : this.device!.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      if (direction === 'recv') this.watchRecvConnect(transport);
      this.request({ type: 'connectTransport', transportId: transport.id, dtlsParameters }).then(() => done(), fail);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'disconnected' || state === 'failed') void this.restartIce(transport);
    });
    if (direction === 'send') {
      transport.on('produce', ({ rtpParameters }, done, fail) => {
        this.request({ type: 'produce', transportId: transport.id, rtpParameters: rtpParameters as WireRtpParameters }).then(({ producerId }) => done({ id: producerId }), fail);
      });
    }
    return transport;
  }
}

/** How long an ICE restart attempt gets to connect before the next one. */
const iceRestartRetryMs = 5000;

function connectedOrTimeout(transport: types.Transport, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      transport.off('connectionstatechange', onState);
      resolve();
    };
    const onState = (state: string) => state === 'connected' && done();
    const timer = setTimeout(done, ms);
    transport.on('connectionstatechange', onState);
  });
}
