/**
 * Following a node's event log as the node appends to it: whole lines only (a line still being
 * written waits, a character split across two writes stays whole), nothing twice, a log that
 * is not there yet reads as empty, and a log removed and begun again is read from its start.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventLogTail } from '../../src/lab/processes/event-log-tail.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlab-tail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (key: string, t = 1) => `${JSON.stringify({ t, kind: 'storageWrite', node: 'node1', key })}\n`;

describe('EventLogTail', () => {
  it('reads each whole line once, keeps a half-written one for the next read, and skips what is not JSON', () => {
    const file = join(dir, 'a.jsonl');
    const tail = new EventLogTail(file);
    expect(tail.read()).toEqual([]);
    const third = line('c');
    writeFileSync(file, line('a') + 'not json\n' + line('b') + third.slice(0, 10));
    expect(tail.read().map((e) => (e as { key: string }).key)).toEqual(['a', 'b']);
    expect(tail.read()).toEqual([]);
    appendFileSync(file, third.slice(10));
    expect(tail.read().map((e) => (e as { key: string }).key)).toEqual(['c']);
  });

  it('keeps a character split across two writes whole', () => {
    const file = join(dir, 'b.jsonl');
    const tail = new EventLogTail(file);
    const bytes = Buffer.from(line('kv/ключ'), 'utf8');
    const cut = bytes.indexOf(Buffer.from('ч', 'utf8')) + 1;
    writeFileSync(file, bytes.subarray(0, cut));
    expect(tail.read()).toEqual([]);
    appendFileSync(file, bytes.subarray(cut));
    expect(tail.read()).toEqual([{ t: 1, kind: 'storageWrite', node: 'node1', key: 'kv/ключ' }]);
  });

  it('reads a log that was removed and begun again from its start', () => {
    const file = join(dir, 'c.jsonl');
    const tail = new EventLogTail(file);
    writeFileSync(file, line('old-1') + line('old-2'));
    expect(tail.read()).toHaveLength(2);
    rmSync(file);
    expect(tail.read()).toEqual([]);
    writeFileSync(file, line('new'));
    expect(tail.read().map((e) => (e as { key: string }).key)).toEqual(['new']);
  });
});
