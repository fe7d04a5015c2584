// Views render what they are given: from src/ they import types only (plus the html helper and the
// dependency-free clock format).
// Values (asset URLs, language lists, option lists...) come in through the page context or the
// view model the route passes.
import { expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const viewsDir = resolve(import.meta.dir, '../../views');
// Besides the html helper: the clock format shared with the replay player and share cards (pure, no imports).
const allowedValueModules = new Set(['../src/shared/html', '../src/recording/replay/replay-time']);

/** Every import/export-from statement of a module, with whether it brings in values at run time. */
function moduleImports(source: string): { from: string; statement: string; values: boolean }[] {
  const found: { from: string; statement: string; values: boolean }[] = [];
  // `import x from`, `import { a, type B } from`, `import type ...`, `export { a } from`, `export * from`, multi-line too.
  const fromClause = /^\s*(import|export)\s+([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(fromClause)) {
    const [statement, , clause = '', from = ''] = m;
    found.push({ from, statement: statement.trim(), values: bringsValues(clause) });
  }
  // Side-effect imports: `import './x'` runs the module.
  for (const m of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push({ from: m[1]!, statement: m[0].trim(), values: true });
  return found;
}

function bringsValues(clause: string): boolean {
  const c = clause.trim();
  if (/^type\b/.test(c)) return false; // import type { ... } / export type { ... }
  const braces = c.match(/\{([^}]*)\}/);
  const outside = c.replace(/\{[^}]*\}/, '').replace(/,/g, '').trim();
  if (outside) return true; // a default or namespace import, or export *
  const names = (braces?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return names.some((name) => !/^type\s/.test(name));
}

test('the import parser tells types from values', () => {
  const parsed = moduleImports(`import { html } from '../src/shared/html';
import type { A } from '../src/a';
import { type B, type C } from '../src/b';
import { type D, e } from '../src/d';
import * as f from '../src/f';
import g from '../src/g';
import {
  h,
} from '../src/h';
export type { I } from '../src/i';
export { j } from '../src/j';
import '../src/k';`);
  expect(parsed.map((p) => [p.from, p.values])).toEqual([
    ['../src/shared/html', true],
    ['../src/a', false],
    ['../src/b', false],
    ['../src/d', true],
    ['../src/f', true],
    ['../src/g', true],
    ['../src/h', true],
    ['../src/i', false],
    ['../src/j', true],
    ['../src/k', true],
  ]);
});

test('views import only types from src/, besides the html helper', async () => {
  const files = readdirSync(viewsDir).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(5);
  const offenders: string[] = [];
  for (const file of files) {
    const source = await Bun.file(resolve(viewsDir, file)).text();
    for (const i of moduleImports(source)) {
      const fromSrc = i.from.startsWith('../src/') || i.from === '../src';
      if (fromSrc && i.values && !allowedValueModules.has(i.from.replace(/\.ts$/, ''))) offenders.push(`views/${file}: ${i.statement}`);
    }
  }
  expect(offenders).toEqual([]);
});

test('the value modules views may use stay leaves: they bring in nothing of the server', async () => {
  for (const module of [...allowedValueModules].filter((m) => m !== '../src/shared/html')) {
    const source = await Bun.file(resolve(viewsDir, `${module}.ts`)).text();
    expect({ module, imports: moduleImports(source).map((i) => i.statement) }).toEqual({ module, imports: [] });
  }
});
