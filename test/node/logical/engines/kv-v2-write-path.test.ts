/**
 * The KV v2 write path: the existence check's metadata read and path match serve the
 * handler too (one of each per write), yet a write that another write to the same key
 * overtook, or that outlived its node's term as the active, reads the metadata again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AesGcmBarrier } from '../../../../src/crypto/index.ts';
import { VaultNode } from '../../../../src/node/index.ts';
import { InjectedFaultError, MemoryBackend, type BatchOp, type WriteOptions } from '../../../../src/storage/index.ts';
import { dumpBackend } from '../../../helpers/storage-dump.ts';
import { KeyLocks } from '../../../../src/node/logical/key-locks.ts';
import type { EngineRequest } from '../../../../src/node/logical/engines/engine.ts';
import { checkExistence, routeRequest, type PathTable } from '../../../../src/node/logical/engines/path-table.ts';
import { kvNode, type KvNode } from './kv-fixture.ts';

let kv: KvNode | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await kv?.close();
  kv = undefined;
});

/** Counts the barrier reads of `metadata/<key>` of any mount. */
function countMetadataReads(key: string): { count: number } {
  const seen = { count: 0 };
  const original = AesGcmBarrier.prototype.get;
  vi.spyOn(AesGcmBarrier.prototype, 'get').mockImplementation(function (this: AesGcmBarrier, path: string) {
    if (path.endsWith(`/metadata/${key}`)) seen.count++;
    return original.call(this, path);
  });
  return seen;
}

const write = (k: KvNode, key: string, value: string) =>
  k.fx.node.handle({ operation: 'update', path: `secret/data/${key}`, data: { data: { value } }, token: k.root });

describe('a KV v2 write', () => {
  it('reads its key metadata once, for a new key and for an existing one', async () => {
    kv = await kvNode(2);
    const reads = countMetadataReads('w');
    await write(kv, 'w', 'one');
    expect(reads.count).toBe(1);
    await write(kv, 'w', 'two');
    expect(reads.count).toBe(2);
    const meta = await kv.req('GET', '/v1/secret/metadata/w');
    expect(meta.body.data.current_version).toBe(2);
  });

  it('reads its key metadata once on a metadata/ write too', async () => {
    const k = (kv = await kvNode(2));
    await write(k, 'm', 'one');
    const reads = countMetadataReads('m');
    expect((await k.req('POST', '/v1/secret/metadata/m', { max_versions: 3 })).status).toBe(204);
    expect(reads.count).toBe(1);
    const meta = await k.req('GET', '/v1/secret/metadata/m');
    expect(meta.body.data).toMatchObject({ max_versions: 3, current_version: 1 });
  });

  it('reads the metadata again when another write to the key ran after its existence check', async () => {
    kv = await kvNode(2);
    // Both existence checks find no key; the second write must still become version 2.
    const done = await Promise.all([write(kv, 'race', 'a'), write(kv, 'race', 'b'), write(kv, 'race', 'c')]);
    expect(done.map((d) => d.response?.data?.version).sort()).toEqual([1, 2, 3]);
    const meta = await kv.req('GET', '/v1/secret/metadata/race');
    expect(meta.body.data.current_version).toBe(3);
  });

  it('reads the metadata again when its node moved out of (and back into) active after the existence check', async () => {
    const k = (kv = await kvNode(2));
    await write(k, 'moved', 'one');
    const reads = { count: 0 };
    // Stands for a step-down and a new term between the check and the handler: another active may have written.
    const activation = (k.fx.node as unknown as { activation: { changes: number } }).activation;
    const original = AesGcmBarrier.prototype.get;
    vi.spyOn(AesGcmBarrier.prototype, 'get').mockImplementation(function (this: AesGcmBarrier, path: string) {
      if (path.endsWith('/metadata/moved')) {
        reads.count++;
        activation.changes += 2;
      }
      return original.call(this, path);
    });
    await write(k, 'moved', 'two');
    expect(reads.count).toBe(2);
  });
});

/** A memory backend whose writes fail, once armed, from the first one that touches a key's metadata. */
async function metadataFailingNode() {
  const inner = await MemoryBackend.open();
  const state = { armed: false };
  const refuse = (keys: string[]) => state.armed && keys.some((k) => k.includes('/metadata/'));
  const fault = () => Promise.reject(new InjectedFaultError());
  const backend = Object.assign(Object.create(inner) as MemoryBackend, {
    put: (key: string, value: Uint8Array, opts?: WriteOptions) => (refuse([key]) ? fault() : inner.put(key, value, opts)),
    delete: (key: string, opts?: WriteOptions) => (refuse([key]) ? fault() : inner.delete(key, opts)),
    batch: (ops: readonly BatchOp[], opts?: WriteOptions) => (refuse(ops.map((o) => o.key)) ? fault() : inner.batch(ops, opts)),
  });
  const node = await VaultNode.create({
    name: 'n',
    backend,
    storageType: 'inmem',
    apiAddr: 'http://127.0.0.1:1',
    clusterAddr: 'http://127.0.0.1:2',
  });
  const init = await node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await node.unseal({ key: init.keys[0] });
  const close = async () => (node.close(), await inner.close());
  return { node, inner, state, token: init.rootToken, close };
}

