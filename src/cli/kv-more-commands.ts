/** `vaultlab kv patch|delete|undelete|destroy|list|metadata get|put|delete`, as `vault kv` prints them. */
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP, MOUNT_HELP } from './help-texts.ts';
import { joinPath, kvPath, outWrittenVersion, padEqualSigns, parsePairs } from './kv-helpers.ts';
import { out, outData, outKeys, parseFormat, type Run, UsageError } from './output.ts';

interface Opts {
  mount?: string;
  versions?: string;
  format?: string;
  address?: string;
}

/** A -versions list (1,3,5) as the version numbers the API takes. */
function versionList(versions: string): number[] {
  return versions.split(',').map(Number);
}

/** The flags every kv verb takes. */
function common(cmd: Command): Command {
  return cmd.option('--mount <mount>', MOUNT_HELP).option('--format <format>', FORMAT_HELP).option('--address <addr>', ADDRESS_HELP);
}

/** A verb's command with its description and its path argument. */
function verb(parent: Command, name: string, description: string, path = '<path>'): Command {
  return parent.command(name).description(description).argument(path, 'the secret path (or the key, with -mount)');
}

/** Registers the rest of the kv group on `kv`. */
export function registerKvMore(kv: Command, run: Run): void {
  registerPatch(kv, run);
  registerDelete(kv, run);
  for (const action of ['undelete', 'destroy'] as const) registerVersionVerb(kv, action, run);
  registerList(kv, run);
  const meta = kv.command('metadata').description("read, write and delete a KV v2 key's metadata (and all its versions)");
  registerMetadataGet(meta, run);
  registerMetadataPut(meta, run);
  registerMetadataDelete(meta, run);
}

function registerPatch(kv: Command, run: Run): void {
  common(
    verb(kv, 'patch', 'update some fields of a KV v2 secret in a new version, keeping the others').argument(
      '[pairs...]',
      'K=V pairs; V may be @file or - for stdin',
    ),
  ).action((path: string, pairs: string[], o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const format = parseFormat(o.format);
        const { path: p, version } = await kvPath(c, joinPath(o.mount, path), 'data');
        if (version !== 2) throw new UsageError('patch is only supported on KV v2 mounts');
        const headers = { 'content-type': 'application/merge-patch+json' };
        outWrittenVersion(p, (await c.call('PATCH', p, { data: parsePairs(pairs) }, headers)).body, format);
        return 0;
      }),
    ),
  );
}

/** `kv delete`: the latest version (soft), or the given versions. */
function registerDelete(kv: Command, run: Run): void {
  common(
    verb(kv, 'delete', 'soft-delete the latest version (or -versions) of a KV v2 secret; delete a KV v1 secret').option(
      '--versions <list>',
      'comma-separated versions to delete (KV v2)',
    ),
  ).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await kvPath(c, joinPath(o.mount, path), o.versions ? 'delete' : 'data');
        if (o.versions) await c.call('POST', p, { versions: versionList(o.versions) });
        else await c.call('DELETE', p);
        out(`Success! Data deleted (if it existed) at: ${p}`);
        return 0;
      }),
    ),
  );
}

/** `kv undelete` and `kv destroy`: both take the versions to act on. */
function registerVersionVerb(kv: Command, action: 'undelete' | 'destroy', run: Run): void {
  const what = action === 'undelete' ? 'restore soft-deleted versions of a KV v2 secret' : 'permanently remove versions of a KV v2 secret';
  common(verb(kv, action, what).option('--versions <list>', 'comma-separated versions (required)')).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        if (!o.versions) throw new UsageError('No versions provided, use the "-versions" flag to specify the version to ' + action);
        const { path: p } = await kvPath(c, joinPath(o.mount, path), action);
        await c.call('POST', p, { versions: versionList(o.versions) });
        out(`Success! Data written to: ${p}`);
        return 0;
      }),
    ),
  );
}

function registerList(kv: Command, run: Run): void {
  common(verb(kv, 'list', 'list the keys under a KV path (or the mount, with -mount)', '[path]')).action(
    (path: string | undefined, o: Opts) =>
      run(() =>
        withClient(o.address, async (c) => {
          const format = parseFormat(o.format);
          const { path: p } = await kvPath(c, joinPath(o.mount, path ?? ''), 'metadata');
          const r = (await c.call('GET', `${p}?list=true`)).body;
          outKeys(r.data.keys, format);
          return 0;
        }),
      ),
  );
}

/** `kv metadata get`: the key's metadata, then each version's, newest first. */
function registerMetadataGet(meta: Command, run: Run): void {
  common(verb(meta, 'get', "print a KV v2 key's metadata, then each version's, newest first")).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const format = parseFormat(o.format);
        const { path: p } = await kvPath(c, joinPath(o.mount, path), 'metadata');
        const r = (await c.call('GET', p)).body;
        if (format !== 'table') return (outData(r, format), 0);
        const { versions, ...rest } = r.data;
        const parts = [
          `${padEqualSigns('Metadata Path', p.length)}\n${p}`,
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
    verb(meta, 'put', "set a KV v2 key's metadata: only the flags given change")
      .option('--max-versions <n>', 'versions to keep (0: the mount setting)')
      .option('--cas-required <bool>', 'true to require check-and-set on every write')
      .option('--delete-version-after <d>', 'soft-delete each version after this long (e.g. 1h, 0s: never)')
      .option('--custom-metadata <kv...>', 'K=V pairs of custom metadata'),
  ).action((path: string, o: MetadataPutOpts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await kvPath(c, joinPath(o.mount, path), 'metadata');
        await c.call('POST', p, metadataBody(o));
        out(`Success! Data written to: ${p}`);
        return 0;
      }),
    ),
  );
}

function registerMetadataDelete(meta: Command, run: Run): void {
  common(verb(meta, 'delete', "delete a KV v2 key's metadata and all its versions")).action((path: string, o: Opts) =>
    run(() =>
      withClient(o.address, async (c) => {
        const { path: p } = await kvPath(c, joinPath(o.mount, path), 'metadata');
        await c.call('DELETE', p);
        out(`Success! Data deleted (if it existed) at: ${p}`);
        return 0;
      }),
    ),
  );
}
