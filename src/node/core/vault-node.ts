/**
 * One Vault node: the facade that binds the lifecycle machine to its effects. The machine's
 * snapshot is the one truth of the node's state; the key ceremony and activation are modules its
 * actors and actions call; the logical side is reached through a SystemView. The request path
 * only reads the snapshot; the one event it can cause is a lost lock (NodeLifecycle.lockLost).
 */
import { hostname } from 'node:os';
import { RealClock, type Clock } from '../../clock/index.ts';
import type { Barrier, ReadCacheStats } from '../../crypto/index.ts';
import type { Leadership, LeadershipFacts } from '../../ha/index.ts';
import { FencedWriteError } from '../../storage/index.ts';
import { SealedError, StandbyError } from '../errors.ts';
import {
  authorizeRootPath,
  handleRequest,
  haMembers,
  type EngineResolver,
  type HaStatusNode,
  type LogicalRequest,
  type Served,
  type SystemView,
} from '../logical/index.ts';
import { advertisedIdentity, type Activation } from './activation.ts';
import type { InitRequest, InitResult, KeyCeremony } from './key-ceremony.ts';
import { UnsealFlow, type UnsealResult } from './unseal-flow.ts';
import { NodeLifecycle } from './node-lifecycle.ts';
import { RequestGate } from './request-gate.ts';
import { buildNodeParts, type KeyOperations } from './node-parts.ts';
import type { NodeState } from './node-machine.ts';
import type { NodeEvent, NodeEventListener } from './node-events.ts';
import type { ClusterIdentity, NodeOptions } from './node-options.ts';
import { VAULT_VERSION } from '../version.ts';
import { health, leader, sealStatus, type HealthQuery, type StatusFacts } from './node-status.ts';
import { LeadershipMetrics } from './node-metrics.ts';
import type { NodeTelemetry } from '../telemetry/index.ts';

/** A simulated Vault node. */
export class VaultNode {
  readonly name: string;
  /** This node's API address (where 307s point). */
  readonly apiAddr: string;
  /** What a logical request may reach: the view the engines and the request handler take. */
  readonly system: SystemView;
  /** The node's part in HA, to read only; undefined for a single node without HA. */
  readonly ha: LeadershipFacts | undefined;
  /** The node's metrics (sys/metrics). */
  readonly telemetry: NodeTelemetry;
  /** Rekey and generate-root, which prove authority with unseal shares; only an active serves them. */
  readonly keys: KeyOperations;
  private readonly leadershipMetrics: LeadershipMetrics;
  private readonly clock: Clock;
  private readonly barrier: Barrier;
  private readonly ceremony: KeyCeremony;
  private readonly unsealing: UnsealFlow;
  private readonly activation: Activation;
  private readonly engines: EngineResolver;
  private readonly listeners = new Set<NodeEventListener>();
  private life!: NodeLifecycle;
  private readonly gate: RequestGate;

  private constructor(
    private readonly opts: NodeOptions,
    private readonly leadership: Leadership | undefined,
  ) {
    this.name = opts.name;
    this.apiAddr = opts.apiAddr;
    this.ha = leadership;
    this.clock = opts.clock ?? new RealClock();
    this.gate = new RequestGate(() => this.life, leadership);
    const parts = buildNodeParts(opts, { clock: this.clock, gate: this.gate, state: () => this.state, haMembers: () => this.haMembers() });
    this.telemetry = parts.telemetry;
    this.barrier = parts.barrier;
    this.system = parts.system;
    this.ceremony = parts.ceremony;
    this.activation = parts.activation;
    this.engines = parts.engines;
    this.keys = parts.keys;
    this.leadershipMetrics = new LeadershipMetrics(this.telemetry, this.clock, leadership !== undefined);
    this.unsealing = new UnsealFlow(this.ceremony, {
      state: () => this.state,
      now: () => this.clock.now(),
      nonce: () => this.life.context.nonce,
      send: (e) => this.life.send(e),
      sealStatus: () => this.sealStatus(),
      progress: (shares) => this.emitProgress(shares),
      afterOpen: () => (this.ha ? Promise.resolve() : this.activation.loadTables()),
      wipeKeys: () => this.wipeKeys(),
    });
  }

  /** Builds a node; it starts uninitialized or sealed depending on what storage holds. */
  static async create(opts: NodeOptions, ha?: Leadership): Promise<VaultNode> {
    const node = new VaultNode(opts, ha);
    await node.ceremony.readConfig();
    node.life = new NodeLifecycle({
      name: node.name,
      clock: node.clock,
      ha,
      activation: node.activation,
      initialized: await node.barrier.initialized(),
      openBarrier: (signal) => node.unsealing.openBarrier(signal),
      wipeKeys: () => node.wipeKeys(),
      telemetry: node.telemetry,
      onState: (from, to) => {
        if (from === 'active') node.keys.reset();
        node.leadershipMetrics.stateChanged(from, to);
        node.emit({ type: 'state', node: node.name, time: node.clock.now(), from, to });
      },
    });
    return node;
  }

  /** Serves a logical request (token, ACL, router, engine) on an active node. */
  async handle(req: LogicalRequest): Promise<Served> {
    try {
      return await this.telemetry.time('vault.core.handle_request', () => handleRequest(this.system, this.engines, req));
    } catch (err) {
      // A write refused by fencing means another node holds a newer term: step down at once.
      if (err instanceof FencedWriteError) this.life.lockLost('write refused by fencing');
      throw err;
    }
  }

  /** The check of the raw sudo endpoints (sys/seal, sys/step-down): token, ACL and use rules of an update of `path`. */
  authorizeRootPath(token: string | undefined, path: string, remoteAddress?: string): Promise<void> {
    return authorizeRootPath(this.system, token, path, remoteAddress);
  }

