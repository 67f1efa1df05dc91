/**
 * One Vault node: the facade that binds the lifecycle machine to its effects and owns
 * the core operations (init, unseal, seal) and the per-node secrets (unseal parts,
 * the barrier's keys). Everything a request needs is read from here without sending
 * the machine an event: the request path only reads the cached state.
 */
import { hostname } from 'node:os';
import { createActor, fromPromise, type Actor } from 'xstate';
import { RealClock, type Clock } from '../../clock/index.ts';
import {
  AesGcmBarrier,
  BarrierUnsealError,
  combineShares,
  createAead,
  decodeKeyShare,
  encodeBase64,
  encodeHex,
  KeyShareError,
  splitKey,
  uuid,
  validateSealConfig,
  wipe,
  type Barrier,
} from '../../crypto/index.ts';
import type { Backend } from '../../storage/index.ts';
import type { Leadership } from '../../ha/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import { BadRequestError, InternalError, SealedError, StandbyError } from '../errors.ts';
import { MountTable, newMount, requiredMounts } from '../logical/mounts.ts';
import { nodeMachine, type NodeState } from './node-machine.ts';
import type { NodeEvent, NodeEventListener } from './node-events.ts';
import { haMembers, type HaStatusNode } from '../logical/ha-members.ts';
import { VAULT_VERSION, type NodeOptions } from './node-options.ts';
import { health, leader, sealStatus, type HealthQuery, type StatusFacts } from './node-status.ts';
import { readSealConfig, writeSealConfig, type SealConfig } from './seal-config.ts';
import { TokenStore } from '../logical/token/token-store.ts';
import { expireToken } from '../logical/token/token-service.ts';
import { ExpirationManager } from '../logical/expiration-manager.ts';
import { UnsealProgress } from './unseal-progress.ts';
import { PolicyStore } from '../logical/policy-store.ts';
import { createEngineResolver } from '../logical/engines/registry.ts';
import { authorizeRootPath, handleRequest, type EngineResolver } from '../logical/request-handler.ts';
import type { LogicalRequest, Served } from '../logical/request.ts';

/** What `sys/init` returns, before encoding for the wire. */
export interface InitResult {
  keys: string[];
  keysBase64: string[];
  rootToken: string;
}

const enc = new TextEncoder();

/** A simulated Vault node. */
export class VaultNode {
  readonly name: string;
  readonly backend: Backend;
  readonly barrier: Barrier;
  readonly clock: Clock;
  readonly apiAddr: string;
  readonly clusterAddr: string;
  readonly storageType: string;
  /** The host name sys/ha-status reports. */
  readonly hostname: string;
  readonly haEnabled: boolean;
  readonly tokens: TokenStore;
  readonly mounts: MountTable;
  readonly policies: PolicyStore;
  /** Revokes tokens on time while this node is active. */
  readonly expiration: ExpirationManager;
  private readonly unsealParts = new UnsealProgress();
  private readonly listeners = new Set<NodeEventListener>();
  private actor!: Actor<typeof nodeMachine>;
  private currentState: NodeState = 'uninitialized';
  private sealConfig: SealConfig | undefined;
  private cluster: { name: string; id: string } | undefined;
  private unsealQueue: Promise<unknown> = Promise.resolve();
  private crashed = false;
  private readonly engines: EngineResolver;
  /** A named point in the request path where the lab can hold a request (faults); undefined normally. */
  failpoint: ((name: string) => Promise<void>) | undefined;

  private constructor(
    opts: NodeOptions,
    /** The node's part in HA; undefined for a single node without HA. */
    readonly ha: Leadership | undefined,
  ) {
    this.name = opts.name;
    this.backend = opts.backend;
    this.clock = opts.clock ?? new RealClock();
    this.apiAddr = opts.apiAddr;
    this.clusterAddr = opts.clusterAddr;
    this.storageType = opts.storageType;
    this.hostname = opts.hostname ?? hostname();
    this.haEnabled = ha !== undefined;
    this.barrier = new AesGcmBarrier({ backend: opts.backend, aead: createAead(opts.aead ?? 'node') });
    this.tokens = new TokenStore(this.barrier, this.clock);
    this.mounts = new MountTable(this.barrier);
    this.policies = new PolicyStore(this.barrier);
    this.expiration = new ExpirationManager(this.clock, (hash) => expireToken(this, hash));
    this.engines = createEngineResolver(this);
  }

  /** Barrier storage for system entries. */
  get storage(): Barrier {
    return this.barrier;
  }

  /** A prefix-scoped view of barrier storage. */
  view(prefix: string): ReturnType<Barrier['view']> {
    return this.barrier.view(prefix);
  }

