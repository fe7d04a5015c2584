// Type-checks, then runs the whole bun:test suite and ends with a plain "N passed, N failed" line
// (read by CI), exiting non-zero on any failure. Extra arguments go to `bun test` (e.g. a path
// filter); with arguments the type-check is skipped.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dir, '..');
let typecheckFailed = false;
if (Bun.argv.length <= 2) {
  const tsc = Bun.spawn([process.execPath, join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'scripts/tsconfig.json')], { stdio: ['inherit', 'inherit', 'inherit'] });
  typecheckFailed = (await tsc.exited) !== 0;
  console.log(typecheckFailed ? 'typecheck: FAILED' : 'typecheck: ok');
}

const junitFile = join(tmpdir(), `salon-junit-${process.pid}.xml`);
const proc = Bun.spawn(
  [process.execPath, 'test', '--timeout', '60000', '--reporter=junit', `--reporter-outfile=${junitFile}`, ...Bun.argv.slice(2)],
  { stdio: ['inherit', 'inherit', 'inherit'] },
);
const code = await proc.exited;

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const xml = await Bun.file(junitFile).text();
  const suite = xml.match(/<testsuites[^>]*>/)?.[0] ?? '';
  const attr = (name: string) => Number(suite.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  failed = attr('failures') + attr('errors');
  skipped = attr('skipped');
  passed = attr('tests') - failed - skipped;
} catch {
  failed = Math.max(failed, 1); // no report at all: the runner itself failed
} finally {
  rmSync(junitFile, { force: true });
}
if (typecheckFailed) failed++; // counted as one failed check
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code !== 0 || failed > 0 || passed === 0 ? 1 : 0);
