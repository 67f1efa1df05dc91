/**
 * The shared base's own promises, checked with a backend whose writes can be held back:
 * writes to one key land in the order storage accepted them, whatever order the database
 * finishes them in, and close() waits for every queued write.
 */
import { describe, expect, it } from 'vitest';
import { settle } from '../../src/clock/index.ts';
import { MemoryBackend } from '../../src/storage/index.ts';

/** A MemoryBackend whose next write waits until the test lets it go (a slow thread-pool write). */
class HeldBackend extends MemoryBackend {
  private held: Promise<void> | undefined;

  /** Holds the next write back; returns the function that lets it go. */
  holdNextWrite(): () => void {
    let release!: () => void;
    this.held = new Promise((r) => (release = r));
    return release;
  }

  protected override async _put(key: string, value: Uint8Array): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await held;
    return super._put(key, value);
  }
}

/** An open HeldBackend. */
async function held(): Promise<HeldBackend> {
  const be = new HeldBackend();
  await be.open();
  return be;
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (u: Uint8Array | undefined) => (u === undefined ? undefined : new TextDecoder().decode(u));

describe('AbstractBackend', () => {
  it('lands writes to one key in the order they were accepted, even when the first one is slow', async () => {
    const be = await held();
    const release = be.holdNextWrite();
    const first = be.put('k', bytes('first'));
    const second = be.put('k', bytes('second'));
    const other = be.put('other', bytes('not held up'));
    await other;
    expect(text(await be.get('other'))).toBe('not held up');
    release();
    await Promise.all([first, second]);
    expect(text(await be.get('k'))).toBe('second');
    await be.close();
  });

  it('orders a delete after a slow put of the same key', async () => {
    const be = await held();
    const release = be.holdNextWrite();
    const put = be.put('k', bytes('v'));
    const del = be.delete('k');
    release();
    await Promise.all([put, del]);
    expect(await be.get('k')).toBeUndefined();
    await be.close();
  });

  it('waits for queued writes before it closes', async () => {
    const be = await held();
    const release = be.holdNextWrite();
    const write = be.put('k', bytes('v'));
    let closed = false;
    const closing = be.close().then(() => (closed = true));
    await settle();
    expect(closed).toBe(false);
    release();
    await Promise.all([write, closing]);
    expect(closed).toBe(true);
  });

  it('refuses a lock with a TTL that is not positive', async () => {
    const be = await MemoryBackend.open();
    for (const ttlMs of [0, -1, Number.NaN]) expect(() => be.lock('core/lock', 'v', { holder: 'h', ttlMs })).toThrow(RangeError);
    await be.close();
  });
});
