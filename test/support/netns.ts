// A network namespace joined to this host by a veth pair, for e2e tests that put a browser on
// "another machine": the host end is <subnet>.1, the namespace end <subnet>.2 (a /30 in 10.213.X.0
// that no interface here uses yet), and the namespace has no other route (not even to the host's
// loopback). Needs root and `ip` (iproute2); no iptables. Same set-up as test/e2e/network-drop.test.ts.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath } from './browser';

/** Runs a command, returns its stdout, throws with its stderr when it fails. */
export async function run(...cmd: string[]): Promise<string> {
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}

export interface NetNamespace {
  name: string;
  /** The veth end on this host (in the root namespace). */
  hostIp: string;
  /** The veth end inside the namespace. */
  nsIp: string;
  nsIf: string;
  /** Runs a command inside the namespace. */
  exec(...cmd: string[]): Promise<string>;
  /** Writes an executable into `dir` that runs Chromium inside the namespace (same pid: it execs). */
  chromiumWrapper(dir: string): string;
  /** Deletes the veth pair and the namespace (never throws). */
  remove(): Promise<void>;
}

/** `tag`: a few letters naming the test (interface names have at most 15 characters). */
export async function createNamespace(tag: string, testFile: string): Promise<NetNamespace> {
  if (process.getuid?.() !== 0) throw new Error(`${testFile} needs root (it creates a network namespace and a veth pair)`);
  await run('ip', '-V').catch(() => {
    throw new Error(`${testFile} needs the \`ip\` command (iproute2)`);
  });
  const name = `salon-${tag}-${process.pid}`;
  const hostIf = `s${tag}${process.pid}h`.slice(0, 15);
  const nsIf = `s${tag}${process.pid}n`.slice(0, 15);
  if (hostIf === nsIf) throw new Error(`namespace tag '${tag}' too long for interface names`);
  const subnet = await freeSubnet();
  const ns: NetNamespace = {
    name,
    hostIp: `${subnet}.1`,
    nsIp: `${subnet}.2`,
    nsIf,
    exec: (...cmd) => run('ip', 'netns', 'exec', name, ...cmd),
    chromiumWrapper(dir) {
      const file = join(dir, `chromium-in-${name}`);
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${name} ${chromiumPath} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    },
    async remove() {
      await run('ip', 'link', 'del', hostIf).catch(() => {}); // takes its peer with it
      await run('ip', 'netns', 'del', name).catch(() => {});
    },
  };
  try {
    await run('ip', 'netns', 'add', name);
    await run('ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    await run('ip', 'link', 'set', nsIf, 'netns', name);
    await run('ip', 'addr', 'add', `${ns.hostIp}/30`, 'dev', hostIf);
    await run('ip', 'link', 'set', hostIf, 'up');
    await ns.exec('ip', 'addr', 'add', `${ns.nsIp}/30`, 'dev', nsIf);
    await ns.exec('ip', 'link', 'set', nsIf, 'up');
    await ns.exec('ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    await ns.remove();
    throw error;
  }
  return ns;
}

/** A /30 in 10.213.X.0 that no interface here uses yet. */
async function freeSubnet(): Promise<string> {
  const used = await run('ip', '-4', '-o', 'addr');
  for (let i = 0; i < 256; i++) {
    const candidate = `10.213.${(process.pid + 7 * i + 101) % 256}`;
    if (!used.includes(`${candidate}.`)) return candidate;
  }
  throw new Error('no free 10.213.X.0/30 subnet');
}
