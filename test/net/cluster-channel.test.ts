/**
 * The cluster channel on its own, between a ClusterListener and a ClusterClient with a
 * service under the test's control: many requests share one connection, a body streams
 * back at the pace its reader takes it, a request in flight fails when the active goes away,
 * and a new holder of the lock gets a new connection.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlainRequest, PlainResponse } from '../../src/api/index.ts';
import type { Echo, LeaderInfo } from '../../src/ha/index.ts';
import { ClusterClient, ClusterListener, selfSigned, type CertifiedKey, type ClusterService } from '../../src/net/index.ts';
import { bodyText } from '../helpers/body-text.ts';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.close();
});

async function activePort(service: Partial<ClusterService>): Promise<{ port: ClusterListener; id: CertifiedKey; leader: LeaderInfo }> {
  const port = await ClusterListener.bind('127.0.0.1', 0);
  open.push(port);
  const id = await selfSigned({ commonName: 'term', curve: 'P-521' });
  port.attach({ handle: echoRequest, echo: () => undefined, maxRequestSize: 1 << 20, ...service });
  port.serve(id);
  return { port, id, leader: { apiAddr: 'http://127.0.0.1:1', clusterAddr: port.url, holder: `holder-${port.port}`, term: 1 } };
}

/** Answers with what it was asked: method, url and the body's length and first bytes. */
async function echoRequest(req: PlainRequest): Promise<PlainResponse> {
  const body = Buffer.from(JSON.stringify({ m: req.method, u: req.url, n: req.body?.length ?? 0, token: req.headers['x-vault-token'] }));
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

function client(ids: Map<string, CertifiedKey>): ClusterClient {
  const c = new ClusterClient({ credentials: async (l) => ids.get(l.holder) });
  open.push(c);
  return c;
}

describe('the cluster channel', () => {
  it('multiplexes many requests on one connection, each answered with its own response', async () => {
    const a = await activePort({});
    const c = client(new Map([[a.leader.holder, a.id]]));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.forward(a.leader, {
          method: 'PUT',
          url: `/v1/secret/data/k${i}`,
          headers: { 'x-vault-token': `t${i}`, connection: 'keep-alive' },
          body: Buffer.alloc(i),
        }),
      ),
    );
    for (const [i, res] of answers.entries())
      expect(JSON.parse(await bodyText(res.body))).toEqual({ m: 'PUT', u: `/v1/secret/data/k${i}`, n: i, token: `t${i}` });
    expect(a.port.connections).toBe(1);
  });

  it('streams a large answer in parts, intact when its reader is slow', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const a = await activePort({ handle: async () => ({ status: 200, headers: {}, body: big }) });
    const c = client(new Map([[a.leader.holder, a.id]]));
    const res = await c.forward(a.leader, { method: 'GET', url: '/v1/big', headers: {} });
    expect(Buffer.isBuffer(res.body)).toBe(false);
    expect(res.headers['content-length']).toBe(String(big.length));
    const parts: Buffer[] = [];
    for await (const p of res.body as Readable) {
      parts.push(p as Buffer);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(Buffer.concat(parts).equals(big)).toBe(true);
  });

  it('answers 413 to a body over the limit without keeping it', async () => {
    const a = await activePort({ maxRequestSize: 100_000 });
    const c = client(new Map([[a.leader.holder, a.id]]));
    const res = await c.forward(a.leader, { method: 'PUT', url: '/v1/x', headers: {}, body: Buffer.alloc(300_000) });
    expect(res.status).toBe(413);
    expect(JSON.parse(await bodyText(res.body))).toEqual({ errors: ['http: request body too large'] });
  });

  it('fails a request in flight when the active goes away, and opens a new connection for the next', async () => {
    let hold = true;
    const a = await activePort({ handle: (req) => (hold ? new Promise<PlainResponse>(() => undefined) : echoRequest(req)) });
    const c = client(new Map([[a.leader.holder, a.id]]));
    const pending = c.forward(a.leader, { method: 'GET', url: '/v1/stuck', headers: {} });
    await expect.poll(() => a.port.connections).toBe(1);
    await a.port.stop();
    await expect(pending).rejects.toThrow();
    await a.port.reopen();
    hold = false;
    const res = await c.forward(a.leader, { method: 'GET', url: '/v1/after', headers: {} });
    expect(JSON.parse(await bodyText(res.body)).u).toBe('/v1/after');
  });

  it('retiring (the standby became active) still delivers the answers in flight, then closes', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const a = await activePort({ handle: async (req) => (await held, echoRequest(req)) });
    const c = client(new Map([[a.leader.holder, a.id]]));
    const pending = c.forward(a.leader, { method: 'PUT', url: '/v1/sys/step-down', headers: {} });
    await expect.poll(() => a.port.connections).toBe(1);
    await c.retire();
    release();
    expect(JSON.parse(await bodyText((await pending).body)).u).toBe('/v1/sys/step-down');
    await expect.poll(() => a.port.connections).toBe(0);
  });

  it('delivers echoes to the active, and moves to a new holder of the lock', async () => {
    const heard: Echo[] = [];
    const a = await activePort({ echo: (e) => heard.push(e) });
    const b = await activePort({});
    const c = client(
      new Map([
        [a.leader.holder, a.id],
        [b.leader.holder, b.id],
      ]),
    );
    const echo: Echo = { hostname: 'node2', apiAddr: 'http://127.0.0.1:2', clusterAddr: 'https://127.0.0.1:3', version: '1.18.5', at: 1 };
    c.echo(a.leader, echo);
    await expect.poll(() => heard).toEqual([echo]);
    await c.forward(b.leader, { method: 'GET', url: '/v1/x', headers: {} });
    await expect.poll(() => a.port.connections).toBe(0);
    expect(b.port.connections).toBe(1);
  });

  it('refuses to forward before the active has advertised a certificate', async () => {
    const a = await activePort({});
    const c = client(new Map());
    await expect(c.forward(a.leader, { method: 'GET', url: '/v1/x', headers: {} })).rejects.toThrow(/no cluster certificate advertised/);
  });
});
