// The audio of one live room: a mediasoup Router with audio-level and active-speaker observers,
// and per participant a receive transport (everyone) and a send transport (stage only).
// The room's events drive it: a speaker moved to listeners loses their producer at once, a
// moderator mute pauses the producer on the server (the client cannot bypass it), someone who
// leaves or is removed has their transports closed.
import type { types } from 'mediasoup';
import type { Logger } from '../log';
import type { LiveRoom } from '../rooms/live/live-room';
import { RoomError, stageRoles, type RoomEvent } from '../rooms/live/room.model';
import { openProducerTap, type ProducerTap } from './producer-tap';
import { RoomRouters } from './room-routers';
import { SpeakingWatch } from './speaking-watch';
import { watchTransportHealth } from './transport-health';
import { MediaWorkerPool } from './worker-pool';

interface MediaPeer {
  id: string;
  transports: Map<string, types.WebRtcTransport | types.PlainTransport>;
  sendTransportId: string | null;
  producer: types.Producer | null;
  consumers: Map<string, types.Consumer>;
  /** Producers this peer consumes or is about to: one consumer per (peer, producer). */
  consuming: Set<string>;
  rtpCapabilities: types.RtpCapabilities | null;
  /** An RTP output has no client to acknowledge its consumers: they start resumed. */
  autoResume?: boolean;
}

export interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface RtpOutput {
  id: string;
  /** The key mediasoup encrypts with (absent without SRTP). */
  srtpParameters?: types.SrtpParameters;
}

export class MediaRoom {
  private readonly peers = new Map<string, MediaPeer>();
  /** Peers with a producer: joins look them up without scanning every listener. */
  private readonly producing = new Set<MediaPeer>();
  private outputs = 0;
  private readonly routers: RoomRouters;
  private speakingWatch!: SpeakingWatch;
  private recovering = false;
  closed = false;
  /** Told of every new microphone (a recorder taps it); each producer tells itself when it closes. */
  readonly producerObservers = new Set<(peerId: string, producer: types.Producer) => void>();
  /** Told who is audible whenever it changes (the recorder's speaker timeline). */
  readonly speakingObservers = new Set<(ids: string[]) => void>();

  private constructor(
    readonly live: LiveRoom,
    pool: MediaWorkerPool,
    private readonly log: Logger,
    streamLimit: number,
  ) {
    this.routers = new RoomRouters(pool, streamLimit, () => void this.recover());
  }

  /** `streamLimit`: listener streams (listeners × speakers) one router carries before the room grows onto another worker. */
  static async create(live: LiveRoom, pool: MediaWorkerPool, log: Logger, streamLimit: number): Promise<MediaRoom> {
    const room = new MediaRoom(live, pool, log, streamLimit);
    await room.openRouter();
    live.eventObservers.add((event) => room.onRoomEvent(event));
    return room;
  }

  get rtpCapabilities() {
    return this.routers.primary.rtpCapabilities;
  }

  /** Where this room's listeners are: one row per router (for tests, health and admins). */
  routerLoad(): { routerId: string; workerPid: number; listeners: number }[] {
    return this.routers.all().map((router) => ({ routerId: router.id, workerPid: this.routers.workerOf(router).pid, listeners: this.routers.listenersOn(router) }));
  }

  /** People receiving this room over WebRTC now, on all its routers. */
  webrtcListeners(): number {
    return this.routers.all().reduce((n, router) => n + this.routers.listenersOn(router), 0);
  }

