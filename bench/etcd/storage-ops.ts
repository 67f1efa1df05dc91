/**
 * Storage alone, without a node: fenced puts and gets of a 512-byte value (the size of a
 * barrier-sealed KV v2 entry) on memory, level and a three-member etcd, 16 calls in flight,
 * in µs per call. Each backend holds the lock, so every put carries its term as an active's do
 * (on etcd: a txn comparing the lock key's create revision).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBackend, createEtcdBackend, type HABackend } from '../../src/storage/index.ts';

/** The backends the bench compares. */
export type StorageKind = 'memory' | 'level' | 'etcd';

const IN_FLIGHT = 16;
const VALUE = new Uint8Array(512).fill(7);

/** Opens a fresh backend of `kind` (etcd: on `endpoints`, under a prefix of its own) and how to throw it away. */
export async function openBackend(
  kind: StorageKind,
  endpoints: readonly string[],
  run: number,
): Promise<{ be: HABackend; done: () => Promise<void> }> {
  if (kind === 'memory') {
    const be = await createBackend('memory');
    return { be, done: () => be.close() };
  }
  if (kind === 'level') {
    const dir = mkdtempSync(join(tmpdir(), 'vaultlab-bench-level-'));
    const be = await createBackend('level', { path: dir });
    return { be, done: async () => (await be.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const be = await createEtcdBackend({ endpoints, prefix: `/bench-${process.pid}-${run}/`, sync: false });
  return { be, done: () => be.close() };
}

/** µs per call of `ops` calls of `call`, IN_FLIGHT at a time. */
async function timed(ops: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ops) await call(next++);
    }),
  );
  return ((performance.now() - start) * 1000) / ops;
}

/** One repeat on one backend: µs per fenced put and per get. */
export async function storageOps(
  kind: StorageKind,
  endpoints: readonly string[],
  ops: number,
  run: number,
): Promise<{ put: number; get: number }> {
  const { be, done } = await openBackend(kind, endpoints, run);
  try {
    const grant = await be.lock('core/lock', 'bench', { holder: 'bench', ttlMs: 60_000 }).acquire(new AbortController().signal);
    const term = grant!.term;
    const put = await timed(ops, (i) => be.put(`logical/bench/k${i % 1024}`, VALUE, { term }));
    const get = await timed(ops, (i) => be.get(`logical/bench/k${i % 1024}`));
    return { put, get };
  } finally {
    await done();
  }
}
