/** `tree`, `export` and `import`: operator tools over the KV engines, in the manner of safe. */
import type { Command } from 'commander';
import { registerExport } from './export-command.ts';
import { registerImport } from './import-command.ts';
import type { Run } from './output.ts';
import { registerTree } from './tree-command.ts';

/** Registers tree, export and import. */
export function registerSafe(program: Command, run: Run): void {
  registerTree(program, run);
  registerExport(program, run);
  registerImport(program, run);
}
