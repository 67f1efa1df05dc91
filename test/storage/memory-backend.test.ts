/** The Backend and HABackend contracts and the model test on the in-memory backend. */
import { describe, expect, it } from 'vitest';
import { createBackend, isHABackend, MemoryBackend } from '../../src/storage/index.ts';
import { backendModelSuite } from './backend-model.suite.ts';
import { backendSuite } from './backend.suite.ts';
import { haBackendSuite } from './ha-backend.suite.ts';

const fresh = async () => {
  const backend = await createBackend('memory');
  return { backend, dispose: () => backend.close() };
};

backendSuite('memory', fresh);
backendModelSuite('memory', fresh);
haBackendSuite('memory', async (clock) => {
  const backend = await createBackend('memory', { clock });
  return { backend, dispose: () => backend.close() };
});

describe('MemoryBackend', () => {
  it('is an HABackend built by the factory', async () => {
    const backend = await createBackend('memory');
    expect(backend).toBeInstanceOf(MemoryBackend);
    expect(isHABackend(backend)).toBe(true);
    await backend.close();
  });

  it('refuses calls before open()', async () => {
    const backend = new MemoryBackend();
    await expect(backend.get('a')).rejects.toMatchObject({ code: 'STORAGE_CLOSED' });
    await backend.open();
    expect(await backend.get('a')).toBeUndefined();
    await backend.close();
  });

  it('starts empty every time: nothing outlives the process', async () => {
    const first = await MemoryBackend.open();
    await first.put('a', new Uint8Array([1]));
    await first.close();
    const second = await MemoryBackend.open();
    expect(await second.list('')).toEqual([]);
    await second.close();
  });

  it('refuses an unknown kind from the factory', async () => {
    await expect(createBackend('etcd' as 'memory')).rejects.toThrow(/unknown storage backend "etcd"/);
  });
});
