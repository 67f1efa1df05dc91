/**
 * The barrier's keys in storage (Vault's persistKeyring / Rekey / ReloadRootKey):
 * - core/master: the root key sealed by the unseal key (term 0), what the shares open;
 * - core/keyring: the keyring sealed by the root key (term 0);
 * - core/root-key: the root key again, as an ordinary barrier entry (Vault keeps it at
 *   core/master, sealed under a keyring term).
 *
 * A rekey makes a new root key. Nodes that stay unsealed hold the old one, which no longer
 * opens the keyring; they learn the new one from core/root-key with the keyring they hold
 * (see reload). Standbys here read the keyring only when they take over or meet a value of
 * a term they lack, so one may hold a ring from several rotations ago: core/root-key is
 * sealed under the ring's first term, which every ring keeps (rotation never drops a term),
 * and is written at init and at each rekey (a rotation leaves the root key as it is).
 *
 * Where the lab differs: Vault seals its copy under the active term, rewrites it on every
 * rotation, and lets standbys walk up to a new term through core/upgrade/<term> entries for
 * a grace period. So in Vault a rotation after a rekey shuts out someone holding the old root
 * key and an old keyring copy; in the lab such a holder can still open core/root-key with the
 * first term's key. The old root key alone (an old core/master and the old shares) opens
 * nothing current in either.
 */
import type { Backend, WriteOptions } from '../storage/index.ts';
import { StorageKeys } from '../storage/index.ts';
import { BarrierUnsealError, CorruptStoredKeyError } from './errors.ts';
import { Keyring } from './keyring.ts';
import { wipe } from './random.ts';
import { assertRootKeyShape, type ValueSealer } from './value-sealer.ts';

/** Reads and writes core/master, core/keyring and core/root-key for one barrier. */
export class RootKeyStore {
  constructor(
    private readonly backend: Backend,
    private readonly sealer: ValueSealer,
  ) {}

  /** The three entries of a fresh barrier. Unfenced: the node is not active during init. */
  async create(unsealKey: Uint8Array, rootKey: Uint8Array, ring: Keyring): Promise<void> {
    await this.backend.put(StorageKeys.rootKey, this.sealer.seal(0, unsealKey, StorageKeys.rootKey, rootKey));
    await this.backend.put(StorageKeys.rootKeyCopy, this.sealCopy(ring, rootKey));
    // The keyring last: initialized() looks for it, so a half-done init reads as not initialized.
    await this.writeKeyring(rootKey, ring, {});
  }

  /** The root key the unseal key opens; BarrierUnsealError when it does not. */
  async openRoot(unsealKey: Uint8Array): Promise<Uint8Array> {
    const path = StorageKeys.rootKey;
    const sealedRoot = await this.backend.get(path);
    assertRootKeyShape(path, sealedRoot);
    try {
      return new Uint8Array(this.sealer.open(unsealKey, path, sealedRoot));
    } catch {
      throw new BarrierUnsealError(path);
    }
  }

  /** The keyring under a root key that is known to be right (the unseal key just opened it). */
  async readKeyring(rootKey: Uint8Array): Promise<Keyring> {
    const ring = await this.tryKeyring(rootKey);
    if (ring) return ring;
    const path = StorageKeys.keyring;
    throw new CorruptStoredKeyError(
      path,
      `the keyring at ${path} does not decrypt under the root key (which the unseal key did open): it is corrupt or was written by another barrier`,
    );
  }

  async writeKeyring(rootKey: Uint8Array, ring: Keyring, opts: WriteOptions): Promise<void> {
    await this.backend.put(StorageKeys.keyring, this.sealKeyring(rootKey, ring), opts);
  }

  /**
   * A rekey's three entries in one batch, which storage applies all or none: core/master
   * under the new unseal key, core/keyring under the new root key, core/root-key under the
   * ring's first term. A crash leaves either the old triple (the old shares still open it) or the
   * new one (only the new shares do), never a root key that does not open the keyring.
   */
  async replaceRoot(newUnsealKey: Uint8Array, newRoot: Uint8Array, ring: Keyring, opts: WriteOptions): Promise<void> {
    await this.backend.batch(
      [
        { type: 'put', key: StorageKeys.rootKeyCopy, value: this.sealCopy(ring, newRoot) },
        { type: 'put', key: StorageKeys.keyring, value: this.sealKeyring(newRoot, ring) },
        { type: 'put', key: StorageKeys.rootKey, value: this.sealer.seal(0, newUnsealKey, StorageKeys.rootKey, newRoot) },
      ],
      opts,
    );
  }

  /**
   * The keyring in storage and the root key that opens it, for a node that holds `rootKey`
   * and `ring`: the root key it holds if that still opens the keyring, else the one
   * core/root-key holds (another node rekeyed), read with the keyring this node holds.
   * The root key returned is a new buffer only when it changed.
   */
  async reload(rootKey: Uint8Array, ring: Keyring | undefined): Promise<{ rootKey: Uint8Array; ring: Keyring }> {
    const same = await this.tryKeyring(rootKey);
    if (same) return { rootKey, ring: same };
    const learned = ring && (await this.learnRoot(ring));
    const next = learned && (await this.tryKeyring(learned));
    if (next) return { rootKey: learned, ring: next };
    wipe(learned);
    const path = StorageKeys.keyring;
    throw new CorruptStoredKeyError(
      path,
      `the keyring at ${path} does not decrypt under this node's root key nor under the one at ${StorageKeys.rootKeyCopy}: seal this node and unseal it with the current shares`,
    );
  }

  /** The root key at core/root-key, if the ring opens it. */
  private async learnRoot(ring: Keyring): Promise<Uint8Array | undefined> {
    const path = StorageKeys.rootKeyCopy;
    const raw = await this.backend.get(path);
    if (!raw || !this.sealer.knowsTerm(ring, raw)) return undefined;
    try {
      return new Uint8Array(this.sealer.openWith(ring, path, raw));
    } catch {
      return undefined;
    }
  }

  private async tryKeyring(rootKey: Uint8Array): Promise<Keyring | undefined> {
    const path = StorageKeys.keyring;
    const raw = await this.backend.get(path);
    if (!raw) throw new CorruptStoredKeyError(path, `the keyring at ${path} is missing`);
    let bytes: Uint8Array;
    try {
      bytes = this.sealer.open(rootKey, path, raw);
    } catch {
      return undefined;
    }
    try {
      return Keyring.deserialize(bytes);
    } finally {
      wipe(bytes);
    }
  }

  private sealKeyring(rootKey: Uint8Array, ring: Keyring): Uint8Array {
    const bytes = ring.serialize();
    try {
      return this.sealer.seal(0, rootKey, StorageKeys.keyring, bytes);
    } finally {
      wipe(bytes);
    }
  }

  /** Under the ring's first term: see the top of the file for why not the active one. */
  private sealCopy(ring: Keyring, rootKey: Uint8Array): Uint8Array {
    const first = Math.min(...ring.terms.map((t) => t.term));
    return this.sealer.seal(first, ring.key(first)!, StorageKeys.rootKeyCopy, rootKey);
  }
}
