/**
 * The layout's import rules hold on src/ (docs/architecture.md): dependencies point one way
 * along the room chain, a room's index.ts is its only door, the node's logical half never
 * reaches into its core, and no import cycle exists. The second half plants one wrong import
 * of each kind in a small in-memory set and checks that the same function reports it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkImports,
  formatFinding,
  importEdges,
  importsOf,
  mayImport,
  readSources,
  type RuleKind,
  type SourceSet,
} from './import-rules.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const src = readSources(ROOT, 'src');
const findings = checkImports(src);
const broken = (kind: RuleKind) => findings.filter((f) => f.kind === kind).map(formatFinding);

describe('src/ follows the layout', () => {
  it('reads the real import graph (a parser that saw nothing would pass everything)', () => {
    const { edges } = importEdges(src);
    expect(src.size).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'src/api/app.ts' && e.to === 'src/node/index.ts')).toBe(true);
  });

  it('every relative import names a file of src', () => expect(broken('unresolved')).toEqual([]));
  it('rooms import only rooms to their left: clock ← storage ← crypto ← ha ← node ← api ← net ← lab ← drill ← cli', () =>
    expect(broken('direction')).toEqual([]));
  it("a room's index.ts is the only door in", () => expect(broken('door')).toEqual([]));
  it('inside src/node, logical never imports core and errors.ts imports nothing of the room', () =>
    expect(broken('node-halves')).toEqual([]));
  it('has no import cycle (type-only imports included)', () => expect(broken('cycle')).toEqual([]));
});

describe('which room may import which', () => {
  it.each([
    ['storage', 'clock', true],
    ['crypto', 'storage', true],
    ['ha', 'crypto', true],
    ['node', 'ha', true],
    ['api', 'node', true],
    ['drill', 'api', true],
    ['cli', 'drill', true],
    ['node', 'hcl', true],
    ['clock', 'storage', false],
    ['hcl', 'clock', false],
    ['clock', 'hcl', false],
    ['api', 'types', false],
    ['storage', 'crypto', false],
    ['crypto', 'ha', false],
    ['ha', 'node', false],
    ['node', 'api', false],
    ['lab', 'drill', false],
    ['node', 'net', false],
    ['net', 'api', true],
    ['lab', 'net', true],
    ['ha', 'net', false],
  ])('%s → %s: %s', (from, to, allowed) => expect(mayImport(from, to)).toBe(allowed));
});

describe('how an import is read', () => {
  it.each([
    ["import { a } from './a.ts';", 'value'],
    ["import a, { type B } from './a.ts';", 'value'],
    ["import './a.ts';", 'value'],
    ["export * from './a.ts';", 'value'],
    ["import type { A } from './a.ts';", 'type'],
    ["import { type A, type B } from './a.ts';", 'type'],
    ["export type { A } from './a.ts';", 'type'],
    ["let x: import('./a.ts').A;", 'type'],
    ["const m = await import('./a.ts');", 'dynamic'],
  ])('%s → %s', (text, how) => expect(importsOf('src/x/b.ts', text)).toEqual([{ specifier: './a.ts', how }]));

  it('ignores a specifier in a string or a comment', () =>
    expect(importsOf('src/x/b.ts', "// import './a.ts'\nconst s = \"from './a.ts'\";")).toEqual([]));
});

/** One wrong import of each kind, beside correct ones that must stay silent. */
const planted: SourceSet = new Map([
  ['src/clock/index.ts', "export * from './clock.ts';"],
  ['src/clock/clock.ts', 'export const now = () => 0;'],
  ['src/storage/index.ts', "import { now } from '../clock/index.ts';\nexport * from './backend.ts';"],
  ['src/storage/backend.ts', "import type { Barrier } from '../crypto/index.ts';\nexport type Backend = Barrier;"],
  ['src/crypto/index.ts', "import type { Backend } from '../storage/index.ts';\nexport type Barrier = { b: Backend };"],
  ['src/ha/index.ts', "export { helper } from '../storage/backend.ts';\nimport { x } from './missing.ts';"],
  ['src/node/index.ts', "export * from './core/vault-node.ts';\nexport * from './errors.ts';"],
  ['src/node/errors.ts', "import type { View } from './logical/system-view.ts';"],
  ['src/node/core/vault-node.ts', "export const view = () => import('../logical/system-view.ts');"],
  ['src/node/logical/system-view.ts', "import type { VaultNode } from '../core/vault-node.ts';\nexport type View = {};"],
]);

describe('the checker catches planted wrong imports', () => {
  const found = checkImports(planted).map(formatFinding);

  it('reports each planted violation, naming file and import, and nothing else', () => {
    expect(found).toEqual([
      'unresolved: src/ha/index.ts imports ./missing.ts: ./missing.ts names no file of the set',
      'direction: src/storage/backend.ts imports src/crypto/index.ts: storage may not import crypto',
      'door: src/ha/index.ts imports src/storage/backend.ts: enter src/storage through its index.ts',
      'node-halves: src/node/errors.ts imports src/node/logical/system-view.ts: src/node/errors.ts imports nothing of src/node',
      'node-halves: src/node/logical/system-view.ts imports src/node/core/vault-node.ts: src/node/logical never imports src/node/core',
      'cycle: src/crypto/index.ts: import cycle among src/crypto/index.ts, src/storage/backend.ts, src/storage/index.ts (' +
        'src/storage/index.ts → src/storage/backend.ts; ' +
        'src/storage/backend.ts → src/crypto/index.ts (type); ' +
        'src/crypto/index.ts → src/storage/index.ts (type))',
      'cycle: src/node/core/vault-node.ts: import cycle among src/node/core/vault-node.ts, src/node/logical/system-view.ts (' +
        'src/node/core/vault-node.ts → src/node/logical/system-view.ts (dynamic); ' +
        'src/node/logical/system-view.ts → src/node/core/vault-node.ts (type))',
    ]);
    // Printed so a reader of the run sees the checker at work.
    console.log(`planted imports, as reported:\n${found.join('\n')}`);
  });

  it('is silent once the wrong imports are taken out', () => {
    const fixed = new Map(planted);
    fixed.set('src/storage/backend.ts', 'export type Backend = { key: string };');
    fixed.set('src/ha/index.ts', "export { Backend } from '../storage/index.ts';");
    fixed.set('src/node/errors.ts', 'export class VaultError extends Error {}');
    fixed.set(
      'src/node/logical/system-view.ts',
      "import type { Backend } from '../../storage/index.ts';\nexport type View = { b: Backend };",
    );
    expect(checkImports(fixed).map(formatFinding)).toEqual([]);
  });

  it('names a room missing from the layout, and an import that leaves src', () => {
    const extra = new Map(planted);
    extra.set('src/ui/index.ts', "import { now } from '../clock/index.ts';");
    extra.set('src/drill/catalogue.ts', "import { ALL } from '../../scenarios/index.ts';");
    const found = checkImports(extra).map(formatFinding);
    expect(found).toContain("direction: src/ui/index.ts imports src/clock/index.ts: src/ui is not in the layout's room list");
    expect(found).toContain('direction: src/drill/catalogue.ts imports scenarios/index.ts: src imports nothing outside src');
  });
});
