// Child process: virtual HLS players. Each player fetches the live playlist once per target
// duration (its own phase in the second), and each segment that is new to it once, like hls.js
// (a joining player starts 3 segments from the live edge). Requests go over a pool of keep-alive
// HTTP/1.1 connections (raw Bun sockets: much less CPU per request than fetch), so latency includes
// any wait for a free connection (reported apart as queue p99).
import { serveParent } from './child';
import { percentile } from './rtp-payload';

type Kind = 'playlist' | 'segment';

interface Pending {
  kind: Kind;
  path: string;
  /** The player's address (X-Forwarded-For; the benchmark's Salon trusts it): distinct listeners. */
  ip: string;
  queuedAt: number;
  done(status: number, body: string | null): void;
}

interface Conn {
  socket: Bun.Socket<undefined> | null;
  /** On the idle stack. */
  idle: boolean;
  current: Pending | null;
  sentAt: number;
  header: string;
  bodyLeft: number;
  status: number;
  body: string[] | null;
}

let host = '127.0.0.1';
let port = 0;
let conns: Conn[] = [];
const queue: Pending[] = [];
let queueHead = 0;

// ---- the window's counters ----
let lat: Record<Kind, number[]> = { playlist: [], segment: [] };
let waits: number[] = [];
let bytes = 0;
let errors = 0;
let statusCounts: Record<string, number> = {};
let windowStart = performance.now();
let cpuStart = process.cpuUsage();

function finish(conn: Conn) {
  const request = conn.current!;
  conn.current = null;
  const now = performance.now();
  lat[request.kind].push(now - request.queuedAt);
  if (conn.status !== 200) {
    errors++;
    statusCounts[conn.status] = (statusCounts[conn.status] ?? 0) + 1;
  }
  request.done(conn.status, conn.body ? conn.body.join('') : null);
  pump(conn);
}

function fail(conn: Conn, why: string) {
  const request = conn.current;
  conn.current = null;
  conn.socket = null; // pump() skips it on the idle stack; `open` puts it back
  if (request) {
    errors++;
    statusCounts[why] = (statusCounts[why] ?? 0) + 1;
    request.done(0, null);
  }
  if (conns.includes(conn)) setTimeout(() => connect(conn), 100); // not after stop()
}

function onData(conn: Conn, chunk: Buffer) {
  if (!conn.current) return; // stray bytes (no pipelining here)
  let at = 0;
  if (conn.bodyLeft < 0) {
    conn.header += chunk.toString('latin1');
    const end = conn.header.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = conn.header.slice(0, end);
    conn.status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return fail(conn, 'no-content-length');
    conn.bodyLeft = Number(length[1]);
    bytes += end + 4;
    const bodyStart = end + 4 - (conn.header.length - chunk.length);
    at = bodyStart;
    conn.header = '';
    conn.body = conn.current.kind === 'playlist' || conn.status !== 200 ? [] : null;
  }
  const take = Math.min(conn.bodyLeft, chunk.length - at);
  if (take > 0) {
    conn.bodyLeft -= take;
    bytes += take;
    conn.body?.push(chunk.toString('latin1', at, at + take));
  }
  if (conn.bodyLeft === 0) {
    conn.bodyLeft = -1;
    finish(conn);
  }
}

function connect(conn: Conn) {
  void Bun.connect({
    hostname: host,
    port,
    socket: {
      open(socket) {
        conn.socket = socket;
        pump(conn);
      },
      data: (_socket, chunk) => onData(conn, chunk),
      close: () => fail(conn, 'closed'),
      error: () => fail(conn, 'socket-error'),
      connectError: () => fail(conn, 'connect-error'),
    },
  }).catch(() => fail(conn, 'connect-error'));
}

function pump(conn: Conn) {
  if (conn.current || !conn.socket) return;
  if (queueHead >= queue.length) {
    if (!conn.idle) {
      conn.idle = true;
      idle.push(conn);
    }
    return;
  }
  const request = queue[queueHead]!;
  queue[queueHead++] = undefined as never;
  if (queueHead > 4096 && queueHead * 2 > queue.length) {
    queue.splice(0, queueHead);
    queueHead = 0;
  }
  conn.current = request;
  conn.bodyLeft = -1;
  conn.header = '';
  const now = performance.now();
  waits.push(now - request.queuedAt);
  conn.socket.write(`GET ${request.path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUser-Agent: salon-hls-bench\r\nAccept: */*\r\nX-Forwarded-For: ${request.ip}\r\n\r\n`);
}

// Connections with nothing to do; a busy one takes the next queued request when it finishes.
let idle: Conn[] = [];
function request(kind: Kind, path: string, ip: string, done: Pending['done']) {
  queue.push({ kind, path, ip, queuedAt: performance.now(), done });
  while (queueHead < queue.length && idle.length) {
    const conn = idle.pop()!;
    conn.idle = false;
    pump(conn);
  }
}

// ---- playlists ----
interface Parsed {
  segments: { seq: number; path: string }[];
}
let lastBody = '';
let lastParsed: Parsed = { segments: [] };

