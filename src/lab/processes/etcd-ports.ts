/**
 * The ports of a process lab's own etcd. etcd keeps its members' peer URLs in its data, so a
 * lab whose etcd data outlived a run must start its members on the ports they had: the ports
 * are written beside the data and read back, whatever the base port says this time. A first
 * run takes the port plan's (or, with base port 0, free ones).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_PORT_STRIDE } from '../port-plan.ts';

/** The file beside the members' data that names their ports. */
const PORTS_FILE = 'ports.json';

/** etcd member k's client and peer ports from the port plan: in node k's decade, above its API and cluster ports. */
export function plannedEtcdPorts(base: number, members: number): number[] | undefined {
  if (base === 0) return undefined;
  return Array.from({ length: members }, (_, k) => [base + NODE_PORT_STRIDE * k + 2, base + NODE_PORT_STRIDE * k + 3]).flat();
}

/** The ports the members' data was made with, if the data dir has any; else the plan's (undefined: free ones). */
export function etcdPortsFor(dir: string, base: number, members: number): number[] | undefined {
  const file = join(dir, PORTS_FILE);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (Array.isArray(kept) && kept.length === 2 * members && kept.every((p) => Number.isInteger(p))) return kept as number[];
  }
  return plannedEtcdPorts(base, members);
}

/** Records the ports a cluster's members run on (client, peer per member), for the next run on the same data. */
export function keepEtcdPorts(dir: string, urls: ReadonlyArray<{ clientUrl: string; peerUrl: string }>): void {
  const ports = urls.flatMap((m) => [Number(new URL(m.clientUrl).port), Number(new URL(m.peerUrl).port)]);
  writeFileSync(join(dir, PORTS_FILE), `${JSON.stringify(ports)}\n`);
}
