/**
 * Which module registers which top-level command. A run loads only the module of the command it
 * runs, so `status` or `kv get` never pay for the server (fastify), storage (level) or the
 * benchmark (autocannon); help, and an unknown command's help, load them all.
 */
import type { Command } from 'commander';
import type { Run } from './output.ts';

/** The runner main.ts hands to every register function. */
export type { Run };
/** A module's register function: adds its commands to the program. */
export type Register = (program: Command, run: Run) => void;

const server = async () => (await import('./server-command.ts')).registerServer;
const status = async () => (await import('./status-command.ts')).registerStatus;
const operator = async () => (await import('./operator-commands.ts')).registerOperator;
const kv = async () => (await import('./kv-commands.ts')).registerKv;
const lab = async () => (await import('./lab-commands.ts')).registerLab;
const admin = async () => (await import('./admin-commands.ts')).registerAdmin;
const audit = async () => (await import('./audit-commands.ts')).registerAudit;
const tokens = async () => (await import('./token-commands.ts')).registerTokens;
const auth = async () => (await import('./auth-commands.ts')).registerAuth;
const paths = async () => (await import('./path-commands.ts')).registerPaths;
const bench = async () => (await import('./bench-command.ts')).registerBench;
const drill = async () => (await import('./drill-command.ts')).registerDrill;
const safe = async () => (await import('./safe-commands.ts')).registerSafe;

/** Command name → the loader of the module that registers it, in the order help lists them. */
export const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  server,
  status,
  operator,
  kv,
  up: lab,
  kill: lab,
  restart: lab,
  seal: lab,
  'step-down': lab,
  unseal: lab,
  fault: lab,
  heal: lab,
  down: lab,
  reset: lab,
  env: lab,
  ui: lab,
  secrets: admin,
  policy: admin,
  audit,
  auth,
  token: tokens,
  login: tokens,
  read: paths,
  write: paths,
  delete: paths,
  list: paths,
  tree: safe,
  export: safe,
  import: safe,
  bench,
  drill,
};

/** Loads the module of `name` and registers its commands; false for a name the table does not know. */
export async function registerCommand(program: Command, run: Run, name: string): Promise<boolean> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) return false;
  (await load())(program, run);
  return program.commands.some((c) => c.name() === name);
}

/** Loads every module, each once, in the table's order (for the full help). */
export async function registerAll(program: Command, run: Run): Promise<void> {
  const loaded = new Set<() => Promise<Register>>();
  for (const load of Object.values(COMMANDS)) {
    if (loaded.has(load)) continue;
    loaded.add(load);
    (await load())(program, run);
  }
}
