import { describe, expect, test } from 'bun:test';
import { createLogger } from '../../src/log';

describe('logger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: createLogger('debug', (line) => lines.push(line)) };
  };

  test('an Error field keeps its name, message and stack on one line', () => {
    const { lines, log } = capture();
    const error = new TypeError('boom here');
    log.error('request failed', { url: '/x', error });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line).toContain(' ERROR request failed url=/x error="TypeError: boom here" error.stack=');
    const stack = JSON.parse(line.slice(line.indexOf('error.stack=') + 'error.stack='.length).trim());
    expect(stack).toBe(error.stack!);
    expect(stack).toContain('log.test.ts');
  });

  test('plain values are written as before, quoted when they hold spaces', () => {
    const { lines, log } = capture();
    log.info('hello', { a: 'plain', b: 'two words', n: 3, o: { k: 1 } });
    expect(lines[0]!.slice(25)).toBe('INFO  hello a=plain b="two words" n=3 o={"k":1}\n');
  });

  test('levels below the threshold are dropped', () => {
    const lines: string[] = [];
    const log = createLogger('warn', (line) => lines.push(line));
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('WARN  loud');
  });
});
