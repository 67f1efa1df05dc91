/**
 * The benchmark's cases: what each request is, where it goes, which keys it touches and which
 * client sends it. Reads pick keys uniformly over 10,000 secrets (twice what the read cache
 * holds) or from a Zipf hot set over the same secrets; writes overwrite 1,000 secrets; value
 * sizes run 100 B, 10 KB and 1 MB (see key-spaces.ts). Every ratio is taken between cases
 * of the same repetition, measured minutes apart at most, never across runs.
 */
import type { KeyChoice } from './key-picker.ts';
import { plaintextBody, READ_KEYS, secretBody, TRANSIT_KEY, WRITE_KEYS, ZIPF_S, type KeySpace } from './key-spaces.ts';
import type { LoadJob } from './load-process.ts';
import type { ServerReady } from './server-process.ts';

/** Whether a server serves its API (every node's, and the bare route) over TLS. */
export type ApiTls = 'off' | 'on';

/** The API TLS modes a run can measure, in their base order. */
export const API_TLS_MODES: readonly ApiTls[] = ['off', 'on'];

/** The server processes a run starts per storage (and per API TLS mode). */
export type ServerKind = 'node' | 'uncached' | 'noble' | 'synced';

/** How each server kind is started. */
export const SERVER_KINDS: Record<ServerKind, { aead: 'node' | 'noble'; readCache: boolean; sync: boolean }> = {
  node: { aead: 'node', readCache: true, sync: false },
  // The AEAD engines are compared with the read cache off on both sides, or the cached read would never decrypt.
  uncached: { aead: 'node', readCache: false, sync: false },
  noble: { aead: 'noble', readCache: false, sync: false },
  synced: { aead: 'node', readCache: true, sync: true },
};

/** One case: a label, what it measures, and how to build its load job against a running server. */
export interface BenchCase {
  name: string;
  /** What it measures, in a few words, for the report. */
  what: string;
  /**
   * Which server process it runs against: node:crypto with the active's read cache, without
   * it, @noble/ciphers without it, or level storage that fsyncs every write (`--sync`).
   */
  server: ServerKind;
  /** The storages it applies to (default: every storage of the run). */
  storages?: ReadonlyArray<'memory' | 'level'>;
  /** Connection counts it is measured at: 10 for throughput, 1 too where a ratio uses its c1 latency. */
  connections: readonly number[];
  /** The secrets it reads or writes, which its server preloads. */
  keys?: KeySpace;
  job(s: ServerReady, connections: number, durationSec: number): LoadJob;
}

type Route = 'direct' | 'forward' | 'redirect';
interface KvSpec {
  name: string;
  what: string;
  server?: ServerKind;
  op: 'read' | 'write';
  keys: KeySpace;
  distribution?: 'uniform' | 'zipf';
  route?: Route;
  /** The µs client at every connection count (autocannon otherwise measures c10). */
  micro?: boolean;
  connections?: readonly number[];
}

function kv(spec: KvSpec): BenchCase {
  const route = spec.route ?? 'direct';
  const choice: KeyChoice =
    spec.distribution === 'zipf'
      ? { distribution: 'zipf', count: spec.keys.count, s: ZIPF_S }
      : { distribution: 'uniform', count: spec.keys.count };
  const body = spec.op === 'write' ? secretBody(spec.keys.bytes) : undefined;
  return {
    name: spec.name,
    what: spec.what,
    server: spec.server ?? 'node',
    connections: spec.connections ?? [10],
    keys: spec.keys,
    job: (s, connections, durationSec) => ({
      tool: route === 'redirect' || spec.micro || connections === 1 ? 'micro' : 'autocannon',
      origin: route === 'direct' ? s.active : s.standby,
      path: `/v1/secret/data/${spec.keys.prefix}{key}`,
      keys: choice,
      method: spec.op === 'read' ? 'GET' : 'POST',
      headers: {
        'x-vault-token': s.token,
        'content-type': 'application/json',
        ...(route === 'redirect' ? { 'x-vault-no-request-forwarding': '1' } : {}),
      },
      body,
      connections,
      durationSec,
      followRedirect: route === 'redirect',
      ca: s.ca,
    }),
  };
}

const BASELINE: BenchCase = {
  name: 'baseline',
  what: 'a bare fastify GET route in the server process: the ceiling',
  server: 'node',
  connections: [1, 10],
  job: (s, connections, durationSec) => ({
    tool: connections === 1 ? 'micro' : 'autocannon',
    origin: s.baseline,
    path: '/hello',
    method: 'GET',
    headers: {},
    connections,
    durationSec,
    followRedirect: false,
    ca: s.ca,
  }),
};

