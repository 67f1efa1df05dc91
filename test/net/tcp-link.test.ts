/**
 * A link in real time, over real sockets: its latency measured end to end through an echo,
 * jitter within its bounds, bytes intact and in order, a partition that stalls traffic until
 * `heal` delivers it, a reset that gives the client ECONNRESET, a bandwidth cap, and settings
 * changed on an open connection. Latency checks are tolerances on settings large enough that
 * loopback and timer noise stay small beside them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { TcpLink, type LinkSettings } from '../../src/net/index.ts';
import { dial, echoServer, failureOf, median, readFor, roundTrip, roundTrips, sinkServer, until, type TestServer } from './link-rig.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function linkTo(server: TestServer, settings: LinkSettings = { latencyMs: 0, jitterMs: 0 }): Promise<TcpLink> {
  const link = await TcpLink.open({ target: { host: '127.0.0.1', port: server.port }, settings });
  cleanup.push(() => link.close());
  return link;
}

async function echo(): Promise<TestServer> {
  const server = await echoServer();
  cleanup.push(() => server.close());
  return server;
}

async function client(link: TcpLink) {
  const s = await dial(link.address.port);
  s.on('error', () => undefined);
  cleanup.push(() => void s.destroy());
  return s;
}

describe('a link in real time', () => {
  it('passes bytes straight through with no delay set, and counts them', async () => {
    const link = await linkTo(await echo());
    const s = await client(link);
    await roundTrips(s, 3);
    expect(link.address.port).not.toBe(link.target.port);
    expect(link.stats()).toEqual({ connections: { accepted: 1, open: 1, reset: 0 }, bytes: { toTarget: 3, toClient: 3, inFlight: 0 } });
  });

  it('a 20 ms one-way link measures a 40 ms round trip within ±20 % (median of 25)', async () => {
    const s = await client(await linkTo(await echo(), { latencyMs: 20, jitterMs: 0 }));
    const rtt = median(await roundTrips(s, 25));
    expect(rtt).toBeGreaterThanOrEqual(32);
    expect(rtt).toBeLessThanOrEqual(48);
  });

  it('jitter spreads round trips within latency ± jitter each way', async () => {
    const s = await client(await linkTo(await echo(), { latencyMs: 20, jitterMs: 10 }));
    const rtts = await roundTrips(s, 25);
    // Each way takes 10 to 30 ms; a timer set from a whole-ms clock may fire up to 1 ms early.
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(18);
    expect(median(rtts)).toBeLessThanOrEqual(60);
    expect(Math.max(...rtts) - Math.min(...rtts)).toBeGreaterThan(5);
  });

  it('a new connection pays the handshake round trip before its first byte leaves', async () => {
    const link = await linkTo(await echo(), { latencyMs: 20, jitterMs: 0 });
    const s = await client(link);
    // SYN, SYN-ACK, then the byte there and back: four one-way trips, against two on the open connection.
    const first = await roundTrip(s);
    expect(first).toBeGreaterThanOrEqual(79);
    expect(await roundTrip(s)).toBeLessThan(first);
  });

  it('delivers 4 MB intact and in order through latency and jitter, the FIN after the last byte', async () => {
    const link = await linkTo(await echo(), { latencyMs: 2, jitterMs: 2 });
    const s = await client(link);
    const data = randomBytes(4 * 1024 * 1024);
    const hash = createHash('sha256');
    let received = 0;
    s.on('data', (d: Buffer) => {
      hash.update(d);
      received += d.length;
    });
    const ended = once(s, 'end');
    s.end(data);
    await ended;
    expect(received).toBe(data.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(link.stats().bytes).toEqual({ toTarget: data.length, toClient: data.length, inFlight: 0 });
  }, 60_000);

  it('a partition stalls traffic both ways, new connections included; heal delivers what was held', async () => {
    const server = await echo();
    const link = await linkTo(server);
    const s = await client(link);
    await roundTrip(s);
    link.setFaults({ partition: true });
    const late = await dial(link.address.port);
    cleanup.push(() => void late.destroy());
    s.write('held');
    late.write('waiting');
    expect(await readFor(s, 1500)).toBe('');
    expect(server.accepted()).toBe(1);
    let got = '';
    s.on('data', (d) => (got += d));
    let lateGot = '';
    late.on('data', (d) => (lateGot += d));
    link.setFaults({});
    await until(() => got === 'held' && lateGot === 'waiting');
    expect(server.accepted()).toBe(2);
  });

  it('bytes already on their way when the partition starts are held too', async () => {
    const link = await linkTo(await echo(), { latencyMs: 300, jitterMs: 0 });
    const s = await client(link);
    await roundTrip(s);
    s.write('in flight');
    link.setFaults({ partition: true });
    expect(await readFor(s, 1500)).toBe('');
    let got = '';
    s.on('data', (d) => (got += d));
    link.setFaults({});
    await until(() => got === 'in flight');
  });

  it('a partition holds at most about a megabyte per direction, pausing the sender; heal delivers all of it', async () => {
    const sink = await sinkServer();
    cleanup.push(() => sink.close());
    const link = await linkTo(sink);
    const s = await client(link);
    link.setFaults({ partition: true });
    const size = 16 * 1024 * 1024;
    s.write(Buffer.alloc(size, 7));
    await until(() => link.stats().bytes.inFlight > 1024 * 1024);
    await sleep(1000); // time for the client to push more, were the link still reading
    // The pause comes after the read that crossed the mark: one socket read (64 KiB) at most past it.
    expect(link.stats().bytes.inFlight).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    expect(s.writableLength).toBeGreaterThan(0);
    link.setFaults({});
    await sink.received(size);
    expect(link.stats().bytes).toEqual({ toTarget: size, toClient: 0, inFlight: 0 });
  }, 60_000);

  it('reset gives open and new connections ECONNRESET; heal lets new ones through', async () => {
    const link = await linkTo(await echo());
    const open = await dial(link.address.port);
    await roundTrip(open);
    const openFails = failureOf(open);
    link.setFaults({ reset: true });
    expect(await openFails).toBe('ECONNRESET');
    const fresh = await dial(link.address.port).catch(() => undefined);
    if (fresh) expect(await failureOf(fresh)).toBe('ECONNRESET');
    link.setFaults({});
    const after = await client(link);
    expect(await roundTrip(after)).toBeGreaterThanOrEqual(0);
    expect(link.stats().connections.reset).toBe(2);
  });

  it('a target that refuses the connection resets the client, as a closed port does', async () => {
    const gone = await echoServer();
    await gone.close();
    const link = await linkTo(gone);
    const s = await dial(link.address.port);
    expect(await failureOf(s)).toBe('ECONNRESET');
  });

  it('a bandwidth cap of 4 MB/s takes at least 0.25 s for 1 MB', async () => {
    const sink = await sinkServer();
    cleanup.push(() => sink.close());
    const link = await linkTo(sink);
    link.setFaults({ bandwidthBytesPerSec: 4_000_000 });
    const s = await client(link);
    const started = performance.now();
    s.write(Buffer.alloc(1_000_000));
    await sink.received(1_000_000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
  });

  it('a latency change on an open connection applies to later bytes', async () => {
    const link = await linkTo(await echo(), { latencyMs: 5, jitterMs: 0 });
    const s = await client(link);
    await roundTrip(s);
    const before = median(await roundTrips(s, 9));
    link.setFaults({ addedLatencyMs: 30 });
    const after = median(await roundTrips(s, 9));
    expect(before).toBeLessThan(30);
    expect(after).toBeGreaterThanOrEqual(2 * 35 * 0.8);
  });

  it("runs on the Clock it is given: on a virtual clock bytes move only as virtual time passes the model's arrival", async () => {
    const sink = await sinkServer();
    cleanup.push(() => sink.close());
    const clock = new SimClock();
    const link = await TcpLink.open({ target: { host: '127.0.0.1', port: sink.port }, settings: { latencyMs: 20, jitterMs: 0 }, clock });
    cleanup.push(() => link.close());
    const s = await client(link);
    s.write('x');
    await until(() => link.stats().bytes.inFlight === 1);
    // The handshake's round trip (40 ms) and the byte's own 20 ms: due at 60 ms of virtual time.
    await clock.advance(59);
    await sleep(300);
    expect(link.stats().bytes.toTarget).toBe(0);
    await clock.advance(1);
    await sink.received(1);
    expect(link.stats().bytes).toEqual({ toTarget: 1, toClient: 0, inFlight: 0 });
  });

  it('close() stops listening and ends every connection', async () => {
    const link = await TcpLink.open({ target: { host: '127.0.0.1', port: (await echo()).port } });
    const s = await dial(link.address.port);
    s.on('error', () => undefined);
    await roundTrip(s);
    const closed = once(s, 'close');
    await link.close();
    await closed;
    expect(
      await dial(link.address.port).then(
        () => 'connected',
        (e: NodeJS.ErrnoException) => e.code,
      ),
    ).toBe('ECONNREFUSED');
  });
});
