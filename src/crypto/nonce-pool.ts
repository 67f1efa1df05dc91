/** Where the barrier's AES-GCM nonces come from. */
import { randomFillSync } from 'node:crypto';

/** Nonces per refill of the nonce pool. */
const NONCES_PER_FILL = 256;

/**
 * Random nonces taken from a pool of CSPRNG bytes, refilled when used up: one randomFillSync
 * per 256 encryptions instead of one each. Nonces are stored in the clear anyway, so holding
 * the next ones in memory gives nothing away; each byte of the pool is used once.
 */
export class NoncePool {
  private readonly pool = Buffer.allocUnsafeSlow(12 * NONCES_PER_FILL);
  private next = this.pool.length;

  /** Writes the next 12-byte nonce into `into`. */
  take(into: Uint8Array): void {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    into.set(this.pool.subarray(this.next, this.next + 12));
    this.next += 12;
  }
}
