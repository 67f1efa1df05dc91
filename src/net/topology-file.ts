/**
 * A topology file, in HCL or JSON (docs/topology-example.hcl shows every field):
 *
 *   topology {
 *     name = "two-zones"                         # optional: the file's name without extension
 *     zones {
 *       z1 { latency = "0.1ms" }                 # one-way, between two nodes of the zone
 *       z2 { latency = "0.1ms"  jitter = "0.02ms" }
 *     }
 *     between "z1" "z2" { latency = "1ms" }      # one-way; every pair of zones needs one
 *     clients {
 *       latency = "10ms"                         # one-way, clients to every zone...
 *       to "z2" { latency = "15ms" }             # ...unless a zone has its own
 *     }
 *     storage { zone = "z1" }                    # optional: the first zone
 *   }
 *
 * Durations are Go durations ("1.5ms"); all latencies are one-way. Zones are placed in the
 * order of their names (z2 before z10), as HCL hands the blocks back sorted. Every problem is
 * reported, each naming its field path; a file with any is refused whole.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { HclParseError, parseHcl } from '../hcl/index.ts';
import { parseGoDuration } from './go-duration.ts';
import type { LinkSettings } from './link-settings.ts';
import { pairKey, type Topology } from './topology.ts';

/** A topology file that is not one: every problem, each naming its field. */
export class TopologyFileError extends Error {
  readonly code = 'BAD_TOPOLOGY_FILE';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads fields while collecting one message per problem. */
class FieldReader {
  readonly problems: string[] = [];

  /** The object at `path`, after refusing keys not in `allowed`; undefined (and a problem) when it is not an object. */
  block(v: unknown, path: string, allowed?: readonly string[]): Tree | undefined {
    if (!isTree(v)) {
      this.problems.push(`${path}: ${v === undefined ? 'is missing' : 'must be a block'}`);
      return undefined;
    }
    for (const key of Object.keys(v))
      if (allowed && !allowed.includes(key)) this.problems.push(`${path}.${key}: unknown field (allowed: ${allowed.join(', ')})`);
    return v;
  }

  /** A one-way latency and optional jitter from a block with `latency` (required unless a default is given) and `jitter`. */
  link(v: unknown, path: string, fallback?: LinkSettings): LinkSettings | undefined {
    const tree = this.block(v, path, ['latency', 'jitter']);
    if (!tree) return undefined;
    const latencyMs = this.duration(tree.latency, `${path}.latency`, fallback?.latencyMs);
    const jitterMs = this.duration(tree.jitter, `${path}.jitter`, fallback?.jitterMs ?? 0);
    return latencyMs === undefined || jitterMs === undefined ? undefined : { latencyMs, jitterMs };
  }

  /** ms in a Go duration string; the fallback when absent and one is given. */
  duration(v: unknown, path: string, fallback?: number): number | undefined {
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === undefined) this.problems.push(`${path}: is missing (a duration like "1.5ms")`);
    else if (typeof v !== 'string' || parseGoDuration(v) === undefined)
      this.problems.push(`${path}: must be a duration like "1.5ms", not ${JSON.stringify(v)}`);
    else return parseGoDuration(v);
    return undefined;
  }
}

/** Zone names go on command lines (`fault zone z2 down`) and in field paths: plain words only. */
const ZONE_NAME = /^[A-Za-z0-9_-]+$/;

const ZONE_ORDER = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function readZones(r: FieldReader, top: Tree): { zones: string[]; inside: Record<string, LinkSettings> } {
  const tree = r.block(top.zones, 'topology.zones');
  const named = Object.keys(tree ?? {}).sort(ZONE_ORDER);
  if (tree && named.length === 0) r.problems.push('topology.zones: name at least one zone');
  for (const zone of named.filter((z) => !ZONE_NAME.test(z)))
    r.problems.push(`topology.zones.${zone}: a zone's name is letters, digits, - and _`);
  const zones = named.filter((z) => ZONE_NAME.test(z));
  const inside: Record<string, LinkSettings> = {};
  for (const zone of zones) {
    const link = r.link(tree![zone], `topology.zones.${zone}`);
    if (link) inside[zone] = link;
  }
  return { zones, inside };
}

