/**
 * The keepalive watch alone, over a connection that is only a clock of when its peer was last heard:
 * a watch stopped and started again between two of its ticks (a standby forwarding one request at a
 * time) still watches the new request, and a watch stopped for good declares nothing. Outcomes are
 * polled for, with generous timeouts; no assertion reads the clock.
 */
import { describe, expect, it, vi } from 'vitest';
import { KeepaliveWatch } from '../../src/net/cluster-keepalive.ts';

const DEADLINE_MS = 40;

/** A silent peer (heard once, at the start), and what the watch did to it. */
function silentPeer() {
  const heardAt = performance.now();
  const seen = { pings: 0, dead: undefined as Error | undefined };
  const conn = {
    quietSince: () => heardAt,
    ping: () => void seen.pings++,
    dead: (err: Error) => void (seen.dead = err),
  };
  return { conn, seen };
}

describe('KeepaliveWatch', () => {
  it('a watch stopped and started again before its tick still pings a silent peer and declares it dead', async () => {
    const { conn, seen } = silentPeer();
    const watch = new KeepaliveWatch(conn, DEADLINE_MS, '127.0.0.1:8201');
    for (let i = 0; i < 100; i++) {
      watch.start();
      watch.stop();
    }
    watch.start();
    await vi.waitFor(() => expect(seen.dead?.message).toMatch(/cluster connection to 127\.0\.0\.1:8201 timed out/), { timeout: 10_000 });
    expect(seen.pings).toBeGreaterThan(0);
  });

  it('a watch stopped for good declares nothing, though its tick was left armed', async () => {
    const { conn, seen } = silentPeer();
    const watch = new KeepaliveWatch(conn, DEADLINE_MS, '127.0.0.1:8201');
    watch.start();
    watch.stop();
    // A second watch on the same kind of peer, started at the same time, shows the deadline has passed.
    const other = silentPeer();
    const control = new KeepaliveWatch(other.conn, DEADLINE_MS, '127.0.0.1:8202');
    control.start();
    await vi.waitFor(() => expect(other.seen.dead).toBeDefined(), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 2 * DEADLINE_MS));
    expect(seen).toEqual({ pings: 0, dead: undefined });
  });
});
