/** Unseal parts: duplicates ignored, and every part zero-filled on reset and after use. */
import { describe, expect, it } from 'vitest';
import { UnsealParts } from '../../../src/node/core/unseal-parts.ts';

const part = (b: number) => new Uint8Array(33).fill(b);

describe('UnsealParts', () => {
  it('counts distinct parts and ignores a duplicate, wiping the copy', () => {
    const p = new UnsealParts();
    expect(p.add(part(1))).toBe(true);
    const dup = part(1);
    expect(p.add(dup)).toBe(false);
    expect(dup.every((b) => b === 0)).toBe(true);
    expect(p.add(part(2))).toBe(true);
    expect(p.count).toBe(2);
  });

  it('zero-fills every part it held on reset', () => {
    const p = new UnsealParts();
    const held = [part(7), part(8), part(9)];
    for (const h of held) p.add(h);
    p.reset();
    expect(p.count).toBe(0);
    for (const h of held) expect(h.every((b) => b === 0)).toBe(true);
  });

  it('hands parts over once on take() and forgets them', () => {
    const p = new UnsealParts();
    p.add(part(3));
    const taken = p.take();
    expect(taken).toHaveLength(1);
    expect(p.count).toBe(0);
    expect(p.take()).toHaveLength(0);
  });
});
