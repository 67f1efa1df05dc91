/** `vaultlab server -dev` and `vaultlab server -config=FILE`: one node, in the foreground until Ctrl-C. */
import type { Command } from 'commander';
import { TIMING_PROFILES } from '../ha/index.ts';
import { startDevServer, startServer } from '../lab/index.ts';
import { out, type Run, UsageError, warn } from './output.ts';
import { readServerConfig } from './server-config.ts';
import { forgetToken, storeToken, tokenFilePath } from './token-file.ts';

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The sentence about the CLI's token: true only when the root token was stored for it. */
function tokenSentence(stored: boolean): string[] {
  return stored
    ? [
        'and starts unsealed with a single unseal key. The root token is already',
        'authenticated to the CLI, so you can immediately begin using Vault.',
      ]
    : [
        'and starts unsealed with a single unseal key. The root token was not stored',
        '(-dev-no-store-token): set VAULT_TOKEN as below to use it.',
      ];
}

/** Vault's dev banner; the export lines carry VAULT_TOKEN too, so a second shell works without the token file. */
function devBanner(addr: string, unsealKey: string, rootToken: string, stored: boolean): string {
  return [
    '==> Vault server configuration:',
    '',
    `             Api Address: ${addr}`,
    '                 Storage: inmem',
    '                 Version: Vault v1.18.5 (vaultlab)',
    '',
    '==> Vault server started! Log data will stream in below:',
    '',
    'WARNING! dev mode is enabled! In this mode, Vault runs entirely in-memory',
    ...tokenSentence(stored),
    '',
    'You may need to set the following environment variables:',
    '',
    `    $ export VAULT_ADDR='${addr}'`,
    `    $ export VAULT_TOKEN='${rootToken}'`,
    '',
    'The unseal key and root token are displayed below in case you want to',
    'seal/unseal the Vault or re-authenticate.',
    '',
    `Unseal Key: ${unsealKey}`,
    `Root Token: ${rootToken}`,
    '',
    'Development mode should NOT be used in production installations!',
  ].join('\n');
}

/** The flags of `server`. */
interface ServerOpts {
  dev?: boolean;
  devRootTokenId?: string;
  devListenAddress: string;
  devKvV1?: boolean;
  devNoStoreToken?: boolean;
  config?: string;
  timings?: string;
  nodeName?: string;
  eventLog?: string;
}

/**
 * `server -dev`: stores the root token where the CLI reads it (as Vault's dev server fills the
 * token helper), prints the banner, and on exit removes the token if it is still its own.
 */
async function runDev(o: ServerOpts): Promise<number> {
  const s = await startDevServer({
    rootTokenId: o.devRootTokenId ?? process.env.VAULT_DEV_ROOT_TOKEN_ID,
    listenAddress: o.devListenAddress,
    kvVersion: o.devKvV1 ? 1 : 2,
  });
  const store = !o.devNoStoreToken;
  try {
    if (store) storeToken(s.rootToken);
  } catch (e) {
    await s.close();
    throw new Error(`storing the root token in ${tokenFilePath()}: ${(e as Error).message}`);
  }
  out(devBanner(s.apiAddr, s.unsealKey, s.rootToken, store));
  await untilSignal();
  await s.close();
  if (store) forgetToken(s.rootToken);
  return 0;
}

/** Registers `server`. */
export function registerServer(program: Command, run: Run): void {
  program
    .command('server')
    .description("run one node: -dev (in memory, unsealed) or -config=FILE (Vault's HCL config; starts sealed)")
    .option('--dev', 'development mode: in memory, initialized, unsealed, root token stored for the CLI')
    .option('--dev-root-token-id <id>', 'the root token id in dev mode (default: VAULT_DEV_ROOT_TOKEN_ID, else random)')
    .option('--dev-listen-address <addr>', 'host:port in dev mode', '127.0.0.1:8200')
    .option('--dev-kv-v1', 'mount secret/ as KV v1 instead of v2')
    .option('--dev-no-store-token', "do not store the root token in vaultlab's token file")
    .option('--config <file>', 'a Vault server config file')
    .option('--node-name <name>', "with -config on etcd: this node's name in a vaultlab process lab (its sys/ha-status hostname)")
    .option('--event-log <file>', 'with -config on etcd: append its state, lock and storage events to FILE as JSON lines')
    .option(
      '--timings <profile>',
      `vaultlab's HA durations with -config on etcd: ${Object.keys(TIMING_PROFILES).join(', ')} (default vault)`,
    )
    .action((o: ServerOpts) =>
      run(async () => {
        if (o.dev) return runDev(o);
        if (!o.config) throw new UsageError('server needs -dev or -config=FILE');
        const notes: string[] = [];
        const timings = o.timings === undefined ? undefined : TIMING_PROFILES[o.timings];
        if (o.timings !== undefined && (!timings || !Object.hasOwn(TIMING_PROFILES, o.timings)))
          throw new UsageError(`-timings must be one of ${Object.keys(TIMING_PROFILES).join(', ')}, not ${JSON.stringify(o.timings)}`);
        const s = await startServer(
          { ...readServerConfig(o.config, notes), timings },
          { log: out, name: o.nodeName, eventLog: o.eventLog },
        );
        [...notes, ...s.warnings].forEach(warn);
        out(
          `==> vaultlab server started (uninitialized or sealed) at ${s.apiAddr} (storage: ${s.storage})\n    run: VAULT_ADDR=${s.apiAddr} vaultlab operator init`,
        );
        await untilSignal();
        await s.close();
        return 0;
      }),
    );
}
