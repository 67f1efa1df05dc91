/** A lab without sockets builds no node's HTTP app until something asks for one; one asked for serves Vault's API. */
import { describe, expect, it, vi } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';

const built = vi.hoisted(() => ({ apps: 0 }));
vi.mock('../../src/api/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/api/index.ts')>();
  return {
    ...real,
    buildApp: (...args: Parameters<typeof real.buildApp>) => {
      built.apps++;
      return real.buildApp(...args);
    },
  };
});

const { Cluster } = await import('../../src/lab/index.ts');

describe('a lab started with listen: false', () => {
  it('builds an app for a node only when asked, once, and that app answers', async () => {
    const cluster = await Cluster.start({ nodes: 3, storage: 'memory', listen: false, clock: new SimClock() });
    try {
      expect(built.apps).toBe(0);
      const app = cluster.nodes[1].app;
      expect(cluster.nodes[1].app).toBe(app);
      expect(built.apps).toBe(1);
      const res = await app.inject({ method: 'GET', url: '/v1/sys/seal-status' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ initialized: false, sealed: true });
    } finally {
      for (const n of cluster.nodes) n.node.close();
      await cluster.backend.close();
    }
  });

  it('still builds every app at once when it listens', async () => {
    const before = built.apps;
    const cluster = await Cluster.start({ nodes: 2, storage: 'memory', basePort: 0 });
    try {
      expect(built.apps - before).toBe(2);
    } finally {
      await cluster.close();
    }
  });
});
