/**
 * A node's storage link: with no fault set a call goes straight to the shared backend (no
 * idle fault layer in between), and a fault set later applies to the very next call.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealClock, SimClock } from '../../src/clock/index.ts';
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

describe('StorageLink: a wait for the lock', () => {
  it('ends when the node is cut off: storage never grants the lock to a node that cannot hear the answer', async () => {
    const clock = new SimClock();
    backend = await MemoryBackend.open({ clock });
    const [holder, waiter] = [new StorageLink(backend, noFaults(), clock), new StorageLink(backend, noFaults(), clock)];
    const opts = (holder: string) => ({ holder, ttlMs: 1000 });
    expect(await holder.lock('core/lock', 'a', opts('a')).acquire(new AbortController().signal)).toBeDefined();
    const waiting = waiter.lock('core/lock', 'b', opts('b')).acquire(new AbortController().signal);
    const outcome = waiting.then(
      (grant) => ({ grant }),
      (err: unknown) => ({ err }),
    );
    await clock.advance(100);
    waiter.partitioned = true;
    // The holder stops renewing: its lease runs out, and the cut-off waiter must not take the lock.
    await clock.advance(2000);
    expect(await outcome).toEqual({ err: new InjectedFaultError('storage unreachable (partitioned)') });
    waiter.partitioned = false;
    const third = new StorageLink(backend, noFaults(), clock);
    expect(await third.lock('core/lock', 'c', opts('c')).acquire(new AbortController().signal)).toMatchObject({ term: 2 });
  });
});

describe('StorageLink with a wire (a lab with a topology)', () => {
  /** A put's settling time in virtual ms, with the clock advanced 1 ms at a time. */
  async function settlingTime(clock: SimClock, call: Promise<unknown>): Promise<number> {
    let done = false;
    void call.then(
      () => (done = true),
      () => (done = true),
    );
    const start = clock.now();
    await clock.advance(0);
    while (!done) await clock.advance(1);
    return clock.now() - start;
  }

  it('makes every call cross the wire both ways: a request and an answer, lock calls and failures included', async () => {
    backend = await MemoryBackend.open();
    const clock = new SimClock();
    const link = new StorageLink(backend, noFaults(), clock, { oneWayMs: () => 10 });
    expect(await settlingTime(clock, link.put('a', bytes('1')))).toBe(20);
    expect(await settlingTime(clock, link.get('a'))).toBe(20);
    const lock = link.lock('core/lock', 'v', { holder: 'h1', ttlMs: 10_000 });
    expect(await settlingTime(clock, lock.value())).toBe(20);
    link.partitioned = true;
    // A partitioned node fails at once, on its own side of the wire.
    expect(await settlingTime(clock, link.get('a'))).toBe(0);
    expect(await backend.get('a')).toEqual(bytes('1'));
  });

  it('is not there without a wire: the same put settles at once', async () => {
    backend = await MemoryBackend.open();
    const clock = new SimClock();
    const link = new StorageLink(backend, noFaults(), clock);
    expect(await settlingTime(clock, link.put('a', bytes('1')))).toBe(0);
  });
});
