/**
 * `vaultlab kv put|get`, the way `vault kv` works: a preflight read of
 * sys/internal/ui/mounts/<path> tells the mount and its KV version, then v2 paths get
 * their data/ prefix, and the output is Vault's banners and tables.
 */
import type { Command } from 'commander';
import { ApiError, withClient, type VaultClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { joinPath, kvPreflight, parsePairs } from './kv-helpers.ts';
import { registerKvMore } from './kv-more-commands.ts';
import { err, out, outData, outRaw, parseFormat, UsageError, type Format } from './output.ts';

type Run = (fn: () => Promise<number>) => void;

function metadataRows(m: any): Array<[string, unknown]> {
  return [
    ['created_time', m.created_time],
    ['custom_metadata', m.custom_metadata ?? '<nil>'],
    ['deletion_time', m.deletion_time],
    ['destroyed', m.destroyed],
    ['version', m.version],
  ];
}

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
    .argument('<path>')
    .argument('[pairs...]')
    .option('--mount <mount>', 'the KV mount (then PATH is relative to it)')
    .option('--format <format>', 'table or json')
    .option('--address <addr>', 'the node address')
    .action((path: string, pairs: string[], o: { mount?: string; format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        if (!pairs.length) throw new UsageError('Must supply data');
        const data = parsePairs(pairs);
        return withClient(o.address, async (c) => {
          const full = joinPath(o.mount, path);
          const { mount, version } = await kvPreflight(c, full);
          if (version === 1) {
            await c.call('PUT', full, data);
            out(`Success! Data written to: ${full}`);
            return 0;
          }
          const dataPath = `${mount}data/${full.slice(mount.length)}`;
          const r = (await c.call('PUT', dataPath, { data })).body;
          if (format !== 'table') outData(r, format);
          else
            out(`${'='.repeat(2)} Secret Path ${'='.repeat(2)}\n${dataPath}\n\n======= Metadata =======\n${kvTable(metadataRows(r.data))}`);
          return 0;
        });
      }),
    );
}

function registerGet(kv: Command, run: Run): void {
  kv.command('get')
    .argument('<path>')
    .option('--mount <mount>', 'the KV mount (then PATH is relative to it)')
    .option('--field <field>', 'print only this field, raw')
    .option('--version <n>', 'a specific version (KV v2)')
    .option('--format <format>', 'table or json')
    .option('--address <addr>', 'the node address')
    .action((path: string, o: GetOpts) =>
      run(async () => {
        const format = parseFormat(o.format);
        return withClient(o.address, (c) => kvGet(c, path, o, format));
      }),
    );
}

/** `kv get`: the secret (v1) or its latest or given version (v2), whole or one field. */
async function kvGet(c: VaultClient, path: string, o: GetOpts, format: Format): Promise<number> {
  const full = joinPath(o.mount, path);
  const { mount, version } = await kvPreflight(c, full);
  const target = version === 2 ? `${mount}data/${full.slice(mount.length)}${o.version ? `?version=${o.version}` : ''}` : full;
  let r: any;
  try {
    r = (await c.call('GET', target)).body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      err(`No value found at ${target.split('?')[0]}`);
      return 2;
    }
    throw e;
  }
  const secret = version === 2 ? r.data.data : r.data;
  if (o.field) {
    if (!secret || !(o.field in secret)) {
      err(`Field "${o.field}" not present in secret`);
      return 1;
    }
    outRaw(secret[o.field]);
    return 0;
  }
  if (format !== 'table') {
    outData(r, format);
    return 0;
  }
  const parts =
    version === 2
      ? [`== Secret Path ==\n${target.split('?')[0]}`, `======= Metadata =======\n${kvTable(metadataRows(r.data.metadata))}`]
      : [];
  parts.push(
    `${version === 2 ? '====== Data ======\n' : ''}${kvTable(Object.entries(secret ?? {}).sort(([a], [b]) => a.localeCompare(b)))}`,
  );
  out(parts.join('\n\n'));
  return 0;
}
