/**
 * The share-proven operations of an unsealed active node: rekey and generate-root. Each
 * lives only while its node stays active (Vault keeps them in the core's memory): leaving
 * active, sealing or crashing ends both and wipes the shares in hand.
 */
import type { GenerateRootFlow } from './generate-root-flow.ts';
import type { RekeyFlow } from './rekey-flow.ts';

/** A node's rekey and generate-root attempts. */
export class KeyOperations {
  constructor(
    readonly rekey: RekeyFlow,
    readonly generateRoot: GenerateRootFlow,
  ) {}

  /** Ends both attempts. */
  reset(): void {
    this.rekey.reset();
    this.generateRoot.reset();
  }
}