/** `between "a" "b" { ... }`: one per pair of zones, naming only zones there are. */
function readBetween(r: FieldReader, top: Tree, zones: readonly string[]): Record<string, LinkSettings> {
  const between: Record<string, LinkSettings> = {};
  const tree = top.between === undefined ? {} : r.block(top.between, 'topology.between');
  for (const [a, row] of Object.entries(tree ?? {})) {
    if (!zones.includes(a)) r.problems.push(`topology.between.${a}: unknown zone (zones: ${zones.join(', ')})`);
    for (const [b, v] of Object.entries(r.block(row, `topology.between.${a}`) ?? {})) {
      const path = `topology.between.${a}.${b}`;
      if (!zones.includes(b)) r.problems.push(`${path}: unknown zone (zones: ${zones.join(', ')})`);
      else if (a === b) r.problems.push(`${path}: a zone's own latency goes in topology.zones.${a}`);
      else if (between[pairKey(a, b)]) r.problems.push(`${path}: ${a} and ${b} are given twice (either order names the same pair)`);
      const link = r.link(v, path);
      if (link && zones.includes(a) && zones.includes(b) && a !== b) between[pairKey(a, b)] = link;
    }
  }
  for (const [i, a] of zones.entries())
    for (const b of zones.slice(i + 1))
      if (!(pairKey(a, b) in between) && tree)
        r.problems.push(`topology.between: no latency between ${a} and ${b} (add between "${a}" "${b}" { latency = "…" })`);
  return between;
}

/** `clients { latency, jitter, to "zone" { ... } }`: the default applies to zones without their own. */
function readClients(r: FieldReader, top: Tree, zones: readonly string[]): Record<string, LinkSettings> {
  const tree = r.block(top.clients, 'topology.clients', ['latency', 'jitter', 'to']);
  if (!tree) return {};
  const own = tree.to === undefined ? {} : (r.block(tree.to, 'topology.clients.to') ?? {});
  for (const zone of Object.keys(own))
    if (!zones.includes(zone)) r.problems.push(`topology.clients.to.${zone}: unknown zone (zones: ${zones.join(', ')})`);
  const everyZone = zones.every((z) => z in own);
  const fallback =
    everyZone && tree.latency === undefined ? undefined : r.link({ latency: tree.latency, jitter: tree.jitter }, 'topology.clients');
  const clients: Record<string, LinkSettings> = {};
  for (const zone of zones) {
    const link = zone in own ? r.link(own[zone], `topology.clients.to.${zone}`, fallback) : fallback;
    if (link) clients[zone] = link;
  }
  return clients;
}

function readStorageZone(r: FieldReader, top: Tree, zones: readonly string[]): string {
  if (top.storage === undefined) return zones[0] ?? '';
  const zone = r.block(top.storage, 'topology.storage', ['zone'])?.zone;
  if (typeof zone !== 'string' || !zones.includes(zone))
    r.problems.push(`topology.storage.zone: must name one of the zones (${zones.join(', ')}), not ${JSON.stringify(zone)}`);
  return String(zone);
}

/**
 * The file's tree. JSON goes to JSON.parse, not to the HCL parser's JSON mode, which drops all
 * but the last key of an object nested two deep (`"to": {"z1": {…}, "z2": {…}}` keeps only z2).
 */
function parseText(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new TopologyFileError([`topology file: ${(e as Error).message}`]);
    }
  }
  try {
    return parseHcl(text);
  } catch (e) {
    if (e instanceof HclParseError) throw new TopologyFileError([`topology file: ${e.message}`]);
    throw e;
  }
}

/** A topology from a file's text (HCL or JSON); TopologyFileError listing every problem. */
export function parseTopology(text: string, fallbackName: string): Topology {
  const r = new FieldReader();
  const tree = parseText(text);
  const root = r.block(tree, '(file)', ['topology']);
  const top = root && r.block(root.topology, 'topology', ['name', 'zones', 'between', 'clients', 'storage']);
  if (!top) throw new TopologyFileError(r.problems);
  if (top.name !== undefined && (typeof top.name !== 'string' || top.name === ''))
    r.problems.push(`topology.name: must be a non-empty string, not ${JSON.stringify(top.name)}`);
  const { zones, inside } = readZones(r, top);
  // Without zones nothing else can be checked against them: the one problem is enough.
  if (zones.length === 0) throw new TopologyFileError(r.problems);
  const topology: Topology = {
    name: typeof top.name === 'string' && top.name !== '' ? top.name : fallbackName,
    zones,
    inside,
    between: readBetween(r, top, zones),
    clients: readClients(r, top, zones),
    storageZone: readStorageZone(r, top, zones),
  };
  if (r.problems.length > 0) throw new TopologyFileError(r.problems);
  return topology;
}

/** Reads a topology file; its name, unless the file gives one, is the file's name without its extension. */
export function readTopologyFile(file: string): Topology {
  return parseTopology(readFileSync(file, 'utf8'), basename(file, extname(file)));
}
