/**
 * Request bounds. Every node of a lab shares one event loop, so one request must not be
 * able to hold it, and a listener must not be held by clients that never finish a request.
 * Found by an adversarial pass on a running lab: `PUT sys/unseal {"key":[0, ...4M]}`
 * without a token stalled every node until the active missed its lease renewals (term
 * 1 → 2; 16M elements stalled all nodes 21.6 s), a `__proto__` key at depth 71 got through,
 * 10,000 levels of nesting answered 500, and 400 slow sockets were all still open after 95 s.
 */
import { getGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, MAX_REQUEST_SIZE, UNAUTHENTICATED_BODY_LIMIT, VAULT_JSON_LIMITS, type Listener } from '../../../src/api/index.ts';
import { worstKvBody, zerosBody } from '../../helpers/bounded-bodies.ts';
import { startCluster, type ClusterFixture } from '../../helpers/cluster-fixture.ts';
import { initAndUnseal, makeNode, type NodeFixture } from '../../helpers/node-fixture.ts';
import { sendRaw } from '../../helpers/raw-http.ts';
import { holdConnection, KeepAliveClient } from '../../helpers/slow-client.ts';

/** A watchdog, never a latency bound: only a request nobody answers trips it. */
const WATCHDOG_MS = 60_000;

async function send(origin: string, method: string, path: string, body: Buffer | string | undefined, headers: Record<string, string> = {}) {
  const res = await getGlobalDispatcher().request({
    origin,
    path,
    method: method as 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    headersTimeout: WATCHDOG_MS,
    bodyTimeout: WATCHDOG_MS,
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as { errors?: string[] }) : undefined };
}

