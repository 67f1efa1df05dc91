/**
 * sys/metrics on one node, in Vault's two formats: go-metrics' JSON summary (not in an
 * envelope) and Prometheus' text exposition, under Vault's metric names; its errors; its ACL;
 * and the listener's unauthenticated_metrics_access, which serves it without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/index.ts';
import { call, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let root: string;
const WRITES = 3;

/** Each sample's name and count; the timings themselves vary run to run. */
const counts = (list: Array<{ Name: string; Count: number }>) => Object.fromEntries(list.map((s) => [s.Name, s.Count]));

/** Prometheus text → sample lines by metric name (and labels), the HELP and TYPE lines kept apart. */
function exposition(text: string): { types: Record<string, string>; values: Record<string, number> } {
  const types: Record<string, string> = {};
  const values: Record<string, number> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types[type[1]] = type[2];
    else if (!line.startsWith('#')) {
      const i = line.lastIndexOf(' ');
      values[line.slice(0, i)] = Number(line.slice(i + 1));
    }
  }
  return { types, values };
}

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  for (let i = 0; i < WRITES; i++) await call(fx.app, 'POST', `/v1/secret/data/m${i}`, { token: root, body: { data: { v: i } } });
  await call(fx.app, 'GET', '/v1/secret/data/m0', { token: root });
});
afterAll(() => fx.close());

describe('GET sys/metrics (JSON)', () => {
  it("answers go-metrics' summary as the body itself, with Vault's names", async () => {
    const r = await call(fx.app, 'GET', '/v1/sys/metrics', { token: root });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(Object.keys(r.body)).toEqual(['Timestamp', 'Gauges', 'Points', 'Counters', 'Samples']);
    expect(r.body.Timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
    expect(r.body.Gauges).toEqual([
      { Name: 'vault.core.active', Value: 1, Labels: {} },
      { Name: 'vault.core.unsealed', Value: 1, Labels: {} },
    ]);
    expect(r.body.Points).toEqual([]);
    const samples = counts(r.body.Samples);
    expect(samples['vault.route.create.secret-']).toBe(WRITES);
    expect(samples['vault.route.read.secret-']).toBe(1);
    // Every logical request so far: the writes and the read (this one is timed once it has answered).
    expect(samples['vault.core.handle_request']).toBe(WRITES + 1);
    for (const name of ['vault.barrier.get', 'vault.barrier.put', 'vault.inmem.get', 'vault.inmem.put'])
      expect(samples[name]).toBeGreaterThan(0);
    for (const s of r.body.Samples) {
      expect(Object.keys(s)).toEqual(['Name', 'Count', 'Rate', 'Sum', 'Min', 'Max', 'Mean', 'Stddev', 'Labels']);
      expect(s.Min).toBeLessThanOrEqual(s.Mean);
      expect(s.Mean).toBeLessThanOrEqual(s.Max);
      expect(s.Mean).toBeCloseTo(s.Sum / s.Count, 9);
    }
    const names = r.body.Samples.map((s: { Name: string }) => s.Name);
    expect(names).toEqual([...names].sort());
  });

  it('refuses an unknown format with text/plain, as Vault', async () => {
    const r = await call(fx.app, 'GET', '/v1/sys/metrics?format=xml', { token: root });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.body).toBe('metric response format "xml" unknown');
  });

  it('is a read-only path: a write is 405, an unknown neighbour 404', async () => {
    const post = await call(fx.app, 'POST', '/v1/sys/metrics', { token: root, body: {} });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ errors: ['1 error occurred:\n\t* unsupported operation\n\n'] });
    expect((await call(fx.app, 'GET', '/v1/sys/metrics/extra', { token: root })).status).toBe(404);
  });

  it('needs a token with read on sys/metrics: none, or the default policy, is refused', async () => {
    expect(await call(fx.app, 'GET', '/v1/sys/metrics')).toMatchObject({ status: 403, body: { errors: ['permission denied'] } });
    const plain = (await call(fx.app, 'POST', '/v1/auth/token/create', { token: root, body: { policies: ['default'] } })).body.auth
      .client_token;
    expect(await call(fx.app, 'GET', '/v1/sys/metrics', { token: plain })).toMatchObject({
      status: 403,
      body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
    });
    await call(fx.app, 'PUT', '/v1/sys/policy/scrape', { token: root, body: { policy: 'path "sys/metrics" { capabilities = ["read"] }' } });
    const scraper = (await call(fx.app, 'POST', '/v1/auth/token/create', { token: root, body: { policies: ['scrape'] } })).body.auth
      .client_token;
    expect((await call(fx.app, 'GET', '/v1/sys/metrics?format=prometheus', { token: scraper })).status).toBe(200);
  });
});

