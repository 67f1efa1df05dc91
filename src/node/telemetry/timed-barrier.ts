/**
 * A barrier that times its data calls under Vault's names (`vault.barrier.get`, `.put`,
 * `.delete`, `.list`): each call is measured whole, decryption and the read cache included,
 * as Vault's AESGCMBarrier measures itself. Everything else goes straight to the barrier.
 */
import { BarrierView, type Barrier, type KeyStatus, type ReadCacheStats, type Storage } from '../../crypto/index.ts';
import type { BatchOp, WriteOptions } from '../../storage/index.ts';
import type { NodeTelemetry } from './node-telemetry.ts';

/** `inner` with its data calls timed into `telemetry`. */
export class TimedBarrier implements Barrier {
  constructor(
    private readonly inner: Barrier,
    private readonly telemetry: NodeTelemetry,
  ) {}

  get sealed(): boolean {
    return this.inner.sealed;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.telemetry.time('vault.barrier.get', () => this.inner.get(key));
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.telemetry.time('vault.barrier.put', () => this.inner.put(key, value));
  }

  delete(key: string): Promise<void> {
    return this.telemetry.time('vault.barrier.delete', () => this.inner.delete(key));
  }

  batch(ops: readonly BatchOp[]): Promise<void> {
    return this.telemetry.time('vault.barrier.put', () => this.inner.batch(ops));
  }

  list(prefix: string): Promise<string[]> {
    return this.telemetry.time('vault.barrier.list', () => this.inner.list(prefix));
  }

  /** A view over this barrier, so an engine's calls are timed too. */
  view(prefix: string): Storage {
    return new BarrierView(this, prefix);
  }

  initialized(): Promise<boolean> {
    return this.inner.initialized();
  }
  initialize(unsealKey: Uint8Array): Promise<void> {
    return this.inner.initialize(unsealKey);
  }
  unseal(unsealKey: Uint8Array): Promise<void> {
    return this.inner.unseal(unsealKey);
  }
  reloadKeyring(): Promise<void> {
    return this.inner.reloadKeyring();
  }
  seal(): void {
    this.inner.seal();
  }
  verifyUnsealKey(unsealKey: Uint8Array): Promise<boolean> {
    return this.inner.verifyUnsealKey(unsealKey);
  }

  rekey(newUnsealKey: Uint8Array): Promise<void> {
    return this.inner.rekey(newUnsealKey);
  }

  rotate(): Promise<number> {
    return this.inner.rotate();
  }
  keyStatus(): KeyStatus {
    return this.inner.keyStatus();
  }
  setWriteOptions(opts: WriteOptions): void {
    this.inner.setWriteOptions(opts);
  }
  cacheReads(on: boolean): void {
    this.inner.cacheReads(on);
  }
  readCacheStats(): ReadCacheStats {
    return this.inner.readCacheStats();
  }
  encrypt(context: string, plaintext: Uint8Array): Uint8Array {
    return this.inner.encrypt(context, plaintext);
  }
  decrypt(context: string, sealed: Uint8Array): Uint8Array {
    return this.inner.decrypt(context, sealed);
  }
}