  /** The node's lifecycle state, read from the machine's snapshot. */
  get state(): NodeState {
    return this.life.state;
  }

  /** The lock term while active (0 otherwise). */
  get term(): number {
    return this.life.context.term;
  }

  /** Whether the node was killed and not restarted. */
  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Whether the barrier holds no keys (sealing and crashing wipe them). */
  get barrierSealed(): boolean {
    return this.barrier.sealed;
  }

  /** Reads the barrier's cache answered and missed over the node's life, every activation counted (the bench's hit rate). */
  readCacheStats(): ReadCacheStats {
    return this.barrier.readCacheStats();
  }

  /** `GET sys/init`. */
  get initialized(): boolean {
    return this.ceremony.sealConfig !== undefined;
  }

  /** Subscribes to this node's events; returns the unsubscribe function. */
  onEvent(fn: NodeEventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: NodeEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private emitProgress(progress: number): void {
    const threshold = this.ceremony.sealConfig?.secretThreshold ?? 0;
    this.emit({ type: 'unseal-progress', node: this.name, time: this.clock.now(), progress, threshold });
  }

  private facts(): StatusFacts {
    const ctx = this.life.context;
    return {
      state: this.state,
      initialized: this.initialized,
      sealConfig: this.ceremony.sealConfig,
      progress: ctx.progress,
      nonce: ctx.nonce,
      storageType: this.opts.storageType,
      cluster: this.ceremony.cluster,
      haEnabled: this.ha !== undefined,
      now: this.clock.now(),
      activeSince: ctx.activeSince,
      leader: this.leaderAddress(),
    };
  }

  /** The active node's addresses as this node knows them. */
  leaderAddress(): { apiAddr: string; clusterAddr: string } | undefined {
    const state = this.state;
    if (state === 'active') return { apiAddr: this.apiAddr, clusterAddr: this.opts.clusterAddr };
    if (state !== 'standby') return undefined;
    return this.ha?.leader();
  }

  /** The cluster certificate and key this node serves its cluster port with while active; none otherwise. */
  clusterIdentity(): ClusterIdentity | undefined {
    return this.state === 'active' ? this.activation.identity : undefined;
  }

  /** The cluster certificate and key `holder` advertised in its leader entry (behind the barrier): what a standby presents to forward. */
  async leaderIdentity(holder: string): Promise<ClusterIdentity | undefined> {
    return this.state === 'standby' ? advertisedIdentity(this.barrier, holder) : undefined;
  }

  /** `sys/seal-status`. */
  sealStatus(): Record<string, unknown> {
    return sealStatus(this.facts());
  }

  /** `sys/health` with its query overrides. */
  health(q: HealthQuery): { status: number; body: Record<string, unknown> } {
    return health(this.facts(), q);
  }

  /** `sys/leader`; sealed HA nodes answer 503 as Vault does. */
  leader(): Record<string, unknown> {
    const state = this.state;
    if (this.ha && state !== 'active' && state !== 'standby') throw new SealedError();
    return leader(this.facts());
  }

  private haMembers(): HaStatusNode[] {
    const o = this.opts;
    const self = { hostname: o.hostname ?? hostname(), apiAddr: o.apiAddr, clusterAddr: o.clusterAddr, version: VAULT_VERSION };
    return haMembers(self, this.leadership?.peers(this.life.context.activeSince) ?? []);
  }

  /** Picks up an init done by another node sharing this storage. */
  refreshInitialized(): Promise<void> {
    return this.unsealing.refreshInitialized();
  }

  /** `PUT sys/init`: keys, shares, the first tables and a root token. The node stays sealed. */
  init(req: InitRequest): Promise<InitResult> {
    return this.unsealing.init(req);
  }

  /** `PUT sys/unseal`: one share (hex or base64) or a reset. */
  unseal(req: { key?: string; reset?: boolean }): Promise<UnsealResult> {
    return this.unsealing.unseal(req);
  }

  /** `PUT sys/seal` from a client: only an active node seals itself. */
  seal(): void {
    if (this.state === 'standby') throw new StandbyError('vault cannot seal when in standby mode; please restart instead');
    if (this.state !== 'active') throw new SealedError();
    this.life.send({ type: 'SEAL' });
  }

  /** The lab's seal: any unsealed node, standby included; a sealed node just forgets its progress. */
  forceSeal(): void {
    if (this.state === 'active' || this.state === 'standby') this.life.send({ type: 'SEAL' });
    else if (this.state === 'sealed') this.unsealing.forgetShares();
  }

  /** `sys/step-down` on the active: give up the lock and stay standby for the back-off. */
  stepDown(backoffMs: number): void {
    if (this.state !== 'active') throw new StandbyError();
    this.life.send({ type: 'STEP_DOWN', backoffUntil: this.clock.now() + backoffMs });
  }

  /** The lab's pause (a Jepsen process pause); returns the resume function. */
  pause(): () => void {
    return this.gate.pause();
  }

  /** Whether the lab holds this node paused. */
  get paused(): boolean {
    return this.gate.paused;
  }

  /** The lab's kill: stop at once, keys wiped, the lock abandoned (not released). */
  crash(): void {
    this.life.send({ type: 'CRASH' });
  }

  /** The lab's restart of a killed node: it comes back sealed (or uninitialized, as storage now says). */
  async restart(): Promise<void> {
    if (!this.stopped) return;
    const initialized = await this.ceremony.readConfig();
    this.life.send({ type: 'RESTART', initialized });
  }

  /** Stops the actor for good (process shutdown). */
  close(): void {
    this.life.stop();
    this.wipeKeys();
  }

  private wipeKeys(): void {
    this.keys.reset();
    this.activation.deactivate();
    this.ceremony.close();
  }
}
