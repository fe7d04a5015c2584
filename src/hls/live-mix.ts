// The live mix of one room's stage, as one continuous AAC (ADTS) stream for HLS. Each stage
// microphone is tapped like the recorder taps it (src/media/producer-tap.ts) and decoded by its own
// ffmpeg to PCM (src/recording/track-recorder.ts with `pcm`); Bun keeps a small jitter buffer per
// speaker and, every 20 ms, writes their sum to ONE long-running encoder ffmpeg. Speakers coming,
// going or muting never restart the encoder, so listeners hear no gap. Listeners are never tapped.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import type { Logger } from '../log';
import type { MediaRoom } from '../media/media-room';
import type { ProducerTap } from '../media/producer-tap';
import type { LiveRoom } from '../rooms/live/live-room';
import { TrackRecorder } from '../recording/track-recorder';
import { frameSamples, mixFrame, sampleRate, SpeakerBuffer } from './pcm-mixer';

const frameMs = (frameSamples * 1000) / sampleRate;
const maxCatchUpFrames = 25; // after a stall of the event loop longer than 0.5 s, skip ahead instead of bursting
const restartLimit = 5; // process deaths per minute before giving up (a speaker's decoder, or the encoder)

export interface LiveMixDeps {
  log: Logger;
  ffmpeg: string;
  /** Scratch folder for the decoders' SDP files. */
  dir: string;
  /** Encoder output, as it comes. */
  onAdts(chunk: Uint8Array): void;
  /** A (new) encoder: its first sample is mixed at `startedAt`; `restarted` after a crash. */
  onEncoderStarted(startedAt: number, restarted: boolean): void;
}

interface MixInput {
  peerId: string;
  producerId: string;
  buffer: SpeakerBuffer;
  tap: ProducerTap | null;
  decoder: TrackRecorder | null;
  stopped: Promise<void> | null;
}

type Encoder = ReturnType<typeof spawnEncoder>;

export class LiveMix {
  private readonly inputs = new Set<MixInput>();
  private readonly deaths: number[] = [];
  private encoder: Encoder | null = null;
  private timer: Timer | null = null;
  private startedAt = 0;
  private framesWritten = 0;
  private sequence = 0;
  private closed = false;
  private unobserve = () => {};

  constructor(
    private readonly live: LiveRoom,
    private readonly media: MediaRoom,
    private readonly deps: LiveMixDeps,
  ) {}

  /** Starts the encoder and taps whoever is on stage now and later. */
  start() {
    this.startEncoder(false);
    const observer = (peerId: string, producer: types.Producer) => void this.tapSpeaker(peerId, producer);
    this.media.producerObservers.add(observer);
    this.unobserve = () => this.media.producerObservers.delete(observer);
    for (const [peerId, producer] of this.media.producers()) void this.tapSpeaker(peerId, producer);
    this.timer = setInterval(() => this.tick(), frameMs);
  }

  get encoderPid(): number | null {
    return this.encoder?.proc.pid ?? null;
  }

  /** Speakers in the mix now (tests, benchmarks). */
  mixedPeers(): string[] {
    return [...this.inputs].filter((i) => !i.stopped).map((i) => i.peerId);
  }

  /** Process ids of the mix's ffmpeg processes (CPU measurements). */
  pids(): number[] {
    return [this.encoder?.proc.pid, ...[...this.inputs].map((i) => i.decoder?.pid)].filter((p): p is number => typeof p === 'number');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unobserve();
    await Promise.all([...this.inputs].map((input) => this.stopInput(input)));
    const encoder = this.encoder;
    this.encoder = null;
    if (encoder) {
      void encoder.proc.stdin.end();
      const killer = setTimeout(() => encoder.proc.kill('SIGKILL'), 2000);
      await encoder.proc.exited;
      clearTimeout(killer);
    }
    await rm(this.deps.dir, { recursive: true, force: true });
  }

  /** Writes every 20 ms frame due since the encoder started (timers drift; the clock does not). */
  private tick() {
    const encoder = this.encoder;
    if (!encoder || this.closed) return;
    let due = Math.floor((performance.now() - this.startedAt) / frameMs) - this.framesWritten;
    if (due > maxCatchUpFrames) {
      this.framesWritten += due - maxCatchUpFrames;
      due = maxCatchUpFrames;
    }
    const buffers = [...this.inputs].filter((i) => !i.stopped).map((i) => i.buffer);
    try {
      for (; due > 0; due--) {
        encoder.proc.stdin.write(mixFrame(buffers));
        this.framesWritten++;
      }
      void Promise.resolve(encoder.proc.stdin.flush()).catch(() => {}); // the encoder died: its exit handler restarts it
    } catch {
      // the pipe closed under us (the encoder died): same
    }
  }

