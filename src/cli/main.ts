#!/usr/bin/env node
/**
 * The `vaultlab` command: argument parsing and printing only. Vault's conventions:
 * Go-style flags anywhere, exit 0 / 1 (local) / 2 (server), 127 for an unknown command,
 * help on stderr. Only the module of the command being run is loaded (command-table.ts),
 * which keeps a call like `vaultlab status` as quick as the `vault` CLI's.
 */
import { Command, CommanderError, Option } from 'commander';
import { registerAll, registerCommand, type Run } from './command-table.ts';
import { GoBoolFlagError, normalizeGoFlags, quoteAsTyped, withGoBooleans } from './go-flags.ts';
import { reportError } from './output.ts';
import { addTlsFlags, useTlsFlags, type TlsFlags } from './tls-flags.ts';
import { packageInfo } from './package-info.ts';

const typed = process.argv.slice(2);

const program = new Command('vaultlab')
  .description("A local lab of a highly available HashiCorp Vault cluster, speaking Vault's HTTP API.")
  .configureOutput({
    writeOut: (s) => process.stderr.write(s),
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(quoteAsTyped(s, typed)),
  })
  .exitOverride()
  .showHelpAfterError();

let pending: Promise<void> = Promise.resolve();
/** Runs a command body and exits with its code (errors mapped to Vault's codes). */
const run: Run = (fn) => {
  pending = fn().then(
    (code) => process.exit(code),
    (e) => process.exit(reportError(e)),
  );
};

/** Every command, for the full help; `help` and `version` are answered before parsing, listed here for the reader. */
async function registerEverything(): Promise<void> {
  await registerAll(program, run);
  program.command('help [command...]').description('print the help of vaultlab or of a command');
  program.command('version').description('print the version of vaultlab and of the Vault API it speaks');
}

/** `vaultlab version`, `-version`, `-v`: Vault prints "Vault v1.x.y (...)"; here vaultlab's and the API's versions. */
function printVersion(): never {
  const { version, vaultApiVersion } = packageInfo();
  process.stdout.write(`vaultlab v${version} (Vault API v${vaultApiVersion})\n`);
  process.exit(0);
}

/** Vault's answer to a command it does not know: the full help, exit 127. */
async function unknownCommand(name: string): Promise<never> {
  process.stderr.write(`Unknown command: ${name}\n\n`);
  await registerEverything();
  program.outputHelp();
  process.exit(127);
}

/** The argument list commander parses, after the commands it names are registered. */
async function prepare(argv: string[]): Promise<string[]> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    await registerEverything();
    program.outputHelp();
    process.exit(1);
  }
  if (first === 'version' || first === '--version' || first === '-v') printVersion();
  // `help X Y` is `X Y --help`, as `vault help X` prints the help of X.
  if (first === 'help') return rest.length === 0 ? prepare(['--help']) : prepare([...rest, '--help']);
  if (first.startsWith('-')) {
    await registerEverything();
    return argv;
  }
  if (!(await registerCommand(program, run, first))) return unknownCommand(first);
  return argv;
}

/**
 * Every switch (a flag that takes no value) in the command tree, by long name; each gets a hidden
 * negation, so `-name=false` can say "off" where a default (an environment variable) says on.
 */
function switchesOf(cmd: Command, found = new Set<string>()): Set<string> {
  for (const o of [...cmd.options]) {
    if (!o.long || o.required || o.optional || o.negate) continue;
    found.add(o.long);
    const negation = `--no-${o.long.slice(2)}`;
    if (!cmd.options.some((x) => x.long === negation)) cmd.addOption(new Option(negation).hideHelp());
  }
  for (const sub of cmd.commands) switchesOf(sub, found);
  return found;
}

// A reader that goes away (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

try {
  const prepared = await prepare(normalizeGoFlags(typed));
  addTlsFlags(program);
  const argv = withGoBooleans(prepared, switchesOf(program));
  program.hook('preAction', (_program, action) => useTlsFlags(action.opts<TlsFlags>()));
  await program.parseAsync(argv, { from: 'user' });
  await pending;
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.help' ? 0 : 1);
  if (e instanceof GoBoolFlagError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  process.exit(reportError(e));
}
