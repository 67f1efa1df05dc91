/**
 * `vaultlab import [FILE]`: writes an export file back, to the same paths. The whole file is
 * checked first (its shape, then every mount and secret path against the target lab) and a
 * file with any problem is refused before the first write; then each secret is written as
 * `kv put` would (v2: data/, v1: the path itself).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiError, withClient, type VaultClient } from './client.ts';
import { concurrencyLimit } from './concurrency-limit.ts';
import { ExportFileError, mountOf, parseExportFile, type ExportFile } from './export-format.ts';
import { ADDRESS_HELP, EXPORT_FORMAT_HELP } from './help-texts.ts';
import { kvApiPath, kvLocate, WALK_CONCURRENCY, type KvMount } from './kv-walk.ts';
import { err, out, type Run, UsageError } from './output.ts';

/** An import refused before anything was written. */
class ImportRefused extends UsageError {
  constructor(problem: string) {
    super(`import refused, nothing was written: ${problem}`);
  }
}

/** The preflight of a path in the target lab; undefined when it lies in no mount the token can see (Vault's 403). */
async function locate(c: VaultClient, path: string): Promise<{ mount: KvMount; rel: string } | undefined> {
  try {
    return await kvLocate(c, path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return undefined;
    throw e;
  }
}

/**
 * Checks that each of the file's mounts exists in the target lab as a KV mount of the same version.
 * That settles every secret path too: the file's check put each under one of its mounts, and
 * Vault (and the lab) refuse a mount inside another, so no target mount can take a path
 * away from the mount it lies in.
 */
async function checkMounts(c: VaultClient, file: ExportFile): Promise<Map<string, KvMount>> {
  const found = new Map<string, KvMount>();
  for (const [path, want] of Object.entries(file.mounts)) {
    const here = await locate(c, path);
    const name = JSON.stringify(path);
    if (!here || here.mount.path !== path)
      throw new ImportRefused(`mount ${name} does not exist in the target lab (or the token cannot see it)`);
    if (here.mount.type !== 'kv')
      throw new ImportRefused(`mount ${name} is a ${JSON.stringify(here.mount.type)} mount in the target lab, not KV`);
    if (String(here.mount.version) !== want.version)
      throw new ImportRefused(`mount ${name} is KV v${here.mount.version} in the target lab, but KV v${want.version} in the file`);
    found.set(path, here.mount);
  }
  return found;
}

/** Reads FILE, or stdin when there is none or it is "-". */
function readInput(file: string | undefined): string {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`could not read ${file === undefined || file === '-' ? 'stdin' : JSON.stringify(file)}: ${(e as Error).message}`);
  }
}

/** "3 secrets into 2 mounts". */
function tally(secrets: number, mounts: number): string {
  return `${secrets} secret${secrets === 1 ? '' : 's'} into ${mounts} mount${mounts === 1 ? '' : 's'}`;
}

/** Writes every secret (within the concurrency limit), saying how many were written if one write fails. */
async function writeAll(c: VaultClient, file: ExportFile, mounts: Map<string, KvMount>): Promise<void> {
  const limit = concurrencyLimit(WALK_CONCURRENCY);
  let written = 0;
  const total = Object.keys(file.secrets).length;
  const writes = Object.entries(file.secrets).map(([path, data]) => {
    const mount = mounts.get(mountOf(file.mounts, path)!)!;
    const rel = path.slice(mount.path.length);
    return limit(async () => {
      await c.call('PUT', kvApiPath(mount, 'data', rel), mount.version === 2 ? { data } : data);
      written++;
    });
  });
  const failed = (await Promise.allSettled(writes)).find((r) => r.status === 'rejected');
  if (failed) {
    err(`Imported ${written} of ${total} secrets before a write failed:`);
    throw failed.reason;
  }
}

/** `import`: check everything, then write (or, with -dry-run, say what would be written). */
async function importSecrets(c: VaultClient, text: string, dryRun: boolean): Promise<number> {
  let file: ExportFile;
  try {
    file = parseExportFile(text);
  } catch (e) {
    throw e instanceof ExportFileError ? new ImportRefused(e.message) : e;
  }
  const mounts = await checkMounts(c, file);
  const counts = tally(Object.keys(file.secrets).length, mounts.size);
  if (dryRun) {
    for (const path of Object.keys(file.secrets)) {
      const mount = mounts.get(mountOf(file.mounts, path)!)!;
      out(`Would write: ${kvApiPath(mount, 'data', path.slice(mount.path.length))}`);
    }
    out(`Dry run: would import ${counts}; nothing was written.`);
    return 0;
  }
  await writeAll(c, file, mounts);
  out(`Success! Imported ${counts}.`);
  return 0;
}

/** Registers `import`. */
export function registerImport(program: Command, run: Run): void {
  program
    .command('import')
    .description('write the secrets of an export file back to the same paths, after checking the whole file against the lab')
    .argument('[file]', 'the export file (default, or "-": stdin)')
    .option('--dry-run', 'check the file and print the paths it would write, writing nothing')
    .option('--address <addr>', ADDRESS_HELP)
    .addHelpText('after', EXPORT_FORMAT_HELP)
    .action((file: string | undefined, o: { dryRun?: boolean; address?: string }) =>
      run(async () => {
        const text = readInput(file);
        return withClient(o.address, (c) => importSecrets(c, text, o.dryRun === true));
      }),
    );
}
