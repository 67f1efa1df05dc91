/** SEC-5 for unseal parts: duplicates ignored, and every part zero-filled on reset and after use. */
import { describe, expect, it } from 'vitest';
import { UnsealProgress } from '../../../src/node/core/unseal-progress.ts';

const part = (b: number) => new Uint8Array(33).fill(b);

describe('UnsealProgress', () => {
  it('counts distinct parts, ignores a duplicate (wiping the copy) and keeps one nonce', () => {
    const p = new UnsealProgress();
    expect(p.nonce).toBe('');
    expect(p.add(part(1))).toBe(true);
    const nonce = p.nonce;
    expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
    const dup = part(1);
    expect(p.add(dup)).toBe(false);
    expect(dup.every((b) => b === 0)).toBe(true);
    expect(p.add(part(2))).toBe(true);
    expect(p.progress).toBe(2);
    expect(p.nonce).toBe(nonce);
  });

  it('zero-fills every part it held on reset', () => {
    const p = new UnsealProgress();
    const held = [part(7), part(8), part(9)];
    for (const h of held) p.add(h);
    p.reset();
    expect(p.progress).toBe(0);
    expect(p.nonce).toBe('');
    for (const h of held) expect(h.every((b) => b === 0)).toBe(true);
  });

  it('hands parts over once on take() and forgets them', () => {
    const p = new UnsealProgress();
    p.add(part(3));
    const taken = p.take();
    expect(taken).toHaveLength(1);
    expect(p.progress).toBe(0);
    expect(p.take()).toHaveLength(0);
  });
});
