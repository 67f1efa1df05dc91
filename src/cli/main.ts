#!/usr/bin/env node
/**
 * The `vaultlab` command: argument parsing and printing only. Vault's conventions:
 * Go-style flags anywhere, exit 0 / 1 (local) / 2 (server), 127 for an unknown command,
 * help on stderr.
 */
import { Command, CommanderError } from 'commander';
import { normalizeGoFlags } from './go-flags.ts';
import { registerAdmin } from './admin-commands.ts';
import { registerBench } from './bench-command.ts';
import { registerDrill } from './drill-command.ts';
import { registerKv } from './kv-commands.ts';
import { registerPaths } from './path-commands.ts';
import { registerTokens } from './token-commands.ts';
import { registerLab } from './lab-commands.ts';
import { registerOperator } from './operator-commands.ts';
import { reportError } from './output.ts';
import { registerServer } from './server-command.ts';
import { registerStatus } from './status-command.ts';

const program = new Command('vaultlab')
  .description("A local lab of a highly available HashiCorp Vault cluster, speaking Vault's HTTP API.")
  .configureOutput({ writeOut: (s) => process.stderr.write(s), writeErr: (s) => process.stderr.write(s) })
  .exitOverride()
  .showHelpAfterError();

let pending: Promise<void> = Promise.resolve();
/** Runs a command body and exits with its code (errors mapped to Vault's codes). */
const run = (fn: () => Promise<number>) => {
  pending = fn().then(
    (code) => process.exit(code),
    (e) => process.exit(reportError(e)),
  );
};

registerServer(program, run);
registerStatus(program, run);
registerOperator(program, run);
registerKv(program, run);
registerLab(program, run);
registerAdmin(program, run);
registerTokens(program, run);
registerPaths(program, run);
registerBench(program, run);
registerDrill(program, run);

// A reader that goes away (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

const argv = normalizeGoFlags(process.argv.slice(2));
try {
  if (argv.length === 0) {
    program.outputHelp();
    process.exit(1);
  }
  const known = program.commands.map((c) => c.name());
  if (!argv[0].startsWith('-') && !known.includes(argv[0])) {
    process.stderr.write(`Unknown command: ${argv[0]}\n\n`);
    program.outputHelp();
    process.exit(127);
  }
  await program.parseAsync(argv, { from: 'user' });
  await pending;
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 0 : 1);
  process.exit(reportError(e));
}
