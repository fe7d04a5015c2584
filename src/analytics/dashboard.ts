// The admin's dashboard: what is live now (rooms, media workers, sessions and sockets), what the
// instance holds (storage), how it grows (sign-ups and rooms per day) and what waits (open reports).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/connection';
import { databasePath } from '../db/connection';
import type { MediaRooms } from '../media/media-rooms';
import { MediaWorkerPool } from '../media/worker-pool';
import type { LiveRooms } from '../rooms/live/live-rooms';

export interface DashboardRoom {
  id: string;
  title: string;
  hostHandle: string;
  listeners: number;
  speakers: number;
  startedAt: string | null;
}

export interface DashboardWorker {
  pid: number;
  /** Percent of one core since the previous reading (null: could not be read). */
  cpuPercent: number | null;
  routers: number;
  listeners: number;
  /** Listener streams forwarded: listeners × people on stage, over the rooms on this worker. */
  listenerStreams: number;
}

export interface DayCount {
  day: string;
  count: number;
}

export interface Dashboard {
  rooms: DashboardRoom[];
  workers: DashboardWorker[];
  sessions: number;
  sockets: number;
  storage: { databaseBytes: number; avatarBytes: number; recordingBytes: number };
  signupsPerDay: DayCount[];
  roomsPerDay: DayCount[];
  openReports: number;
}

const chartDays = 30;

export class DashboardService {
  /** The previous CPU reading of each worker (pid → CPU ms used, wall-clock ms). */
  private readonly lastCpu = new Map<number, { cpuMs: number; at: number }>();

  constructor(private readonly deps: { db: Db; live: LiveRooms; media: MediaRooms; pool: MediaWorkerPool; dataDir: string }) {}

  async build(now = new Date()): Promise<Dashboard> {
    const [workers, sessions, storage, signupsPerDay, roomsPerDay, openReports, rooms] = await Promise.all([
      this.workers(),
      this.activeSessions(now),
      this.storage(),
      this.perDay('users', now),
      this.perDay('rooms', now),
      this.openReports(),
      this.liveRooms(),
    ]);
    const sockets = this.deps.live.all().reduce((sum, room) => sum + room.sockets.size, 0);
    return { rooms, workers, sessions, sockets, storage, signupsPerDay, roomsPerDay, openReports };
  }

  private async liveRooms(): Promise<DashboardRoom[]> {
    const live = this.deps.live.all().filter((room) => room.state.status === 'live');
    const hostIds = [...new Set(live.map((room) => room.room.host_id))];
    const hosts = hostIds.length ? await this.deps.db.selectFrom('users').select(['id', 'handle']).where('id', 'in', hostIds).execute() : [];
    const handleOf = new Map(hosts.map((h) => [h.id, h.handle]));
    return live
      .map((room) => ({ id: room.id, title: room.room.title, hostHandle: handleOf.get(room.room.host_id) ?? '?', listeners: room.listenerCount(), speakers: room.state.stage().length, startedAt: room.room.started_at }))
      .sort((a, b) => b.listeners - a.listeners);
  }

  private async workers(): Promise<DashboardWorker[]> {
    const streams = new Map<number, { listeners: number; streams: number }>();
    for (const room of this.deps.live.all()) {
      const media = this.deps.media.find(room.id);
      if (!media || media.closed) continue;
      const speakers = room.state.stage().length;
      for (const load of media.routerLoad()) {
        const entry = streams.get(load.workerPid) ?? { listeners: 0, streams: 0 };
        entry.listeners += load.listeners;
        entry.streams += load.listeners * speakers;
        streams.set(load.workerPid, entry);
      }
    }
    return Promise.all(
      this.deps.pool.liveWorkers().map(async (worker) => ({
        pid: worker.pid,
        cpuPercent: await this.cpuOf(worker),
        routers: (worker.appData.routerCount as number | undefined) ?? 0,
        listeners: streams.get(worker.pid)?.listeners ?? MediaWorkerPool.listenersOf(worker),
        listenerStreams: streams.get(worker.pid)?.streams ?? 0,
      })),
    );
  }

  /** CPU between this reading and the previous one; the first time, over a short second reading. */
  private async cpuOf(worker: { pid: number; getResourceUsage(): Promise<{ ru_utime: number; ru_stime: number }> }): Promise<number | null> {
    const read = async () => {
      const usage = await worker.getResourceUsage();
      return { cpuMs: usage.ru_utime + usage.ru_stime, at: performance.now() };
    };
    try {
      let previous = this.lastCpu.get(worker.pid);
      if (!previous) {
        previous = await read();
        await Bun.sleep(200);
      }
      const current = await read();
      this.lastCpu.set(worker.pid, current);
      const wall = current.at - previous.at;
      return wall > 0 ? Math.round(((current.cpuMs - previous.cpuMs) / wall) * 1000) / 10 : 0;
    } catch {
      return null;
    }
  }

  private async activeSessions(now: Date): Promise<number> {
    const row = await this.deps.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('expires_at', '>', now.toISOString()).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private async openReports(): Promise<number> {
    const row = await this.deps.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** One entry per day for the last 30 days (UTC), oldest first, zeros included. */
  private async perDay(table: 'users' | 'rooms', now: Date): Promise<DayCount[]> {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (chartDays - 1)));
    const rows = await this.deps.db
      .selectFrom(table)
      .select([sql<string>`substr(created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', first.toISOString())
      .groupBy(sql`substr(created_at, 1, 10)`)
      .execute();
    const counts = new Map(rows.map((r) => [r.day, Number(r.n)]));
    return Array.from({ length: chartDays }, (_, i) => {
      const day = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
      return { day, count: counts.get(day) ?? 0 };
    });
  }

  private async storage() {
    const db = databasePath(this.deps.dataDir);
    const databaseBytes = (await Promise.all(['', '-wal', '-shm'].map((suffix) => fileSize(db + suffix)))).reduce((a, b) => a + b, 0);
    const [avatarBytes, recordings, clips] = await Promise.all(['avatars', 'recordings', 'clips'].map((folder) => folderSize(join(this.deps.dataDir, folder))));
    const recordingBytes = recordings! + clips!; // replays and their clips
    return { databaseBytes, avatarBytes: avatarBytes!, recordingBytes };
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function folderSize(path: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  const sizes = await Promise.all(entries.map((e) => (e.isDirectory() ? folderSize(join(path, e.name)) : e.isFile() ? fileSize(join(path, e.name)) : 0)));
  return sizes.reduce((a, b) => a + b, 0);
}
