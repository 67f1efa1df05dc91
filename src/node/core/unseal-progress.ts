/**
 * The unseal shares a node has collected so far (Vault's `unlockInfo`). Shares stay in
 * this object only, never in the machine context or a log; they are zero-filled as soon
 * as the threshold is reached, whether the combination then works or not (Vault's
 * "best-effort memzero of unlock parts").
 */
import { timingSafeEqual } from 'node:crypto';
import { uuid, wipe } from '../../crypto/index.ts';

/** One node's unseal attempt: the parts and the nonce shown in seal-status. */
export class UnsealProgress {
  private parts: Uint8Array[] = [];
  private currentNonce = '';

  /** Shares recorded so far. */
  get progress(): number {
    return this.parts.length;
  }

  /** The attempt's nonce; '' when no share has been given. */
  get nonce(): string {
    return this.currentNonce;
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
    if (this.parts.length === 0) this.currentNonce = uuid();
    this.parts.push(part);
    return true;
  }

  /** Hands the parts over for combining and forgets them; the caller must wipe them. */
  take(): Uint8Array[] {
    const parts = this.parts;
    this.parts = [];
    this.currentNonce = '';
    return parts;
  }

  /** Drops every part, zero-filled. */
  reset(): void {
    wipe(...this.take());
  }
}
