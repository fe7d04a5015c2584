import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, dumpConfig, loadConfig } from '../../src/config/config.load';
import { envName, flagName } from '../../src/config/config.schema';
import { parseArgs } from '../../src/cli/parse-args';
import { announcedIp } from '../../src/media/announced-ip';
import { tempDir } from '../support/salon';

const dir = tempDir('salon-config-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function configFile(name: string, body: string) {
  const path = join(dir, `${++fileCount}-${name}`);
  writeFileSync(path, body);
  return path;
}

describe('config precedence', () => {
  test('defaults apply when nothing is given', () => {
    const config = loadConfig({ env: {} });
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./data');
    expect(config.host).toBe('0.0.0.0');
    expect(config.workers).toBeGreaterThanOrEqual(1); // 0 resolves to the core count
  });

  test('file overrides defaults, env overrides file, flags override env', () => {
    const file = configFile('salon.json', JSON.stringify({ port: 9000, dataDir: '/srv/a', logLevel: 'warn', workers: 3 }));
    const config = loadConfig({
      configFile: file,
      env: { SALON_DATA_DIR: '/srv/b', SALON_LOG_LEVEL: 'debug' },
      flags: { logLevel: 'error' },
    });
    expect(config.port).toBe(9000); // file
    expect(config.workers).toBe(3); // file
    expect(config.dataDir).toBe('/srv/b'); // env over file
    expect(config.logLevel).toBe('error'); // flag over env
  });

  test('SALON_CONFIG names the file and TOML is accepted', () => {
    const file = configFile('salon.toml', 'port = 7000\nrtcAnnouncedIp = "203.0.113.7"\n');
    const config = loadConfig({ env: { SALON_CONFIG: file } });
    expect(config.port).toBe(7000);
    expect(config.rtcAnnouncedIp).toBe('203.0.113.7');
  });

  test('config is frozen', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('public URL is normalised to its origin', () => {
    expect(loadConfig({ env: { SALON_PUBLIC_URL: 'https://salon.example.org/' } }).publicUrl).toBe('https://salon.example.org');
  });
});

describe('config validation names the key and the expected form', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['port from env', () => loadConfig({ env: { SALON_PORT: 'eighty' } }), /port = "eighty" \(from environment SALON_PORT\): expected an integer from 0 to 65535/],
    ['port out of range', () => loadConfig({ flags: { port: '70000' } }), /port = "70000" \(from flag --port\)/],
    ['bad announced IP', () => loadConfig({ env: { SALON_RTC_ANNOUNCED_IP: 'my-box' } }), /rtcAnnouncedIp .*expected an IPv4\/IPv6 address/],
    ['bad public URL', () => loadConfig({ env: { SALON_PUBLIC_URL: 'ftp://x' } }), /publicUrl .*expected an http:\/\/ or https:\/\/ URL/],
    ['public URL with a path', () => loadConfig({ env: { SALON_PUBLIC_URL: 'https://x.org/salon' } }), /publicUrl/],
    ['bad log level', () => loadConfig({ env: { SALON_LOG_LEVEL: 'loud' } }), /logLevel .*expected one of debug, info, warn, error/],
    ['negative workers', () => loadConfig({ flags: { workers: '-1' } }), /workers .*expected an integer from 0 to 256/],
    ['inverted port range', () => loadConfig({ env: { SALON_RTC_MIN_PORT: '50000', SALON_RTC_MAX_PORT: '40000' } }), /rtcMinPort \(50000\) must not be greater than rtcMaxPort \(40000\)/],
    ['unknown key in file', () => loadConfig({ configFile: configFile('c.json', '{"prot": 1}') }), /Unknown key "prot"/],
    ['wrong type in file', () => loadConfig({ configFile: configFile('c.json', '{"port": "x"}') }), /port = "x" \(from config file/],
    ['invalid JSON file', () => loadConfig({ configFile: configFile('c.json', '{port:') }), /is not valid JSON/],
    ['missing file', () => loadConfig({ configFile: '/nonexistent/salon.json' }), /Cannot read config file \/nonexistent\/salon.json/],
    ['unknown flag', () => parseArgs(['--prot', '1']), /Unknown flag --prot/],
    ['flag without value', () => parseArgs(['--port']), /Flag --port needs a value/],
    ['unknown command', () => parseArgs(['serv']), /Unknown command "serv"/],
  ];
  for (const [name, load, message] of cases) {
    test(name, () => {
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(message);
    });
  }

  test('a secret value is never echoed in an error', () => {
    const file = configFile('c.json', JSON.stringify({ turnCredential: 12345 }));
    expect(() => loadConfig({ configFile: file })).toThrow(/turnCredential = \[redacted\]/);
  });
});

describe('command line', () => {
  test('flags map to config keys, both --key value and --key=value', () => {
    const cli = parseArgs(['serve', '--port', '9001', '--rtc-announced-ip=198.51.100.2', '--config', 'x.json']);
    expect(cli).toEqual({ command: 'serve', configFile: 'x.json', flags: { port: '9001', rtcAnnouncedIp: '198.51.100.2' }, positionals: [] });
  });

  test('--config-dump and migrate are commands', () => {
    expect(parseArgs(['--config-dump']).command).toBe('config-dump');
    expect(parseArgs(['migrate']).command).toBe('migrate');
  });

  test('env and flag names derive from the key', () => {
    expect(envName('rtcAnnouncedIp')).toBe('SALON_RTC_ANNOUNCED_IP');
    expect(flagName('rtcAnnouncedIp')).toBe('--rtc-announced-ip');
  });
});

describe('config dump', () => {
  test('redacts secrets and shows everything else', () => {
    const dump = JSON.parse(dumpConfig(loadConfig({ env: { SALON_TURN_CREDENTIAL: 'hunter2', SALON_PORT: '8181' } })));
    expect(dump.turnCredential).toBe('[redacted]');
    expect(dump.port).toBe(8181);
    expect(JSON.stringify(dump)).not.toContain('hunter2');
  });
});

describe('announced IP', () => {
  test('explicit announced IP wins, then a concrete listen IP, then a local IPv4', () => {
    expect(announcedIp({ rtcAnnouncedIp: '203.0.113.9', rtcListenIp: '0.0.0.0' })).toBe('203.0.113.9');
    expect(announcedIp({ rtcAnnouncedIp: '', rtcListenIp: '127.0.0.1' })).toBe('127.0.0.1');
    expect(announcedIp({ rtcAnnouncedIp: '', rtcListenIp: '0.0.0.0' })).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
