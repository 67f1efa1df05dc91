/** `vaultlab read|write|delete|list PATH`: raw logical paths, as `vault read` and friends do them. */
import type { Command } from 'commander';
import { withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { parsePairs } from './kv-helpers.ts';
import { err, out, outData, outKeys, outRaw, parseFormat } from './output.ts';
import { ApiError } from './client.ts';

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
    .argument('<path>')
    .option('--field <f>')
    .option('--format <format>')
    .option('--address <addr>')
    .action((path: string, o: Opts) => run(() => read(path, o)));
  program
    .command('write')
    .argument('<path>')
    .argument('[pairs...]')
    .option('--format <format>')
    .option('--address <addr>')
    .action((path: string, pairs: string[], o: Opts) => run(() => write(path, pairs, o)));
  program
    .command('delete')
    .argument('<path>')
    .option('--address <addr>')
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
    .argument('<path>')
    .option('--format <format>')
    .option('--address <addr>')
    .action((path: string, o: Opts) => run(() => list(path, o)));
}

/** `read`: one field raw, the data as JSON or YAML, or Vault's key/value table. */
function read(path: string, o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    let r;
    try {
      r = (await c.call('GET', path)).body;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return (err(`No value found at ${path}`), 2);
      throw e;
    }
    if (o.field) return (outRaw(r.data?.[o.field]), 0);
    if (parseFormat(o.format) !== 'table') return (outData(r, parseFormat(o.format)), 0);
    const rows: Array<[string, unknown]> = r.lease_duration ? [['refresh_interval', `${r.lease_duration}s`]] : [];
    out(kvTable([...rows, ...Object.entries(r.data ?? {}).sort(([a], [b]) => a.localeCompare(b))]));
    return 0;
  });
}

/** `write`: what the path answered (its data or auth), or Vault's success line. */
function write(path: string, pairs: string[], o: Opts): Promise<number> {
  return withClient(o.address, async (c) => {
    const r = await c.call('PUT', path, parsePairs(pairs));
    if (r.body && parseFormat(o.format) !== 'table') outData(r.body, parseFormat(o.format));
    else if (r.body?.data) out(kvTable(Object.entries(r.body.data)));
    else if (r.body?.auth) out(kvTable(Object.entries(r.body.auth)));
    else out(`Success! Data written to: ${path}`);
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
