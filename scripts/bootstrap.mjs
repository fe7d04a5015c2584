#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run build`, `npm run bench` and `npm run setup`.
// Plain Node (18+) so a machine with only Node/npm can bootstrap: it installs what is missing
// (system packages via apt, npm dependencies, Bun from npm), builds the mediasoup worker once
// (cached outside the clone), then hands over to Bun.
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [task = 'start', ...rest] = process.argv.slice(2);
const tasks = ['setup', 'start', 'test', 'build', 'bench'];
if (!tasks.includes(task)) fail(`unknown task "${task}" (expected one of ${tasks.join(', ')})`);

const say = (message) => process.stderr.write(`salon setup: ${message}\n`);
function fail(message) {
  process.stderr.write(`salon setup: ${message}\n`);
  process.exit(1);
}
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  return result;
}

// 1. System packages (skipped in a second when all are present).
run('bash', [join(root, 'scripts/install-system-deps.sh'), 'build', ...(task === 'test' ? ['test'] : [])]);

// 2. npm dependencies, reinstalled only when package.json or the lockfile changed.
const stampFile = join(root, 'node_modules/.salon-install-stamp');
const lockFile = join(root, 'package-lock.json');
const inputs = ['package.json', 'package-lock.json'].map((f) => (existsSync(join(root, f)) ? readFileSync(join(root, f)) : ''));
const stamp = createHash('sha256').update(inputs.join('\0')).digest('hex');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp || !existsSync(join(root, 'node_modules/.bin/bun'))) {
  say('installing npm dependencies');
  // mediasoup's own postinstall would download a worker from the internet: we build ours below.
  const env = { ...process.env, MEDIASOUP_WORKER_BIN: 'built-by-scripts/build-media-worker.sh' };
  run('npm', [existsSync(lockFile) ? 'ci' : 'install', '--no-audit', '--no-fund'], { env });
  writeFileSync(stampFile, stamp);
}

// 3. The mediasoup worker: built once per mediasoup version and build inputs, cached outside the clone.
const built = run('bash', [join(root, 'scripts/build-media-worker.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
const workerBin = built.stdout.toString().trim().split('\n').pop();
if (!workerBin || !existsSync(workerBin)) fail('the media worker build did not produce an executable');

// 4. The browser client bundle (static/build/), embedded by the server. Not for `setup`, which
// the Dockerfile runs before the sources are copied in.
const bun = join(root, 'node_modules/.bin/bun');
if (task !== 'setup') run(bun, [join(root, 'scripts/build-client.ts')]);

// 5. Hand over to Bun.
const env = { ...process.env, MEDIASOUP_WORKER_BIN: workerBin };
const commands = {
  setup: null,
  start: [bun, ['src/main.ts', ...rest]],
  test: [bun, ['scripts/run-tests.ts', ...rest]],
  build: [bun, ['scripts/build-binary.ts', ...rest]],
  bench: [bun, ['scripts/bench/run.ts', ...rest]],
};
if (!commands[task]) {
  say(`ready (media worker: ${workerBin})`);
  process.exit(0);
}
const [command, args] = commands[task];
const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
// Forward stop signals so the server shuts down gracefully, then exit with its code.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
