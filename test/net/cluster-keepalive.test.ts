/**
 * The standby's keepalive on the cluster channel, over real sockets with short deadlines: an
 * active that falls silent (a blackholing link between them) fails the requests waiting on it
 * and the next request gets a new connection; an active that is only slow, busy, or streaming
 * a large answer to a slow reader is not declared dead; the active answers a Ping at once,
 * even while a large answer waits for its reader. No assertion reads the clock: each waits for
 * an outcome with generous timeouts.
 */
import { once } from 'node:events';
import { connect } from 'node:tls';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlainRequest, PlainResponse } from '../../src/api/index.ts';
import type { LeaderInfo } from '../../src/ha/index.ts';
import { ClusterClient, ClusterListener, selfSigned, TcpLink, type CertifiedKey, type ClusterService } from '../../src/net/index.ts';
import { encodeFrame, END, FrameKind, messageFrames, type Frame } from '../../src/net/cluster-frames.ts';
import { CLUSTER_PROTOCOL } from '../../src/net/cluster-server.ts';
import { FramedSocket } from '../../src/net/framed-socket.ts';
import { bodyText } from '../helpers/body-text.ts';

/** Short, yet long enough for a TLS handshake on a loaded 2-core machine (a handshake is bounded by the same deadline). */
const DEADLINE_MS = 1000;

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

async function ok(req: PlainRequest): Promise<PlainResponse> {
  return { status: 200, headers: {}, body: Buffer.from(req.url) };
}

async function activePort(handle: ClusterService['handle'] = ok): Promise<{ port: ClusterListener; id: CertifiedKey; leader: LeaderInfo }> {
  const port = await ClusterListener.bind('127.0.0.1', 0);
  open.push(port);
  const id = await selfSigned({ commonName: 'term', curve: 'P-256' });
  port.attach({ handle, echo: () => undefined, maxRequestSize: 1 << 20 });
  port.serve(id);
  return { port, id, leader: { apiAddr: 'http://127.0.0.1:1', clusterAddr: port.url, holder: `holder-${port.port}`, term: 1 } };
}

/** A standby's client with a short deadline, dialling the active through `link` when given. */
function standby(a: { id: CertifiedKey; leader: LeaderInfo }, link?: TcpLink): ClusterClient {
  const c = new ClusterClient({
    credentials: async () => a.id,
    keepaliveTimeoutMs: DEADLINE_MS,
    route: link && (() => `https://127.0.0.1:${link.address.port}`),
  });
  open.push(c);
  return c;
}

const get = (url: string) => ({ method: 'GET', url, headers: {} });

