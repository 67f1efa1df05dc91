/**
 * The register search (C5) against an oracle: for small histories, brute force over every
 * order that respects real time says whether a linearization exists; the WGL search must
 * agree on every generated history, the good ones (built from a real execution) and the
 * bad ones (a read's value swapped). Unknown outcomes (info writes) are generated too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRegister, type RegisterOp } from '../../src/drill/linearizability.ts';

/** Is there an order of all ops (info writes may also be left out) that respects real time and the register? */
function bruteForce(ops: RegisterOp[]): boolean {
  const go = (left: RegisterOp[], state: string | null): boolean => {
    if (left.every((o) => o.ret === Infinity)) return true; // unknown writes may never happen
    return left.some((o) => {
      // o may go next only if no remaining op returned before o was called.
      if (left.some((p) => p !== o && p.ret < o.call)) return false;
      if (o.kind === 'read' && o.value !== state) return false;
      return go(
        left.filter((p) => p !== o),
        o.kind === 'write' ? o.value : state,
      );
    });
  };
  return go(ops, null);
}

/** A real execution: each op takes effect at one instant inside [call, ret]; reads return what was there. */
const execution = fc
  .array(
    fc.record({
      write: fc.boolean(),
      start: fc.integer({ min: 0, max: 40 }),
      len: fc.integer({ min: 1, max: 15 }),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      unknown: fc.boolean(),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((raw) => {
    const ops = raw.map((r, i) => ({ ...r, id: i, point: r.start + r.at * r.len }));
    let state: string | null = null;
    const out: RegisterOp[] = [];
    for (const o of [...ops].sort((a, b) => a.point - b.point)) {
      if (o.write) state = `v${o.id}`;
      // Only writes may have unknown outcomes in drill histories (unknown reads are dropped).
      out.push({
        id: o.id,
        call: o.start * 2,
        ret: o.write && o.unknown ? Infinity : (o.start + o.len) * 2 + 1,
        kind: o.write ? 'write' : 'read',
        value: o.write ? `v${o.id}` : state,
      });
    }
    return out;
  });

describe('the WGL register search', () => {
  it('accepts every history that came from a real execution', () => {
    fc.assert(
      fc.property(execution, (ops) => {
        expect(checkRegister(ops).result).toBe('ok');
      }),
      { numRuns: 1000 },
    );
  });

  it('agrees with brute force when a read returns another value', () => {
    let bad = 0;
    fc.assert(
      fc.property(execution, fc.nat(), fc.nat(), (ops, which, pick) => {
        const reads = ops.filter((o) => o.kind === 'read');
        fc.pre(reads.length > 0);
        const values = [null, ...ops.filter((o) => o.kind === 'write').map((o) => o.value), 'never-written'];
        const target = reads[which % reads.length];
        const mutated = ops.map((o) => (o === target ? { ...o, value: values[pick % values.length] } : o));
        const expected = bruteForce(mutated);
        if (!expected) bad++;
        expect(checkRegister(mutated).result).toBe(expected ? 'ok' : 'violation');
      }),
      { numRuns: 1000 },
    );
    // The generator must really produce non-linearizable histories, or the agreement proves little.
    expect(bad).toBeGreaterThan(200);
  });

  it('answers unknown, never ok, when the budget runs out', () => {
    const ops: RegisterOp[] = Array.from({ length: 12 }, (_, i) => ({ id: i, call: 0, ret: 100, kind: 'write', value: `v${i}` }));
    ops.push({ id: 99, call: 101, ret: 102, kind: 'read', value: 'v3' });
    expect(checkRegister(ops, 5).result).toBe('unknown');
    expect(checkRegister(ops).result).toBe('ok');
  });
});
