/**
 * The lab room's light door (src/lab/client-door.ts): the CLI's lab verbs enter the lab room
 * through it without loading fastify or level, so `status --all` starts as fast as `status`.
 * The rule runs on src/ and on a planted set that proves it can fail.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, formatFinding, importsOf, LIGHT_DOORS, loadedFiles, readSources } from './import-rules.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const src = readSources(ROOT, 'src');
const HEAVY = LIGHT_DOORS['src/lab/client-door.ts'];

/** The heavy packages a file loads when it runs, through every value import. */
function heavyLoadedBy(file: string): string[] {
  return [...loadedFiles(src, file)].flatMap((f) =>
    importsOf(f, src.get(f)!)
      .filter((i) => i.how === 'value' && HEAVY.some((h) => i.specifier === h || i.specifier.startsWith(`${h}/`)))
      .map((i) => `${f} imports ${i.specifier}`),
  );
}

describe('the light door of src/lab', () => {
  it('is a door: src/cli enters src/lab through it, and src keeps every rule', () => {
    expect(checkImports(src).map(formatFinding)).toEqual([]);
    expect(
      [...src.keys()].filter((f) => f.startsWith('src/cli/') && src.get(f)!.includes("'../lab/client-door.ts'")).length,
    ).toBeGreaterThan(3);
  });

  it('loads no heavy package, and neither do the lab verbs of the CLI (up loads the lab only when it runs)', () => {
    for (const f of ['src/lab/client-door.ts', 'src/cli/lab-commands.ts', 'src/cli/status-all-command.ts', 'src/cli/lab-cleanup.ts'])
      expect(heavyLoadedBy(f), f).toEqual([]);
    // The positive control: the lab's index does load them.
    expect(heavyLoadedBy('src/lab/index.ts').length).toBeGreaterThan(0);
  });

  it('reports a light door that loads a heavy package, and a file that enters a room by another side door', () => {
    const planted = new Map([
      ['src/lab/index.ts', "export { x } from './heavy.ts';"],
      ['src/lab/heavy.ts', "import Fastify from 'fastify';\nexport const x = Fastify;"],
      ['src/lab/files.ts', "import type { FastifyInstance } from 'fastify';\nexport type F = FastifyInstance;"],
      ['src/lab/client-door.ts', "export { x } from './heavy.ts';\nexport type { F } from './files.ts';"],
      ['src/cli/main.ts', "import { x } from '../lab/client-door.ts';\nimport { y } from '../lab/files.ts';\nexport const z = [x, y];"],
    ]);
    expect(checkImports(planted).map(formatFinding)).toEqual([
      'door: src/cli/main.ts imports src/lab/files.ts: enter src/lab through its index.ts',
      'light-door: src/lab/heavy.ts imports fastify: src/lab/client-door.ts is a light door: nothing it loads may import fastify',
    ]);
  });
});
