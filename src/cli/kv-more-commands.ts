/** `vaultlab kv patch|delete|undelete|destroy|list|metadata get|put|delete`, as `vault kv` prints them. */
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { joinPath, kvPreflight, parsePairs } from './kv-helpers.ts';
import { out, outData, outKeys, parseFormat, UsageError } from './output.ts';

type Run = (fn: () => Promise<number>) => void;
interface Opts {
  mount?: string;
  versions?: string;
  format?: string;
  address?: string;
}

/** The v2 sub-path for a key: secret/foo → secret/<section>/foo (v1: unchanged). */
async function v2Path(
  c: Parameters<Parameters<typeof withClient>[1]>[0],
  full: string,
  section: string,
): Promise<{ path: string; version: 1 | 2 }> {
  const { mount, version } = await kvPreflight(c, full);
  return { path: version === 2 ? `${mount}${section}/${full.slice(mount.length)}` : full, version };
}

function common(cmd: Command): Command {
  return cmd
    .option('--mount <mount>', 'the KV mount')
    .option('--format <format>', 'table or json')
    .option('--address <addr>', 'the node address');
}

/** Registers the rest of the kv group on `kv`. */
export function registerKvMore(kv: Command, run: Run): void {
  registerPatch(kv, run);
  registerDelete(kv, run);
  for (const verb of ['undelete', 'destroy'] as const) registerVersionVerb(kv, verb, run);
  registerList(kv, run);
  const meta = kv.command('metadata').description('read, write and delete KV v2 metadata');
  registerMetadataGet(meta, run);
  registerMetadataPut(meta, run);
  registerMetadataDelete(meta, run);
}

function registerPatch(kv: Command, run: Run): void {
  common(kv.command('patch').argument('<path>').argument('[pairs...]')).action((path: string, pairs: string[], o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p, version } = await v2Path(c, joinPath(o.mount, path), 'data');
        if (version !== 2) throw new UsageError('patch is only supported on KV v2 mounts');
        const r = (await c.call('PATCH', p, { data: parsePairs(pairs) }, { 'content-type': 'application/merge-patch+json' })).body;
        if (parseFormat(o.format) !== 'table') outData(r, parseFormat(o.format));
        else
          out(
            `== Secret Path ==\n${p}\n\n======= Metadata =======\n${kvTable(Object.entries({ ...r.data, custom_metadata: r.data.custom_metadata ?? '<nil>' }))}`,
          );
        return 0;
      }),
    ),
  );
}

/** `kv delete`: the latest version (soft), or the given versions. */
function registerDelete(kv: Command, run: Run): void {
  common(kv.command('delete').argument('<path>').option('--versions <list>', 'comma-separated versions')).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const full = joinPath(o.mount, path);
        if (o.versions) {
          const { path: p } = await v2Path(c, full, 'delete');
          await c.call('POST', p, { versions: o.versions.split(',').map(Number) });
          out(`Success! Data deleted (if it existed) at: ${p}`);
        } else {
          const { path: p } = await v2Path(c, full, 'data');
          await c.call('DELETE', p);
          out(`Success! Data deleted (if it existed) at: ${p}`);
        }
        return 0;
      }),
    ),
  );
}

/** `kv undelete` and `kv destroy`: both take the versions to act on. */
function registerVersionVerb(kv: Command, verb: 'undelete' | 'destroy', run: Run): void {
  common(kv.command(verb).argument('<path>').option('--versions <list>', 'comma-separated versions (required)')).action(
    (path: string, o: Opts) =>
      run(() =>
        withClient(o.address, async (c) => {
          if (!o.versions) throw new UsageError('No versions provided, use the "-versions" flag to specify the version to ' + verb);
          const { path: p } = await v2Path(c, joinPath(o.mount, path), verb);
          await c.call('POST', p, { versions: o.versions.split(',').map(Number) });
          out(`Success! Data written to: ${p}`);
          return 0;
        }),
      ),
  );
}

function registerList(kv: Command, run: Run): void {
  common(kv.command('list').argument('[path]')).action((path: string | undefined, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await v2Path(c, joinPath(o.mount, path ?? ''), 'metadata');
        const r = (await c.call('GET', `${p}?list=true`)).body;
        outKeys(r.data.keys, parseFormat(o.format));
        return 0;
      }),
    ),
  );
}

/** `kv metadata get`: the key's metadata, then each version's, newest first. */
function registerMetadataGet(meta: Command, run: Run): void {
  common(meta.command('get').argument('<path>')).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await v2Path(c, joinPath(o.mount, path), 'metadata');
        const r = (await c.call('GET', p)).body;
        if (parseFormat(o.format) !== 'table') return (outData(r, parseFormat(o.format)), 0);
        const { versions, ...rest } = r.data;
        const parts = [
          `=== Metadata Path ===\n${p}`,
          `========== Metadata ==========\n${kvTable(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)))}`,
        ];
        for (const v of Object.keys(versions).sort((a, b) => Number(b) - Number(a)))
          parts.push(`====== Version ${v} ======\n${kvTable(Object.entries(versions[v]))}`);
        out(parts.join('\n\n'));
        return 0;
      }),
    ),
  );
}

/** The flags of `kv metadata put`. */
type MetadataPutOpts = Opts & { maxVersions?: string; casRequired?: string; deleteVersionAfter?: string; customMetadata?: string[] };

/** The metadata body from `kv metadata put`'s flags: only the fields given. */
function metadataBody(o: MetadataPutOpts): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (o.maxVersions !== undefined) body.max_versions = Number(o.maxVersions);
  if (o.casRequired !== undefined) body.cas_required = o.casRequired === 'true';
  if (o.deleteVersionAfter !== undefined) body.delete_version_after = o.deleteVersionAfter;
  if (o.customMetadata) body.custom_metadata = parsePairs(o.customMetadata);
  return body;
}

function registerMetadataPut(meta: Command, run: Run): void {
  common(
    meta
      .command('put')
      .argument('<path>')
      .option('--max-versions <n>')
      .option('--cas-required <bool>')
      .option('--delete-version-after <d>')
      .option('--custom-metadata <kv...>'),
  ).action((path: string, o: MetadataPutOpts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await v2Path(c, joinPath(o.mount, path), 'metadata');
        await c.call('POST', p, metadataBody(o));
        out(`Success! Data written to: ${p}`);
        return 0;
      }),
    ),
  );
}

function registerMetadataDelete(meta: Command, run: Run): void {
  common(meta.command('delete').argument('<path>')).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await v2Path(c, joinPath(o.mount, path), 'metadata');
        await c.call('DELETE', p);
        out(`Success! Data deleted (if it existed) at: ${p}`);
        return 0;
      }),
    ),
  );
}
