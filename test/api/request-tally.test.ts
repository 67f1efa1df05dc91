/**
 * A node's answers by route, over a real socket: a 307 is a redirect, a request the standby
 * handler marked is a forward, anything else was served here; 5xx counts as failed; while no
 * one watches nothing is counted and no listener is on the server; the median is of the
 * latest answers.
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestTally } from '../../src/api/request-tally.ts';

const tally = new RequestTally();
const app = Fastify();
let origin: string;

beforeAll(async () => {
  tally.watch(app.server);
  app.get('/here', async () => ({ ok: true }));
  app.get('/sealed', async (_req, reply) => reply.code(503).send({ errors: ['Vault is sealed'] }));
  app.get('/away', async (_req, reply) => reply.code(307).header('location', 'http://127.0.0.1:1/').send());
  app.get('/forward', async (req) => (tally.markForwarded(req), { forwarded: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(() => app.close());

const get = async (path: string) => (await fetch(origin + path, { redirect: 'manual' })).arrayBuffer();

describe('RequestTally', () => {
  it('counts by route, 5xx as failed, and only while on, with its listener on the server only then', async () => {
    // Off, the tally is not even on the server's path.
    const listeners = app.server.listenerCount('request');
    await get('/here');
    expect(tally.snapshot().direct).toEqual({ ok: 0, failed: 0, p50_ms: null });
    tally.on = true;
    expect(app.server.listenerCount('request')).toBe(listeners + 1);
    for (const path of ['/here', '/here', '/sealed', '/away', '/forward', '/forward']) await get(path);
    // An answer is counted when its last byte leaves, which may be just after the client read it.
    const counts = () => {
      const s = tally.snapshot();
      return [s.direct.ok, s.direct.failed, s.redirected.ok, s.forwarded.ok, s.forwarded.failed];
    };
    await expect.poll(counts).toEqual([2, 1, 1, 2, 0]);
    tally.on = false;
    expect(app.server.listenerCount('request')).toBe(listeners);
    await get('/here');
    expect(counts()).toEqual([2, 1, 1, 2, 0]);
    expect(tally.snapshot().direct.p50_ms).toBeGreaterThanOrEqual(0);
  });

  it('takes the median of the latest answers only', () => {
    const t = new RequestTally();
    for (let i = 0; i < 256; i++) t.record('direct', 200, 100);
    expect(t.snapshot().direct.p50_ms).toBe(100);
    for (let i = 0; i < 256; i++) t.record('direct', 200, 1);
    expect(t.snapshot().direct).toEqual({ ok: 512, failed: 0, p50_ms: 1 });
  });
});