/** Transit encrypt against the same server as the KV write: one key, a 100 B plaintext each request. */
const TRANSIT_ENCRYPT: BenchCase = {
  name: 'transit-encrypt',
  what: 'transit encrypt, 100 B plaintext, one aes256-gcm96 key, active',
  server: 'node',
  connections: [1, 10],
  keys: TRANSIT_KEY,
  job: (s, connections, durationSec) => ({
    tool: connections === 1 ? 'micro' : 'autocannon',
    origin: s.active,
    path: `/v1/transit/encrypt/${TRANSIT_KEY.prefix}`,
    method: 'POST',
    headers: { 'x-vault-token': s.token, 'content-type': 'application/json' },
    body: plaintextBody(TRANSIT_KEY.bytes),
    connections,
    durationSec,
    followRedirect: false,
    ca: s.ca,
  }),
};

const small = READ_KEYS.small;
const zipf = { keys: small, distribution: 'zipf' } as const;

/** All cases, in their base order (rotated each repetition). */
export const CASES: BenchCase[] = [
  BASELINE,
  kv({ name: 'read-uniform', what: 'KV read, 100 B, uniform over 10,000 secrets, active', op: 'read', keys: small }),
  kv({
    name: 'read-zipf',
    what: `KV read, 100 B, Zipf s=${ZIPF_S} over 10,000 secrets, active`,
    op: 'read',
    ...zipf,
    connections: [1, 10],
  }),
  kv({
    name: 'read-zipf-micro',
    what: 'read-zipf through the µs client (the redirect ratio compares like with like)',
    op: 'read',
    ...zipf,
    micro: true,
  }),
  kv({
    name: 'read-forwarded',
    what: 'read-zipf sent to a standby, which forwards it',
    op: 'read',
    ...zipf,
    route: 'forward',
    connections: [1, 10],
  }),
  kv({
    name: 'read-redirected',
    what: 'read-zipf sent to a standby, which answers 307; the client follows',
    op: 'read',
    ...zipf,
    route: 'redirect',
    connections: [1, 10],
  }),
  kv({
    name: 'read-uncached',
    what: 'read-uniform without the read cache: storage and AES-GCM every time',
    server: 'uncached',
    op: 'read',
    keys: small,
  }),
  kv({ name: 'read-noble', what: 'read-uncached with @noble/ciphers instead of node:crypto', server: 'noble', op: 'read', keys: small }),
  kv({ name: 'read-10kb', what: 'KV read, 10 KB, uniform over 100 secrets (all cached)', op: 'read', keys: READ_KEYS.medium }),
  kv({ name: 'read-1mb', what: 'KV read, 1 MB, uniform over 10 secrets (all cached)', op: 'read', keys: READ_KEYS.large }),
  kv({
    name: 'write',
    what: 'KV write, 100 B, uniform over 1,000 secrets, active',
    op: 'write',
    keys: WRITE_KEYS.small,
    connections: [1, 10],
  }),
  kv({
    name: 'write-forwarded',
    what: 'write sent to a standby, which forwards it',
    op: 'write',
    keys: WRITE_KEYS.small,
    route: 'forward',
  }),
  kv({ name: 'write-10kb', what: 'KV write, 10 KB, uniform over 1,000 secrets', op: 'write', keys: WRITE_KEYS.medium }),
  kv({ name: 'write-1mb', what: 'KV write, 1 MB, uniform over 10 secrets', op: 'write', keys: WRITE_KEYS.large }),
  TRANSIT_ENCRYPT,
  // What durability costs: the same write with LevelDB fsyncing its log before each acknowledgement.
  {
    ...kv({
      name: 'write-synced',
      what: 'write with LevelDB fsyncing before each acknowledgement',
      server: 'synced',
      op: 'write',
      keys: WRITE_KEYS.small,
      connections: [1, 10],
    }),
    storages: ['level'],
  },
];

/** Whether a case runs on a storage. */
export function appliesTo(c: BenchCase, storage: 'memory' | 'level'): boolean {
  return !c.storages || c.storages.includes(storage);
}

/** The key spaces a server kind must preload for the chosen cases. */
export function keySpacesOf(kind: ServerKind, cases: readonly BenchCase[]): KeySpace[] {
  return [...new Set(cases.filter((c) => c.server === kind && c.keys).map((c) => c.keys!))];
}

/** Which client measures a case at a connection count: the case's own job decides, and building one needs no server. */
export function clientOf(name: string, connections: number): LoadJob['tool'] {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no bench case named ${name}`);
  const nowhere: ServerReady = { type: 'ready', baseline: '', active: '', standby: '', token: '' };
  return c.job(nowhere, connections, 1).tool;
}
