// An older binary meeting a database upgraded by a newer Salon refuses it with a message an admin
// can act on, instead of running on a schema it does not know. Real processes, real SQLite file.
import { afterAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrations } from '../../src/db/migrations';
import { runCommand } from '../support/process';
import { tempDir } from '../support/salon';

const root = resolve(import.meta.dir, '../..');
const salon = [process.execPath, join(root, 'src/main.ts')];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const latest = Object.keys(migrations).at(-1)!;

/** A data folder migrated by this Salon, then "upgraded" by a future one. */
async function databaseFromTheFuture(): Promise<string> {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const migrated = await runCommand([...salon, 'migrate', '--data-dir', dataDir], process.env);
  expect(migrated.code).toBe(0);
  const file = new Database(join(dataDir, 'salon.sqlite'));
  file.query('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999_future', new Date().toISOString());
  file.close();
  return dataDir;
}

const refusal = `This database was upgraded by a newer Salon (migration 9999_future); this binary knows up to ${latest}: run the newer version or restore a backup`;

test('starting on a newer database stops with a clear message and a non-zero exit', async () => {
  const dataDir = await databaseFromTheFuture();
  const started = await runCommand(
    [...salon, '--data-dir', dataDir, '--port', '0', '--web-rtc-port', '0', '--host', '127.0.0.1', '--workers', '1'],
    process.env,
  );
  expect(started.code).not.toBe(0);
  expect(started.stderr).toContain(refusal);
  expect(started.stderr).not.toContain('    at '); // a message, not a stack trace
  expect(started.stdout + started.stderr).not.toContain('listening on');
});

test('salon migrate refuses it too, and leaves the database as it was', async () => {
  const dataDir = await databaseFromTheFuture();
  const migrated = await runCommand([...salon, 'migrate', '--data-dir', dataDir], process.env);
  expect(migrated.code).not.toBe(0);
  expect(migrated.stderr).toContain(refusal);
  const file = new Database(join(dataDir, 'salon.sqlite'), { readonly: true });
  const names = file.query<{ name: string }, []>('select name from kysely_migration order by name').all().map((r) => r.name);
  file.close();
  expect(names).toEqual([...Object.keys(migrations), '9999_future']);
});

test('a database at the same version starts as usual (the check refuses only the unknown)', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  expect((await runCommand([...salon, 'migrate', '--data-dir', dataDir], process.env)).code).toBe(0);
  const again = await runCommand([...salon, 'migrate', '--data-dir', dataDir], process.env);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('Database is up to date');
});
