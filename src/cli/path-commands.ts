/** `vaultlab read|write|delete|list PATH`: raw logical paths, as `vault read` and friends do them. */
import type { Command } from 'commander';
import { ApiError, withClient, type VaultClient } from './client.ts';
import { ADDRESS_HELP, FIELD_HELP, FORMAT_HELP } from './help-texts.ts';
import { parsePairs } from './kv-helpers.ts';
import { err, out, outKeys, outRaw, parseFormat, type Run } from './output.ts';
import { outSecret, parseSecret } from './secret-output.ts';

interface Opts {
  format?: string;
  field?: string;
  address?: string;
}

/** Registers the raw path verbs. */
export function registerPaths(program: Command, run: Run): void {
  program
    .command('read')
    .description('read data at a path and print it (secrets, configuration, sys/leader, sys/seal-status...)')
    .argument('<path>', 'the API path, without /v1/')
    .option('--field <f>', FIELD_HELP)
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: Opts) => run(() => read(path, o)));
  program
    .command('write')
    .description('write data to a path and print what it answered')
    .argument('<path>', 'the API path, without /v1/')
    .argument('[pairs...]', 'K=V pairs; V may be @file or - for stdin')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, pairs: string[], o: Opts) => run(() => write(path, pairs, o)));
  program
    .command('delete')
    .description('delete the data at a path')
    .argument('<path>', 'the API path, without /v1/')
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: Opts) =>
      run(() =>
        withClient(o.address, async (c) => {
          await c.call('DELETE', path);
          out(`Success! Data deleted (if it existed) at: ${path}`);
          return 0;
        }),
      ),
    );
  program
    .command('list')
    .description('list the keys under a path')
    .argument('<path>', 'the API path, without /v1/')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((path: string, o: Opts) => run(() => list(path, o)));
}

/** GETs a path: its body, or undefined when the server answers 404 (the CLI's "No value found"). */
async function getUnlessMissing(c: VaultClient, path: string): Promise<any> {
  try {
    return (await c.call('GET', path)).body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** `read`: one field raw, or the answer as Vault's Key/Value table, JSON or YAML. */
function read(path: string, o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    const format = parseFormat(o.format);
    const secret = parseSecret(await getUnlessMissing(c, path));
    if (!secret) return (err(`No value found at ${path}`), 2);
    if (o.field) {
      const value = secret.data?.[o.field];
      if (value === undefined || value === null) return (err(`Field "${o.field}" not present in secret`), 1);
      return (outRaw(value), 0);
    }
    outSecret(secret, format);
    return 0;
  });
}

/** `write`: what the path answered, or Vault's success line when it answered nothing (table format only). */
function write(path: string, pairs: string[], o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    const format = parseFormat(o.format);
    const secret = parseSecret((await c.call('PUT', path, parsePairs(pairs))).body);
    if (secret) outSecret(secret, format);
    else if (format === 'table') out(`Success! Data written to: ${path}`);
    return 0;
  });
}

function list(path: string, o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    const format = parseFormat(o.format);
    const r = await getUnlessMissing(c, `${path.replace(/\/+$/, '')}/?list=true`);
    if (!r) return (err(`No value found at ${path}`), 2);
    outKeys(r.data.keys, format);
    return 0;
  });
}
