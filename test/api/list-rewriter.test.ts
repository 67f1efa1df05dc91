/**
 * The LIST rewrite as a pure byte transform: whatever way the connection's bytes are cut
 * into reads, the parser must see the same stream, with exactly the LIST heads rewritten
 * and every body (Content-Length or chunked) untouched, even bodies that contain text
 * looking like a LIST head. It also tells the listener where each request stands, which
 * times slow clients by it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIST_MARK_HEADER, ListRewriter } from '../../src/api/list-method.ts';

interface Req {
  method: 'GET' | 'LIST' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body: string;
  chunked: boolean;
}

const reqArb: fc.Arbitrary<Req> = fc.record({
  method: fc.constantFrom('GET', 'LIST', 'POST', 'PUT', 'DELETE'),
  path: fc.constantFrom('/v1/secret/metadata/', '/v1/secret/metadata/a?x=1', '/v1/sys/mounts'),
  // Bodies that look like heads must not be rewritten.
  body: fc.oneof(fc.constant(''), fc.constant('LIST /v1/x HTTP/1.1\r\n\r\n'), fc.string({ maxLength: 40 })),
  chunked: fc.boolean(),
});

function wire(r: Req, rewritten: boolean): string {
  const line =
    r.method === 'LIST' && rewritten
      ? `GET ${r.path}${r.path.includes('?') ? '&' : '?'}list=true HTTP/1.1\r\n${LIST_MARK_HEADER}: LIST\r\n`
      : `${r.method} ${r.path} HTTP/1.1\r\n`;
  const body = Buffer.from(r.body, 'utf8');
  if (r.chunked) {
    const chunks = body.length ? `${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n` : '';
    return `${line}Host: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`;
  }
  return `${line}Host: x\r\nContent-Length: ${body.length}\r\n\r\n${body.toString('latin1')}`;
}

describe('ListRewriter', () => {
  it('rewrites exactly the LIST heads, whatever way the bytes are cut into reads', () => {
    fc.assert(
      fc.property(
        fc.array(reqArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 40 }),
        (reqs, cuts) => {
          const input = Buffer.from(reqs.map((r) => wire(r, false)).join(''), 'latin1');
          const expected = Buffer.from(reqs.map((r) => wire(r, true)).join(''), 'latin1');
          const rw = new ListRewriter();
          const out: Buffer[] = [];
          let at = 0;
          for (const n of cuts) {
            if (at >= input.length) break;
            out.push(rw.feed(input.subarray(at, at + n)));
            at += n;
          }
          if (at < input.length) out.push(rw.feed(input.subarray(at)));
          expect(Buffer.concat(out).toString('latin1')).toBe(expected.toString('latin1'));
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('knows where the current request stands: phase and count of whole requests, however the reads are cut', () => {
    fc.assert(
      fc.property(fc.array(reqArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 64 }), (reqs, step) => {
        const wires = reqs.map((r) => Buffer.from(wire(r, false), 'latin1'));
        const ends: number[] = [];
        wires.reduce((at, w) => (ends.push(at + w.length), at + w.length), 0);
        const input = Buffer.concat(wires);
        const rw = new ListRewriter();
        for (let at = 0; at < input.length; at += step) {
          const to = Math.min(at + step, input.length);
          rw.feed(input.subarray(at, to));
          const whole = ends.filter((e) => e <= to).length;
          expect(rw.received).toBe(whole);
          // Between requests nothing is pending; inside one, its head or its body is.
          expect(rw.phase === 'idle').toBe(ends.includes(to));
        }
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('hands a whole non-LIST read on as the same Buffer (no copy)', () => {
    const read = Buffer.from('GET /v1/secret/data/a HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
    expect(new ListRewriter().feed(read)).toBe(read);
  });
});
