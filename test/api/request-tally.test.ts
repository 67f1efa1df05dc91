/**
 * A node's answers by route: a 307 is a redirect, a request the standby handler marked is a
 * forward, anything else was served here; 5xx counts as failed; nothing is counted while no
 * one watches; the median is of the latest answers.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installRequestTally, markForwarded, RequestTally } from '../../src/api/request-tally.ts';

function appWith(tally: RequestTally) {
  const app = Fastify();
  installRequestTally(app, tally);
  app.get('/here', async () => ({ ok: true }));
  app.get('/sealed', async (_req, reply) => reply.code(503).send({ errors: ['Vault is sealed'] }));
  app.get('/away', async (_req, reply) => reply.code(307).header('location', 'http://127.0.0.1:1/').send());
  app.get('/forward', async (req) => (markForwarded(req), { forwarded: true }));
  return app;
}

describe('RequestTally', () => {
  it('counts by route, 5xx as failed, only while on', async () => {
    const tally = new RequestTally();
    const app = appWith(tally);
    await app.inject('/here');
    expect(tally.snapshot().direct).toEqual({ ok: 0, failed: 0, p50_ms: null });
    tally.on = true;
    for (const url of ['/here', '/here', '/sealed', '/away', '/forward', '/forward']) await app.inject(url);
    const s = tally.snapshot();
    expect([s.direct.ok, s.direct.failed, s.redirected.ok, s.forwarded.ok, s.forwarded.failed]).toEqual([2, 1, 1, 2, 0]);
    expect(s.direct.p50_ms).toBeGreaterThanOrEqual(0);
    await app.close();
  });

  it('takes the median of the latest answers only', () => {
    const tally = new RequestTally();
    for (let i = 0; i < 256; i++) tally.record('direct', 200, 100);
    expect(tally.snapshot().direct.p50_ms).toBe(100);
    for (let i = 0; i < 256; i++) tally.record('direct', 200, 1);
    expect(tally.snapshot().direct).toEqual({ ok: 512, failed: 0, p50_ms: 1 });
  });
});