  private startEncoder(restarted: boolean) {
    const encoder = spawnEncoder(this.deps.ffmpeg);
    this.encoder = encoder;
    this.startedAt = performance.now();
    this.framesWritten = 0;
    this.deps.onEncoderStarted(Date.now(), restarted);
    void (async () => {
      for await (const chunk of encoder.proc.stdout) if (this.encoder === encoder) this.deps.onAdts(chunk);
    })().catch(() => {});
    void encoder.proc.exited.then((code) => {
      if (this.closed || this.encoder !== encoder) return;
      this.deps.log.warn('live HLS encoder exited', { room: this.live.id, code, stderr: encoder.stderr() });
      this.encoder = null;
      if (this.tooManyDeaths()) return this.deps.log.error('live HLS: the encoder keeps dying; the stream stops', { room: this.live.id });
      setTimeout(() => !this.closed && this.startEncoder(true), 200);
    });
  }

  private async tapSpeaker(peerId: string, producer: types.Producer): Promise<void> {
    const role = this.live.state.get(peerId)?.role;
    if (this.closed || producer.closed || !role || role === 'listener') return;
    if ([...this.inputs].some((i) => i.producerId === producer.id && !i.stopped)) return;
    const input: MixInput = { peerId, producerId: producer.id, buffer: new SpeakerBuffer(), tap: null, decoder: null, stopped: null };
    this.inputs.add(input);
    try {
      input.tap = await this.media.tapProducer(producer.id);
      input.decoder = await TrackRecorder.start({ file: join(this.deps.dir, `speaker-${++this.sequence}.webm`), payloadType: input.tap.payloadType, ffmpeg: this.deps.ffmpeg, log: this.deps.log, pcm: true });
      const decoder = input.decoder;
      void (async () => {
        for await (const chunk of decoder.pcm!) input.buffer.push(chunk);
      })().catch(() => {});
      await input.tap.connect({ ip: '127.0.0.1', port: decoder.port, rtcpPort: decoder.rtcpPort });
      input.tap.onClose(() => void this.stopInput(input)); // their producer closed (left the stage, left)
      void decoder.exited.then((exit) => {
        if (!exit.expected) void this.decoderDied(peerId, producer, input);
      });
      if (input.stopped || this.closed) return void this.stopInput(input);
      await input.tap.start();
    } catch (error) {
      this.deps.log.warn('could not mix a speaker into the live HLS stream', { room: this.live.id, peer: peerId, error });
      void this.stopInput(input);
    }
  }

  /** ffmpeg gives up ~10 s after its last packet (a muted speaker): tapped again when they unmute. */
  private async decoderDied(peerId: string, producer: types.Producer, input: MixInput) {
    await this.stopInput(input);
    this.inputs.delete(input);
    if (this.closed || producer.closed) return;
    if (producer.paused) return void producer.observer.once('resume', () => void this.tapSpeaker(peerId, producer));
    if (this.tooManyDeaths()) return this.deps.log.error('live HLS: a speaker decoder keeps dying; this speaker is left out', { room: this.live.id, peer: peerId });
    await Bun.sleep(200);
    void this.tapSpeaker(peerId, producer);
  }

  private tooManyDeaths(): boolean {
    const now = Date.now();
    this.deaths.push(now);
    while (this.deaths.length && this.deaths[0]! < now - 60_000) this.deaths.shift();
    return this.deaths.length > restartLimit;
  }

  private stopInput(input: MixInput): Promise<void> {
    input.stopped ??= (async () => {
      await input.decoder?.stop();
      input.tap?.close();
      this.inputs.delete(input);
    })();
    return input.stopped;
  }
}

function spawnEncoder(ffmpeg: string) {
  const proc = Bun.spawn(
    [ffmpeg, '-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', 'pipe:0',
      '-c:a', 'aac', '-b:a', '64k', '-f', 'adts', '-flush_packets', '1', 'pipe:1'],
    { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' },
  );
  let stderr = '';
  void (async () => {
    for await (const chunk of proc.stderr) stderr = (stderr + new TextDecoder().decode(chunk)).slice(-2000);
  })().catch(() => {});
  return { proc, stderr: () => stderr.trim() };
}
