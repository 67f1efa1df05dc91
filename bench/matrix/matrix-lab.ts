/**
 * One lab of the matrix, in its own process: three nodes on memory storage in one zone of a
 * topology made from the lab's two distances (half of each round trip one way: clients to the
 * zone, node to node and balancer to node), the built-in balancer in the lab's mode, and over
 * TLS a CA of its own. It preloads the one secret the cells read, waits until the balancer's
 * checks agree with the cluster, and tells its parent where the active, a standby and the
 * balancer are. It ends when its parent does.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { balancerAgrees } from '../../src/lab/index.ts';
import type { Topology } from '../../src/net/index.ts';
import { makeBenchTls, type BenchTls } from '../bench-tls.ts';
import { startSettled } from '../active-node.ts';
import { MATRIX_SECRET, type LabSpec, type MatrixLabReady } from './matrix-grid.ts';

/** The balancer's check: HAProxy's fall and rise, checked often so the lab is ready soon. */
const CHECK = { interMs: 250, fall: 3, rise: 2, timeoutMs: 2000 };

const spec = JSON.parse(process.env.MATRIX_LAB ?? '{}') as LabSpec;
let tls: BenchTls | undefined;

function end(code: number): never {
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
  process.exit(code);
}
process.on('disconnect', () => end(0));
process.on('SIGTERM', () => end(143));

/** One zone: every node, the storage and the balancer in it; the clients at the client distance. */
function topologyOf(s: LabSpec): Topology {
  return {
    name: `matrix c${s.clientRttMs} i${s.intraRttMs}`,
    zones: ['z1'],
    inside: { z1: { latencyMs: s.intraRttMs / 2, jitterMs: 0 } },
    between: {},
    clients: { z1: { latencyMs: s.clientRttMs / 2, jitterMs: 0 } },
    storageZone: 'z1',
  };
}

async function main(): Promise<void> {
  if (spec.tls) tls = await makeBenchTls(['node1', 'node2', 'node3']);
  const { cluster, rootToken, active } = await startSettled({
    nodes: 3,
    storage: 'memory',
    basePort: 0,
    topology: topologyOf(spec),
    apiTls: tls?.nodes,
    balancer: { mode: spec.balancer, check: CHECK, caFile: tls && join(tls.dir, 'ca.pem') },
  });
  await active.node.handle({
    operation: 'update',
    path: `secret/data/${MATRIX_SECRET}`,
    data: { data: { v: 'x'.repeat(100) } },
    token: rootToken,
  });
  while (!(await balancerAgrees(cluster.balancer!, cluster.nodes))) await new Promise((r) => setTimeout(r, 20));
  const standby = cluster.nodes.find((n) => n.node.state === 'standby')!;
  const ready: MatrixLabReady = {
    type: 'ready',
    active: active.apiAddr,
    standby: standby.apiAddr,
    balancer: cluster.balancer!.url,
    token: rootToken,
    ca: tls?.ca,
  };
  process.send!(ready);
}

main().catch((e: Error) => {
  process.send!({ type: 'failed', message: e.message });
  end(1);
});
