// The benchmark harness, tiny: `bun run bench --quick` must run end to end against a real Salon and
// the bare baseline, and its listeners must really hear the speakers. Checks behaviour (everyone
// joined and heard, sends bounded), never timings: those are for `bun run bench`, run by hand.
import { expect, test } from 'bun:test';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../../scripts/bench/run';
import { tempDir } from '../support/salon';

test('a quick benchmark run: listeners of every kind hear the speakers, signalling stays coalesced', async () => {
  const out = tempDir('salon-bench-');
  try {
    const run = Bun.spawn([process.execPath, 'scripts/bench/run.ts', '--quick', '--out', out], { stdout: 'pipe', stderr: 'pipe', env: process.env });
    const [code, stdout, stderr] = await Promise.all([run.exited, new Response(run.stdout).text(), new Response(run.stderr).text()]);
    if (code !== 0) throw new Error(`bench exited ${code}\n${stdout}\n${stderr}`);
    const file = readdirSync(out).find((f) => f.endsWith('.json'))!;
    const results: BenchResults = JSON.parse(readFileSync(join(out, file), 'utf8'));
    expect(readdirSync(out).some((f) => f.endsWith('.md'))).toBe(true);

    // Plain SRTP listeners through Salon's placement, and the same on bare mediasoup.
    for (const target of ['salon', 'bare'] as const) {
      const row = results.plain.find((r) => r.target === target)!;
      expect(row).toMatchObject({ speakers: 1, listeners: 40, missingStreams: 0 });
      expect(row.sampledDeliveredPercent).toBeGreaterThan(90);
      expect(row.usPerPacket).toBeGreaterThan(0);
      expect(row.delayP50).not.toBeNull();
    }
    // Real WebRTC listeners through the page, the socket and the media signalling.
    for (const row of [...results.werift, ...results.storm]) {
      expect(row.errors).toBe(0);
      expect(row.stuck).toBe(0);
      expect(row.hearing).toBe(row.joined);
      expect(row.worstListenerPackets).toBeGreaterThan(0);
    }
    expect(results.storm[0]!.joined).toBe(20);
    // Every signalling event costs a bounded number of sends.
    const s = results.signalling!;
    expect(s.connect.failed).toBe(0);
    expect(s.pass).toMatchObject({ join: true, handRaise: true, reaction: true, burstPublishes: true });
    expect(s.burst.frames).toBeGreaterThan(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 240_000);
