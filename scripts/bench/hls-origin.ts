// The HLS benchmark's other origins: a folder of static files (a synthetic live window written
// every second, or a mirror of Salon's) and nginx (the Debian package, on loopback, no root) serving
// it, or caching Salon in front of it with proxy_cache (set up as docs/hls-caching.md says).
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processCpuMs } from './metrics';
import { wallClockMs } from './rtp-payload';

/** One ADTS AAC-LC segment of a `hz` tone (0: silence), as a live segment would carry. */
export async function aacSegment(dir: string, hz: number, seconds = 1): Promise<Buffer> {
  const file = join(dir, `tone-${hz}.aac`);
  const source = hz > 0 ? `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}` : `anullsrc=r=48000:cl=mono:d=${seconds}`;
  const proc = Bun.spawn(['ffmpeg', '-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, '-ac', '1', '-c:a', 'aac', '-b:a', '64k', '-f', 'adts', file]);
  if ((await proc.exited) !== 0) throw new Error('ffmpeg could not encode an AAC segment');
  return readFileSync(file);
}

const writeAtomically = (file: string, data: string | Buffer) => {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
};

function playlist(first: number, count: number, startMs: (seq: number) => number) {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', `#EXT-X-MEDIA-SEQUENCE:${first}`];
  for (let seq = first; seq < first + count; seq++) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(startMs(seq)).toISOString()}`, '#EXTINF:1.000,', `live/${seq}.aac`);
  return lines.join('\n') + '\n';
}

/**
 * A synthetic live stream at <root>/r/<roomId>/live.m3u8: a 1 s segment every second, a window of
 * `window`. Every `toneEvery`-th segment is a 440 Hz tone (the others silence): its start is the
 * onset time, so the delay probe can be checked against a known origin.
 */
export async function syntheticLive(root: string, roomId: string, opts: { window?: number; toneEvery?: number } = {}) {
  const window = opts.window ?? 6;
  const toneEvery = opts.toneEvery ?? 5;
  const dir = join(root, 'r', roomId);
  mkdirSync(join(dir, 'live'), { recursive: true });
  const silence = await aacSegment(root, 0);
  const tone = await aacSegment(root, 440);
  const origin = wallClockMs();
  let seq = 0;
  const onsets: number[] = [];
  const startMs = (n: number) => origin + n * 1000 - window * 1000;
  // The first window exists at once (as a running room's would).
  const write = () => {
    const isTone = seq % toneEvery === 0;
    writeFileSync(join(dir, 'live', `${seq}.aac`), isTone ? tone : silence);
    if (isTone) onsets.push(startMs(seq));
    rmSync(join(dir, 'live', `${seq - window - 10}.aac`), { force: true });
    seq++;
    if (seq >= window) writeAtomically(join(dir, 'live.m3u8'), playlist(seq - window, window, startMs));
  };
  while (seq < window) write();
  const timer = setInterval(write, 1000);
  return { path: `/r/${roomId}/live.m3u8`, onsets, stop: () => clearInterval(timer) };
}

/** Copies Salon's live window into <root> every 250 ms: the same bytes nginx serves as static files. */
export function mirrorLive(sourceUrl: string, path: string, root: string) {
  const dir = join(root, path.slice(1, path.lastIndexOf('/')));
  const base = path.slice(0, path.lastIndexOf('/') + 1);
  mkdirSync(join(dir, 'live'), { recursive: true });
  const have = new Set<string>();
  let running = true;
  let copies = 0;
  const loop = async () => {
    while (running) {
      try {
        const response = await fetch(sourceUrl + path);
        const body = await response.text();
        if (response.ok) {
          const uris = body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
          for (const uri of uris) {
            if (have.has(uri)) continue;
            const segment = await fetch(sourceUrl + (uri.startsWith('/') ? uri : base + uri));
            if (!segment.ok) continue;
            const target = join(root, (uri.startsWith('/') ? uri : base + uri).slice(1));
            mkdirSync(target.slice(0, target.lastIndexOf('/')), { recursive: true });
            writeFileSync(target, Buffer.from(await segment.arrayBuffer()));
            have.add(uri);
            copies++;
          }
          writeAtomically(join(root, path.slice(1)), body);
        }
      } catch {
        // Salon busy or restarting: try again on the next round.
      }
      await Bun.sleep(250);
    }
  };
  void loop();
  return { stop: () => (running = false), copies: () => copies };
}

export interface Nginx {
  port: number;
  /** Master and workers. */
  pids(): number[];
  cpuMs(): number;
  /** Lines of the proxy's access log: status, cache status, upstream address, uri. */
  accessLog(): string[];
  stop(): Promise<void>;
}

export const freePort = () => 18000 + Math.floor(Math.random() * 12000);

/**
 * nginx on 127.0.0.1:<port>, started here (daemon off, pid in `dir`). With `root`: static files
 * (playlist max-age=1, segments immutable). With `upstream`: proxy_cache in front of it (segments
 * cached an hour, the playlist 1 s, one request to the origin at a time per key).
 */
export async function startNginx(dir: string, opts: { root?: string; upstream?: string; workers?: number }): Promise<Nginx> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const port = freePort();
  const proxied = opts.upstream
    ? `
    proxy_cache_path ${dir}/cache levels=1:2 keys_zone=hls:10m max_size=200m inactive=10m use_temp_path=off;
    upstream salon { server ${opts.upstream.replace(/^https?:\/\//, '')}; keepalive 32; }
    log_format hls '$status $upstream_cache_status $upstream_addr $uri';
    server {
      listen 127.0.0.1:${port} backlog=8192;
      access_log ${dir}/logs/access.log hls buffer=64k flush=1s;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_cache hls;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 2s;
      proxy_cache_key $uri;
      proxy_cache_use_stale updating error timeout;
      proxy_cache_background_update on;
      log_subrequest on; # the background refreshes reach the origin too: count them
      location ~ \\.m3u8$ { proxy_cache_valid 200 1s; proxy_cache_valid 404 1s; proxy_pass http://salon; }
      location ~ \\.aac$ { proxy_cache_valid 200 1h; proxy_cache_valid 404 1s; proxy_pass http://salon; }
      location / { proxy_cache off; proxy_pass http://salon; }
    }`
    : `
    server {
      listen 127.0.0.1:${port} backlog=8192;
      access_log off;
      root ${opts.root};
      location ~ \\.m3u8$ { add_header Cache-Control "max-age=1"; }
      location ~ \\.aac$ { add_header Cache-Control "max-age=31536000, immutable"; }
    }`;
  // As root, nginx's workers would drop to "nobody" and could not read the temp folders.
  const conf = `daemon off;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
worker_processes ${opts.workers ?? 2};
worker_rlimit_nofile 16384;
events { worker_connections 8192; multi_accept on; }
http {
  types { application/vnd.apple.mpegurl m3u8; audio/aac aac; }
  default_type application/octet-stream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  ${proxied}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const proc = Bun.spawn(['nginx', '-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'logs/error.log')], { stdout: 'inherit', stderr: 'inherit' });
  const deadline = Date.now() + 5000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (ok) break;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`nginx did not start: ${readFileSync(join(dir, 'logs/error.log'), 'utf8')}`);
    await Bun.sleep(100);
  }
  const pids = () => {
    try {
      const children = readFileSync(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      return [proc.pid, ...children];
    } catch {
      return [proc.pid];
    }
  };
  return {
    port,
    pids,
    cpuMs: () => pids().reduce((ms, pid) => ms + (() => { try { return processCpuMs(pid); } catch { return 0; } })(), 0),
    accessLog() {
      try {
        return readFileSync(join(dir, 'logs/access.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    async stop() {
      proc.kill('SIGQUIT');
      await Promise.race([proc.exited, Bun.sleep(3000)]);
      proc.kill('SIGKILL');
    },
  };
}

/** Deletes a benchmark temp folder's contents that nginx wrote (cache), used between runs. */
export const emptyDir = (dir: string) => {
  for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
};
