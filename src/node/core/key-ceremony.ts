/**
 * The key ceremony of one node (Vault's init and unseal in `vault/init.go` and
 * `vault/core.go`): make an unseal key and split it into shares, collect shares, rebuild
 * the key and open the barrier with it. It owns the only secret material outside the
 * barrier (the shares in hand) and the seal configuration; the counts and the attempt's
 * nonce are public facts kept by the lifecycle machine. It never sends the machine an
 * event: the unseal flow does, from what these methods return.
 */
import {
  BarrierUnsealError,
  combineShares,
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
import { StorageKeys, type Backend } from '../../storage/index.ts';
import { BadRequestError } from '../errors.ts';
import { newMount, requiredMounts, type AuditTable, type MountTable, type PolicyStore, type TokenStore } from '../logical/index.ts';
import { readSealConfig, writeSealConfig, type SealConfig } from './seal-config.ts';
import { UnsealParts } from './unseal-parts.ts';

/** What `sys/init` returns, before encoding for the wire. */
export interface InitResult {
  keys: string[];
  keysBase64: string[];
  rootToken: string;
}

/** What `PUT sys/init` asks for. */
export interface InitRequest {
  secretShares: number;
  secretThreshold: number;
  rootTokenId?: string;
  /** A dev server's `secret/` mount at this KV version. */
  devKvVersion?: 1 | 2;
}

/** The cluster's name and id, stored under the barrier at init. */
export interface ClusterInfo {
  name: string;
  id: string;
}

/** What one share did: a repeat, one more short of the threshold, or the last one needed. */
export type ShareOutcome = 'duplicate' | 'more' | 'complete';

/** What the ceremony writes at init besides the barrier: the tables a new Vault starts with. */
export interface CeremonyParts {
  backend: Backend;
  barrier: Barrier;
  mounts: MountTable;
  tokens: TokenStore;
  policies: PolicyStore;
  audit: AuditTable;
}

const enc = new TextEncoder();

/** One node's init and unseal. */
export class KeyCeremony {
  private config: SealConfig | undefined;
  private readonly parts = new UnsealParts();
  private clusterInfo: ClusterInfo | undefined;

  constructor(private readonly p: CeremonyParts) {}

  /** Shares and threshold, once storage is initialized. */
  get sealConfig(): SealConfig | undefined {
    return this.config;
  }

  /** Takes the configuration a rekey just stored. */
  adoptConfig(c: SealConfig): void {
    this.config = c;
  }

  /** The cluster's name and id while unsealed. */
  get cluster(): ClusterInfo | undefined {
    return this.clusterInfo;
  }

  /** Reads the seal configuration from storage (where another node may have written it); true when initialized. */
  async readConfig(): Promise<boolean> {
    this.config = await readSealConfig(this.p.backend);
    return this.config !== undefined;
  }

  /**
   * A new unseal key split into shares, a barrier under a new root key, the required
   * mounts, the default policy and a root token. The barrier is closed again before this
   * returns, whatever happened: the node stays sealed.
   */
  async init(req: InitRequest): Promise<InitResult> {
    if (this.config || (await this.p.barrier.initialized())) throw new BadRequestError('Vault is already initialized');
    validateSealConfig({ secretShares: req.secretShares, secretThreshold: req.secretThreshold });
    const unsealKey = new Uint8Array(32);
    crypto.getRandomValues(unsealKey);
    const shares = await splitKey(unsealKey, req.secretShares, req.secretThreshold);
    try {
      await this.p.barrier.initialize(unsealKey);
      await this.p.barrier.unseal(unsealKey);
      const rootToken = await this.writeFirstTables(req);
      const config: SealConfig = { type: 'shamir', secretShares: req.secretShares, secretThreshold: req.secretThreshold };
      await writeSealConfig(this.p.backend, config);
      this.config = config;
      return { keys: shares.map(encodeHex), keysBase64: shares.map(encodeBase64), rootToken };
    } finally {
      this.close();
      wipe(unsealKey, ...shares);
    }
  }

  /** Mounts, cluster identity, default policies and the root token; returns the root token's id. */
  private async writeFirstTables(req: InitRequest): Promise<string> {
    const mounts = requiredMounts();
    if (req.devKvVersion) {
      const options = { version: String(req.devKvVersion) };
      mounts.push(newMount('secret/', 'kv', 'key/value secret storage', { options }));
    }
    for (const m of mounts) await this.p.mounts.add(m);
    const cluster: ClusterInfo = { name: `vault-cluster-${uuid().slice(0, 8)}`, id: uuid() };
    await this.p.barrier.put(StorageKeys.cluster, enc.encode(JSON.stringify(cluster)));
    await this.p.tokens.load();
    await this.p.policies.installDefaults();
    return (await this.p.tokens.createRoot(req.rootTokenId)).id;
  }

  /** Decodes a share given as hex or base64; a malformed one is a 400. */
  parseShare(key: string): Uint8Array {
    return decodeKeyShare(key);
  }

  /** Records a decoded share (keeping it, or wiping a repeat); `complete` when the threshold is reached. */
  addShare(part: Uint8Array): ShareOutcome {
    if (!this.config) throw new BadRequestError('Vault is not initialized');
    if (!this.parts.add(part)) return 'duplicate';
    return this.parts.count < this.config.secretThreshold ? 'more' : 'complete';
  }

  /** Zero-fills a share that will not be used. */
  discard(part: Uint8Array): void {
    wipe(part);
  }

  /** Shares in hand. */
  get shares(): number {
    return this.parts.count;
  }

  /** Forgets the shares in hand, zero-filled. */
  resetShares(): void {
    this.parts.reset();
  }

  /**
   * Combines the shares in hand (always wiping them) and opens the barrier. A wrong set of
   * shares is a 400 in Vault's words and leaves the barrier sealed; damaged storage or a
   * storage failure keeps its own error.
   */
  async open(): Promise<void> {
    const parts = this.parts.take();
    let key: Uint8Array | undefined;
    try {
      key = await combineShares(parts);
      await this.p.barrier.unseal(key);
    } catch (err) {
      // The barrier adds which stored key it could not open: a corrupt one looks the same as a wrong key to AES-GCM.
      if (err instanceof BarrierUnsealError) throw new BadRequestError(`Unseal failed, invalid key: ${err.message}`);
      if (err instanceof KeyShareError) throw new BadRequestError('Unseal failed, invalid key');
      throw err;
    } finally {
      wipe(...parts);
      if (key) wipe(key);
    }
  }

  /** Reads the cluster's name and id through the open barrier. */
  async readCluster(): Promise<void> {
    const raw = await this.p.barrier.get(StorageKeys.cluster);
    this.clusterInfo = raw ? (JSON.parse(new TextDecoder().decode(raw)) as ClusterInfo) : undefined;
  }

  /** Seals: the barrier's keys, the tables read through it and any shares in hand are dropped. */
  close(): void {
    this.p.barrier.seal();
    this.p.tokens.unload();
    this.p.mounts.unload();
    this.p.audit.unload();
    this.p.policies.clear();
    this.parts.reset();
    this.clusterInfo = undefined;
  }
}