describe('no request, however large, costs the active its lock', () => {
  let fx: ClusterFixture;
  beforeAll(async () => {
    fx = await startCluster();
  }, 60_000);
  afterAll(() => fx.cluster.close());

  const lockEvents = () => fx.cluster.timeline.events.filter((e) => e.type.startsWith('lock-')).length;
  const lease = () => fx.cluster.backend.lock('core/lock', '', { holder: 'observer', ttlMs: 1 }).value();

  /*
   * The KV write carries a stale check-and-set, so the engine refuses it once the edge has
   * read, checked and parsed all 32 MiB: the edge's work is what this test bounds. A write
   * that is then stored also costs the engine's serialisation and the barrier's encryption
   * of 32 MiB, one synchronous run of ~250 ms on an idle 2-core machine, outside src/api.
   */
  it(
    'the largest bodies the limits allow, sent to every node at once, leave the term and the active unchanged',
    { timeout: 240_000 },
    async () => {
      const active = fx.cluster.active()!;
      const before = { name: active.name, term: active.node.term, events: lockEvents() };
      const anonymous = UNAUTHENTICATED_BODY_LIMIT;
      const kv = Buffer.from(worstKvBody(MAX_REQUEST_SIZE, VAULT_JSON_LIMITS, '{"cas":1000}'));
      expect(kv.length).toBe(MAX_REQUEST_SIZE);
      const root = { 'x-vault-token': fx.init.rootToken };
      const sends = fx.cluster.nodes.flatMap((n) => [
        send(n.apiAddr, 'PUT', '/v1/sys/unseal', zerosBody('key', anonymous)),
        send(n.apiAddr, 'PUT', '/v1/sys/init', zerosBody('secret_shares', anonymous)),
        send(n.apiAddr, 'POST', '/v1/secret/data/anonymous', zerosBody('data', anonymous)),
        send(n.apiAddr, 'POST', `/v1/secret/data/big-${n.name}`, kv, root),
      ]);
      const answers = await Promise.all(sends);
      expect(answers.map((a) => a.status)).toEqual(fx.cluster.nodes.flatMap(() => [400, 400, 403, 400]));
      for (const a of answers.filter((_, i) => i % 4 === 3))
        expect(a.json).toEqual({ errors: ['check-and-set parameter did not match the current version'] });
      // Any loss shows at the active's next renewals: wait until two more have landed.
      const seen = (await lease()).expires ?? 0;
      await expect
        .poll(async () => (await lease()).expires ?? 0, { timeout: 30_000 })
        .toBeGreaterThan(seen + fx.cluster.timings.renewIntervalMs);
      expect(fx.cluster.active()?.name).toBe(before.name);
      expect(fx.cluster.active()?.node.term).toBe(before.term);
      expect((await lease()).term).toBe(before.term);
      expect(lockEvents()).toBe(before.events);
    },
  );

  it.each([
    [
      'the original attack: a 4M-element key, no token, to sys/unseal',
      'PUT',
      '/v1/sys/unseal',
      undefined,
      zerosBody('key', 8 * 1024 * 1024),
    ],
    ['a big body to sys/init', 'PUT', '/v1/sys/init', undefined, zerosBody('secret_shares', 1024 * 1024)],
    ['a big body without a token to a KV path', 'POST', '/v1/secret/data/x', undefined, zerosBody('data', 1024 * 1024)],
    ['a big body with a token nobody issued', 'POST', '/v1/secret/data/x', 'hvs.bogusbogusbogusbogusbogu', zerosBody('data', 1024 * 1024)],
  ])('%s → 413 on every node, unread', { timeout: 120_000 }, async (_name, method, path, token, body) => {
    for (const n of fx.cluster.nodes) {
      const res = await send(n.apiAddr, method, path, body, token ? { 'x-vault-token': token } : {});
      expect(res).toEqual({ status: 413, json: { errors: ['http: request body too large'] } });
    }
  });

  it('a chunked body (no Content-Length) without a token is cut off at the limit', { timeout: 60_000 }, async () => {
    const active = fx.cluster.active()!;
    const body = zerosBody('data', 4 * UNAUTHENTICATED_BODY_LIMIT);
    const head = `POST /v1/secret/data/x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const chunked = `${head}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const out = await sendRaw(active.api.host, active.api.port, Buffer.from(chunked), WATCHDOG_MS);
    if (out.kind !== 'response') throw new Error(`no response: ${out.kind}`);
    expect(out.response.status).toBe(413);
  });

  it.each([
    ['16M array elements', zerosBody('data', MAX_REQUEST_SIZE), 'JSON array exceeds allowed element count'],
    ['10,000 levels of nesting', `{"data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'JSON input exceeds allowed nesting depth'],
    [
      'a __proto__ key at depth 71',
      `{"data":${'{"a":'.repeat(70)}{"__proto__":{"polluted":1}}${'}'.repeat(70)}}`,
      'keys named __proto__ or constructor.prototype are not supported',
    ],
    [
      'an escaped __proto__ key deep down',
      `{"data":{"a":[{"b":{"\\u005f_proto__":1}}]}}`,
      'keys named __proto__ or constructor.prototype are not supported',
    ],
  ])("with the root token, %s → 400 in Vault's words", { timeout: 120_000 }, async (_name, body, message) => {
    const active = fx.cluster.active()!;
    const res = await send(active.apiAddr, 'POST', '/v1/secret/data/shapes', body, { 'x-vault-token': fx.init.rootToken });
    expect(res).toEqual({ status: 400, json: { errors: [message] } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('slow clients are disconnected; others are served', () => {
  let fx: NodeFixture;
  let srv: Listener;
  beforeAll(async () => {
    fx = await makeNode();
    await initAndUnseal(fx.app, 1, 1);
    srv = await listen(fx.app, '127.0.0.1', 0, {
      readHeaderTimeoutMs: 500,
      readTimeoutMs: 1000,
      idleTimeoutMs: 60_000,
      maxConnections: 1000,
    });
  });
  afterAll(async () => {
    await srv.close();
    await fx.close();
  });

  const head = 'GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n';
  const health = () => send(srv.url, 'GET', '/v1/sys/health', undefined);

  it('400 slow sockets of every kind are all closed while a normal client keeps being served', { timeout: 120_000 }, async () => {
    const kinds = [
      () => holdConnection(srv.port, ''), // silent
      () => holdConnection(srv.port, 'GET /v1/sys/hea', { bytes: 'lth', everyMs: 100 }), // a trickled request line
      () => holdConnection(srv.port, head, { bytes: 'X-Slow: a\r\n', everyMs: 100 }), // headers that never end
      () => holdConnection(srv.port, 'LIST /v1/secret/metadata/ HTTP/1.1\r\n', { bytes: 'X', everyMs: 100 }), // a LIST head the shim holds
      () =>
        holdConnection(srv.port, 'POST /v1/sys/unseal HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{', { bytes: ' ', everyMs: 100 }), // a body that trickles
      () => holdConnection(srv.port, `${head}\r\nGET /v1/sys/health HTTP/1.1\r\n`, { bytes: 'X', everyMs: 100 }), // a kept-alive connection's second head
    ];
    // The normal client's keep-alive connection is open before the slow ones arrive.
    expect((await health()).status).toBe(200);
    const slow = await Promise.all(Array.from({ length: 400 }, (_, i) => kinds[i % kinds.length]()));
    let served = 0;
    while (slow.some((s) => !s.sock.destroyed && !s.sock.readableEnded)) {
      expect((await health()).status).toBe(200);
      served++;
    }
    await Promise.all(slow.map((s) => s.closed));
    expect(served).toBeGreaterThan(0);
    // The trickled body and the second head were answered nothing (Go closes silently); the first request was answered.
    for (const s of slow.filter((_, i) => i % kinds.length === 5))
      expect(
        s
          .received()
          .toString('latin1')
          .match(/HTTP\/1\.1 200/g),
      ).toHaveLength(1);
    expect((await health()).status).toBe(200);
  });

  it('a keep-alive client that keeps sending whole requests is never cut off', { timeout: 60_000 }, async () => {
    const client = new KeepAliveClient(srv.port);
    expect((await client.get('/v1/sys/health'))?.status).toBe(200);
    // The connection outlives three slowlorises, each closed by a deadline: the deadlines time requests, not connections.
    let answered = 0;
    for (let round = 0; round < 3; round++) {
      const slowloris = await holdConnection(srv.port, head, { bytes: 'X-Slow: a\r\n', everyMs: 50 });
      while (!slowloris.sock.destroyed) {
        expect((await client.get('/v1/sys/health'))?.status).toBe(200);
        answered++;
      }
    }
    expect((await client.get('/v1/sys/health'))?.status).toBe(200);
    expect(answered).toBeGreaterThan(0);
    client.close();
  });
});

describe('a listener caps its connections', () => {
  let fx: NodeFixture;
  let srv: Listener;
  const CAP = 8;
  beforeAll(async () => {
    fx = await makeNode();
    await initAndUnseal(fx.app, 1, 1);
    srv = await listen(fx.app, '127.0.0.1', 0, {
      readHeaderTimeoutMs: 60_000,
      readTimeoutMs: 60_000,
      idleTimeoutMs: 60_000,
      maxConnections: CAP,
    });
  });
  afterAll(async () => {
    await srv.close();
    await fx.close();
  });

  it('refuses connections over the cap without hurting established ones', { timeout: 60_000 }, async () => {
    const held = Array.from({ length: CAP }, () => new KeepAliveClient(srv.port));
    for (const c of held) expect((await c.get('/v1/sys/health'))?.status).toBe(200);
    const extra = await sendRaw(
      srv.host,
      srv.port,
      Buffer.from('GET /v1/sys/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
      WATCHDOG_MS,
    );
    expect(extra.kind).toBe('no-response');
    for (const c of held) expect((await c.get('/v1/sys/health'))?.status).toBe(200);
    // A freed place is taken again.
    held.pop()!.close();
    await expect
      .poll(
        async () =>
          (
            await sendRaw(
              srv.host,
              srv.port,
              Buffer.from('GET /v1/sys/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
              WATCHDOG_MS,
            )
          ).kind,
        { timeout: 30_000 },
      )
      .toBe('response');
    for (const c of held) c.close();
  });
});
