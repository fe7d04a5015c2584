// One speaker's microphone written to disk as it arrives: an ffmpeg process reads the tap's RTP
// (described by an SDP file beside the track) and copies the Opus packets, never transcoded, into
// a live WebM file. Live WebM is written cluster by cluster with no index to fix up at the end, so
// a crash (ours, ffmpeg's or the media worker's) leaves a playable file that simply stops (losing at
// most the half-second cluster being written). If our process dies, ffmpeg gives up by itself 10 s
// after its last packet, closing the file.
// RTP timestamps carry through: a muted stretch is a gap in the file's timestamps, not lost time.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log';

export interface TrackRecorderOptions {
  file: string;
  payloadType: number;
  ffmpeg: string;
  log: Logger;
  /** Where ffmpeg writes instead of one live WebM at `file` (report evidence writes short segments); `file` is then only a name. */
  output?: { args: string[]; sdpFile: string };
  /** Decodes instead of copying: mono 16-bit 48 kHz PCM on `pcm` (ffmpeg's stdout), as it arrives (live HLS mixes it). */
  pcm?: boolean;
}

export type TrackExit = { code: number | null; signal: string | null; expected: boolean };


export class TrackRecorder {
  private stopping = false;
  readonly exited: Promise<TrackExit>;

  private constructor(
    readonly file: string,
    readonly port: number,
    private readonly proc: ReturnType<typeof Bun.spawn>,
    private readonly errors: () => string,
  ) {
    this.exited = proc.exited.then((code) => ({ code, signal: proc.signalCode ? String(proc.signalCode) : null, expected: this.stopping }));
  }

  get rtcpPort() {
    return this.port + 1;
  }

  get pid() {
    return this.proc.pid;
  }

  /** The decoded audio, when started with `pcm`. */
  get pcm(): ReadableStream<Uint8Array> | null {
    return this.proc.stdout instanceof ReadableStream ? this.proc.stdout : null;
  }

  /** Starts ffmpeg and resolves once it listens on its RTP port (so no first packet is lost). */
  static async start(options: TrackRecorderOptions): Promise<TrackRecorder> {
    await mkdir(dirname(options.file), { recursive: true });
    const port = await freePortPair();
    const sdpFile = options.output?.sdpFile ?? options.file.replace(/\.webm$/, '.sdp');
    await writeFile(sdpFile, sdp(port, options.payloadType));
    const proc = Bun.spawn(
      [options.ffmpeg, '-nostdin', '-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp',
        // Bound to loopback: nobody on the network can slip packets into a recording.
        '-localaddr', '127.0.0.1', '-i', sdpFile,
        '-map', '0:a', ...(options.pcm ? ['-ac', '1', '-ar', '48000', '-f', 's16le', '-flush_packets', '1', 'pipe:1'] : ['-c:a', 'copy', ...(options.output?.args ?? ['-f', 'webm', '-live', '1', '-flush_packets', '1', '-cluster_time_limit', '500', '-y', options.file])])],
      { stdout: options.pcm ? 'pipe' : 'ignore', stderr: 'pipe' },
    );
    let stderr = '';
    void (async () => {
      for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) stderr = (stderr + new TextDecoder().decode(chunk)).slice(-2000);
    })().catch(() => {});
    const recorder = new TrackRecorder(options.file, port, proc, () => stderr);
    const listening = await waitUntilListening(port, proc);
    if (!listening) {
      proc.kill('SIGKILL');
      throw new Error(`the recorder (ffmpeg) did not start: ${stderr.trim() || `exit ${proc.exitCode}`}`);
    }
    return recorder;
  }

  /** ffmpeg's last words, for the logs. */
  lastErrors(): string {
    return this.errors().trim();
  }

  /**
   * Finishes the file cleanly: ffmpeg writes its last cluster on SIGINT, but notices the first one
   * only when a packet arrives; a second one interrupts a read that waits (a muted speaker).
   * Killed if it still hangs.
   */
  async stop(): Promise<TrackExit> {
    this.stopping = true;
    const signal = (name: 'SIGINT' | 'SIGKILL') => this.proc.exitCode === null && !this.proc.signalCode && this.proc.kill(name);
    signal('SIGINT');
    const timers = [setTimeout(() => signal('SIGINT'), 300), setTimeout(() => signal('SIGKILL'), 5000)];
    try {
      return await this.exited;
    } finally {
      timers.forEach(clearTimeout);
    }
  }
}

function sdp(port: number, payloadType: number): string {
  return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=salon track', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP ${payloadType}`, `a=rtpmap:${payloadType} opus/48000/2`, 'a=recvonly', ''].join('\n');
}

/** An even UDP port whose neighbour (RTCP) is free too, checked by binding both. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 5000);
    const sockets: { close(): void }[] = [];
    try {
      sockets.push(await Bun.udpSocket({ hostname: '127.0.0.1', port }));
      sockets.push(await Bun.udpSocket({ hostname: '127.0.0.1', port: port + 1 }));
      return port;
    } catch {
      // taken: try another
    } finally {
      for (const socket of sockets) socket.close();
    }
  }
  throw new Error('no free UDP port pair for a recorder');
}

/** Polls the kernel's UDP table for the port (ffmpeg prints nothing when it is ready). */
async function waitUntilListening(port: number, proc: ReturnType<typeof Bun.spawn>, timeoutMs = 10_000): Promise<boolean> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} `; // 127.0.0.1:port, as the kernel writes it
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && proc.exitCode === null && !proc.signalCode) {
    const table = await Bun.file('/proc/net/udp').text();
    if (table.includes(local)) return true;
    await Bun.sleep(20);
  }
  return false;
}
