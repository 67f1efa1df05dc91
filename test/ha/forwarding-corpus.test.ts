/**
 * T13, the HA HTTP protocol: a corpus of requests sent to the active and to each standby
 * over their real listeners. With forwarding on, a standby's answer equals the active's
 * (status, content type and body, minus request ids and masked fields); asked not to
 * forward, every standby answers a 307 to the active's api_addr with the same path and
 * query, never to itself; Cache-Control: no-store on every response. Then the active
 * stops with no node able to take over, and standbys answer a 5xx in Vault's shape. All of
 * it twice: with the API over plain HTTP, and over TLS (the lab CA trusted by the client).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';
import { CORPUS, CORPUS_SETUP, maskPaths, type CorpusContext, type CorpusEntry } from '../helpers/ha-corpus.ts';

describe.each([
  { scheme: 'http', tls: false },
  { scheme: 'https', tls: true },
])('T13 with the API over $scheme', ({ tls }) => {
  let fx: ClusterFixture;
  const ctx: CorpusContext = { limitedToken: '', limitedAccessor: '' };
  let responses = 0;
  let noStore = 0;

  beforeAll(async () => {
    // A long step-down back-off: the last test steps nodes down so that none can take over.
    fx = await startCluster({ tls, timings: { ...LAB_TIMINGS, stepDownBackoffMs: 600_000 } });
    const active = fx.cluster.active()!.name;
    for (const s of CORPUS_SETUP) {
      const res = await fx.http(active, s.method, s.url, s.body);
      if (res.status >= 300) throw new Error(`setup ${s.method} ${s.url}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const made = await fx.http(active, 'POST', '/v1/auth/token/create', { policies: ['reader'], no_default_policy: true });
    ctx.limitedToken = made.body.auth.client_token;
    ctx.limitedAccessor = made.body.auth.accessor;
  });
  afterAll(() => fx.cluster.close());

  const TOKENS = {
    root: () => fx.init.rootToken,
    limited: () => ctx.limitedToken,
    none: () => undefined,
    bogus: () => 'hvs.bogusbogusbogusbogusbogu',
  };

  /** Sends one corpus entry to a node; `via` names the caller's own write paths. */
  async function send(node: string, e: CorpusEntry, via: string, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...(e.headers ?? {}), ...extra };
    const token = TOKENS[e.caller ?? 'root']();
    if (token) headers['x-vault-token'] = token;
    const body = e.raw ?? (e.body ? JSON.stringify(e.body(ctx)) : undefined);
    const url = e.url.replace('{via}', via);
    // Dispatcher.request sends the path as is; a URL string would be normalized (%2e%2e resolved) by the client.
    const res = await fx.dispatcher.request({
      origin: fx.cluster.get(node).apiAddr,
      path: url,
      method: e.method as 'GET',
      headers,
      body,
    });
    const text = await res.body.text();
    responses++;
    if (res.headers['cache-control'] === 'no-store') noStore++;
    return { url, status: res.statusCode, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** What must be equal between two nodes' answers. */
  function comparable(r: Awaited<ReturnType<typeof send>>, e: CorpusEntry) {
    return { status: r.status, contentType: r.headers['content-type'], body: maskPaths(r.json, e.mask) };
  }

  describe('T13: the HA HTTP protocol over real listeners', () => {
    it(`has a corpus of at least 50 requests (${CORPUS.length})`, () => {
      expect(CORPUS.length).toBeGreaterThanOrEqual(50);
      expect(new Set(CORPUS.map((e) => e.name)).size).toBe(CORPUS.length);
    });

    it('forwards every corpus request: each standby answers exactly as the active', async () => {
      const active = fx.cluster.active()!.name;
      const standbys = inState(fx.cluster, 'standby');
      expect(standbys).toHaveLength(2);
      const statuses = new Map<number, number>();
      for (const e of CORPUS) {
        const expected = comparable(await send(active, e, 'active'), e);
        statuses.set(expected.status, (statuses.get(expected.status) ?? 0) + 1);
        for (const s of standbys) expect(comparable(await send(s, e, s), e), `${e.name} via ${s}`).toEqual(expected);
      }
      // Still the same active: every pair above compared a forwarded answer with a direct one.
      expect(fx.cluster.active()!.name).toBe(active);
      const summary = [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([k, n]) => `${k}×${n}`)
        .join(' ');
      console.log(
        `T13 corpus (API over ${tls ? 'TLS' : 'plain HTTP'}): ${CORPUS.length} requests × 2 standbys, active's statuses: ${summary}`,
      );
    });

    it("answers every corpus request with a 307 to the active's api_addr when asked not to forward", async () => {
      const active = fx.cluster.active()!;
      for (const s of inState(fx.cluster, 'standby')) {
        for (const e of CORPUS) {
          const res = await send(s, e, s, { 'x-vault-no-request-forwarding': 'true' });
          expect(res.status, `${e.name} via ${s}`).toBe(307);
          expect(res.headers.location, e.name).toBe(`${active.apiAddr}${res.url}`);
          expect(res.headers.location, e.name).not.toContain(fx.cluster.get(s).apiAddr);
          expect(res.text).toBe('');
        }
      }
    });

    it('sent Cache-Control: no-store on 100 % of the responses so far', () => {
      expect(responses).toBeGreaterThan(CORPUS.length * 3);
      expect(noStore).toBe(responses);
    });

    it("answers a clear 5xx in Vault's shape once the active is stopped and no node can take over", async () => {
      // Two step-downs leave two nodes in their back-off; killing the third leaves nobody to campaign.
      for (let i = 0; i < 2; i++) {
        const old = fx.cluster.stepDown()!;
        await expect.poll(() => fx.cluster.active()?.name, { timeout: 5000, interval: 10 }).not.toBe(old);
        await expect.poll(() => fx.cluster.active()?.name, { timeout: 5000, interval: 10 }).toBeDefined();
      }
      const last = fx.cluster.active()!.name;
      await fx.cluster.kill(last);
      const read = CORPUS.find((e) => e.name === 'kv2 read')!;
      for (const s of inState(fx.cluster, 'standby')) {
        // Until the dead node's lease runs out a standby still names it (forwarding fails, so a 307 to it, as Vault falls back).
        await expect.poll(async () => (await send(s, read, s)).status, { timeout: 10_000, interval: 20 }).not.toBe(307);
        // Vault's forwarding path answers 500 here (the redirect path 503).
        const forwarded = await send(s, read, s);
        expect(forwarded.status).toBe(500);
        expect(forwarded.headers['content-type']).toBe('application/json');
        expect(forwarded.headers['cache-control']).toBe('no-store');
        expect(forwarded.json).toEqual({ errors: ['local node not active but active cluster node not found'] });
        const redirected = await send(s, read, s, { 'x-vault-no-request-forwarding': 'true' });
        expect(redirected.status).toBe(503);
        expect(redirected.headers['content-type']).toBe('application/json');
        expect(redirected.headers['cache-control']).toBe('no-store');
        expect(redirected.json).toEqual({ errors: ['no active Vault instance found'] });
      }
      expect(fx.cluster.active()).toBeUndefined();
    });
  });
});
