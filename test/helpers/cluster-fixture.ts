/** A 3-node lab on memory storage and free ports, initialized and unsealed, for HA tests (its API over TLS on request). */
import { Agent, fetch, getGlobalDispatcher, type Dispatcher, type Headers } from 'undici';
import { Cluster, type ClusterOptions } from '../../src/lab/index.ts';
import { CertificateAuthority } from '../../src/net/index.ts';
import type { InitResult } from '../../src/node/index.ts';

/** A running, unsealed cluster with its keys. */
export interface ClusterFixture {
  cluster: Cluster;
  init: InitResult;
  /** What reaches the nodes' API: trusting the lab's CA when the API is served over TLS. */
  dispatcher: Dispatcher;
  /** Sends an HTTP request to a node's API and parses the JSON answer. */
  http(
    node: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

/** Starts, initializes and unseals a cluster; resolves once exactly one node is active. */
export async function startCluster(opts: ClusterOptions & { tls?: boolean } = {}): Promise<ClusterFixture> {
  const nodes = opts.nodes ?? 3;
  let dispatcher: Dispatcher = getGlobalDispatcher();
  let apiTls = opts.apiTls;
  if (opts.tls) {
    const ca = await CertificateAuthority.create('vaultlab test CA');
    apiTls = await Promise.all(Array.from({ length: nodes }, (_, i) => ca.issue({ commonName: `node${i + 1}` })));
    dispatcher = new Agent({ connect: { ca: ca.cert } });
  }
  const cluster = await Cluster.start({ nodes, storage: 'memory', basePort: 0, ...opts, apiTls });
  const init = await cluster.init(5, 3);
  await cluster.unsealAll(init.keys.slice(0, 3));
  await waitFor(() => cluster.active() !== undefined, 5000);
  const http: ClusterFixture['http'] = async (node, method, path, body, headers = {}) => {
    const res = await fetch(`${cluster.get(node).apiAddr}${path}`, {
      method,
      headers: { 'x-vault-token': init.rootToken, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      dispatcher,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return { cluster, init, dispatcher, http };
}

/** Names of the nodes in a state. */
export function inState(cluster: Cluster, state: string): string[] {
  return cluster.nodes.filter((n) => n.node.state === state).map((n) => n.name);
}

/** Polls a condition (for hooks, where expect.poll is not allowed). */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