  /** Throws unless this node may serve as the active now. */
  assertActive(): void {
    const state = this.currentState;
    if (state === 'standby') throw new StandbyError();
    if (state !== 'active') throw new SealedError();
    if (this.ha && !this.ha.holdsLease()) {
      this.lockLost('lease ran out before it was renewed');
      throw new StandbyError();
    }
  }

  /** While paused by the lab: resolves on resume. */
  held(): Promise<void> | undefined {
    return this.failpoint?.('beforeEngine');
  }

  /** Serves a logical request (token, ACL, router, engine) on an active node. */
  async handle(req: LogicalRequest): Promise<Served> {
    try {
      return await handleRequest(this, this.engines, req);
    } catch (err) {
      // A write refused by fencing means another node holds a newer term: step down at once (HA-3).
      if ((err as { code?: string }).code === 'STORAGE_FENCED') this.lockLost('write refused by fencing');
      throw err;
    }
  }

  /** The check of the raw sudo endpoints (sys/seal, sys/step-down): token, ACL and use rules of an update of `path`. */
  authorizeRootPath(token: string | undefined, path: string): Promise<void> {
    return authorizeRootPath(this, token, path);
  }

  /** Builds a node; it starts uninitialized or sealed depending on what storage holds. */
  static async create(opts: NodeOptions, ha?: Leadership): Promise<VaultNode> {
    const node = new VaultNode(opts, ha);
    node.sealConfig = await readSealConfig(opts.backend);
    node.start(await node.barrier.initialized());
    return node;
  }

  /** The node's lifecycle state, read without touching the machine. */
  get state(): NodeState {
    return this.currentState;
  }

  /** The lock term while active (0 otherwise). */
  get term(): number {
    return this.actor.getSnapshot().context.term;
  }

