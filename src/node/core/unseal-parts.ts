/**
 * The unseal shares a node has collected so far (Vault's `unlockInfo` keys). Shares stay
 * in this object only, never in the machine context or a log; they are zero-filled as
 * soon as the threshold is reached, whether the combination then works or not (Vault's
 * "best-effort memzero of unlock parts"). How many there are, and the attempt's nonce,
 * are public facts: the lifecycle machine holds those.
 */
import { timingSafeEqual } from 'node:crypto';
import { wipe } from '../../crypto/index.ts';

/** One node's unseal attempt: the secret parts. */
export class UnsealParts {
  private parts: Uint8Array[] = [];

  /** Shares recorded so far. */
  get count(): number {
    return this.parts.length;
  }

  /**
   * Records a share. Returns false (and keeps nothing) when the same share was already
   * given: Vault ignores duplicates silently; the caller adds a warning.
   */
  add(part: Uint8Array): boolean {
    for (const p of this.parts) {
      if (p.length === part.length && timingSafeEqual(p, part)) {
        wipe(part);
        return false;
      }
    }
    this.parts.push(part);
    return true;
  }

  /** Hands the parts over for combining and forgets them; the caller must wipe them. */
  take(): Uint8Array[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  /** Drops every part, zero-filled. */
  reset(): void {
    wipe(...this.take());
  }
}
