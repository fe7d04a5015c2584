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
    const file = configFile('c.json', JSON.stringify({ turnSecret: 12345 }));
    expect(() => loadConfig({ configFile: file })).toThrow(/turnSecret = \[redacted\]/);
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
    const dump = JSON.parse(dumpConfig(loadConfig({ env: { SALON_TURN_SECRET: 'hunter2', SALON_PORT: '8181' } })));
    expect(dump.turnSecret).toBe('[redacted]');
    expect(dump.port).toBe(8181);
    expect(JSON.stringify(dump)).not.toContain('hunter2');
  });
});

describe('TURN settings', () => {
  const turn = { SALON_TURN_URLS: 'turn:turn.example.org:3478?transport=udp', SALON_TURN_SECRET: 'hunter2' };

  test('defaults: no TURN server, credentials valid a day', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({ turnUrls: '', turnSecret: '', turnCredentialTtlSeconds: 86400 });
  });

  test('URLs, secret and TTL from env and flags; URLs are normalised', () => {
    const config = loadConfig({
      env: { ...turn, SALON_TURN_URLS: ' stun:stun.example.org , turns:[2001:db8::1]:5349,turn:10.0.0.1?transport=tcp ' },
      flags: { turnCredentialTtlSeconds: '3600' },
    });
    expect(config.turnUrls).toBe('stun:stun.example.org,turns:[2001:db8::1]:5349,turn:10.0.0.1?transport=tcp');
    expect(config.turnSecret).toBe('hunter2');
    expect(config.turnCredentialTtlSeconds).toBe(3600);
    expect(envName('turnCredentialTtlSeconds')).toBe('SALON_TURN_CREDENTIAL_TTL_SECONDS');
    expect(flagName('turnSecret')).toBe('--turn-secret');
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['a URL without a stun:/turn:/turns: scheme', { ...turn, SALON_TURN_URLS: 'https://turn.example.org' }, /turnUrls = "https:\/\/turn.example.org" .*expected comma-separated stun:, turn: or turns: URLs/],
    ['a URL with credentials in it', { ...turn, SALON_TURN_URLS: 'turn:user@turn.example.org' }, /turnUrls .*expected comma-separated/],
    ['a TTL under 5 minutes', { ...turn, SALON_TURN_CREDENTIAL_TTL_SECONDS: '10' }, /turnCredentialTtlSeconds = "10" .*expected an integer from 300 to 604800/],
    ['a TTL over a week', { ...turn, SALON_TURN_CREDENTIAL_TTL_SECONDS: '604801' }, /turnCredentialTtlSeconds/],
    ['turn: URLs without a secret', { SALON_TURN_URLS: 'turn:turn.example.org' }, /turnUrls has TURN URLs \(turn:turn.example.org\) but turnSecret is empty: set turnSecret to the static-auth-secret of the TURN server \(coturn's use-auth-secret\)/],
  ];
  for (const [name, env, message] of invalid) {
    test(`refused: ${name}`, () => {
      expect(() => loadConfig({ env })).toThrow(ConfigError);
      expect(() => loadConfig({ env })).toThrow(message);
    });
  }

  test('stun: URLs alone need no secret', () => {
    expect(loadConfig({ env: { SALON_TURN_URLS: 'stun:stun.example.org:3478' } }).turnUrls).toBe('stun:stun.example.org:3478');
  });

  test('the removed turnUsername/turnCredential stop start-up with advice, wherever they are set, without echoing them', () => {
    const advice = /is no longer supported\. .*coturn's use-auth-secret .*set turnSecret/;
    const cases: [() => unknown, RegExp][] = [
      [() => loadConfig({ env: { ...turn, SALON_TURN_USERNAME: 'salon' } }), /Invalid config: turnUsername \(from environment SALON_TURN_USERNAME\) is no longer supported/],
      [() => loadConfig({ env: { ...turn, SALON_TURN_CREDENTIAL: 'hunter3' } }), /Invalid config: turnCredential \(from environment SALON_TURN_CREDENTIAL\)/],
      [() => loadConfig({ env: turn, configFile: configFile('old.json', JSON.stringify({ turnCredential: 'hunter3' })) }), /turnCredential \(from config file .*old\.json\)/],
      [() => loadConfig({ env: turn, configFile: configFile('old.toml', 'turnUsername = "salon"\n') }), /turnUsername \(from config file .*old\.toml\)/],
      [() => loadConfig({ env: turn, flags: { turnUsername: 'salon' } as never }), /turnUsername \(from flag --turn-username\)/],
    ];
    for (const [load, origin] of cases) {
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(origin);
      expect(load).toThrow(advice);
      expect(load).not.toThrow(/hunter3/);
    }
  });

  test('a removed setting left empty changes nothing and passes', () => {
    const config = loadConfig({ env: { ...turn, SALON_TURN_USERNAME: '', SALON_TURN_CREDENTIAL: ' ' } });
    expect(config.turnSecret).toBe('hunter2');
    expect(Object.keys(config)).not.toContain('turnUsername');
    expect(dumpConfig(config)).not.toContain('turnCredential"');
  });
});

describe('announced IP', () => {
  test('explicit announced IP wins, then a concrete listen IP, then a local IPv4', () => {
    expect(announcedIp({ rtcAnnouncedIp: '203.0.113.9', rtcListenIp: '0.0.0.0' })).toBe('203.0.113.9');
    expect(announcedIp({ rtcAnnouncedIp: '', rtcListenIp: '127.0.0.1' })).toBe('127.0.0.1');
    expect(announcedIp({ rtcAnnouncedIp: '', rtcListenIp: '0.0.0.0' })).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
