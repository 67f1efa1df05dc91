/**
 * `vaultlab kv put|get`, the way `vault kv` works: a preflight read of
 * sys/internal/ui/mounts/<path> tells the mount and its KV version, then v2 paths get
 * their data/ prefix, and the output is Vault's banners and tables.
 */
import type { Command } from 'commander';
import { withClient, type VaultClient } from './client.ts';
import { ADDRESS_HELP, FIELD_HELP, FORMAT_HELP, MOUNT_HELP } from './help-texts.ts';
import { joinPath, kvPath, mapSection, outWrittenVersion, parsePairs, pathBlock } from './kv-helpers.ts';
import { kvReadRequest } from './kv-read.ts';
import { registerKvMore } from './kv-more-commands.ts';
import { err, type Format, out, outRaw, parseFormat, type Run, UsageError } from './output.ts';
import { outSecret } from './secret-output.ts';

/** The flags of `kv get`. */
interface GetOpts {
  mount?: string;
  field?: string;
  version?: string;
  format?: string;
  address?: string;
}

/** Registers `kv put` and `kv get`. */
export function registerKv(program: Command, run: Run): void {
  const kv = program.command('kv').description('read and write secrets in a KV engine (v1 or v2)');
  registerKvMore(kv, run);
  registerPut(kv, run);
  registerGet(kv, run);
}

function registerPut(kv: Command, run: Run): void {
  kv.command('put')
    .description('write a secret: a new version on KV v2, a replacement on KV v1')
    .argument('<path>', 'the secret path (or the key, with -mount)')
    .argument('[pairs...]', 'K=V pairs; V may be @file or - for stdin')
    .option('--mount <mount>', MOUNT_HELP)
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, pairs: string[], o: { mount?: string; format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        if (!pairs.length) throw new UsageError('Must supply data');
        const data = parsePairs(pairs);
        return withClient(o.address, async (c) => {
          const full = joinPath(o.mount, path);
          const { path: dataPath, version } = await kvPath(c, full, 'data');
          if (version === 1) {
            await c.call('PUT', full, data);
            out(`Success! Data written to: ${full}`);
            return 0;
          }
          outWrittenVersion(dataPath, (await c.call('PUT', dataPath, { data })).body, format);
          return 0;
        });
      }),
    );
}

function registerGet(kv: Command, run: Run): void {
  kv.command('get')
    .description('read a secret: its latest version, or -version=N on KV v2 (a deleted version prints its metadata)')
    .argument('<path>', 'the secret path (or the key, with -mount)')
    .option('--mount <mount>', MOUNT_HELP)
    .option('--field <field>', FIELD_HELP)
    .option('--version <n>', 'a specific version (KV v2)')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: GetOpts) =>
      run(async () => {
        const format = parseFormat(o.format);
        return withClient(o.address, (c) => kvGet(c, path, o, format));
      }),
    );
}

/** `kv get -field`: one field of the secret's data raw; a v2 version without data (deleted, destroyed) has none. */
function printField(data: Record<string, unknown> | null | undefined, field: string, path: string): number {
  if (!data) {
    err(`No data found at ${path}`);
    return 2;
  }
  if (!(field in data) || data[field] === null) {
    err(`Field "${field}" not present in secret`);
    return 1;
  }
  outRaw(data[field]);
  return 0;
}

/**
 * `kv get`: the secret (v1) or its latest or given version (v2), whole or one field. A deleted
 * or destroyed v2 version prints its path and metadata and no Data section, and exits 0, as
 * Vault's kv get does with the 404 that carries them.
 */
async function kvGet(c: VaultClient, path: string, o: GetOpts, format: Format): Promise<number> {
  const full = joinPath(o.mount, path);
  const { path: target, version } = await kvPath(c, full, 'data');
  const secret = await kvReadRequest(c, o.version && version === 2 ? `${target}?version=${o.version}` : target);
  if (!secret) {
    err(`No value found at ${target}`);
    return 2;
  }
  const data = (version === 2 ? secret.data?.data : secret.data) as Record<string, unknown> | null | undefined;
  if (o.field) return printField(data, o.field, target);
  if (format !== 'table') return (outSecret(secret, format), 0);
  const parts: string[] = [];
  if (version === 2) parts.push(pathBlock(target));
  const metadata = version === 2 ? (secret.data?.metadata as Record<string, unknown> | null) : null;
  if (metadata) parts.push(`${mapSection('Metadata', metadata)}\n`);
  if (data) parts.push(mapSection('Data', data));
  out(parts.join('\n'));
  return 0;
}
