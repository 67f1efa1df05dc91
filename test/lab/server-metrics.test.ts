/** `vaultlab server -config` with the listener's telemetry block: Prometheus scrapes a sealed, tokenless server over a real socket. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/lab/index.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({
    storage: { type: 'inmem' },
    listener: { address: '127.0.0.1:0', tlsDisable: true, unauthenticatedMetricsAccess: true },
  });
});
afterAll(() => server.close());

describe('a server whose listener allows unauthenticated metrics', () => {
  it('answers sys/metrics?format=prometheus without a token, while still sealed', async () => {
    const res = await fetch(`${server.apiAddr}/v1/sys/metrics?format=prometheus`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(/^vault_core_unsealed 0$/m);
    expect(text).toMatch(/^vault_core_active 0$/m);
  });

  it('still wants a token for every other path', async () => {
    const res = await fetch(`${server.apiAddr}/v1/sys/mounts`);
    expect(res.status).toBe(503);
  });
});
