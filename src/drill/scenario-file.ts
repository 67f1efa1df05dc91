/**
 * A scenario from a user's file: JSON in the shape of the shipped scenarios, or a
 * TypeScript module whose default export is one. A .ts file is compiled by tsx's scoped
 * importer only when one is given, so nothing else is loaded through it. Whatever the
 * file holds is checked field by field before anything runs.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkScenario } from './scenario-check.ts';
import type { Scenario } from './scenario.ts';

/** The extensions a scenario file may have. */
const JSON_FILE = ['.json'];
const TS_FILE = ['.ts', '.mts'];

/** A scenario file that could not be read or does not describe a scenario; `problems` has one line per bad field. */
export class ScenarioFileError extends Error {
  readonly code = 'DRILL_BAD_SCENARIO_FILE';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.map((x) => `  ${x}`).join('\n')}`}`);
  }
}

/** Whether a drill argument names a file rather than a shipped scenario (a path, or a .json/.ts name). */
export function isScenarioFile(arg: string): boolean {
  return /[\\/]/.test(arg) || [...JSON_FILE, ...TS_FILE].includes(extname(arg));
}

/** Reads, loads and checks a scenario file. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  const ext = extname(file);
  if (![...JSON_FILE, ...TS_FILE].includes(ext)) throw new ScenarioFileError(file, ['a scenario file must end in .json or .ts']);
  const raw = TS_FILE.includes(ext) ? await importTs(file) : await readJson(file);
  const checked = checkScenario(raw);
  if ('errors' in checked) throw new ScenarioFileError(file, checked.errors);
  return checked.scenario;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioFileError(file, [(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ScenarioFileError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
}

async function importTs(file: string): Promise<unknown> {
  const url = pathToFileURL(resolve(file)).href;
  try {
    await readFile(file);
  } catch {
    throw new ScenarioFileError(file, ['no such file']);
  }
  const { tsImport } = await import('tsx/esm/api');
  let mod: { default?: unknown };
  try {
    mod = (await tsImport(url, import.meta.url)) as { default?: unknown };
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter((l) => l.trim());
    throw new ScenarioFileError(file, [`could not be loaded: ${lines.slice(0, 3).join(' ')}`]);
  }
  // Outside a "type": "module" package tsx loads a .ts file as CommonJS: its default export then sits one level down.
  const inner = mod.default as { default?: unknown; steps?: unknown } | undefined;
  const scenario = inner && typeof inner === 'object' && 'default' in inner && !('steps' in inner) ? inner.default : inner;
  if (scenario === undefined) throw new ScenarioFileError(file, ['must have a default export: export default { name: ..., steps: [...] }']);
  return scenario;
}