describe('GET sys/metrics?format=prometheus', () => {
  it('is the text exposition: summaries in ms with quantiles 0.5/0.9/0.99, gauges, no _total suffix', async () => {
    const r = await call(fx.app, 'GET', '/v1/sys/metrics?format=prometheus', { token: root });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, values } = exposition(r.body);
    expect(types).toMatchObject({
      vault_core_active: 'gauge',
      vault_core_unsealed: 'gauge',
      vault_core_handle_request: 'summary',
      vault_barrier_get: 'summary',
      vault_barrier_put: 'summary',
      vault_inmem_put: 'summary',
      vault_route_create_secret_: 'summary',
    });
    expect(values.vault_core_active).toBe(1);
    expect(values.vault_core_unsealed).toBe(1);
    expect(values.vault_route_create_secret__count).toBe(WRITES);
    for (const q of ['0.5', '0.9', '0.99']) expect(values[`vault_core_handle_request{quantile="${q}"}`]).toBeGreaterThan(0);
    expect(Object.keys(values).filter((k) => k.includes('_total'))).toEqual([]);
  });
});

describe('sys/internal/counters/tokens', () => {
  it('counts the stored service tokens', async () => {
    const before = (await call(fx.app, 'GET', '/v1/sys/internal/counters/tokens', { token: root })).body.data;
    const t = (await call(fx.app, 'POST', '/v1/auth/token/create', { token: root, body: {} })).body.auth.client_token;
    const total = before.counters.service_tokens.total as number;
    expect((await call(fx.app, 'GET', '/v1/sys/internal/counters/tokens', { token: root })).body.data).toEqual({
      counters: { service_tokens: { total: total + 1 } },
    });
    await call(fx.app, 'POST', '/v1/auth/token/revoke', { token: root, body: { token: t } });
    expect((await call(fx.app, 'GET', '/v1/sys/internal/counters/tokens', { token: root })).body.data).toEqual(before);
  });
});

describe('sys/host-info', () => {
  it("describes the host in hostutil.HostInfo's fields", async () => {
    const r = await call(fx.app, 'GET', '/v1/sys/host-info', { token: root });
    expect(r.status).toBe(200);
    const d = r.body.data;
    expect(Object.keys(d).sort()).toEqual(['cpu', 'cpu_times', 'disk', 'host', 'memory', 'timestamp']);
    expect(d.cpu.length).toBeGreaterThan(0);
    expect(d.cpu[0]).toMatchObject({ cpu: 0, modelName: expect.any(String) });
    expect(d.cpu_times[0]).toMatchObject({ cpu: 'cpu-total', user: expect.any(Number), idle: expect.any(Number) });
    expect(d.disk[0]).toMatchObject({ path: '/', total: expect.any(Number), free: expect.any(Number), used: expect.any(Number) });
    expect(d.host).toMatchObject({ hostname: expect.any(String), uptime: expect.any(Number), os: process.platform });
    expect(d.memory.total).toBeGreaterThan(d.memory.available - 1);
    expect(Number.isNaN(Date.parse(d.timestamp))).toBe(false);
  });

  it('is root-protected: read without sudo is refused', async () => {
    await call(fx.app, 'PUT', '/v1/sys/policy/hostread', {
      token: root,
      body: { policy: 'path "sys/host-info" { capabilities = ["read"] }' },
    });
    const t = (await call(fx.app, 'POST', '/v1/auth/token/create', { token: root, body: { policies: ['hostread'] } })).body.auth
      .client_token;
    expect(await call(fx.app, 'GET', '/v1/sys/host-info', { token: t })).toMatchObject({
      status: 403,
      body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
    });
  });
});

describe('unauthenticated_metrics_access', () => {
  it('serves sys/metrics without a token from the node itself, sealed too; the Accept header can ask for Prometheus', async () => {
    const sealed = await makeNode();
    const open = buildApp(sealed.node, { unauthenticatedMetricsAccess: true });
    try {
      const r = await call(open, 'GET', '/v1/sys/metrics');
      expect(r.status).toBe(200);
      expect(r.body.Gauges).toEqual([
        { Name: 'vault.core.active', Value: 0, Labels: {} },
        { Name: 'vault.core.unsealed', Value: 0, Labels: {} },
      ]);
      const prom = await call(open, 'GET', '/v1/sys/metrics', { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(exposition(prom.body).values.vault_core_unsealed).toBe(0);
      expect((await call(open, 'GET', '/v1/sys/metrics?format=bad')).body).toBe('metric response format "bad" unknown');
      // Off by default: the same node's ordinary app wants a token (and a sealed node answers 503 before that).
      expect((await call(sealed.app, 'GET', '/v1/sys/metrics')).status).toBe(503);
    } finally {
      await open.close();
      await sealed.close();
    }
  });
});