  /** Subscribes to this node's events; returns the unsubscribe function. */
  onEvent(fn: NodeEventListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Reports an event to every subscriber (used by the HA hooks too). */
  emit(e: NodeEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  private start(initialized: boolean): void {
    const machine = nodeMachine.provide({
      actors: {
        campaign: fromPromise(async ({ input, signal }) => {
          const term = await this.ha!.campaign(this, signal, input.backoffUntil);
          if (term === undefined) return;
          // Won just as the node left standby (sealed, crashed): give the lock back, or a sealed node
          // holds it until its lease runs out and nobody can fail over.
          if (signal.aborted) this.ha!.teardown(this, { crashed: this.crashed });
          else this.actor.send({ type: 'LOCK_ACQUIRED', term, at: this.clock.now() });
        }),
        lockKeeper: fromPromise(async ({ input, signal }) => {
          if (!this.ha) return;
          const reason = await this.ha.keepLock(this, signal, input.term);
          if (reason !== undefined && !signal.aborted) this.actor.send({ type: 'LOCK_LOST', reason });
        }),
      },
      actions: {
        teardownActive: () => this.teardownActive(),
        wipeKeys: () => this.wipeKeys(),
        halt: () => this.halt(),
      },
    });
    this.actor = createActor(machine, { input: { name: this.name, haEnabled: this.haEnabled, initialized } });
    this.actor.subscribe((snap) => {
      const next = leafState(snap.value);
      if (next === this.currentState) return;
      const from = this.currentState;
      this.currentState = next;
      this.emit({ type: 'state', node: this.name, time: this.clock.now(), from, to: next });
    });
    this.currentState = initialized ? 'sealed' : 'uninitialized';
    this.actor.start();
  }

  private facts(): StatusFacts {
    const ctx = this.actor.getSnapshot().context;
    return {
      state: this.currentState,
      initialized: this.sealConfig !== undefined,
      sealConfig: this.sealConfig,
      progress: this.unsealParts.progress,
      nonce: this.unsealParts.nonce,
      storageType: this.storageType,
      cluster: this.cluster,
      haEnabled: this.haEnabled,
      now: this.clock.now(),
      activeSince: ctx.activeSince,
      leader: this.leaderAddress(),
    };
  }

  /** The active node's addresses as this node knows them. */
  leaderAddress(): { apiAddr: string; clusterAddr: string } | undefined {
    if (this.currentState === 'active') return { apiAddr: this.apiAddr, clusterAddr: this.clusterAddr };
    if (this.currentState !== 'standby') return undefined;
    return this.ha?.leader();
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
    if (this.haEnabled && this.currentState !== 'active' && this.currentState !== 'standby') throw new SealedError();
    return leader(this.facts());
  }

  /** `sys/ha-status` on the active: itself and the standbys it has heard from since it became active. */
  haMembers(): HaStatusNode[] {
    const self = { hostname: this.hostname, apiAddr: this.apiAddr, clusterAddr: this.clusterAddr, version: VAULT_VERSION };
    return haMembers(self, this.ha?.peers(this.actor.getSnapshot().context.activeSince) ?? []);
  }

  /**
   * Another node sharing this storage may have initialized it (Vault reads storage for
   * every `Initialized()` call): pick that up while this node still thinks otherwise.
   */
  async refreshInitialized(): Promise<void> {
    if (this.sealConfig || this.currentState !== 'uninitialized') return;
    this.sealConfig = await readSealConfig(this.backend);
    if (this.sealConfig) this.actor.send({ type: 'INITIALIZED' });
  }

  /** `GET sys/init`. */
  get initialized(): boolean {
    return this.sealConfig !== undefined;
  }

  /**
   * `PUT sys/init`: a new unseal key split into shares, a barrier under a new root key,
   * the required mounts, the default policy and a root token. The node stays sealed.
   */
  async init(req: { secretShares: number; secretThreshold: number; rootTokenId?: string; devKvVersion?: 1 | 2 }): Promise<InitResult> {
    if (this.sealConfig || (await this.barrier.initialized())) throw new BadRequestError('Vault is already initialized');
    validateSealConfig({ secretShares: req.secretShares, secretThreshold: req.secretThreshold });
    const unsealKey = new Uint8Array(32);
    crypto.getRandomValues(unsealKey);
    const shares = await splitKey(unsealKey, req.secretShares, req.secretThreshold);
    try {
      await this.barrier.initialize(unsealKey);
      await this.barrier.unseal(unsealKey);
      const mounts = requiredMounts();
      if (req.devKvVersion) {
        mounts.push(newMount('secret/', 'kv', 'key/value secret storage', { options: { version: String(req.devKvVersion) } }));
      }
      for (const m of mounts) await this.mounts.add(m);
      const cluster = { name: `vault-cluster-${uuid().slice(0, 8)}`, id: uuid() };
      await this.barrier.put(StorageKeys.cluster, enc.encode(JSON.stringify(cluster)));
      await this.tokens.load();
      await this.policies.installDefaults();
      const root = await this.tokens.createRoot(req.rootTokenId);
      const config: SealConfig = { type: 'shamir', secretShares: req.secretShares, secretThreshold: req.secretThreshold };
      await writeSealConfig(this.backend, config);
      this.sealConfig = config;
      return { keys: shares.map(encodeHex), keysBase64: shares.map(encodeBase64), rootToken: root.id };
    } finally {
      this.wipeKeys();
      wipe(unsealKey, ...shares);
      if (this.sealConfig) this.actor.send({ type: 'INITIALIZED' });
    }
  }

  /** `PUT sys/unseal`: one share (hex or base64) or a reset. Returns seal-status plus any warning. */
  unseal(req: { key?: string; reset?: boolean }): Promise<{ status: Record<string, unknown>; warnings?: string[] }> {
    const run = this.unsealQueue.then(() => this.unsealOne(req));
    this.unsealQueue = run.catch(() => undefined);
    return run;
  }

  private async unsealOne(req: { key?: string; reset?: boolean }): Promise<{ status: Record<string, unknown>; warnings?: string[] }> {
    const unsealed = this.currentState === 'active' || this.currentState === 'standby';
    if (req.reset) {
      if (unsealed) throw new BadRequestError('vault is unsealed');
      this.unsealParts.reset();
      this.actor.send({ type: 'UNSEAL_RESET' });
      return { status: this.sealStatus() };
    }
    if (!req.key) throw new BadRequestError("'key' must be specified in request body as JSON, or 'reset' set to true");
    const part = decodeKeyShare(req.key);
    await this.refreshInitialized();
    if (!this.sealConfig) {
      wipe(part);
      throw new BadRequestError('Vault is not initialized');
    }
    if (this.currentState === 'stopped') throw new SealedError();
    if (unsealed) {
      wipe(part);
      return { status: this.sealStatus() };
    }
    if (!this.unsealParts.add(part)) {
      return { status: this.sealStatus(), warnings: ['this unseal key was already provided; progress unchanged'] };
    }
    this.emitProgress();
    if (this.unsealParts.progress < this.sealConfig.secretThreshold) {
      this.actor.send({ type: 'UNSEAL_PROGRESS', progress: this.unsealParts.progress, nonce: this.unsealParts.nonce });
      return { status: this.sealStatus() };
    }
    await this.openBarrier(this.unsealParts.take());
    this.emitProgress();
    return { status: this.sealStatus() };
  }

  private emitProgress(): void {
    const threshold = this.sealConfig?.secretThreshold ?? 0;
    this.emit({ type: 'unseal-progress', node: this.name, time: this.clock.now(), progress: this.unsealParts.progress, threshold });
  }

  /** Combines the parts (always wiping them) and unseals the barrier; a wrong set is a 400 and changes nothing. */
  private async openBarrier(parts: Uint8Array[]): Promise<void> {
    let key: Uint8Array | undefined;
    try {
      key = await combineShares(parts);
      await this.barrier.unseal(key);
    } catch (err) {
      this.actor.send({ type: 'UNSEAL_RESET' });
      // A wrong key set is the client's mistake (400), in Vault's words; the barrier adds which stored key it could not
      // open, since a corrupt one looks the same to AES-GCM. Damaged storage or a storage failure keeps its own code (500).
      if (err instanceof BarrierUnsealError) throw new BadRequestError(`Unseal failed, invalid key: ${err.message}`);
      if (err instanceof KeyShareError) throw new BadRequestError('Unseal failed, invalid key');
      throw err;
    } finally {
      wipe(...parts);
      if (key) wipe(key);
    }
    try {
      const raw = await this.barrier.get(StorageKeys.cluster);
      this.cluster = raw ? (JSON.parse(new TextDecoder().decode(raw)) as { name: string; id: string }) : undefined;
      if (!this.haEnabled) await this.prepareActive();
    } catch (err) {
      this.wipeKeys();
      throw new InternalError(`unseal failed: ${(err as Error).message}`);
    }
    this.actor.send({ type: 'UNSEALED', at: this.clock.now() });
  }

  /**
   * Loads what an active node serves from (mount table, token salt, policies) and restores
   * the revocation timers from the stored tokens, as Vault's expiration manager does on
   * activation: what expired while no node was active is revoked at once. Called once per term.
   */
  async prepareActive(): Promise<void> {
    await this.mounts.load();
    await this.tokens.load();
    this.policies.clear();
    const now = this.clock.now();
    const stored = await this.tokens.expiries();
    this.expiration.start(stored.map((t) => ({ id: t.hash, expireTime: t.revocationPending ? now : t.expireTime })));
  }

  /** `PUT sys/seal` from a client: only an active node seals itself. */
  seal(): void {
    if (this.currentState === 'standby') throw new StandbyError('vault cannot seal when in standby mode; please restart instead');
    if (this.currentState !== 'active') throw new SealedError();
    this.actor.send({ type: 'SEAL' });
  }

  /** The lab's seal: any unsealed node, standby included; a sealed node just forgets its progress. */
  forceSeal(): void {
    if (this.currentState === 'active' || this.currentState === 'standby') this.actor.send({ type: 'SEAL' });
    else if (this.currentState === 'sealed') {
      this.unsealParts.reset();
      this.actor.send({ type: 'UNSEAL_RESET' });
    }
  }

  /** `sys/step-down` on the active: give up the lock and stay standby for the back-off. */
  stepDown(backoffMs: number): void {
    if (this.currentState !== 'active') throw new StandbyError();
    this.actor.send({ type: 'STEP_DOWN', backoffUntil: this.clock.now() + backoffMs });
  }

  /** Lets HA hooks report a refused write or a failed renewal. */
  lockLost(reason: string): void {
    if (this.currentState === 'active') this.actor.send({ type: 'LOCK_LOST', reason });
  }

  /** The lab's kill: stop at once, keys wiped, the lock abandoned (not released). */
  crash(): void {
    // Set before the event: the exit of `active` runs first and must abandon, not release, the lock.
    this.crashed = true;
    this.actor.send({ type: 'CRASH' });
  }

  /** The lab's restart of a killed node: it comes back sealed. */
  async restart(): Promise<void> {
    if (this.currentState !== 'stopped') return;
    this.sealConfig = await readSealConfig(this.backend);
    this.crashed = false;
    this.actor.send({ type: 'RESTART', initialized: this.sealConfig !== undefined });
  }

  /** Whether the node was killed and not restarted. */
  get stopped(): boolean {
    return this.crashed;
  }

  /** Stops the actor for good (process shutdown). */
  close(): void {
    this.actor.stop();
    this.wipeKeys();
  }

  private teardownActive(): void {
    this.expiration.stop();
    this.tokens.unload();
    this.policies.clear();
    this.ha?.teardown(this, { crashed: this.crashed });
  }

  private wipeKeys(): void {
    this.expiration.stop();
    this.barrier.seal();
    this.tokens.unload();
    this.mounts.unload();
    this.policies.clear();
    this.unsealParts.reset();
    this.cluster = undefined;
  }

  private halt(): void {
    this.wipeKeys();
  }
}

/** The leaf name of an xstate state value ({unsealed: 'active'} → 'active'). */
function leafState(value: unknown): NodeState {
  if (typeof value === 'string') return (value === 'booting' ? 'sealed' : value) as NodeState;
  const inner = Object.values(value as Record<string, unknown>)[0];
  return (inner === 'deciding' ? 'standby' : leafState(inner)) as NodeState;
}
