/** `vaultlab server -dev` and `vaultlab server -config=FILE`: one node, in the foreground until Ctrl-C. */
import type { Command } from 'commander';
import { startDevServer, startServer } from '../lab/index.ts';
import { out, UsageError, warn } from './output.ts';
import { readServerConfig } from './server-config.ts';

type Run = (fn: () => Promise<number>) => void;

/** Resolves when the process is asked to stop. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function devBanner(addr: string, unsealKey: string, rootToken: string): string {
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
    'and starts unsealed with a single unseal key. The root token is already',
    'authenticated to the CLI, so you can immediately begin using Vault.',
    '',
    'You may need to set the following environment variables:',
    '',
    `    $ export VAULT_ADDR='${addr}'`,
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

/** Registers `server`. */
export function registerServer(program: Command, run: Run): void {
  program
    .command('server')
    .description("run one node: -dev (in memory, unsealed) or -config=FILE (Vault's HCL config; starts sealed)")
    .option('--dev', 'development mode')
    .option('--dev-root-token-id <id>', 'the root token id in dev mode')
    .option('--dev-listen-address <addr>', 'host:port in dev mode', '127.0.0.1:8200')
    .option('--dev-kv-v1', 'mount secret/ as KV v1 instead of v2')
    .option('--config <file>', 'a Vault server config file')
    .action((o: { dev?: boolean; devRootTokenId?: string; devListenAddress: string; devKvV1?: boolean; config?: string }) =>
      run(async () => {
        if (o.dev) {
          const s = await startDevServer({
            rootTokenId: o.devRootTokenId ?? process.env.VAULT_DEV_ROOT_TOKEN_ID,
            listenAddress: o.devListenAddress,
            kvVersion: o.devKvV1 ? 1 : 2,
          });
          out(devBanner(s.apiAddr, s.unsealKey, s.rootToken));
          await untilSignal();
          await s.close();
          return 0;
        }
        if (!o.config) throw new UsageError('server needs -dev or -config=FILE');
        const notes: string[] = [];
        const s = await startServer(readServerConfig(o.config, notes));
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
