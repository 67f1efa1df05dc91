/**
 * Rekey of the unseal key (Vault's `vault/rekey.go`, barrier half only): a threshold of the
 * current shares proves authority, a new unseal key is split into new shares, and the barrier
 * makes a new root key, reseals the keyring under it and seals it under the new unseal key
 * (Barrier.rekey), so the old shares, even with an old copy of core/master, open nothing
 * current from then on. With
 * `require_verification` the new key takes effect only once a threshold of the new shares
 * comes back. The attempt lives in this node's memory only, as in Vault: a seal, a crash or
 * a step-down ends it (and wipes the shares in hand).
 *
 * Where the lab differs: Vault writes the new root key through its seal and then the keyring
 * as separate writes; here the three key entries go in one storage batch (all or none), and
 * the copy that lets standbys follow sits at core/root-key under the keyring's first term
 * rather than at core/master under the active term (src/crypto/root-key-store.ts says why).
 */
import { timingSafeEqual } from 'node:crypto';
import { combineShares, encodeBase64, encodeHex, splitKey, uuid, validateSealConfig, wipe, type Barrier } from '../../crypto/index.ts';
import type { Backend } from '../../storage/index.ts';
import { BadRequestError, InternalError } from '../errors.ts';
import { readSealConfig, writeSealConfig, type SealConfig } from './seal-config.ts';
import { UnsealParts } from './unseal-parts.ts';
import { operatorShare } from './operator-share.ts';

/** What `PUT sys/rekey/init` asks for. */
export interface RekeyRequest {
  secretShares: number;
  secretThreshold: number;
  requireVerification: boolean;
}

/** `sys/rekey/init`'s status body, in Vault's field names. */
export interface RekeyStatus {
  nonce: string;
  started: boolean;
  t: number;
  n: number;
  progress: number;
  required: number;
  pgp_fingerprints: null;
  backup: boolean;
  verification_required: boolean;
  verification_nonce?: string;
}

/** What the update that reaches the threshold returns: the new shares, once. */
export interface RekeyResult {
  nonce: string;
  complete: true;
  keys: string[];
  keys_base64: string[];
  pgp_fingerprints: null;
  backup: boolean;
  verification_required: boolean;
  verification_nonce?: string;
}

/** `sys/rekey/verify`'s status body. */
export interface RekeyVerifyStatus {
  nonce: string;
  started: boolean;
  t: number;
  n: number;
  progress: number;
}

interface Attempt {
  nonce: string;
  shares: number;
  threshold: number;
  verificationRequired: boolean;
  parts: UnsealParts;
  /** Set once the old shares were accepted and verification is required: the key waiting to take effect. */
  pendingKey?: Uint8Array;
  verificationNonce?: string;
  verifyParts: UnsealParts;
}

/** What the flow needs of its node. */
export interface RekeyHost {
  backend: Backend;
  barrier: Barrier;
  /** Throws SealedError / a standby error unless this node is the active. */
  assertActive(): void;
  /** The new seal configuration is in storage: the node's own copy follows. */
  configChanged(c: SealConfig): void;
}