type FailingNode = Awaited<ReturnType<typeof metadataFailingNode>>;

/** Runs `fn` on a fresh metadataFailingNode and closes the node after. */
async function onFailingNode(fn: (n: FailingNode) => Promise<void>): Promise<void> {
  const n = await metadataFailingNode();
  try {
    await fn(n);
  } finally {
    await n.close();
  }
}

/** Sends `op` on `path` while storage refuses every write that touches a key's metadata: it must fail. */
async function refusedWhileArmed(n: FailingNode, operation: 'update' | 'delete', path: string, data: Record<string, unknown> = {}) {
  n.state.armed = true;
  await expect(n.node.handle({ operation, path, data, token: n.token })).rejects.toThrow();
  n.state.armed = false;
}

const versionKeys = async (n: FailingNode) => [...(await dumpBackend(n.inner)).keys()].filter((k) => k.includes('/versions/'));

describe('a KV v2 write that storage fails', () => {
  it('leaves none of itself behind: no version data that no metadata names', () =>
    onFailingNode(async (n) => {
      await n.node.handle({ operation: 'update', path: 'secret/data/f', data: { data: { v: 1 } }, token: n.token });
      const before = await versionKeys(n);
      await refusedWhileArmed(n, 'update', 'secret/data/f', { data: { v: 2 } });
      const after = await versionKeys(n);
      expect(after).toEqual(before);
      const read = await n.node.handle({ operation: 'read', path: 'secret/data/f', data: {}, token: n.token });
      expect(read.response?.data).toMatchObject({ data: { v: 1 }, metadata: { version: 1 } });
    }));
});

describe('a KV v2 metadata delete that storage fails', () => {
  it('deletes nothing: every version and the metadata stay, and the secret still reads', () =>
    onFailingNode(async (n) => {
      for (const v of [1, 2]) await n.node.handle({ operation: 'update', path: 'secret/data/d', data: { data: { v } }, token: n.token });
      const before = [...(await dumpBackend(n.inner)).keys()];
      await refusedWhileArmed(n, 'delete', 'secret/metadata/d');
      expect([...(await dumpBackend(n.inner)).keys()]).toEqual(before);
      const read = await n.node.handle({ operation: 'read', path: 'secret/data/d', data: {}, token: n.token });
      expect(read.response?.data).toMatchObject({ data: { v: 2 }, metadata: { version: 2 } });
    }));
});

describe("a KV v2 mount's config, missing until written", () => {
  it('is read again once this node writes it: the next write follows it', async () => {
    const k = (kv = await kvNode(2));
    await write(k, 'c', 'one'); // the write finds no config (now cached as missing)
    expect((await k.req('POST', '/v1/secret/config', { cas_required: true })).status).toBe(204);
    const refused = await write(k, 'c', 'two').catch((e: Error) => e);
    expect(refused).toMatchObject({ message: expect.stringContaining('check-and-set parameter required') });
  });
});

describe('KeyLocks stamps', () => {
  it('tell a holder whether another holder ran since the stamp, even once the key was forgotten', async () => {
    const locks = new KeyLocks();
    const stamp = locks.stamp('a')!;
    expect(await locks.with('a', async () => locks.unchangedSince('a', stamp))).toBe(true);
    expect(await locks.with('a', async () => locks.unchangedSince('a', stamp))).toBe(false);
    const fresh = locks.stamp('b')!;
    for (let i = 0; i < 10_001; i++) await locks.with(`other${i}`, async () => undefined);
    expect(await locks.with('b', async () => locks.unchangedSince('b', fresh))).toBe(false);
  });

  it('give no stamp while the key is held', async () => {
    const locks = new KeyLocks();
    await locks.with('a', async () => expect(locks.stamp('a')).toBeUndefined());
  });
});

describe('routeRequest after checkExistence', () => {
  it('matches the path once: the handler is served from the existence check match', async () => {
    const pattern = /^items\/(?<name>[^/]+)$/;
    const exec = vi.spyOn(pattern, 'exec');
    const table: PathTable = {
      paths: [{ pattern, operations: { update: async (_r, { name }) => ({ data: { name } }) }, exists: async () => true }],
      unsupported: () => new Error('unsupported'),
      unmatched: () => new Error('unmatched'),
    };
    const req = { operation: 'update', path: 'items/a', data: {} } as unknown as EngineRequest;
    expect(await checkExistence(table, req)).toBe(true);
    expect(await routeRequest(table, req)).toEqual({ data: { name: 'a' } });
    expect(exec).toHaveBeenCalledTimes(1);
  });

  it('matches again when the request names another path than the one checked', async () => {
    const table: PathTable = {
      paths: [{ pattern: /^items\/(?<name>[^/]+)$/, operations: { update: async (_r, { name }) => ({ data: { name } }) } }],
      unsupported: () => new Error('unsupported'),
      unmatched: () => new Error('unmatched'),
    };
    const req = { operation: 'update', path: 'items/a', data: {} } as unknown as EngineRequest;
    await checkExistence(table, req);
    expect(await routeRequest(table, { ...req, path: 'items/b' })).toEqual({ data: { name: 'b' } });
  });
});
