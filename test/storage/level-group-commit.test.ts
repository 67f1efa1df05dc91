/**
 * Group commit on the level backend: the writes accepted in one turn of the event loop reach
 * LevelDB as one batch, none is acknowledged before that batch is written, a failed batch
 * fails every write in it, what was acknowledged is there after a reopen, and fencing still
 * judges each write on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.ts';
import { FencedWriteError, LevelBackend, type BatchOp, type LevelBackendOptions } from '../../src/storage/index.ts';
import { FullDiskLevelBackend } from './full-disk.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : new TextDecoder().decode(u));

/** A level backend that records each batch it hands LevelDB and can hold them back until released. */
class WatchedLevelBackend extends LevelBackend {
  readonly batches: string[][] = [];
  held: Promise<void> | undefined;

  protected override async dbBatch(ops: readonly BatchOp[], options: { sync: boolean }): Promise<void> {
    this.batches.push(ops.map((o) => `${o.type} ${o.key}`));
    if (this.held) await this.held;
    return super.dbBatch(ops, options);
  }

  static async create(opts: LevelBackendOptions): Promise<WatchedLevelBackend> {
    const b = new WatchedLevelBackend(opts);
    await b.open();
    return b;
  }
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'vaultlab-group-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Lets the event loop turn a few times (what an early acknowledgement would need to show). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('level group commit', () => {
  it('writes the puts, deletes and batches of one turn as one LevelDB batch, in the order accepted', async () => {
    const be = await WatchedLevelBackend.create({ path: await tempDir() });
    await be.put('gone', bytes('x'));
    be.batches.length = 0;
    await Promise.all([
      be.put('a', bytes('1')),
      be.delete('gone'),
      be.batch([
        { type: 'put', key: 'b', value: bytes('2') },
        { type: 'put', key: 'c', value: bytes('3') },
      ]),
    ]);
    expect(be.batches).toEqual([['put a', 'delete gone', 'put b', 'put c']]);
    expect([text(await be.get('a')), await be.get('gone'), text(await be.get('c'))]).toEqual(['1', undefined, '3']);
    await be.close();
  });

  it('acknowledges no write before its batch is written', async () => {
    const be = await WatchedLevelBackend.create({ path: await tempDir() });
    let release!: () => void;
    be.held = new Promise((r) => (release = r));
    const acknowledged: string[] = [];
    const writes = ['x', 'y', 'z'].map((k) => be.put(k, bytes(k)).then(() => acknowledged.push(k)));
    await turns();
    expect(be.batches).toHaveLength(1);
    expect(acknowledged).toEqual([]);
    release();
    await Promise.all(writes);
    expect(acknowledged.sort()).toEqual(['x', 'y', 'z']);
    await be.close();
  });

  it('groups the writes that arrive while a batch is being written into the next one', async () => {
    const be = await WatchedLevelBackend.create({ path: await tempDir() });
    let release!: () => void;
    be.held = new Promise((r) => (release = r));
    const first = be.put('one', bytes('1'));
    await turns();
    const later = [be.put('two', bytes('2')), be.put('three', bytes('3'))];
    await turns();
    expect(be.batches).toEqual([['put one']]);
    be.held = undefined;
    release();
    await Promise.all([first, ...later]);
    expect(be.batches).toEqual([['put one'], ['put two', 'put three']]);
    await be.close();
  });

  it('fails every write of a batch the database refuses, and writes none of them', async () => {
    const path = await tempDir();
    const be = await FullDiskLevelBackend.create({ path });
    be.disk.full = true;
    const results = await Promise.allSettled([be.put('p', bytes('1')), be.put('q', bytes('2')), be.delete('r')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'STORAGE_IO' });
    be.disk.full = false;
    expect(await be.get('p')).toBeUndefined();
    await be.close();
  });

  it('keeps every acknowledged write of a group across a reopen of the database', async () => {
    const path = await tempDir();
    const be = await LevelBackend.open({ path });
    await Promise.all(Array.from({ length: 50 }, (_, i) => be.put(`k/${i}`, bytes(`v${i}`))));
    await be.close();
    const again = await LevelBackend.open({ path });
    expect(await again.list('k/')).toHaveLength(50);
    expect(text(await again.get('k/49'))).toBe('v49');
    await again.close();
  });

  it('judges fencing for each write: a stale term in the same turn as a valid one is refused alone', async () => {
    const clock = new SimClock(0);
    const be = await WatchedLevelBackend.create({ path: await tempDir(), clock });
    const a = be.lock('core/lock', 'a', { holder: 'a', ttlMs: 1000 });
    const old = (await a.acquire(new AbortController().signal))!.term;
    await clock.advance(1000);
    const b = be.lock('core/lock', 'b', { holder: 'b', ttlMs: 1000 });
    const current = (await b.acquire(new AbortController().signal))!.term;
    be.batches.length = 0;
    const [stale, valid] = await Promise.allSettled([
      be.batch([{ type: 'put', key: 'data/x', value: bytes('stale') }], { term: old }),
      be.put('data/y', bytes('valid'), { term: current }),
    ]);
    expect(stale).toMatchObject({ status: 'rejected', reason: expect.any(FencedWriteError) });
    expect(valid.status).toBe('fulfilled');
    expect(be.batches).toEqual([['put data/y']]);
    expect(await be.get('data/x')).toBeUndefined();
    await be.close();
  });
});
