// What the parent samples around a measurement window: CPU and RSS of the server process (Bun,
// where Salon runs in the benchmark) and of each media worker, and signalling messages sent.
import { readFileSync } from 'node:fs';
import type { types } from 'mediasoup';

export interface Sample {
  atMs: number;
  serverCpuMs: number;
  workerCpuMs: number[];
  serverRssKb: number;
  workerRssKb: number[];
  messagesOut: number;
  generatorCpuMs: number;
}

/** user + system CPU of another process, from /proc (clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

export async function sample(workers: types.Worker[], messagesOut = 0, generators: number[] = []): Promise<Sample> {
  const usage = await Promise.all(workers.map((w) => w.getResourceUsage()));
  const cpu = process.cpuUsage();
  return {
    atMs: performance.now(),
    serverCpuMs: (cpu.user + cpu.system) / 1000,
    workerCpuMs: usage.map((u) => u.ru_utime + u.ru_stime), // mediasoup reports milliseconds
    serverRssKb: process.memoryUsage().rss / 1024,
    workerRssKb: workers.map((w) => rssKb(w.pid)),
    messagesOut,
    generatorCpuMs: generators.reduce((ms, pid) => ms + processCpuMs(pid), 0),
  };
}

export interface Window {
  seconds: number;
  /** % of one core, per worker. */
  workerCpu: number[];
  workerCpuMs: number;
  serverCpu: number;
  /** Load generators (other processes on this machine), % of one core. */
  generatorCpu: number;
  messagesPerSecond: number;
}

export function between(a: Sample, b: Sample): Window {
  const seconds = (b.atMs - a.atMs) / 1000;
  const workerCpuMs = b.workerCpuMs.map((ms, i) => ms - (a.workerCpuMs[i] ?? 0));
  return {
    seconds,
    workerCpu: workerCpuMs.map((ms) => round((ms / 10) / seconds)),
    workerCpuMs: workerCpuMs.reduce((x, y) => x + y, 0),
    serverCpu: round((b.serverCpuMs - a.serverCpuMs) / 10 / seconds),
    generatorCpu: round((b.generatorCpuMs - a.generatorCpuMs) / 10 / seconds),
    messagesPerSecond: round((b.messagesOut - a.messagesOut) / seconds),
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
