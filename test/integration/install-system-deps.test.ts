// scripts/install-system-deps.sh run for real (bash) against temporary apt trees (APT_ETC, OS_RELEASE):
// mirror, deb-src and backports detection for the classic /etc/apt/sources.list layout (what the
// Debian installer writes), the deb822 sources.list.d/*.sources layout (Debian 12 images, Ubuntu
// 24.04), both and neither. Dry-run mode runs no apt-get and nothing through sudo; fake dpkg-query and
// meson on PATH make the packages look missing and meson too old, and a guarding `tee` refuses writes
// outside the temporary tree.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve(import.meta.dir, '../../scripts/install-system-deps.sh');
const debianKeyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
const realTee = Bun.which('tee') ?? '/usr/bin/tee';
const realAptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => existsSync(p));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// The real /etc/apt must come out untouched: a listing with sizes and times, taken before and after.
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const s = statSync(join(dir, name));
      return `${name} ${s.size} ${s.mtimeMs}`;
    });
}
let etcAptBefore: string[] = [];
beforeAll(() => {
  etcAptBefore = snapshot('/etc/apt');
});
afterAll(() => {
  expect(snapshot('/etc/apt')).toEqual(etcAptBefore);
});

const debianOsRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
const ubuntuOsRelease =
  'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=noble\n';

interface Tree {
  root: string;
  apt: string;
  calls: string;
  env: Record<string, string>;
}

/** A temporary machine: etc/apt with the given files, an os-release, and fake tools on PATH. */
function makeTree(files: Record<string, string>, osRelease = debianOsRelease): Tree {
  const root = mkdtempSync(join(tmpdir(), 'salon-apt-test-'));
  dirs.push(root);
  const apt = join(root, 'etc/apt');
  mkdirSync(join(apt, 'sources.list.d'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(apt, name), text);
  writeFileSync(join(root, 'os-release'), osRelease);
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const calls = join(root, 'calls.log');
  const tools: Record<string, string> = {
    // FAKE_INSTALLED=1: every package asked about is installed; otherwise none is.
    'dpkg-query': `[ "\${FAKE_INSTALLED:-0}" = 1 ] || exit 1
for a in "$@"; do case "$a" in -*) ;; *) printf '%s install ok installed\\n' "$a" ;; esac; done`,
    meson: 'echo "${FAKE_MESON_VERSION:-1.0.1}"',
    'apt-get': 'echo "apt-get $*" >> "$CALLS_LOG"; exit 100',
    sudo: '[ "$*" = "-n true" ] && exit 0 # passwordless sudo\necho "sudo $*" >> "$CALLS_LOG"; exit 97',
    tee: `for a in "$@"; do case "$a" in -*) ;; "$SANDBOX"/*) ;; *)
  echo "tee $a" >> "$CALLS_LOG"; echo "test guard: refusing to write $a outside $SANDBOX" >&2; exit 1 ;; esac; done
exec ${realTee} "$@"`,
  };
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('SALON_')) env[k] = v;
  Object.assign(env, {
    PATH: `${bin}:${process.env.PATH}`,
    APT_ETC: apt,
    OS_RELEASE: join(root, 'os-release'),
    SALON_APT_DRY_RUN: '1',
    SANDBOX: root,
    CALLS_LOG: calls,
    LC_ALL: 'C',
  });
  return { root, apt, calls, env };
}

