/**
 * A real node set up to replay the lifecycle machine's paths: for each machine event,
 * the client call or lab action that makes a real node take that transition. The
 * mapping is all here, so a missing or wrong one fails the replay rather than hiding.
 * This file holds the shared client operations and the single node without HA; the
 * HA pair lives in ha-replay-rig.ts.
 */
import { bindListener, buildApp } from '../../src/api/index.ts';
import { SimClock } from '../../src/clock/index.ts';
import { VaultNode, type NodeState } from '../../src/node/index.ts';
import { createBackend } from '../../src/storage/index.ts';
import { split } from 'shamir-secret-sharing';
import { randomBytes } from 'node:crypto';
import { SHARES, THRESHOLD, type ModelEvent } from './machine-model.ts';
import type { Addresses } from './node-observation.ts';
import { VaultHttp } from './vault-http.ts';

/** A model event's name. */
export type EventType = ModelEvent['type'];

/** A running node under test, and how to cause each machine event on it. */
export interface ReplayRig {
  addresses: Addresses;
  http: VaultHttp;
  /** Causes `event` the way a client or the lab would, given the state the node showed before; then lets (virtual) time settle. */
  cause(event: ModelEvent, shown: NodeState | 'unknown'): Promise<void>;
  close(): Promise<void>;
}

/** How each event is caused; an event with no entry has no real cause in that rig. */
export type Causes = { [T in EventType]?: (event: Extract<ModelEvent, { type: T }>, shown: NodeState | 'unknown') => Promise<void> };

/** Builds `cause` from a table: an unmapped event, or one caused from a state it has no road from, is an error. */
export function causeFrom(causes: Causes, settle: () => Promise<void>): ReplayRig['cause'] {
  return async (event, shown) => {
    const cause = causes[event.type] as ((e: ModelEvent, s: NodeState | 'unknown') => Promise<void>) | undefined;
    if (!cause) throw new Error(`no real cause mapped for ${event.type}`);
    await cause(event, shown);
    await settle();
  };
}

/** The client-side unseal ceremony on one node, with the keys of the last init. */
export class Ceremony {
  keys: string[] = [];

  constructor(private readonly http: VaultHttp) {}

  /** `PUT sys/init` with the replay's Shamir parameters; keeps the keys and uses the root token from now on. */
  async init(url: string): Promise<void> {
    const res = await this.http.must(url, 'PUT', '/v1/sys/init', { secret_shares: SHARES, secret_threshold: THRESHOLD });
    this.keys = res.body.keys;
    this.http.token = res.body.root_token;
  }

  /** One share: the next one not yet given, so progress moves by exactly one. */
  async giveShare(url: string): Promise<void> {
    const { body } = await this.http.must(url, 'GET', '/v1/sys/seal-status');
    await this.http.must(url, 'PUT', '/v1/sys/unseal', { key: this.keys[body.progress] });
  }

  /** Shares until the node reports itself unsealed (threshold at most). */
  async unseal(url: string): Promise<void> {
    for (let i = 0; i < THRESHOLD; i++) {
      const { body } = await this.http.must(url, 'GET', '/v1/sys/seal-status');
      if (!body.sealed) return;
      await this.http.must(url, 'PUT', '/v1/sys/unseal', { key: this.keys[body.progress] });
    }
  }

  /**
   * Shares of another secret until the threshold: the set combines to a key that opens
   * nothing, so the node answers 400 and stays sealed with its attempt spent.
   */
  async giveWrongShares(url: string): Promise<void> {
    const foreign = await split(new Uint8Array(randomBytes(32)), SHARES, THRESHOLD);
    for (const share of foreign.slice(0, THRESHOLD)) {
      const res = await this.http.send(url, 'PUT', '/v1/sys/unseal', { key: Buffer.from(share).toString('hex') });
      if (res.status === 400) return;
      if (res.status !== 200 || !res.body.sealed) throw new Error(`a wrong share answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    throw new Error('the node took a threshold of wrong shares without refusing them');
  }

  /** Takes the keys and root token of an init done elsewhere (another process on the same storage). */
  adopt(init: { keys: string[]; rootToken: string }): void {
    this.keys = init.keys;
    this.http.token = init.rootToken;
  }

  /** `PUT sys/unseal {reset: true}`. */
  async reset(url: string): Promise<void> {
    await this.http.must(url, 'PUT', '/v1/sys/unseal', { reset: true });
  }
}

/** A single node without HA on memory storage and a loopback listener; kill and restart mirror the lab's. */
export async function startSingleRig(): Promise<ReplayRig> {
  const clock = new SimClock();
  const backend = await createBackend('memory', { clock });
  const listener = await bindListener('127.0.0.1', 0);
  const node = await VaultNode.create({
    name: 'node1',
    backend,
    storageType: 'inmem',
    apiAddr: listener.url,
    clusterAddr: listener.url,
    clock,
  });
  const app = buildApp(node);
  await listener.attach(app);
  const http = new VaultHttp();
  const ceremony = new Ceremony(http);
  const url = listener.url;
  const causes: Causes = {
    INITIALIZED: () => ceremony.init(url),
    UNSEAL_PROGRESS: () => ceremony.giveShare(url),
    UNSEAL_RESET: () => ceremony.reset(url),
    THRESHOLD_REACHED: () => ceremony.unseal(url),
    UNSEAL_WRONG_SHARES: () => ceremony.giveWrongShares(url),
    SEAL: async () => void (await http.must(url, 'PUT', '/v1/sys/seal')),
    CRASH: async () => {
      node.crash();
      await listener.stop();
    },
    RESTART: async (event) => {
      // Storage initialized while the node was down: another process on the same storage did it.
      if (event.initialized && ceremony.keys.length === 0) {
        const other = await VaultNode.create({ name: 'other', backend, storageType: 'inmem', apiAddr: url, clusterAddr: url, clock });
        ceremony.adopt(await other.init({ secretShares: SHARES, secretThreshold: THRESHOLD }));
        other.close();
      }
      if (!event.initialized && ceremony.keys.length > 0) throw new Error('storage cannot become uninitialized');
      await listener.reopen();
      await node.restart();
    },
  };
  return {
    addresses: { self: url },
    http,
    cause: causeFrom(causes, () => clock.advance(1_000)),
    close: async () => {
      await http.close();
      await listener.close();
      node.close();
      await backend.close();
    },
  };
}
