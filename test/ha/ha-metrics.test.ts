/**
 * Metrics on a 3-node lab: a standby forwards sys/metrics, so the answer is the active's (as
 * in Vault); the standby times what it forwarded; a step-down shows on both sides, as
 * Vault's leadership_lost on the node that left and the lab's lock and takeover metrics on
 * the node that took over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture;
beforeAll(async () => {
  fx = await startCluster();
});
afterAll(() => fx.cluster.close());

/** A node's own metrics, read in-process: sample and counter counts by name. */
function countsOf(name: string): Record<string, number> {
  const s = fx.cluster.get(name).node.telemetry.summary();
  return Object.fromEntries([...s.Samples, ...s.Counters].map((x) => [x.Name, x.Count]));
}

describe('metrics on a cluster', () => {
  it("a standby forwards sys/metrics: the answer is the active's, and the standby times the forward", async () => {
    const standby = inState(fx.cluster, 'standby')[0];
    const before = countsOf(standby)['vault.ha.rpc.client.forward'] ?? 0;
    const r = await fx.http(standby, 'GET', '/v1/sys/metrics');
    expect(r.status).toBe(200);
    expect(r.body.Gauges).toEqual([
      { Name: 'vault.core.active', Value: 1, Labels: {} },
      { Name: 'vault.core.unsealed', Value: 1, Labels: {} },
    ]);
    expect(countsOf(standby)['vault.ha.rpc.client.forward']).toBe(before + 1);
    // The standby's own gauges say what it is.
    expect(
      fx.cluster
        .get(standby)
        .node.telemetry.summary()
        .Gauges.map((g) => g.Value),
    ).toEqual([0, 1]);
  });

  it('a step-down: leadership_lost on the node that left, lock_acquired and takeover on the new active', async () => {
    const old = fx.cluster.active()!.name;
    const taken = Object.fromEntries(fx.cluster.nodes.map((n) => [n.name, countsOf(n.name)['vaultlab.ha.lock_acquired'] ?? 0]));
    expect(countsOf(old)['vault.core.leadership_lost'] ?? 0).toBe(0);
    fx.cluster.stepDown();
    await expect.poll(() => fx.cluster.active()?.name !== undefined && fx.cluster.active()!.name !== old, { timeout: 20_000 }).toBe(true);
    const next = fx.cluster.active()!.name;
    expect(countsOf(old)['vault.core.leadership_lost']).toBe(1);
    expect(countsOf(next)['vaultlab.ha.lock_acquired']).toBe(taken[next] + 1);
    expect(countsOf(next)['vaultlab.ha.takeover']).toBeGreaterThanOrEqual(1);
    const prom = await fetch(`${fx.cluster.get(next).apiAddr}/v1/sys/metrics?format=prometheus`, {
      headers: { 'x-vault-token': fx.init.rootToken },
    });
    const text = await prom.text();
    expect(text).toMatch(/^vaultlab_ha_lock_acquired \d+$/m);
    expect(text).toMatch(/^# TYPE vaultlab_ha_takeover summary$/m);
  });
});
