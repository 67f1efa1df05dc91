/**
 * The active node's read cache in the barrier: it serves what this node last read or wrote,
 * only while storage fences (then nobody else's write can land), never fills from a read a
 * write overlapped, hands out copies, and is zero-filled on seal.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { AesGcmBarrier, createAead } from '../../src/crypto/index.ts';
import { PlaintextCache } from '../../src/crypto/plaintext-cache.ts';
import { createBackend, type HABackend } from '../../src/storage/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (u: Uint8Array | undefined) => (u ? new TextDecoder().decode(u) : undefined);

let backend: HABackend;
let unsealKey: Uint8Array;

/** A barrier on `on` (default: the shared backend), unsealed; several may share one storage, as nodes do. */
async function barrier(on: HABackend = backend) {
  const b = new AesGcmBarrier({ backend: on, aead: createAead('node') });
  if (!(await b.initialized())) await b.initialize(unsealKey);
  await b.unseal(unsealKey);
  return b;
}

/** The shared backend, counting reads; with `hold` set, a get's answer is held back until `release()`. */
function counting(inner: HABackend) {
  const state = { reads: 0, hold: false, waiting: [] as Array<() => void> };
  const wrapped: HABackend = Object.assign(Object.create(inner) as HABackend, {
    async get(key: string) {
      state.reads++;
      const value = await inner.get(key);
      // Held after reading: the caller sees what storage held before anything that happens meanwhile.
      if (state.hold) await new Promise<void>((r) => state.waiting.push(r));
      return value;
    },
  });
  return { backend: wrapped, state, release: () => state.waiting.splice(0).forEach((r) => r()) };
}

beforeEach(async () => {
  backend = (await createBackend('memory')) as HABackend;
  unsealKey = new Uint8Array(randomBytes(32));
});

