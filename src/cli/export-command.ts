/**
 * `vaultlab export [PATH]`: every secret under PATH (or every KV mount) as one JSON document on
 * stdout, in the format export-format.ts describes. Reads run while the walk goes on, within
 * the walk's concurrency limit; counts go to stderr, never into the document.
 */
import type { Command } from 'commander';
import { ApiError, withClient, type VaultClient } from './client.ts';
import { concurrencyLimit, prefetch, type Limit } from './concurrency-limit.ts';
import { EXPORT_FORMAT_VERSION, type ExportFile } from './export-format.ts';
import { ADDRESS_HELP, EXPORT_FORMAT_HELP, KV_ROOTS_HELP } from './help-texts.ts';
import { kvApiPath, listFolder, walkFolder, walkRoots, WALK_CONCURRENCY, type KvMount } from './kv-walk.ts';
import { out, type Run } from './output.ts';

/** Every this many secrets read, a progress line on stderr. */
const PROGRESS_EVERY = 500;

/** The latest version's data, or undefined when there is none to export (gone, or a v2 latest version deleted or destroyed). */
async function readLatest(c: VaultClient, mount: KvMount, rel: string): Promise<Record<string, unknown> | undefined> {
  try {
    const body = (await c.call('GET', kvApiPath(mount, 'data', rel))).body;
    return (mount.version === 2 ? body?.data?.data : body?.data) ?? undefined;
  } catch (e) {
    // KV v2 answers a deleted or destroyed latest version with a 404 that carries its metadata.
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** The reads of one mount's secrets under `rel`, started as the walk finds them; a folder the token cannot list fails the export. */
async function readAll(c: VaultClient, mount: KvMount, rel: string, limit: Limit): Promise<Array<[string, Promise<unknown>]>> {
  const listing = await listFolder(c, mount, rel);
  if ('denied' in listing) throw listing.denied;
  const reads: Array<[string, Promise<unknown>]> = [];
  for await (const e of walkFolder(c, mount, rel, listing, limit)) {
    if (e.denied) throw e.denied;
    if (e.kind === 'secret') reads.push([`${mount.path}${e.rel}`, prefetch(limit(() => readLatest(c, mount, e.rel)))]);
  }
  return reads;
}

/** Builds the export document of PATH, saying on stderr how far it got. */
async function exportSecrets(c: VaultClient, path: string | undefined): Promise<number> {
  const doc: ExportFile = { vaultlab_export: EXPORT_FORMAT_VERSION, mounts: {}, secrets: {} };
  const limit = concurrencyLimit(WALK_CONCURRENCY);
  let read = 0;
  for (const { mount, rel } of await walkRoots(c, path)) {
    doc.mounts[mount.path] = { type: 'kv', version: mount.version === 2 ? '2' : '1' };
    for (const [name, pending] of await readAll(c, mount, rel, limit)) {
      const data = await pending;
      if (data !== undefined) doc.secrets[name] = data as Record<string, unknown>;
      if (++read % PROGRESS_EVERY === 0) process.stderr.write(`Read ${read} secrets...\n`);
    }
  }
  out(JSON.stringify(doc, null, 2));
  const n = Object.keys(doc.secrets).length;
  const m = Object.keys(doc.mounts).length;
  process.stderr.write(`Exported ${n} secret${n === 1 ? '' : 's'} from ${m} mount${m === 1 ? '' : 's'}.\n`);
  return 0;
}

/** Registers `export`. */
export function registerExport(program: Command, run: Run): void {
  program
    .command('export')
    .description(
      "write every secret under a path (default: every KV mount the token can list) as JSON on stdout, each latest version's data",
    )
    .argument('[path]', KV_ROOTS_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .addHelpText('after', EXPORT_FORMAT_HELP)
    .action((path: string | undefined, o: { address?: string }) => run(() => withClient(o.address, (c) => exportSecrets(c, path))));
}
