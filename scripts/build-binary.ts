// Builds dist/salon: one executable embedding the code, views, static files, migrations and the
// mediasoup worker (extracted to <dataDir>/runtime on first start). Run via `npm run build`,
// which builds the worker first and sets MEDIASOUP_WORKER_BIN.
//   bun scripts/build-binary.ts [--outfile path]
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dir, '..');
const outIndex = Bun.argv.indexOf('--outfile');
const outfile = resolve(outIndex > 0 ? Bun.argv[outIndex + 1]! : join(root, 'dist/salon'));
const workerBin = process.env.MEDIASOUP_WORKER_BIN;
if (!workerBin) {
  console.error('build-binary: MEDIASOUP_WORKER_BIN is not set; run "npm run build"');
  process.exit(1);
}

// Embedded files are named after their basename: stage the worker under the name the server looks for.
const staging = mkdtempSync(join(tmpdir(), 'salon-build-'));
const stagedWorker = join(staging, 'mediasoup-worker');
copyFileSync(workerBin, stagedWorker);
mkdirSync(dirname(outfile), { recursive: true });

// The binary is the production build: NODE_ENV=production both where the bundler inlines
// `process.env.NODE_ENV` (left alone, `--compile` inlines "development") and at run time, set by a
// banner before any module runs, for libraries that read it from the environment (Elysia's
// validation details use Bun.env). Forced, so the two can never disagree.
const production = ['--define', 'process.env.NODE_ENV="production"', '--banner', 'process.env.NODE_ENV = "production";'];
const proc = Bun.spawn(
  [process.execPath, 'build', '--compile', '--minify-syntax', '--minify-whitespace', ...production, 'src/main.ts', stagedWorker, '--outfile', outfile],
  { cwd: root, stdio: ['inherit', 'inherit', 'inherit'] },
);
const code = await proc.exited;
rmSync(staging, { recursive: true, force: true });
if (code !== 0) process.exit(code);
console.log(`build-binary: ${outfile} (${(statSync(outfile).size / 1e6).toFixed(1)} MB)`);
