/**
 * The unseal and init requests of one node, in Vault's order of checks, one at a time:
 * what the key ceremony does with a share, and what the lifecycle machine is told about
 * it. The machine keeps the public facts (progress, nonce, state); the ceremony keeps the
 * shares; this module is the only place that moves between the two. Opening the barrier
 * is the machine's own actor (`openBarrier`): a request that completes the threshold tells
 * the machine and waits for that actor's outcome.
 */
import { uuid } from '../../crypto/index.ts';
import { BadRequestError, InternalError, SealedError } from '../errors.ts';
import type { InitRequest, InitResult, KeyCeremony } from './key-ceremony.ts';
import type { NodeMachineEvent, NodeState } from './node-machine.ts';

/** What `sys/unseal` answers: seal-status, and a warning for a repeated share. */
export interface UnsealResult {
  status: Record<string, unknown>;
  warnings?: string[];
}

/** What the flow needs of its node. */
export interface UnsealHost {
  state(): NodeState;
  /** The node's clock, now. */
  now(): number;
  /** The current attempt's nonce as the machine holds it ('' when none). */
  nonce(): string;
  send(e: NodeMachineEvent): void;
  sealStatus(): Record<string, unknown>;
  /** Reports unseal progress to the node's event stream. */
  progress(shares: number): void;
  /** Once the barrier is open: what a node without HA loads to serve at once. */
  afterOpen(): Promise<void>;
  /** Seals again after an unseal that failed half-way. */
  wipeKeys(): void;
}

/** One node's init and unseal requests. */
export class UnsealFlow {
  private queue: Promise<unknown> = Promise.resolve();
  /** The barrier opening the machine started for the current attempt. */
  private opening: Promise<{ at: number }> | undefined;

  constructor(
    private readonly ceremony: KeyCeremony,
    private readonly host: UnsealHost,
  ) {}

  /** `PUT sys/init`: keys, shares, the first tables and a root token. The node stays sealed. */
  async init(req: InitRequest): Promise<InitResult> {
    try {
      return await this.ceremony.init(req);
    } finally {
      if (this.ceremony.sealConfig) this.host.send({ type: 'INITIALIZED' });
    }
  }

  /**
   * Another node sharing this storage may have initialized it (Vault reads storage for
   * every `Initialized()` call): pick that up while this node still thinks otherwise.
   */
  async refreshInitialized(): Promise<void> {
    if (this.ceremony.sealConfig || this.host.state() !== 'uninitialized') return;
    if (await this.ceremony.readConfig()) this.host.send({ type: 'INITIALIZED' });
  }

  /** `PUT sys/unseal`: one share (hex or base64) or a reset; concurrent calls take turns. */
  unseal(req: { key?: string; reset?: boolean }): Promise<UnsealResult> {
    const run = this.queue.then(() => this.unsealOne(req));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Forgets the shares in hand and the attempt (the lab's seal of a sealed node, or a reset). */
  forgetShares(): void {
    this.ceremony.resetShares();
    this.host.send({ type: 'UNSEAL_RESET' });
  }

  private async unsealOne(req: { key?: string; reset?: boolean }): Promise<UnsealResult> {
    const state = this.host.state();
    const unsealed = state === 'active' || state === 'standby';
    if (req.reset) {
      if (unsealed) throw new BadRequestError('vault is unsealed');
      this.forgetShares();
      return { status: this.host.sealStatus() };
    }
    if (!req.key) throw new BadRequestError("'key' must be specified in request body as JSON, or 'reset' set to true");
    const part = this.ceremony.parseShare(req.key);
    await this.refreshInitialized();
    // A new attempt reads the seal configuration again: another node may have rekeyed it.
    if (this.ceremony.shares === 0 && this.host.state() === 'sealed') await this.ceremony.readConfig();
    const initialized = this.ceremony.sealConfig !== undefined;
    const stopped = this.host.state() === 'stopped';
    if (!initialized || stopped || unsealed) this.ceremony.discard(part);
    if (!initialized) throw new BadRequestError('Vault is not initialized');
    if (stopped) throw new SealedError();
    if (unsealed) return { status: this.host.sealStatus() };
    const outcome = this.ceremony.addShare(part);
    if (outcome === 'duplicate')
      return { status: this.host.sealStatus(), warnings: ['this unseal key was already provided; progress unchanged'] };
    this.host.progress(this.ceremony.shares);
    if (outcome === 'more') this.host.send({ type: 'UNSEAL_PROGRESS', progress: this.ceremony.shares, nonce: this.host.nonce() || uuid() });
    else await this.thresholdReached();
    return { status: this.host.sealStatus() };
  }

  /** The threshold is reached: the machine opens the barrier; this request answers with the outcome. */
  private async thresholdReached(): Promise<void> {
    this.opening = undefined;
    // xstate starts the invoked actor while it takes the event, so the attempt is known right after.
    this.host.send({ type: 'THRESHOLD_REACHED' });
    const opening = this.opening as Promise<{ at: number }> | undefined;
    if (!opening) {
      // The machine did not take the event: the shares in hand open nothing, so none stays in memory.
      this.ceremony.resetShares();
      throw new SealedError();
    }
    try {
      await opening;
    } finally {
      this.host.progress(0);
    }
  }

  /**
   * The machine's `openBarrier` actor: open the barrier with the shares in hand (a wrong set
   * is a 400 and leaves the node sealed), read the cluster's identity, and without HA load
   * what an active serves. A crash while opening wipes the keys again once they are in.
   */
  openBarrier(signal: AbortSignal): Promise<{ at: number }> {
    this.opening = this.open(signal);
    return this.opening;
  }

  private async open(signal: AbortSignal): Promise<{ at: number }> {
    await this.ceremony.open();
    try {
      await this.ceremony.readCluster();
      await this.host.afterOpen();
    } catch (err) {
      this.host.wipeKeys();
      throw new InternalError(`unseal failed: ${(err as Error).message}`);
    }
    if (signal.aborted) {
      this.host.wipeKeys();
      throw new SealedError();
    }
    return { at: this.host.now() };
  }
}
