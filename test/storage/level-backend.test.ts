/** The Backend and HABackend contracts and the model test on LevelDB, each in a fresh directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackend, LevelBackend, type AbstractBackend } from '../../src/storage/index.ts';
import { backendModelSuite } from './backend-model.suite.ts';
import { backendSuite } from './backend.suite.ts';
import { haBackendSuite } from './ha-backend.suite.ts';
import { haRealtimeSuite } from './ha-realtime.suite.ts';

let root = '';
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vaultlab-level-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A new directory under the suite's temp root (removed with it). */
const dir = () => join(root, String(n++));

const fresh = async () => {
  const path = dir();
  const backend = await createBackend('level', { path });
  return { backend, dispose: async () => (await backend.close(), await rm(path, { recursive: true, force: true })) };
};

backendSuite('level', fresh);
backendModelSuite('level', fresh);
haBackendSuite('level', async (clock) => {
  const path = dir();
  let current: AbstractBackend = await createBackend('level', { path, clock });
  return {
    backend: current,
    reopen: async () => {
      await current.close();
      current = await createBackend('level', { path, clock });
      return current;
    },
    dispose: async () => (await current.close(), await rm(path, { recursive: true, force: true })),
  };
});

// The real-time suite's reference: the promises etcd must keep, kept by the embedded lock on the wall clock.
haRealtimeSuite('level', async () => {
  const path = dir();
  let current: AbstractBackend = await createBackend('level', { path });
  return {
    backend: current,
    reopen: async () => {
      await current.close();
      current = await createBackend('level', { path });
      return current;
    },
    dispose: async () => (await current.close(), await rm(path, { recursive: true, force: true })),
  };
});

describe('LevelBackend', () => {
  it('keeps data across a close and reopen of its directory, and creates missing parents', async () => {
    const path = join(dir(), 'nested', 'data');
    const first = await LevelBackend.open({ path });
    await first.put('sys/policy/p', new Uint8Array([1, 2, 3]));
    await first.close();
    const second = await LevelBackend.open({ path });
    expect(Array.from((await second.get('sys/policy/p'))!)).toEqual([1, 2, 3]);
    expect(await second.list('sys/')).toEqual(['policy/']);
    await second.close();
  });

  it('needs a path', async () => {
    await expect(createBackend('level')).rejects.toThrow(/path/);
  });

  it.each([true, false])('hands sync = %s to every LevelDB write, lock mirrors included', async (sync) => {
    // Every write reaches LevelDB as a batch (group commit), so that is where the option must be.
    const batch = vi.spyOn(Level.prototype, 'batch');
    try {
      const backend = await LevelBackend.open({ path: dir(), sync });
      expect(backend.sync).toBe(sync);
      await backend.put('a/b', new Uint8Array([1]));
      await backend.delete('a/b');
      await backend.lock('core/lock', 'v', { holder: 'h', ttlMs: 60_000 }).acquire(new AbortController().signal);
      await backend.close();
      const options = batch.mock.calls.map((c) => ((c as unknown[])[1] as { sync?: boolean } | undefined)?.sync);
      expect(options.length).toBeGreaterThanOrEqual(3);
      expect(new Set(options)).toEqual(new Set([sync]));
    } finally {
      batch.mockRestore();
    }
  });
});