function runScript(tree: Tree, extraEnv: Record<string, string> = {}, args = ['build']) {
  const r = spawnSync('bash', [script, ...args], { env: { ...tree.env, ...extraEnv }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

/** Files under the tree's etc/apt, relative, with their content. */
function aptFiles(tree: Tree): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(tree.apt, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(tree.apt, name);
    if (statSync(path).isFile()) out[name] = readFileSync(path, 'utf8');
  }
  return out;
}
const withoutComments = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .join('\n');
const calls = (tree: Tree) => (existsSync(tree.calls) ? readFileSync(tree.calls, 'utf8') : '');

/** Real apt reads the resulting tree (no download): it must accept it and list these URIs. */
function expectAptAccepts(tree: Tree, uris: string[]) {
  if (!realAptGet) return; // not a Debian-like machine: the content checks above still ran
  const state = join(tree.root, 'apt-state');
  mkdirSync(join(state, 'lists/partial'), { recursive: true });
  mkdirSync(join(state, 'cache'), { recursive: true });
  const r = spawnSync(
    realAptGet,
    [
      '-o', `Dir::Etc=${tree.apt}`, '-o', 'Dir::Etc::sourcelist=sources.list', '-o', 'Dir::Etc::sourceparts=sources.list.d',
      '-o', `Dir::State::Lists=${join(state, 'lists')}`, '-o', `Dir::Cache=${join(state, 'cache')}`,
      'update', '--print-uris',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  for (const uri of uris) expect(r.stdout).toContain(uri);
}

const classicSourcesList = `#

# deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 NETINST with firmware 20240210-11:27]/ bookworm contrib main non-free-firmware

deb http://security.debian.org/debian-security bookworm-security main non-free-firmware
# deb-src http://security.debian.org/debian-security bookworm-security main non-free-firmware

deb http://ftp.fr.debian.org/debian/ bookworm main non-free-firmware
# deb-src http://ftp.fr.debian.org/debian/ bookworm main non-free-firmware

# bookworm-updates, to get updates before a point release is made;
# see https://www.debian.org/doc/manuals/debian-reference/ch02.en.html#_updates_and_backports
deb http://ftp.fr.debian.org/debian/ bookworm-updates main non-free-firmware
`;

test('classic sources.list only: deb-src and backports as .list lines on the first non-security mirror', () => {
  const tree = makeTree({ 'sources.list': classicSourcesList });
  const r = runScript(tree);
  expect(r.output).not.toContain('unexpected failure');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://ftp.fr.debian.org/debian/');
  const files = aptFiles(tree);
  expect(Object.keys(files)).toEqual(['sources.list', 'sources.list.d/salon-backports.list', 'sources.list.d/salon-deb-src.list']);
  expect(files['sources.list']).toBe(classicSourcesList);
  expect(withoutComments(files['sources.list.d/salon-deb-src.list'])).toBe('deb-src http://ftp.fr.debian.org/debian/ bookworm main');
  expect(withoutComments(files['sources.list.d/salon-backports.list'])).toBe('deb http://ftp.fr.debian.org/debian/ bookworm-backports main');
  // Dry run: the apt-get commands are printed, none is run, nothing goes through sudo.
  expect(r.stdout).toMatch(/would run: (sudo )?apt-get update/);
  expect(r.stdout).toMatch(/would run: (sudo )?apt-get install .*build-essential/);
  expect(r.stdout).toMatch(/would run: (sudo )?apt-get install .*-t bookworm-backports meson/);
  expect(calls(tree)).toBe('');
  expectAptAccepts(tree, [
    'http://ftp.fr.debian.org/debian/dists/bookworm/main/source/Sources',
    'http://ftp.fr.debian.org/debian/dists/bookworm-backports/InRelease',
  ]);
});

test('classic sources.list with [arch=… signed-by=…] options: the new lines carry the same options', () => {
  const sourcesList = `# deb http://old.example.org/debian bookworm main
deb [arch=amd64 signed-by=${debianKeyring}] http://deb.debian.org/debian bookworm main contrib
deb [arch=amd64 signed-by=${debianKeyring}] http://deb.debian.org/debian-security bookworm-security main
`;
  const tree = makeTree({ 'sources.list': sourcesList });
  const r = runScript(tree);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://deb.debian.org/debian ');
  const files = aptFiles(tree);
  expect(withoutComments(files['sources.list.d/salon-deb-src.list'])).toBe(
    `deb-src [arch=amd64 signed-by=${debianKeyring}] http://deb.debian.org/debian bookworm main`,
  );
  expect(withoutComments(files['sources.list.d/salon-backports.list'])).toBe(
    `deb [arch=amd64 signed-by=${debianKeyring}] http://deb.debian.org/debian bookworm-backports main`,
  );
  expect(calls(tree)).toBe('');
  // A deb-src for the same mirror and suite with another Signed-By would make apt refuse all sources.
  expectAptAccepts(tree, ['http://deb.debian.org/debian/dists/bookworm/main/source/Sources']);
});

const debianSources = `Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: ${debianKeyring}

Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: ${debianKeyring}
`;

test('deb822 .sources only: deb-src and backports as .sources stanzas with the same Signed-By', () => {
  const tree = makeTree({
    // sorted before debian.sources, not a Debian mirror (no "main"): never taken as the mirror
    'sources.list.d/a-thirdparty.list': `deb [signed-by=${debianKeyring}] https://download.example.com/linux/debian bookworm stable\n`,
    'sources.list.d/debian.sources': debianSources,
    // apt ignores files with other extensions, so must the script: this deb-src does not count
    'sources.list.d/old.list.disabled': 'deb-src http://deb.debian.org/debian bookworm main\n',
  });
  const r = runScript(tree);
  expect(r.output).not.toContain('unexpected failure');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://mirror.example.org/debian ');
  const files = aptFiles(tree);
  expect(Object.keys(files)).toEqual([
    'sources.list.d/a-thirdparty.list',
    'sources.list.d/debian.sources',
    'sources.list.d/old.list.disabled',
    'sources.list.d/salon-backports.sources',
    'sources.list.d/salon-deb-src.sources',
  ]);
  expect(files['sources.list.d/debian.sources']).toBe(debianSources);
  expect(withoutComments(files['sources.list.d/salon-deb-src.sources'])).toBe(
    `Types: deb-src\nURIs: http://mirror.example.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: ${debianKeyring}`,
  );
  expect(withoutComments(files['sources.list.d/salon-backports.sources'])).toBe(
    `Types: deb\nURIs: http://mirror.example.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: ${debianKeyring}`,
  );
  expect(r.stdout).toMatch(/would run: (sudo )?apt-get install .*-t bookworm-backports meson/);
  expect(calls(tree)).toBe('');
  expectAptAccepts(tree, [
    'http://mirror.example.org/debian/dists/bookworm/main/source/Sources',
    'http://mirror.example.org/debian/dists/bookworm-backports/InRelease',
  ]);
});

test('both layouts: the first entry in apt order (sources.list) gives the mirror and the format', () => {
  const tree = makeTree({
    'sources.list': `deb http://ftp.de.debian.org/debian bookworm main\n`,
    'sources.list.d/debian.sources': debianSources,
  });
  const r = runScript(tree);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://ftp.de.debian.org/debian ');
  const files = aptFiles(tree);
  expect(withoutComments(files['sources.list.d/salon-deb-src.list'])).toBe('deb-src http://ftp.de.debian.org/debian bookworm main');
  expect(withoutComments(files['sources.list.d/salon-backports.list'])).toBe('deb http://ftp.de.debian.org/debian bookworm-backports main');
  expect(files['sources.list.d/salon-deb-src.sources']).toBeUndefined();
  expect(calls(tree)).toBe('');
  expectAptAccepts(tree, ['http://ftp.de.debian.org/debian/dists/bookworm/main/source/Sources']);
});

test('no sources at all: the Debian default mirror, deb822 stanzas', () => {
  const tree = makeTree({});
  const r = runScript(tree);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://deb.debian.org/debian ');
  const signedBy = existsSync(debianKeyring) ? `\nSigned-By: ${debianKeyring}` : '';
  const files = aptFiles(tree);
  expect(withoutComments(files['sources.list.d/salon-deb-src.sources'])).toBe(
    `Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main${signedBy}`,
  );
  expect(withoutComments(files['sources.list.d/salon-backports.sources'])).toBe(
    `Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main${signedBy}`,
  );
  expect(calls(tree)).toBe('');
});

test('Ubuntu 24.04 deb822: deb-src for main and universe, no backports (noble has meson 1.3)', () => {
  const ubuntuSources = `Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`;
  const tree = makeTree({ 'sources.list.d/ubuntu.sources': ubuntuSources }, ubuntuOsRelease);
  const r = runScript(tree);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('mirror http://archive.ubuntu.com/ubuntu/ ');
  const files = aptFiles(tree);
  expect(Object.keys(files)).toEqual(['sources.list.d/salon-deb-src.sources', 'sources.list.d/ubuntu.sources']);
  expect(withoutComments(files['sources.list.d/salon-deb-src.sources'])).toBe(
    'Types: deb-src\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble\nComponents: main universe\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg',
  );
  expect(r.stdout).toMatch(/would run: (sudo )?apt-get install .* meson$/m);
  expect(r.stdout).not.toContain('-t noble-backports');
  expect(calls(tree)).toBe('');
});

test('idempotent: a second run finds its own entries and writes nothing', () => {
  const tree = makeTree({ 'sources.list': classicSourcesList });
  expect(runScript(tree).code).toBe(0);
  const first = aptFiles(tree);
  const times = snapshot(tree.apt);
  const again = runScript(tree);
  expect(again.code).toBe(0);
  expect(again.stdout).not.toContain('adding');
  expect(aptFiles(tree)).toEqual(first);
  expect(snapshot(tree.apt)).toEqual(times);
});

test('everything present: silent, no apt, fast', () => {
  const tree = makeTree({
    'sources.list': `${classicSourcesList}deb-src http://ftp.fr.debian.org/debian/ bookworm main\ndeb http://ftp.fr.debian.org/debian/ bookworm-backports main\n`,
  });
  const started = performance.now();
  const r = runScript(tree, { FAKE_INSTALLED: '1', FAKE_MESON_VERSION: '1.7.0', SALON_APT_DRY_RUN: '' }, ['build', 'test']);
  const elapsed = performance.now() - started;
  expect(r.output).toBe('');
  expect(r.code).toBe(0);
  expect(calls(tree)).toBe('');
  expect(elapsed).toBeLessThan(2000);
});

test('a failing apt-get update stops with what failed and what to do', () => {
  const tree = makeTree({
    'sources.list': `${classicSourcesList}deb-src http://ftp.fr.debian.org/debian/ bookworm main\n`,
    'sources.list.d/salon-backports.list': 'deb http://ftp.fr.debian.org/debian/ bookworm-backports main\n',
  });
  const r = runScript(tree, { SALON_APT_DRY_RUN: '' });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('apt-get update failed');
  expect(r.stderr).toContain('npm run setup');
  expect(r.stderr).not.toContain('unexpected failure');
  // the fake apt-get (or sudo) was asked, and nothing else
  expect(calls(tree)).toMatch(/^(sudo )?(env DEBIAN_FRONTEND=noninteractive )?apt-get update -qq\n$/);
});