describe("the barrier's read cache", () => {
  it('serves repeated reads without storage while on, and reads storage again once off', async () => {
    const c = counting(backend);
    const b = await barrier(c.backend);
    await b.put('logical/a', enc('1'));
    b.cacheReads(true);
    c.state.reads = 0;
    expect(dec(await b.get('logical/a'))).toBe('1'); // first read fills the cache
    expect(dec(await b.get('logical/a'))).toBe('1');
    await b.put('logical/a', enc('2')); // a write updates it
    expect(dec(await b.get('logical/a'))).toBe('2');
    expect(c.state.reads).toBe(1);
    b.cacheReads(false);
    expect(dec(await b.get('logical/a'))).toBe('2');
    expect(c.state.reads).toBe(2);
  });

  it("is bypassed and wiped while storage does not fence, since another node's write could land", async () => {
    const mine = await barrier();
    const other = await barrier();
    mine.cacheReads(true);
    await mine.put('logical/k', enc('mine'));
    backend.setFencing(false);
    await other.put('logical/k', enc('theirs'));
    expect(dec(await mine.get('logical/k'))).toBe('theirs');
    backend.setFencing(true);
    expect(dec(await mine.get('logical/k'))).toBe('theirs'); // the cache came back empty, not stale
  });

  it('does not fill from a read that a write overlapped (it could put back the older value)', async () => {
    const c = counting(backend);
    const b = await barrier(c.backend);
    await b.put('logical/r', enc('old'));
    b.cacheReads(true);
    c.state.hold = true;
    const read = b.get('logical/r');
    await b.put('logical/r', enc('new'));
    c.state.hold = false;
    c.release();
    expect(dec(await read)).toBe('old'); // it read storage before the write landed
    expect(dec(await b.get('logical/r'))).toBe('new');
  });

  it('hands out copies, and forgets a value whose write failed', async () => {
    const b = await barrier();
    b.cacheReads(true);
    await b.put('logical/c', enc('abc'));
    const got = (await b.get('logical/c'))!;
    got.fill(0);
    expect(dec(await b.get('logical/c'))).toBe('abc');
    // A write from an older term is refused by fencing: the cache must not keep the value it tried to write.
    const lock = backend.lock('core/lock', 'x', { holder: 'x', ttlMs: 60_000 });
    await lock.acquire(new AbortController().signal);
    b.setWriteOptions({ term: 0 });
    await expect(b.put('logical/c', enc('stale'))).rejects.toThrow();
    expect(dec(await b.get('logical/c'))).toBe('abc');
  });

  it('is zero-filled on seal', () => {
    const cache = new PlaintextCache();
    cache.set('logical/s', enc('secret'));
    const held = (cache as unknown as { entries: Map<string, Uint8Array> }).entries.get('logical/s')!;
    cache.wipe();
    expect(held.every((x) => x === 0)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('is emptied when the barrier seals', async () => {
    const b = await barrier();
    b.cacheReads(true);
    await b.put('logical/z', enc('z'));
    const cache = (b as unknown as { cache?: PlaintextCache }).cache!;
    expect(cache.size).toBe(1);
    b.seal();
    expect(cache.size).toBe(0);
    expect((b as unknown as { cache?: PlaintextCache }).cache).toBeUndefined();
  });

  it('counts the reads it answered and missed, and keeps the counts when the node loses and regains the lock', async () => {
    const b = await barrier();
    await b.put('logical/h', enc('h'));
    expect(b.readCacheStats()).toEqual({ hits: 0, misses: 0 }); // off: no lookup at all
    b.cacheReads(true);
    await b.get('logical/h'); // miss, fills
    await b.get('logical/h'); // hit
    await b.get('logical/absent'); // miss: nothing stored
    expect(b.readCacheStats()).toEqual({ hits: 1, misses: 2 });
    b.cacheReads(false);
    await b.get('logical/h'); // off: not a lookup
    b.cacheReads(true);
    await b.get('logical/h'); // a fresh cache misses
    await b.get('logical/h');
    expect(b.readCacheStats()).toEqual({ hits: 2, misses: 3 });
  });

  it('shares no memory with the Buffers decryption hands it or the values it hands out: evicting or wiping zeroes only its own', () => {
    const cache = new PlaintextCache(1);
    // Buffers from the shared pool, as decryption and Buffer.from return them: slice() on these makes views, not copies.
    const given = Buffer.from('{"v":"given"}');
    const neighbour = Buffer.from('{"v":"neighbour"}');
    cache.set('logical/a', given);
    const read = cache.lookup('logical/a')!;
    cache.set('logical/b', Buffer.from('{"v":"b"}')); // evicts and zero-fills logical/a's entry
    expect(given.toString()).toBe('{"v":"given"}');
    expect(neighbour.toString()).toBe('{"v":"neighbour"}');
    expect(dec(read)).toBe('{"v":"given"}');
    const b = cache.lookup('logical/b')!;
    cache.wipe();
    expect(dec(b)).toBe('{"v":"b"}');
  });

  it('evicts the oldest entry past its limit, so a read of an evicted path misses', () => {
    const cache = new PlaintextCache(2);
    for (const p of ['a', 'b', 'c']) cache.set(p, enc(p));
    expect(cache.lookup('a')).toBeUndefined();
    expect(dec(cache.lookup('c')!)).toBe('c');
    expect(cache.stats()).toEqual({ hits: 1, misses: 1 });
  });
});

describe("the barrier's read cache of missing paths", () => {
  it('answers a path read as missing without storage, until this node writes or deletes it', async () => {
    const c = counting(backend);
    const b = await barrier(c.backend);
    b.cacheReads(true);
    c.state.reads = 0;
    expect(await b.get('logical/m/config')).toBeUndefined();
    expect(await b.get('logical/m/config')).toBeUndefined();
    expect(c.state.reads).toBe(1);
    await b.put('logical/m/config', enc('max 3'));
    expect(dec(await b.get('logical/m/config'))).toBe('max 3');
    await b.delete('logical/m/config');
    expect(await b.get('logical/m/config')).toBeUndefined();
    expect(c.state.reads).toBe(2);
  });

  it('is forgotten across a failover: what another active wrote meanwhile is read from storage', async () => {
    const a = await barrier();
    const other = await barrier();
    a.cacheReads(true); // a is the active and finds no config
    expect(await a.get('logical/m/config')).toBeUndefined();
    a.cacheReads(false); // a steps down; the other node becomes active and writes the config
    other.cacheReads(true);
    await other.put('logical/m/config', enc('cas required'));
    other.cacheReads(false);
    a.cacheReads(true); // a is the active again
    expect(dec(await a.get('logical/m/config'))).toBe('cas required');
  });

  it('is not cached from a read that a write overlapped', async () => {
    const c = counting(backend);
    const b = await barrier(c.backend);
    b.cacheReads(true);
    c.state.hold = true;
    const read = b.get('logical/m/config');
    await new Promise((r) => setImmediate(r));
    const write = b.put('logical/m/config', enc('new'));
    c.release();
    c.state.hold = false;
    expect(await read).toBeUndefined();
    await write;
    expect(dec(await b.get('logical/m/config'))).toBe('new');
  });

  it('tells a path known missing (null, no bytes handed out) from a path not cached (undefined)', () => {
    const cache = new PlaintextCache();
    cache.setAbsent('p');
    expect(cache.lookup('p')).toBeNull();
    expect(cache.lookup('q')).toBeUndefined();
  });
});
