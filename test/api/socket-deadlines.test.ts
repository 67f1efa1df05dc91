/**
 * The per-connection deadlines on the simulated clock: a request's head within the
 * read-header timeout, the whole request within the read timeout, both from the request's
 * first byte; none while the server works on a request it has received whole.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SocketDeadlines } from '../../src/api/socket-deadlines.ts';
import { SimClock } from '../../src/clock/index.ts';

const HEADER = 100;
const WHOLE = 300;

function connection(limits = { readHeaderTimeoutMs: HEADER, readTimeoutMs: WHOLE }) {
  const clock = new SimClock();
  let destroyed = false;
  const sock = { destroy: () => void (destroyed = true) } as unknown as Socket;
  const deadlines = new SocketDeadlines(sock, limits, clock);
  return { clock, deadlines, destroyed: () => destroyed };
}

/** The connection survives `ms - 1` more milliseconds and is cut at the `ms`th. */
async function expectCutAfter(c: ReturnType<typeof connection>, ms: number): Promise<void> {
  await c.clock.advance(ms - 1);
  expect(c.destroyed()).toBe(false);
  await c.clock.advance(1);
  expect(c.destroyed()).toBe(true);
}

describe('SocketDeadlines', () => {
  it('closes a connection that sends nothing once the header timeout is up', async () => {
    const c = connection();
    await expectCutAfter(c, HEADER);
  });

  it('closes a head that trickles in past the header timeout', async () => {
    const c = connection();
    for (let t = 0; t < HEADER - 10; t += 10) {
      c.deadlines.update('head', 0);
      await c.clock.advance(10);
    }
    expect(c.destroyed()).toBe(false);
    await c.clock.advance(10);
    expect(c.destroyed()).toBe(true);
  });

  it("gives a body until the read timeout, counted from the request's first byte", async () => {
    const c = connection();
    await c.clock.advance(50);
    c.deadlines.update('body', 0);
    await expectCutAfter(c, WHOLE - 50);
  });

  it('sets no deadline while the server works on a request received whole, and fresh ones for the next', async () => {
    const c = connection();
    c.deadlines.update('idle', 1);
    await c.clock.advance(10 * WHOLE);
    expect(c.destroyed()).toBe(false);
    c.deadlines.update('head', 1);
    await expectCutAfter(c, HEADER);
  });

  it('restarts the deadlines for a pipelined request that began in the read that ended the one before', async () => {
    const c = connection();
    await c.clock.advance(HEADER - 10);
    c.deadlines.update('head', 1); // request 1 whole, request 2's head begun
    await expectCutAfter(c, HEADER);
  });

  it('a timeout of 0 is none', async () => {
    const c = connection({ readHeaderTimeoutMs: 0, readTimeoutMs: 0 });
    await c.clock.advance(1e9);
    expect(c.destroyed()).toBe(false);
    expect(c.clock.pending).toBe(0);
  });

  it('stop() clears everything (the connection closed)', async () => {
    const c = connection();
    c.deadlines.stop();
    expect(c.clock.pending).toBe(0);
  });
});
