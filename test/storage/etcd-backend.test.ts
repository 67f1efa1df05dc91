/**
 * The Backend contract, the model test and the real-time HA contract on a real etcd, then
 * what only etcd shows: a zombie's write refused by etcd itself, the prefix as the only
 * place keys go, and an unreachable cluster as a clear error.
 */
import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { createEtcdBackend, FencedWriteError } from '../../src/storage/index.ts';
import { useEtcd } from '../helpers/etcd-fixture.ts';
import { backendModelSuite } from './backend-model.suite.ts';
import { backendSuite } from './backend.suite.ts';
import { haRealtimeSuite, REAL_TTL } from './ha-realtime.suite.ts';
import { bytes, never, text } from './ha-suite-kit.ts';

const etcd = useEtcd();

const fresh = async () => {
  const backend = await etcd.open();
  return { backend, dispose: () => backend.close() };
};

backendSuite('etcd', fresh);
backendModelSuite('etcd', fresh);
haRealtimeSuite('etcd', async () => {
  const prefix = etcd.freshPrefix();
  let current = await etcd.open({ prefix });
  const opened = [current];
  return {
    backend: current,
    reopen: async () => {
      await current.close();
      current = await etcd.open({ prefix });
      opened.push(current);
      return current;
    },
    dispose: async () => void (await Promise.all(opened.map((b) => b.close()))),
  };
});

describe('EtcdBackend', () => {
  it('refuses the write of a holder whose lease ran out while it was stopped, though nobody took the lock', async () => {
    const be = await etcd.open();
    try {
      const lock = be.lock('core/lock', 'A', { holder: 'a', ttlMs: REAL_TTL });
      const grant = (await lock.acquire(never()))!;
      await be.put('data/x', bytes('while held'), { term: grant.term });
      // The holder renews no more, as a SIGSTOPped process does; etcd expires the lease and deletes the key.
      await expect.poll(() => lock.value(), { timeout: 30 * REAL_TTL, interval: 100 }).toEqual({ held: false });
      const refused = await be.put('data/x', bytes('zombie'), { term: grant.term }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(FencedWriteError);
      expect(refused).toMatchObject({ term: grant.term, currentTerm: 0 });
      expect(text(await be.get('data/x'))).toBe('while held');
    } finally {
      await be.close();
    }
  }, 120_000);

  it('keeps every key under its prefix: another prefix sees none of them, and etcd holds the bytes as given', async () => {
    const prefix = etcd.freshPrefix();
    const a = await etcd.open({ prefix });
    const b = await etcd.open();
    const raw = new Etcd3({ hosts: etcd.endpoints() });
    try {
      await a.put('logical/m/k', new Uint8Array([0, 255, 1]));
      expect(await b.list('')).toEqual([]);
      expect(await raw.getAll().prefix(prefix).keys()).toEqual([`${prefix}logical/m/k`]);
      expect([...(await raw.get(`${prefix}logical/m/k`).buffer())!]).toEqual([0, 255, 1]);
    } finally {
      raw.close();
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('says which address it could not reach, within its timeouts', async () => {
    const err = await createEtcdBackend({
      endpoints: ['http://127.0.0.1:9'],
      dialTimeoutMs: 500,
      requestTimeoutMs: 1000,
      sync: false,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORAGE_IO' });
    expect((err as Error).message).toMatch(/^storage read failed: etcd at http:\/\/127\.0\.0\.1:9: /);
  }, 60_000);
});