function parse(body: string, playlistPath: string): Parsed {
  if (body === lastBody) return lastParsed;
  const base = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
  let seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(body)?.[1] ?? 0);
  const segments: Parsed['segments'] = [];
  for (const line of body.split('\n')) {
    const uri = line.trim();
    if (!uri || uri.startsWith('#')) continue;
    segments.push({ seq: seq++, path: uri.startsWith('/') ? uri : base + uri });
  }
  lastBody = body;
  lastParsed = { segments };
  return lastParsed;
}

// ---- players ----
interface Player {
  lastSeq: number;
  phaseMs: number;
  ip: string;
  active: boolean;
}
let players: Player[] = [];
let playlistPath = '';
let intervalMs = 1000;
let startSegments = 3;
let ticker: Timer | null = null;
let lastTickPhase = 0;
let tickOrigin = performance.now();
let buckets: Player[][] = [];
const bucketMs = 10;

function poll(player: Player) {
  request('playlist', playlistPath, player.ip, (status, body) => {
    if (status !== 200 || body === null || !player.active) return;
    const { segments } = parse(body, playlistPath);
    const fresh = player.lastSeq < 0 ? segments.slice(-startSegments) : segments.filter((s) => s.seq > player.lastSeq);
    for (const segment of fresh) request('segment', segment.path, player.ip, () => {});
    if (segments.length) player.lastSeq = Math.max(player.lastSeq, segments.at(-1)!.seq);
  });
}

function tick() {
  const elapsed = performance.now() - tickOrigin;
  const phase = Math.floor(elapsed / bucketMs);
  // A late event loop catches up, but nobody polls twice for one period.
  lastTickPhase = Math.max(lastTickPhase, phase - buckets.length);
  for (let p = lastTickPhase; p < phase; p++) for (const player of buckets[p % buckets.length]!) if (player.active) poll(player);
  lastTickPhase = Math.max(lastTickPhase, phase);
}

/** Sets the crowd to `count` players (adds or removes), `connections` sockets to host:port. */
async function setPlayers(args: { url: string; path: string; count: number; connections: number; intervalMs?: number; startSegments?: number; offset?: number }) {
  const url = new URL(args.url);
  if (!port || url.port !== String(port) || url.hostname !== host || args.path !== playlistPath) {
    for (const conn of conns) conn.socket?.end();
    conns = [];
    idle = [];
    queue.length = 0;
    queueHead = 0;
    for (const player of players) player.active = false;
    players = [];
    host = url.hostname;
    port = Number(url.port);
    playlistPath = args.path;
    lastBody = '';
  }
  intervalMs = args.intervalMs ?? 1000;
  startSegments = args.startSegments ?? 3;
  if (buckets.length !== intervalMs / bucketMs) {
    buckets = Array.from({ length: Math.round(intervalMs / bucketMs) }, () => []);
    for (const player of players) buckets[Math.floor(player.phaseMs / bucketMs)]!.push(player);
  }
  while (conns.length < args.connections) {
    const conn: Conn = { socket: null, idle: false, current: null, sentAt: 0, header: '', bodyLeft: -1, status: 0, body: null };
    conns.push(conn);
    connect(conn);
  }
  while (players.length < args.count) {
    const n = players.length + 1 + (args.offset ?? 0);
    const player: Player = { lastSeq: -1, phaseMs: Math.random() * intervalMs, active: true, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    players.push(player);
    buckets[Math.floor(player.phaseMs / bucketMs)]!.push(player);
  }
  while (players.length > args.count) {
    const player = players.pop()!;
    player.active = false;
    const bucket = buckets[Math.floor(player.phaseMs / bucketMs)]!;
    bucket.splice(bucket.indexOf(player), 1);
  }
  if (!ticker) {
    lastTickPhase = Math.floor((performance.now() - tickOrigin) / bucketMs);
    ticker = setInterval(tick, bucketMs);
  }
  return { players: players.length, connections: conns.filter((c) => c.socket).length };
}

function begin() {
  lat = { playlist: [], segment: [] };
  waits = [];
  bytes = 0;
  errors = 0;
  statusCounts = {};
  windowStart = performance.now();
  cpuStart = process.cpuUsage();
}

function end() {
  const seconds = (performance.now() - windowStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const stats = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return { count: values.length, p50: percentile(sorted as unknown as number[], 50), p99: percentile(sorted as unknown as number[], 99), max: sorted.length ? sorted[sorted.length - 1]! : null };
  };
  return {
    seconds,
    playlist: stats(lat.playlist),
    segment: stats(lat.segment),
    queueWait: stats(waits),
    bytes,
    errors,
    statusCounts,
    backlog: queue.length - queueHead,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function stop() {
  if (ticker) clearInterval(ticker);
  ticker = null;
  for (const player of players) player.active = false;
  players = [];
  buckets = buckets.map(() => []);
  for (const conn of conns) conn.socket?.end();
  conns = [];
  idle = [];
  queue.length = 0; // requests still waiting belong to the old origin
  queueHead = 0;
}

/** The crowd's own state, for checking the generator itself. */
const state = () => ({ connections: conns.length, open: conns.filter((c) => c.socket).length, busy: conns.filter((c) => c.current).length, idle: idle.length, queued: queue.length - queueHead, players: players.length });

serveParent({ setPlayers, begin, end, stop, state });