describe('the keepalive of the cluster channel', () => {
  it('a blackholed active fails the request in flight with the timeout; after heal the next request succeeds on a new connection', async () => {
    const a = await activePort();
    const link = await TcpLink.open({ target: { host: '127.0.0.1', port: a.port.port } });
    open.push(link);
    const c = standby(a, link);
    expect(await bodyText((await c.forward(a.leader, get('/v1/before'))).body)).toBe('/v1/before');
    link.setFaults({ partition: true });
    await expect(c.forward(a.leader, get('/v1/cut'))).rejects.toThrow(
      `cluster connection to ${new URL(a.leader.clusterAddr).host} timed out: no answer to keepalive in ${DEADLINE_MS} ms`,
    );
    expect(link.stats().connections.accepted).toBe(1);
    link.setFaults({});
    expect(await bodyText((await c.forward(a.leader, get('/v1/after'))).body)).toBe('/v1/after');
    expect(link.stats().connections.accepted).toBe(2);
  }, 30_000);

  it('an active slower to answer than the deadline, its loop free, answers the Pings and is not declared dead', async () => {
    const a = await activePort(async (req) => {
      await new Promise((r) => setTimeout(r, 2 * DEADLINE_MS));
      return ok(req);
    });
    const c = standby(a);
    expect(await bodyText((await c.forward(a.leader, get('/v1/slow'))).body)).toBe('/v1/slow');
  }, 30_000);

  it('an event loop blocked for longer than the deadline (a GC pause, a loaded machine) is not mistaken for a dead active', async () => {
    // Blocks in the I/O callback that reads the request (a block inside a timer callback would not do: Node runs no
    // timer that fell due during a timer callback until the next turn's poll phase has read the answer).
    const a = await activePort(async (req) => {
      const until = performance.now() + 1.5 * DEADLINE_MS;
      while (performance.now() < until);
      return ok(req);
    });
    const c = standby(a);
    expect(await bodyText((await c.forward(a.leader, get('/v1/blocked'))).body)).toBe('/v1/blocked');
  }, 30_000);

  it('a reader of a 3 MiB answer that stops for longer than the deadline pauses the connection, and that is not silence', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const a = await activePort(async () => ({ status: 200, headers: {}, body: big }));
    const c = standby(a);
    const res = await c.forward(a.leader, get('/v1/big'));
    const parts: Buffer[] = [];
    for await (const p of res.body as Readable) {
      parts.push(p as Buffer);
      if (parts.length === 5) await new Promise((r) => setTimeout(r, 1.5 * DEADLINE_MS));
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true);
  }, 30_000);

  it('the active answers a Ping ahead of the rest of a 16 MiB answer still waiting for its reader', async () => {
    // Loopback's kernel buffers take about 4 MB whatever the reader does: the rest of 16 MiB queues on the active.
    const big = Buffer.alloc(16 * 1024 * 1024, 1);
    const a = await activePort(async () => ({ status: 200, headers: {}, body: big }));
    const frames: Frame[] = [];
    const raw = await rawPeer(a, frames);
    raw.pause();
    await raw.send(messageFrames(1, FrameKind.RequestHead, { m: 'GET', u: '/v1/big', h: {} }));
    // Wait until the answer has filled what the sockets can hold, so its remaining parts queue on the active.
    await new Promise((r) => setTimeout(r, 500));
    raw.sendNow(encodeFrame(0, FrameKind.Ping, END, Buffer.from('8 bytes!')));
    raw.resume();
    await expect.poll(() => frames.some((f) => f.stream === 1 && f.flags & END), { timeout: 20_000 }).toBe(true);
    const pong = frames.findIndex((f) => f.kind === FrameKind.Pong);
    expect(frames[pong]!.payload.toString()).toBe('8 bytes!');
    const parts = frames.filter((f) => f.stream === 1).length;
    expect(parts).toBe(Math.ceil(big.length / (64 * 1024)));
    expect(pong).toBeLessThan(parts / 2);
  }, 30_000);

  it('refuses a deadline that is not a whole number of milliseconds from 20, with an error naming it', () => {
    for (const bad of [0, 19, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '1000' as unknown as number])
      expect(() => new ClusterClient({ credentials: async () => undefined, keepaliveTimeoutMs: bad })).toThrow(
        `keepaliveTimeoutMs must be a whole number of milliseconds from 20 to 2147483647, got ${String(bad)}`,
      );
    expect(() => new ClusterClient({ credentials: async () => undefined, keepaliveTimeoutMs: 20 })).not.toThrow();
  });
});

/** A peer speaking raw frames to the active with the term's certificate, recording every frame it reads. */
async function rawPeer(a: { port: ClusterListener; id: CertifiedKey }, frames: Frame[]): Promise<FramedSocket> {
  const socket = connect({
    host: '127.0.0.1',
    port: a.port.port,
    cert: a.id.cert,
    key: a.id.key,
    ca: [a.id.cert],
    ALPNProtocols: [CLUSTER_PROTOCOL],
    checkServerIdentity: () => undefined,
  });
  await once(socket, 'secureConnect');
  const framed = new FramedSocket(socket, { frame: (f) => frames.push(f), closed: () => undefined });
  open.push({ close: () => framed.close() });
  return framed;
}
