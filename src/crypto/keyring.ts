/**
 * The keyring: terms → 32-byte AES keys and which term encrypts new data. An immutable
 * value (rotation makes a new one), serialised only ever to be stored encrypted under
 * the root key. Keys live in Uint8Arrays only, so they can be zero-filled on seal.
 */

/** One key of the ring. */
export interface KeyTerm {
  term: number;
  key: Uint8Array;
  installTime: number;
}

/** An immutable set of key terms. */
export class Keyring {
  private readonly byTerm: Map<number, KeyTerm>;

  constructor(
    readonly terms: readonly KeyTerm[],
    readonly activeTerm: number,
  ) {
    this.byTerm = new Map(terms.map((t) => [t.term, t]));
  }

  /** A first keyring: term 1. */
  static fresh(key: Uint8Array, now: number): Keyring {
    return new Keyring([{ term: 1, key, installTime: now }], 1);
  }

  /** The key of a term, or undefined. */
  key(term: number): Uint8Array | undefined {
    return this.byTerm.get(term)?.key;
  }

  /** The active term's entry. */
  get active(): KeyTerm {
    return this.byTerm.get(this.activeTerm)!;
  }

  /** A new ring with one more term, made active. */
  rotate(key: Uint8Array, now: number): Keyring {
    const term = Math.max(...this.terms.map((t) => t.term)) + 1;
    return new Keyring([...this.terms, { term, key, installTime: now }], term);
  }

  /**
   * Bytes to store (encrypted): [active u32][count u32] then [term u32][installTime f64][key 32]
   * each; binary so keys never become strings.
   */
  serialize(): Uint8Array {
    const out = new Uint8Array(8 + this.terms.length * 44);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.activeTerm);
    dv.setUint32(4, this.terms.length);
    this.terms.forEach((t, i) => {
      const at = 8 + i * 44;
      dv.setUint32(at, t.term);
      dv.setFloat64(at + 4, t.installTime);
      out.set(t.key, at + 12);
    });
    return out;
  }

  /** Reads stored bytes back. */
  static deserialize(bytes: Uint8Array): Keyring {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = dv.getUint32(4);
    if (bytes.length !== 8 + count * 44) throw new Error('malformed keyring');
    const terms: KeyTerm[] = [];
    for (let i = 0; i < count; i++) {
      const at = 8 + i * 44;
      // A copy, never a view: the caller wipes `bytes` (and Buffer#slice is a view).
      terms.push({ term: dv.getUint32(at), installTime: dv.getFloat64(at + 4), key: new Uint8Array(bytes.subarray(at + 12, at + 44)) });
    }
    return new Keyring(terms, dv.getUint32(0));
  }

  /** Zero-fills every key. */
  wipe(): void {
    for (const t of this.terms) t.key.fill(0);
  }
}
