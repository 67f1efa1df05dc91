/**
 * A `vaultlab` with only `status` and the lab verbs registered, run as main.ts runs them:
 * with load-log.mjs preloaded it shows what those modules load, apart from the rest of the CLI.
 */
import { Command } from 'commander';
import { registerLab } from '../../src/cli/lab-commands.ts';
import { normalizeGoFlags } from '../../src/cli/go-flags.ts';
import { reportError } from '../../src/cli/output.ts';
import { registerStatus } from '../../src/cli/status-command.ts';

const program = new Command('vaultlab').exitOverride();
let pending: Promise<void> = Promise.resolve();
const run = (fn: () => Promise<number>) => {
  pending = fn().then(
    (code) => process.exit(code),
    (e) => process.exit(reportError(e)),
  );
};
registerStatus(program, run);
registerLab(program, run);
await program.parseAsync(normalizeGoFlags(process.argv.slice(2)), { from: 'user' });
await pending;