  /**
   * A participant's transport. One of each direction per participant: asking again replaces the
   * old one (its consumers or producer close, its router place is freed).
   */
  async createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportParams> {
    const peer = this.participantPeer(peerId);
    if (direction === 'send') this.requireStage(peerId);
    else this.closeRecvSide(peer);
    const onStage = stageRoles.includes(this.live.state.get(peerId)?.role ?? 'listener');
    // Speakers (and their own listening) stay on the primary router, listeners go where there is room.
    const open = (router: types.Router) =>
      router.createWebRtcTransport({
        webRtcServer: MediaWorkerPool.webRtcServerOf(this.routers.workerOf(router)),
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        appData: { peerId, direction, router },
      });
    const transport = direction === 'recv' && !onStage ? await this.listenerTransport(open) : await open(this.routers.primary);
    // They may have left (socket closed) or stepped off the stage while we awaited: leave nothing behind.
    if (this.peers.get(peerId) !== peer || this.closed) {
      transport.close();
      throw new RoomError('notFound', 'You are no longer in this room');
    }
    if (direction === 'send') {
      if (!stageRoles.includes(this.live.state.get(peerId)?.role ?? 'listener')) {
        transport.close();
        throw new RoomError('forbidden', 'Only people on stage can speak');
      }
      this.closeSendSide(peer);
      peer.sendTransportId = transport.id;
    } else this.closeRecvSide(peer); // a recv transport made meanwhile (the last one asked for wins)
    peer.transports.set(transport.id, transport);
    this.watchConnection(peer, transport);
    return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  /** The client's network changed or stalled: new ICE credentials for the same transport (mediasoup-demo's recovery). */
  async restartIce(peerId: string, transportId: string): Promise<types.IceParameters> {
    const transport = this.transport(peerId, transportId);
    if (!('restartIce' in transport)) throw new RoomError('invalidState', 'Not a WebRTC transport');
    return transport.restartIce();
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(peerId, transportId).connect({ dtlsParameters });
  }

  /** A stage member starts sending their microphone. */
  async produce(peerId: string, transportId: string, rtpParameters: types.RtpParameters): Promise<string> {
    const peer = this.participantPeer(peerId);
    const participant = this.requireStage(peerId);
    if (!this.live.state.maySend(peerId)) throw new RoomError('forbidden', 'This room is recorded: accept the recording notice to speak');
    if (transportId !== peer.sendTransportId) throw new RoomError('invalidState', 'Produce on your send transport');
    peer.producer?.close(); // one microphone per speaker: a new one replaces the old
    peer.producer = null;
    const producer = await (this.transport(peerId, transportId) as types.WebRtcTransport).produce({ kind: 'audio', rtpParameters, paused: participant.muted, appData: { peerId } });
    // The room may have changed while we awaited (left, moved to listeners, another produce won,
    // muted or unmuted): a producer nobody tracks could not be paused by a moderator.
    const now = this.live.state.get(peerId);
    if (this.peers.get(peerId) !== peer || peer.sendTransportId !== transportId || peer.producer || !now || !stageRoles.includes(now.role)) {
      producer.close();
      throw new RoomError(now ? 'forbidden' : 'notFound', now ? 'Only people on stage can speak, with one microphone' : 'You are no longer in this room');
    }
    peer.producer = producer;
    this.producing.add(peer);
    for (const observer of this.producerObservers) observer(peerId, producer);
    if (now.muted !== producer.paused) await (now.muted ? producer.pause() : producer.resume());
    // Without these observers the room only loses its speaking indicator for this producer: warn, go on.
    const unobserved = (error: unknown) => producer.closed || this.log.warn('speaking indicator will miss a producer', { room: this.live.id, peer: peer.id, error });
    await this.speakingWatch.add(producer.id).catch(unobserved);
    producer.observer.once('close', () => {
      if (peer.producer !== producer) return;
      peer.producer = null;
      this.producing.delete(peer);
    });
    await this.routers.pipeEverywhere(producer.id); // listeners on other workers hear it too
    const audience = [...this.peers.values()].filter((other) => other.id !== peerId && other.rtpCapabilities);
    await Promise.all(audience.map((other) => this.consume(other, producer)));
    return producer.id;
  }

  /** The client's device is loaded: consume everyone already speaking, and whoever comes next. */
  async ready(peerId: string, rtpCapabilities: types.RtpCapabilities): Promise<void> {
    const peer = peerId.startsWith('rtp:') ? this.peer(peerId) : this.participantPeer(peerId);
    if (!this.hasOpus(rtpCapabilities)) {
      throw new RoomError('invalidState', 'Your browser cannot receive Opus audio');
    }
    peer.rtpCapabilities = rtpCapabilities;
    for (const other of [...this.producing]) if (other.producer && other.id !== peerId) await this.consume(peer, other.producer);
  }

  /** The room's audio as RTP (SRTP unless `srtp` is false) to `ip:port`, a stream per speaker, placed like a listener (restreamers, the benchmarks' cheap listeners); `closePeer(id)` or the room's end closes it. */
  async openRtpOutput(target: { ip: string; port: number; srtp?: boolean; listenIp?: string }): Promise<RtpOutput> {
    const peer = this.peer(`rtp:${++this.outputs}`);
    peer.autoResume = true;
    const srtp = target.srtp ?? true;
    try {
      const transport = await this.listenerTransport((router) =>
        router.createPlainTransport({
          listenIp: target.listenIp ?? '127.0.0.1',
          rtcpMux: true,
          comedia: false,
          enableSrtp: srtp,
          srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
          appData: { peerId: peer.id, direction: 'recv', router },
        }),
      );
      peer.transports.set(transport.id, transport);
      await transport.connect({ ip: target.ip, port: target.port, ...(srtp ? { srtpParameters: transport.srtpParameters } : {}) });
      await this.ready(peer.id, (transport.appData.router as types.Router).rtpCapabilities);
      return { id: peer.id, srtpParameters: transport.srtpParameters };
    } catch (error) {
      this.closePeer(peer.id); // closing its transport releases its place
      throw error;
    }
  }

  /** One speaker's microphone as plain RTP to a recorder, paused until the tap's `start()`. */
  async tapProducer(producerId: string): Promise<ProducerTap> {
    // On the primary router, where the microphones are: a server-side tap is not a listener to place.
    const router = this.routers.primary;
    return openProducerTap(await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: false, appData: { router } }), producerId);
  }

  /** The microphones sending now, by participant. */
  producers(): [peerId: string, producer: types.Producer][] {
    return [...this.producing].flatMap((p) => (p.producer && !p.producer.closed ? [[p.id, p.producer] as [string, types.Producer]] : []));
  }

  /** A listener's transport on the router placed for them; the place is freed when it closes or fails to open. */
  private async listenerTransport<T extends types.Transport>(open: (router: types.Router) => Promise<T>): Promise<T> {
    const router = await this.routers.placeListener(() => this.producerIds());
    const transport = await open(router).catch((error) => {
      this.routers.release(router);
      throw error;
    });
    transport.observer.once('close', () => this.routers.release(router));
    return transport;
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.participantPeer(peerId).consumers.get(consumerId);
    if (!consumer) throw new RoomError('notFound', 'No such consumer');
    await consumer.resume();
  }

  /** Their socket closed or was replaced: everything they had goes. */
  closePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    for (const transport of peer.transports.values()) transport.close(); // closes producer and consumers
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.peers.clear();
    this.producing.clear();
    this.routers.close();
  }

  private async consume(peer: MediaPeer, producer: types.Producer) {
    const recv = [...peer.transports.values()].find((t) => t.appData.direction === 'recv');
    const router = recv?.appData.router as types.Router | undefined;
    // On another router the piped producer has the same id.
    if (!recv || !router || !peer.rtpCapabilities || !router.canConsume({ producerId: producer.id, rtpCapabilities: peer.rtpCapabilities })) return;
    if (peer.consuming.has(producer.id)) return; // already consumed (a join racing with a new speaker)
    peer.consuming.add(producer.id);
    try {
      const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: peer.rtpCapabilities, paused: !peer.autoResume });
      peer.consumers.set(consumer.id, consumer);
      consumer.observer.once('close', () => {
        peer.consumers.delete(consumer.id);
        peer.consuming.delete(producer.id);
        this.live.broadcaster.toPerson(peer.id, { type: 'consumerClosed', consumerId: consumer.id });
      });
      this.live.broadcaster.toPerson(peer.id, {
        type: 'newConsumer',
        consumerId: consumer.id,
        producerId: producer.id,
        participantId: producer.appData.peerId as string,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
      });
    } catch (error) {
      peer.consuming.delete(producer.id);
      this.log.warn('could not create consumer', { room: this.live.id, peer: peer.id, error });
    }
  }

  private onRoomEvent(event: RoomEvent) {
    switch (event.type) {
      case 'roleChanged': {
        const peer = this.peers.get(event.id);
        if (peer && event.role === 'listener') this.closeSendSide(peer); // off the stage: silence now
        break;
      }
      case 'muteChanged': {
        const producer = this.peers.get(event.id)?.producer;
        // A producer closed meanwhile (its speaker left) is silent anyway; any other failure is logged.
        const failed = (error: unknown) => producer?.closed || this.log.error('could not apply a mute to the producer', { room: this.live.id, peer: event.id, muted: event.muted, error });
        if (producer) void (event.muted ? producer.pause() : producer.resume()).catch(failed);
        break;
      }
      case 'recordingChanged': // a microphone that has not consented stops when recording starts (the server decides)
        if (event.recording) for (const peer of this.producing) if (!this.live.state.maySend(peer.id)) peer.producer?.close();
        break;
      case 'participantLeft':
      case 'participantRemoved':
        this.closePeer(event.id);
        break;
      case 'roomEnded':
        this.close();
        break;
    }
  }

  /**
   * A transport whose DTLS failed, or whose ICE stays disconnected (a TCP path that broke), cannot
   * carry audio: close everything of theirs (freeing router places) and have the client rebuild.
   */
  private watchConnection(peer: MediaPeer, transport: types.WebRtcTransport) {
    watchTransportHealth(transport, (why) => {
      if (this.peers.get(peer.id) !== peer || !peer.transports.has(transport.id)) return; // replaced meanwhile
      this.log.info('closing a failed media transport', { room: this.live.id, peer: peer.id, why });
      this.closePeer(peer.id);
      this.live.broadcaster.toPerson(peer.id, { type: 'mediaReset' });
    });
  }

  private closeRecvSide(peer: MediaPeer) {
    for (const [id, transport] of peer.transports) {
      if (transport.appData.direction !== 'recv') continue;
      transport.close(); // its consumers close with it, and its router place is freed
      peer.transports.delete(id);
    }
    peer.consuming.clear();
  }

  private closeSendSide(peer: MediaPeer) {
    peer.producer?.close();
    peer.producer = null;
    if (peer.sendTransportId) {
      peer.transports.get(peer.sendTransportId)?.close();
      peer.transports.delete(peer.sendTransportId);
      peer.sendTransportId = null;
    }
  }

  private async openRouter() {
    const primary = await this.routers.open();
    this.speakingWatch = await SpeakingWatch.open(primary, this.live.broadcaster, this.speakingObservers);
  }

  private producerIds(): string[] {
    return [...this.producing].flatMap((p) => (p.producer ? [p.producer.id] : []));
  }

  /** The worker died: move the room to a live worker; clients rebuild their transports. */
  private async recover() {
    if (this.closed) return;
    if (this.recovering) return; // several routers may report the same death
    this.recovering = true;
    this.log.warn('media worker of a room died; moving the room', { room: this.live.id });
    for (const peer of this.peers.values()) for (const t of peer.transports.values()) t.close();
    this.peers.clear();
    this.producing.clear();
    this.routers.close();
    let lastError: unknown;
    for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
      try {
        await this.openRouter();
        this.recovering = false;
        this.live.broadcaster.toAll({ type: 'mediaReset' });
        return;
      } catch (error) {
        lastError = error;
        await Bun.sleep(200); // no live worker yet: the pool is replacing it
      }
    }
    this.recovering = false;
    this.log.error('could not move the room to a live media worker', { room: this.live.id, error: lastError });
  }

  private hasOpus(caps: types.RtpCapabilities) {
    return (caps.codecs ?? []).some((c) => c.mimeType.toLowerCase() === 'audio/opus');
  }

  private peer(peerId: string): MediaPeer {
    if (this.closed) throw new RoomError('ended', 'This room has ended');
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = { id: peerId, transports: new Map(), sendTransportId: null, producer: null, consumers: new Map(), consuming: new Set(), rtpCapabilities: null };
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  /** The media side of someone who is in the room now (not of someone who left or never came). */
  private participantPeer(peerId: string): MediaPeer {
    if (!this.live.state.get(peerId)?.connected) throw new RoomError('notFound', 'You are not in this room');
    return this.peer(peerId);
  }

  private transport(peerId: string, transportId: string): types.WebRtcTransport | types.PlainTransport {
    const transport = this.participantPeer(peerId).transports.get(transportId);
    if (!transport) throw new RoomError('notFound', 'No such transport');
    return transport;
  }

  private requireStage(peerId: string) {
    const participant = this.live.state.get(peerId);
    if (!participant || !stageRoles.includes(participant.role)) throw new RoomError('forbidden', 'Only people on stage can speak');
    return participant;
  }
}

