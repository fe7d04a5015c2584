// The README's configuration table must not drift from the config schema.
import { expect, test } from 'bun:test';
import { resolve } from 'node:path';
import { configSchema, envName, flagName } from '../../src/config/config.schema';

test('README documents every start-up setting with its env variable, flag and default', async () => {
  const readme = await Bun.file(resolve(import.meta.dir, '../../README.md')).text();
  for (const [key, spec] of Object.entries(configSchema)) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row, `README row for ${key}`).toBeString();
    expect(row).toContain(`\`${envName(key)}\``);
    expect(row).toContain(`\`${flagName(key)}\``);
    expect(row).toContain(`\`${JSON.stringify(spec.default)}\``);
  }
});
