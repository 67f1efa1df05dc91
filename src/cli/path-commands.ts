/** `vaultlab read|write|delete|list PATH`: raw logical paths, as `vault read` and friends do them. */
import type { Command } from 'commander';
import { ApiError, withClient } from './client.ts';
import { ADDRESS_HELP, FIELD_HELP, FORMAT_HELP } from './help-texts.ts';
import { parsePairs } from './kv-helpers.ts';
import { err, out, outKeys, outRaw, parseFormat } from './output.ts';
import { outSecret, parseSecret } from './secret-output.ts';

type Run = (fn: () => Promise<number>) => void;
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

/** `read`: one field raw, or the answer as Vault's Key/Value table, JSON or YAML. */
function read(path: string, o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    const format = parseFormat(o.format);
    let body;
    try {
      body = (await c.call('GET', path)).body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return (err(`No value found at ${path}`), 2);
      throw e;
    }
    const secret = parseSecret(body);
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
    let r;
    try {
      r = (await c.call('GET', `${path.replace(/\/+$/, '')}/?list=true`)).body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return (err(`No value found at ${path}`), 2);
      throw e;
    }
    outKeys(r.data.keys, parseFormat(o.format));
    return 0;
  });
}
