/**
 * A node's storage link: with no fault set a call goes straight to the shared backend (no
 * idle fault layer in between), and a fault set later applies to the very next call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealClock } from '../../src/clock/index.ts';
import { BackendDecorator, InjectedFaultError, MemoryBackend, noFaults, StorageLink } from '../../src/storage/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

let backend: MemoryBackend | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await backend?.close();
});

describe('StorageLink', () => {
  it('passes every call straight to the backend while no fault is set', async () => {
    backend = await MemoryBackend.open();
    const faults = noFaults();
    const link = new StorageLink(backend, faults, new RealClock());
    const layers = vi.spyOn(BackendDecorator.prototype, 'put');
    const batches = vi.spyOn(BackendDecorator.prototype, 'batch');
    const direct = vi.spyOn(backend, 'put');
    await link.put('a', bytes('1'));
    await link.batch([{ type: 'put', key: 'b', value: bytes('2') }]);
    expect(direct).toHaveBeenCalledTimes(1);
    expect(layers).not.toHaveBeenCalled();
    expect(batches).not.toHaveBeenCalled();
    expect(await link.list('')).toEqual(['a', 'b']);
  });

  it('applies a fault set after it was built to the next call, and goes direct again once healed', async () => {
    backend = await MemoryBackend.open();
    const faults = noFaults(() => 0);
    const link = new StorageLink(backend, faults, new RealClock());
    link.partitioned = true;
    await expect(link.put('a', bytes('1'))).rejects.toBeInstanceOf(InjectedFaultError);
    link.partitioned = false;
    faults.errorRate = 1;
    await expect(link.batch([{ type: 'put', key: 'a', value: bytes('1') }])).rejects.toBeInstanceOf(InjectedFaultError);
    await expect(link.get('a')).rejects.toBeInstanceOf(InjectedFaultError);
    faults.errorRate = 0;
    await link.put('a', bytes('1'));
    expect(await link.get('a')).toEqual(bytes('1'));
  });
});
