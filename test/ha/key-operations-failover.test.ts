/**
 * Rotate and rekey across a failover, with a client writing all along: rotate on the active,
 * kill it, and the new active (which reads the keyring again when it takes over) reads values
 * of both terms and seals new writes under the new one; rekey on the new active with the old
 * shares; the killed node, restarted, refuses the old shares and unseals with the new ones.
 * No acknowledged write is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inState, startCluster, type ClusterFixture } from '../helpers/cluster-fixture.ts';
import { dumpBackend } from '../helpers/storage-dump.ts';

let fx: ClusterFixture | undefined;
afterEach(async () => {
  await fx?.cluster.close();
  fx = undefined;
});

function termOf(raw: Uint8Array): number {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0);
}

/** Terms of the values a write changed or added. */
async function termsWritten(f: ClusterFixture, write: () => Promise<void>): Promise<number[]> {
  const before = await dumpBackend(f.cluster.backend);
  await write();
  const after = await dumpBackend(f.cluster.backend);
  const changed = [...after.entries()].filter(
    ([k, v]) => k.startsWith('logical/') && !Buffer.from(v).equals(Buffer.from(before.get(k) ?? [])),
  );
  return [...new Set(changed.map(([, v]) => termOf(v)))];
}

/** A client writing through whichever node is active, until stopped; what it got acknowledged. */
function startWriter(f: ClusterFixture): { acked: string[]; stop: () => Promise<void> } {
  const acked: string[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const active = f.cluster.active()?.name;
      if (active) {
        const key = `w${i}`;
        const res = await f.http(active, 'POST', `/v1/secret/data/${key}`, { data: { i } }).catch(() => undefined);
        if (res?.status === 200) acked.push(key);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    acked,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

describe('rotate and rekey during failover', () => {
  it('keeps every acknowledged write readable, writes under the new term after failover, and moves unseal to the new shares', async () => {
    fx = await startCluster();
    const f = fx;
    expect((await f.http(f.cluster.active()!.name, 'POST', '/v1/secret/data/before-rotate', { data: { v: 'old' } })).status).toBe(200);
    const writer = startWriter(f);
    await expect.poll(() => writer.acked.length, { timeout: 5000 }).toBeGreaterThan(3);

    const first = f.cluster.active()!.name;
    expect((await f.http(first, 'PUT', '/v1/sys/rotate')).status).toBe(204);
    const ks = await f.http(first, 'GET', '/v1/sys/key-status');
    expect(ks.body.data.term).toBe(2);
    const standby = inState(f.cluster, 'standby')[0];
    // A standby forwards key-status to the active.
    expect((await f.http(standby, 'GET', '/v1/sys/key-status')).body.term).toBe(2);
    const ackedAtRotate = writer.acked.length;
    await expect.poll(() => writer.acked.length, { timeout: 5000 }).toBeGreaterThan(ackedAtRotate + 3);

    await f.cluster.kill(first);
    await expect.poll(() => f.cluster.active()?.name, { timeout: 5000, interval: 10 }).toBeDefined();
    const second = f.cluster.active()!.name;
    expect(second).not.toBe(first);
    const ackedAtFailover = writer.acked.length;
    await expect.poll(() => writer.acked.length, { timeout: 5000 }).toBeGreaterThan(ackedAtFailover + 3);

    // The new active reads both terms and writes under the newest.
    expect((await f.http(second, 'GET', '/v1/secret/data/before-rotate')).body.data.data).toEqual({ v: 'old' });
    const terms = await termsWritten(f, async () => {
      expect((await f.http(second, 'POST', '/v1/secret/data/after-failover', { data: { v: 'new' } })).status).toBe(200);
    });
    expect(terms).toEqual([2]);
    expect((await f.http(second, 'GET', '/v1/sys/key-status')).body.data.term).toBe(2);

    // Rekey on the new active with the old shares, sent through the other standby (forwarded).
    const other = inState(f.cluster, 'standby')[0] ?? second;
    const started = await f.http(other, 'PUT', '/v1/sys/rekey/init', { secret_shares: 3, secret_threshold: 2 });
    expect(started.status).toBe(200);
    const nonce = started.body.nonce as string;
    let done: { status: number; body: any } | undefined;
    for (const key of f.init.keys.slice(0, 3)) done = await f.http(other, 'PUT', '/v1/sys/rekey/update', { key, nonce });
    expect(done?.body).toMatchObject({ complete: true, nonce });
    const newKeys = done!.body.keys as string[];
    expect(newKeys).toHaveLength(3);

    // The killed node comes back sealed with the new configuration; the old shares open nothing.
    await f.cluster.restart(first);
    expect((await f.http(first, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ sealed: true, t: 2, n: 3 });
    await f.http(first, 'PUT', '/v1/sys/unseal', { key: f.init.keys[0] });
    const refused = await f.http(first, 'PUT', '/v1/sys/unseal', { key: f.init.keys[1] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatch(/^Unseal failed, invalid key/);
    expect(f.cluster.get(first).node.state).toBe('sealed');
    for (const key of newKeys.slice(0, 2)) await f.http(first, 'PUT', '/v1/sys/unseal', { key });
    await expect.poll(() => f.cluster.get(first).node.state, { timeout: 2000 }).toBe('standby');

    // A standby that was up during the rekey, sealed now, takes the new shares at the new threshold.
    const third = f.cluster.nodes.map((n) => n.name).find((n) => n !== first && n !== f.cluster.active()!.name)!;
    f.cluster.seal(third);
    expect((await f.http(third, 'PUT', '/v1/sys/unseal', { key: newKeys[2] })).body).toMatchObject({
      sealed: true,
      t: 2,
      n: 3,
      progress: 1,
    });
    await f.http(third, 'PUT', '/v1/sys/unseal', { key: newKeys[0] });
    await expect.poll(() => f.cluster.get(third).node.state, { timeout: 2000 }).toBe('standby');

    // Generate-root, too, is the active's: a standby forwards it, and the threshold is the new one.
    const gr = await f.http(first, 'GET', '/v1/sys/generate-root/attempt');
    expect(gr).toMatchObject({ status: 200, body: { started: false, required: 2, otp_length: 28 } });

    await writer.stop();
    const active = f.cluster.active()!.name;
    for (const key of writer.acked) {
      const res = await f.http(active, 'GET', `/v1/secret/data/${key}`);
      expect(res.status, key).toBe(200);
    }
    expect((await f.http(active, 'GET', '/v1/secret/data/before-rotate')).body.data.data).toEqual({ v: 'old' });
    // The restarted standby, unsealed with the new shares, serves (through the active) values of both terms.
    expect((await f.http(first, 'GET', '/v1/secret/data/after-failover')).body.data.data).toEqual({ v: 'new' });
  });

  it('a rekey or root generation lives on its active only: a step-down ends both, the new active has none', async () => {
    fx = await startCluster();
    const f = fx;
    const old = f.cluster.active()!.name;
    const gr = await f.http(old, 'PUT', '/v1/sys/generate-root/attempt', { otp: 'abcdefghijklmnopqrstuvwxyz01' });
    expect(gr.body.started).toBe(true);
    await f.http(old, 'PUT', '/v1/sys/generate-root/update', { key: f.init.keys[0], nonce: gr.body.nonce });
    expect((await f.http(old, 'PUT', '/v1/sys/rekey/init', { secret_shares: 1, secret_threshold: 1 })).status).toBe(200);
    expect((await f.http(old, 'PUT', '/v1/sys/step-down')).status).toBe(204);
    await expect.poll(() => f.cluster.active()?.name, { timeout: 5000, interval: 10 }).not.toBe(old);
    await expect.poll(() => f.cluster.active()?.name, { timeout: 5000, interval: 10 }).toBeDefined();
    const now = f.cluster.active()!.name;
    expect((await f.http(now, 'GET', '/v1/sys/generate-root/attempt')).body).toMatchObject({ started: false, progress: 0, nonce: '' });
    expect((await f.http(old, 'GET', '/v1/sys/rekey/init')).body).toMatchObject({ started: false, nonce: '' });
    // The old active, now a standby, forwards an update: the new active knows no such attempt.
    const upd = await f.http(old, 'PUT', '/v1/sys/generate-root/update', { key: f.init.keys[1], nonce: gr.body.nonce });
    expect(upd).toMatchObject({ status: 400, body: { errors: ['no root generation in progress'] } });
  });
});
