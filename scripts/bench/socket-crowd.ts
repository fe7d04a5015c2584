// The benchmark's crowd of room WebSockets, in a child process so that the clients' CPU is not
// counted as the server's. The parent (signalling.ts) starts it with startSocketCrowd() and asks it,
// over Bun's IPC, to connect sockets, send messages and report how many frames they received.
// Run alone it does nothing useful: it waits for the parent's requests.

/** One socket to open: signed in (session cookie token) or anonymous (gets salon_anon from the room page). */
export interface SocketSpec {
  session?: string;
}

/** Frames received since the previous `counts` request. */
export interface FrameCounts {
  frames: number;
  maxPerSocket: number;
  byType: Record<string, number>;
  open: number;
  /** Sockets that closed since the previous `counts` (failed connections included). */
  closed: number;
  /** The crowd process's own CPU (ms): shows whether the clients kept up. */
  cpuMs: number;
}

type Request =
  | { type: 'connect'; url: string; roomId: string; sockets: SocketSpec[]; concurrency: number }
  | { type: 'send'; index: number; message: object }
  | { type: 'burst'; indexes: number[]; message: object; overMs: number }
  | { type: 'counts' }
  | { type: 'exit' };
type Reply = { id: number; error?: string; result?: unknown };

// ---- parent side --------------------------------------------------------------------------------

export interface SocketCrowd {
  /** Opens the sockets (in order; indexes continue from earlier calls) and resolves once each has its snapshot. */
  connect(url: string, roomId: string, sockets: SocketSpec[], concurrency?: number): Promise<{ ms: number; failed: number }>;
  send(index: number, message: object): Promise<void>;
  /** Each socket sends `message` once, spread evenly over `overMs`; resolves after the last send. */
  burst(indexes: number[], message: object, overMs: number): Promise<{ ms: number }>;
  counts(): Promise<FrameCounts>;
  stop(): Promise<void>;
}

export function startSocketCrowd(): SocketCrowd {
  const pending = new Map<number, { resolve(value: any): void; reject(error: Error): void }>();
  let nextId = 1;
  const child = Bun.spawn([process.execPath, import.meta.path], {
    stdio: ['ignore', 'inherit', 'inherit'],
    ipc(reply: Reply) {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.error) waiter?.reject(new Error(`socket crowd: ${reply.error}`));
      else waiter?.resolve(reply.result);
    },
  });
  void child.exited.then((code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`socket crowd exited with code ${code}`));
    pending.clear();
  });
  const ask = <T>(request: Request): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...request });
    });
  return {
    connect: (url, roomId, sockets, concurrency = 100) => ask({ type: 'connect', url, roomId, sockets, concurrency }),
    send: (index, message) => ask({ type: 'send', index, message }),
    burst: (indexes, message, overMs) => ask({ type: 'burst', indexes, message, overMs }),
    counts: () => ask({ type: 'counts' }),
    async stop() {
      child.send({ id: 0, type: 'exit' });
      await Promise.race([child.exited, Bun.sleep(5000)]);
      child.kill();
    },
  };
}

// ---- child side ---------------------------------------------------------------------------------

const sockets: WebSocket[] = [];
let received: number[] = []; // frames per socket since the last `counts`
let byType: Record<string, number> = {};
let closed = 0;
let cpuSince = process.cpuUsage();

/** A distinct client address per socket, in case the server limits per IP (it trusts X-Forwarded-For here). */
const ipOf = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

async function openOne(url: string, roomId: string, spec: SocketSpec, index: number): Promise<void> {
  const ip = ipOf(index + 1);
  let cookie = spec.session ? `salon_session=${encodeURIComponent(spec.session)}` : '';
  if (!spec.session) {
    // Like a browser: the room page hands out the anonymous listener cookie.
    const page = await fetch(`${url}/r/${roomId}`, { headers: { 'x-forwarded-for': ip, accept: 'text/html' } });
    await page.arrayBuffer();
    const anon = page.headers.getSetCookie().find((c) => c.startsWith('salon_anon='));
    if (!anon) throw new Error(`no salon_anon cookie from the room page (HTTP ${page.status})`);
    cookie = anon.split(';')[0]!;
  }
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/r/${roomId}/ws`, { headers: { cookie, 'x-forwarded-for': ip } } as never);
  sockets[index] = socket;
  received[index] = 0;
  await new Promise<void>((resolve, reject) => {
    socket.onmessage = (event) => {
      received[index] = (received[index] ?? 0) + 1;
      const type = (JSON.parse(String(event.data)) as { type: string }).type;
      byType[type] = (byType[type] ?? 0) + 1;
      if (type === 'snapshot') resolve();
      if (type === 'error') reject(new Error(String(event.data)));
    };
    socket.onerror = () => reject(new Error('WebSocket failed to open'));
    socket.onclose = () => {
      closed++;
      reject(new Error('WebSocket closed before its snapshot'));
    };
  });
}

async function connect(request: Extract<Request, { type: 'connect' }>) {
  const started = performance.now();
  const first = sockets.length;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < request.sockets.length) {
      const i = next++;
      await openOne(request.url, request.roomId, request.sockets[i]!, first + i).catch((error) => {
        if (failed++ === 0) console.error(`socket ${first + i}: ${(error as Error).message}`);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.concurrency, request.sockets.length) }, worker));
  return { ms: performance.now() - started, failed };
}

function counts(): FrameCounts {
  const cpu = process.cpuUsage(cpuSince);
  cpuSince = process.cpuUsage();
  const result = {
    frames: received.reduce((a, b) => a + b, 0),
    maxPerSocket: Math.max(0, ...received),
    byType,
    open: sockets.filter((s) => s?.readyState === WebSocket.OPEN).length,
    closed,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  received = received.map(() => 0);
  byType = {};
  closed = 0;
  return result;
}

async function burst({ indexes, message, overMs }: Extract<Request, { type: 'burst' }>) {
  const started = performance.now();
  const data = JSON.stringify(message);
  for (let k = 0; k < indexes.length; k++) {
    // Catch up on the schedule rather than drift: send every message whose time has come.
    const due = started + (k * overMs) / indexes.length;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    sockets[indexes[k]!]!.send(data);
  }
  return { ms: performance.now() - started };
}

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'connect':
      return connect(request);
    case 'send':
      return void sockets[request.index]!.send(JSON.stringify(request.message));
    case 'burst':
      return burst(request);
    case 'counts':
      return counts();
    case 'exit':
      for (const socket of sockets) socket?.close();
      process.exit(0);
  }
}

if (import.meta.main) {
  process.on('message', (message: { id: number } & Request) => {
    handle(message).then(
      (result) => process.send!({ id: message.id, result }),
      (error: Error) => process.send!({ id: message.id, error: error.message }),
    );
  });
}