/** One node's rekey attempt. */
export class RekeyFlow {
  private attempt: Attempt | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: RekeyHost) {}

  /** Requests take turns, as Vault's rekeyLock makes them. */
  private turn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async config(): Promise<SealConfig> {
    const c = await readSealConfig(this.host.backend);
    if (!c) throw new BadRequestError('server is not yet initialized');
    return c;
  }

  /** `GET sys/rekey/init`. */
  async status(): Promise<RekeyStatus> {
    const c = await this.config();
    this.host.assertActive();
    const a = this.attempt;
    const s: RekeyStatus = {
      nonce: a?.nonce ?? '',
      started: a !== undefined,
      t: a?.threshold ?? 0,
      n: a?.shares ?? 0,
      progress: a?.parts.count ?? 0,
      required: c.secretThreshold,
      pgp_fingerprints: null,
      backup: false,
      verification_required: a?.verificationRequired ?? false,
    };
    if (a?.verificationNonce) s.verification_nonce = a.verificationNonce;
    return s;
  }

  /** `PUT sys/rekey/init`: starts an attempt (one at a time). */
  init(req: RekeyRequest): Promise<RekeyStatus> {
    return this.turn(async () => {
      if (req.secretThreshold > req.secretShares) throw new BadRequestError('provided threshold greater than the total shares');
      try {
        validateSealConfig(req);
      } catch (err) {
        // Vault answers an invalid rekey configuration with a 500.
        throw new InternalError(`invalid rekey seal configuration: ${(err as Error).message.replace(/^invalid seal configuration: /, '')}`);
      }
      this.host.assertActive();
      if (this.attempt) throw new BadRequestError('rekey already in progress');
      this.attempt = {
        nonce: uuid(),
        shares: req.secretShares,
        threshold: req.secretThreshold,
        verificationRequired: req.requireVerification,
        parts: new UnsealParts(),
        verifyParts: new UnsealParts(),
      };
      return this.status();
    });
  }

  /** `DELETE sys/rekey/init`: ends the attempt, wiping what it held. */
  cancel(): Promise<void> {
    return this.turn(async () => {
      this.host.assertActive();
      this.reset();
    });
  }

  /** Forgets the attempt (seal, crash, step-down). */
  reset(): void {
    const a = this.attempt;
    this.attempt = undefined;
    if (!a) return;
    a.parts.reset();
    a.verifyParts.reset();
    wipe(a.pendingKey);
  }

  /** `PUT sys/rekey/update`: one current share; at the threshold, the new shares. */
  update(key: string, nonce: string): Promise<RekeyStatus | RekeyResult> {
    return this.turn(async () => {
      const part = operatorShare(key);
      const c = await this.config();
      this.host.assertActive();
      const a = this.attempt;
      if (!a) throw new BadRequestError('no barrier rekey in progress');
      if (a.pendingKey)
        throw new BadRequestError(
          `rekey operation already finished; verification must be performed; nonce for the verification operation is "${a.verificationNonce}"`,
        );
      if (nonce !== a.nonce) throw new BadRequestError(`incorrect nonce supplied; nonce for this rekey operation is "${a.nonce}"`);
      if (!a.parts.add(part)) throw new BadRequestError('given key has already been provided during this generation operation');
      if (a.parts.count < c.secretThreshold) return this.status();
      return this.complete(a);
    });
  }

  /** The old shares are all in: check them, make the new key, and apply it unless verification is required. */
  private async complete(a: Attempt): Promise<RekeyResult> {
    const parts = a.parts.take();
    let oldKey: Uint8Array | undefined;
    try {
      oldKey = await combineShares(parts).catch((err: Error) => {
        throw new InternalError(`failed to compute root key: ${err.message}`);
      });
      // Vault's own wording, its typo included (vault/rekey.go).
      if (!(await this.host.barrier.verifyUnsealKey(oldKey)))
        throw new BadRequestError('rootter key verification failed: cipher: message authentication failed');
    } finally {
      wipe(...parts, oldKey);
    }
    const newKey = new Uint8Array(32);
    crypto.getRandomValues(newKey);
    const shares = await splitKey(newKey, a.shares, a.threshold);
    const result: RekeyResult = {
      nonce: a.nonce,
      complete: true,
      keys: shares.map(encodeHex),
      keys_base64: shares.map(encodeBase64),
      pgp_fingerprints: null,
      backup: false,
      verification_required: a.verificationRequired,
    };
    wipe(...shares);
    if (a.verificationRequired) {
      a.pendingKey = newKey;
      a.verificationNonce = uuid();
      result.verification_nonce = a.verificationNonce;
      return result;
    }
    await this.apply(a, newKey);
    return result;
  }

  /** The new key takes effect: a new root key sealed under it (one batch, see Barrier.rekey), then the new configuration. */
  private async apply(a: Attempt, newKey: Uint8Array): Promise<void> {
    try {
      await this.host.barrier.rekey(newKey);
      const config: SealConfig = { type: 'shamir', secretShares: a.shares, secretThreshold: a.threshold };
      await writeSealConfig(this.host.backend, config);
      this.host.configChanged(config);
    } catch (err) {
      throw new InternalError(`failed to perform barrier rekey: ${(err as Error).message}`);
    } finally {
      this.reset();
      wipe(newKey);
    }
  }

  /** `GET sys/rekey/verify`. */
  async verifyStatus(): Promise<RekeyVerifyStatus> {
    await this.config();
    this.host.assertActive();
    const a = this.attempt;
    if (!a) throw new BadRequestError('no rekey configuration found');
    return {
      nonce: a.verificationNonce ?? '',
      started: a.pendingKey !== undefined,
      t: a.threshold,
      n: a.shares,
      progress: a.verifyParts.count,
    };
  }

  /** `DELETE sys/rekey/verify`: starts the verification over with a new nonce. */
  verifyRestart(): Promise<RekeyVerifyStatus> {
    return this.turn(async () => {
      this.host.assertActive();
      const a = this.attempt;
      if (a) {
        a.verifyParts.reset();
        if (a.pendingKey) a.verificationNonce = uuid();
      }
      return this.verifyStatus();
    });
  }

  /** `PUT sys/rekey/verify`: one new share; at the new threshold the new key takes effect. */
  verify(key: string, nonce: string): Promise<RekeyVerifyStatus | { nonce: string; complete: true }> {
    return this.turn(async () => {
      const part = operatorShare(key);
      this.host.assertActive();
      const a = this.attempt;
      if (!a) throw new BadRequestError('no rekey in progress');
      if (!a.pendingKey) throw new BadRequestError('no rekey verification in progress');
      if (nonce !== a.verificationNonce)
        throw new BadRequestError(`incorrect nonce supplied; nonce for this verify operation is "${a.verificationNonce}"`);
      if (!a.verifyParts.add(part)) throw new BadRequestError('given key has already been provided during this verify operation');
      if (a.verifyParts.count < a.threshold) return this.verifyStatus();
      const parts = a.verifyParts.take();
      let got: Uint8Array | undefined;
      try {
        got = await combineShares(parts).catch((err: Error) => {
          throw new InternalError(`failed to compute key for verification: ${err.message}`);
        });
        if (got.length !== a.pendingKey.length || !timingSafeEqual(got, a.pendingKey)) {
          // Vault starts the verification over under a new nonce.
          a.verificationNonce = uuid();
          throw new BadRequestError('rekey verification failed; incorrect key shares supplied');
        }
      } finally {
        wipe(...parts, got);
      }
      const done = { nonce: a.verificationNonce!, complete: true as const };
      await this.apply(a, a.pendingKey);
      return done;
    });
  }
}
