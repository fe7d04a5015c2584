// Starts a real Salon (real SQLite file, real mediasoup workers) on a free port in a temp data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.load';
import type { ConfigName } from '../../src/config/config.schema';
import { createLogger } from '../../src/log';
import { startSalon, type RunningSalon } from '../../src/server';

export function tempDir(prefix = 'salon-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestSalon extends RunningSalon {
  dataDir: string;
  /** Stops the server and deletes its data dir. */
  dispose(): Promise<void>;
}

export async function startTestSalon(flags: Partial<Record<ConfigName, string>> = {}): Promise<TestSalon> {
  const dataDir = tempDir();
  const config = loadConfig({
    flags: { host: '127.0.0.1', port: '0', dataDir, workers: '1', rtcListenIp: '127.0.0.1', webRtcPort: '0', trustProxy: 'true', ...flags },
    env: {},
  });
  const salon = await startSalon(config, createLogger(process.env.SALON_TEST_LOG ? 'debug' : 'error'));
  return {
    ...salon,
    dataDir,
    async dispose() {
      await salon.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
