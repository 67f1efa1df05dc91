/**
 * Audit devices in a cluster: only the active writes entries (a standby forwards, and the
 * active audits the forwarded request once), and after a failover the new active loads the
 * table and the salt from storage and writes on to the same file, hashing values alike.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';

let fx: ClusterFixture | undefined;
const dir = mkdtempSync(join(tmpdir(), 'vaultlab-audit-ha-'));
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string): any[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('audit across a failover', () => {
  it('is written by the active alone, and by the next active to the same file after a step-down', async () => {
    fx = await startCluster();
    const file = join(dir, 'cluster.log');
    const first = fx.cluster.active()!.name;
    const standby = inState(fx.cluster, 'standby')[0];
    expect((await fx.http(first, 'PUT', '/v1/sys/audit/file', { type: 'file', options: { file_path: file } })).status).toBe(204);
    const hashBefore = (await fx.http(first, 'POST', '/v1/sys/audit-hash/file', { input: 'planted-one' })).body.hash;

    const viaStandby = await fx.http(standby, 'POST', '/v1/secret/data/one', { data: { v: 'planted-one' } });
    expect(viaStandby.status).toBe(200);
    expect(fx.cluster.get(standby).node.system.audit.active).toBe(false);
    const forwarded = lines(file).filter((e) => e.request.path === 'secret/data/one');
    expect(forwarded.map((e) => e.type)).toEqual(['request', 'response']);
    expect(forwarded[0].request.id).toBe(forwarded[1].request.id);
    expect(forwarded[0].request.data.data.v).toBe(hashBefore);

    expect((await fx.http(standby, 'PUT', '/v1/sys/step-down')).status).toBe(204);
    await expect.poll(() => fx!.cluster.active()?.name, { timeout: 5000, interval: 10 }).not.toBe(first);
    const second = fx.cluster.active()!.name;
    expect(fx.cluster.get(first).node.system.audit.active).toBe(false);
    const put = await fx.http(second, 'POST', '/v1/secret/data/two', { data: { v: 'planted-one' } });
    expect(put.status).toBe(200);
    const after = lines(file).filter((e) => e.request.path === 'secret/data/two');
    expect(after.map((e) => e.type)).toEqual(['request', 'response']);
    expect(after[0].request.data.data.v).toBe(hashBefore);
    expect(readFileSync(file, 'utf8')).not.toContain('planted-one');
  });
});
