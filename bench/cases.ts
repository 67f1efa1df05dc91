/**
 * The benchmark's cases: what each request is, where it goes, and which client sends it.
 * Every ratio is taken between cases of the same repetition (same process layout,
 * same minute), never across runs.
 */
import type { ServerReady } from './server-process.ts';
import type { LoadJob } from './load-process.ts';

/** The server processes a run starts per storage. */
export type ServerKind = 'node' | 'uncached' | 'noble' | 'synced';

/** One case: a label and how to build its load job against a running server. */
export interface BenchCase {
  name: string;
  /**
   * Which server process it runs against: node:crypto with the active's read cache, without
   * it, @noble/ciphers without it, or level storage that fsyncs every write (`--sync`).
   */
  server: ServerKind;
  /** The storages it applies to (default: every storage of the run). */
  storages?: ReadonlyArray<'memory' | 'level'>;
  job(s: ServerReady, connections: number, durationSec: number): LoadJob;
}

const WRITE_BODY = '{"data":{"value":"' + 'y'.repeat(480) + '","n":"{i}"}}';

function kv(
  name: string,
  server: BenchCase['server'],
  target: 'active' | 'standby',
  op: 'read' | 'write',
  mode: 'direct' | 'forward' | 'redirect',
): BenchCase {
  return {
    name,
    server,
    job: (s, connections, durationSec) => ({
      tool: mode === 'redirect' || connections === 1 ? 'micro' : 'autocannon',
      url: `${target === 'active' ? s.active : s.standby}/v1/secret/data/${op === 'read' ? 'k7' : 'w1'}`,
      method: op === 'read' ? 'GET' : 'POST',
      headers: {
        'x-vault-token': s.token,
        'content-type': 'application/json',
        ...(mode === 'redirect' ? { 'x-vault-no-request-forwarding': '1' } : {}),
      },
      body: op === 'write' ? WRITE_BODY : undefined,
      connections,
      durationSec,
      followRedirect: mode === 'redirect',
    }),
  };
}

/** All cases, in their base order (rotated each repetition). */
export const CASES: BenchCase[] = [
  {
    name: 'baseline',
    server: 'node',
    job: (s, connections, durationSec) => ({
      tool: connections === 1 ? 'micro' : 'autocannon',
      url: s.baseline,
      method: 'GET',
      headers: {},
      connections,
      durationSec,
      followRedirect: false,
    }),
  },
  kv('read-direct', 'node', 'active', 'read', 'direct'),
  kv('write-direct', 'node', 'active', 'write', 'direct'),
  kv('read-forwarded', 'node', 'standby', 'read', 'forward'),
  kv('write-forwarded', 'node', 'standby', 'write', 'forward'),
  kv('read-redirected', 'node', 'standby', 'read', 'redirect'),
  kv('write-redirected', 'node', 'standby', 'write', 'redirect'),
  {
    ...kv('read-direct-micro', 'node', 'active', 'read', 'direct'),
    job: (s, c, d) => ({ ...kv('x', 'node', 'active', 'read', 'direct').job(s, c, d), tool: 'micro' }),
  },
  kv('read-direct-uncached', 'uncached', 'active', 'read', 'direct'),
  kv('read-direct-noble', 'noble', 'active', 'read', 'direct'),
  // What durability costs: the same write with LevelDB fsyncing its log before each acknowledgement.
  { ...kv('write-direct-synced', 'synced', 'active', 'write', 'direct'), storages: ['level'] },
];

/** Whether a case runs on a storage. */
export function appliesTo(c: BenchCase, storage: 'memory' | 'level'): boolean {
  return !c.storages || c.storages.includes(storage);
}

/** Which client measures a case at a connection count: the case's own job decides, and building one needs no server. */
export function clientOf(name: string, connections: number): LoadJob['tool'] {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no bench case named ${name}`);
  const nowhere: ServerReady = { type: 'ready', baseline: '', active: '', standby: '', token: '' };
  return c.job(nowhere, connections, 1).tool;
}
