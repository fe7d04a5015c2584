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
// `step` names the set-up step and what to try when it fails; the command's own output says why.
function run(step, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  const what = `${step.name} failed: ${command} ${args.map((a) => a.replace(root + '/', '')).join(' ')}`;
  if (result.error) fail(`${what} could not start (${result.error.message}). ${step.hint}`);
  if (result.status !== 0) fail(`${what} exited with ${result.status ?? result.signal}; see its message above. ${step.hint}`);
  return result;
}
const retry = 'Then run `npm run setup` again.';
const steps = {
  system: { name: 'system packages', hint: `Fix what it reports (it needs apt, and root or sudo). ${retry}` },
  npm: { name: 'npm install', hint: `Check your network or npm registry settings (npm config get registry). ${retry}` },
  worker: { name: 'media worker build', hint: `Check the build log above; \`bash scripts/build-media-worker.sh\` reruns it alone. ${retry}` },
  client: { name: 'client bundle', hint: 'Check the error above; `node_modules/.bin/bun scripts/build-client.ts` reruns it alone.' },
};

// 1. System packages (skipped in a second when all are present).
run(steps.system, 'bash', [join(root, 'scripts/install-system-deps.sh'), 'build', ...(task === 'test' || task === 'bench' ? ['test'] : [])]); // the bench starts nginx, ffmpeg and Chromium too

// 2. npm dependencies, reinstalled only when package.json or the lockfile changed.
const stampFile = join(root, 'node_modules/.salon-install-stamp');
const lockFile = join(root, 'package-lock.json');
const inputs = ['package.json', 'package-lock.json'].map((f) => (existsSync(join(root, f)) ? readFileSync(join(root, f)) : ''));
const stamp = createHash('sha256').update(inputs.join('\0')).digest('hex');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp || !existsSync(join(root, 'node_modules/.bin/bun'))) {
  say('installing npm dependencies');
  // mediasoup's own postinstall would download a worker from the internet: we build ours below.
  const env = { ...process.env, MEDIASOUP_WORKER_BIN: 'built-by-scripts/build-media-worker.sh' };
  run(steps.npm, 'npm', [existsSync(lockFile) ? 'ci' : 'install', '--no-audit', '--no-fund'], { env });
  writeFileSync(stampFile, stamp);
}

// 3. The mediasoup worker: built once per mediasoup version and build inputs, cached outside the clone.
const built = run(steps.worker, 'bash', [join(root, 'scripts/build-media-worker.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
const workerBin = built.stdout.toString().trim().split('\n').pop();
if (!workerBin || !existsSync(workerBin)) fail(`media worker build failed: no executable at "${workerBin}". ${steps.worker.hint}`);

// 4. The browser client bundle (static/build/), embedded by the server. Not for `setup`, which
// the Dockerfile runs before the sources are copied in.
const bun = join(root, 'node_modules/.bin/bun');
if (task !== 'setup') run(steps.client, bun, [join(root, 'scripts/build-client.ts')]);

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
