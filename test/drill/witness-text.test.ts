/**
 * Witnesses a person can follow: times relative to the drill's start instead of epoch
 * milliseconds, and the KV key a client wrote instead of logical/<uuid>/versions/<hash>.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/drill/drills.ts';
import type { HistoryEvent } from '../../src/drill/history.ts';
import { keyNamer } from '../../src/drill/key-names.ts';
import { witnessLines } from '../../src/drill/witness-text.ts';

const MOUNT = 'logical/638fdcd5-ee1e-4fd8-bcec-009406f43689';
const sha = (k: string) => createHash('sha256').update(k).digest('hex');

describe('key names', () => {
  it('names version, metadata and config paths as the user knows them, and leaves unknown hashes alone', () => {
    const name = keyNamer(['k0', 'k1']);
    expect(name(`a write to ${MOUNT}/versions/${sha('k1')}/131 from term 1`)).toBe('a write to secret/k1 (version 131) from term 1');
    expect(name(`${MOUNT}/metadata/k0`)).toBe('secret/k0 (metadata)');
    expect(name(`${MOUNT}/config`)).toBe("the secret/ mount's config");
    const unknown = `${MOUNT}/versions/${sha('other')}/1`;
    expect(name(unknown)).toBe(unknown);
  });
});

describe('witness lines', () => {
  it('use relative seconds, node names for terms, and key names', () => {
    const t0 = 1_767_225_600_000;
    const events: HistoryEvent[] = [
      { t: t0, kind: 'lock', node: 'node1', event: 'acquired', term: 1 },
      { t: t0 + 1672.7637, kind: 'lock', node: 'node2', event: 'acquired', term: 2 },
      { t: t0 + 3530.2334, kind: 'storageWrite', key: `${MOUNT}/versions/${sha('k0')}/131`, term: 1 },
      { t: t0 + 3600, kind: 'invoke', op: 7, client: 3, node: 'node2', term: 2, type: 'put', key: 'k0', value: 'c3-17' },
      { t: t0 + 3610, kind: 'fail', op: 7, status: 'STORAGE_FENCED', error: 'fenced' },
    ];
    expect(witnessLines(events, { start: t0, keys: 1 })).toEqual([
      '  0.00 s  node1 took the lock (term 1)',
      '  1.67 s  node2 took the lock (term 2)',
      "  3.53 s  storage accepted node1's term-1 write to secret/k0 (version 131)",
      '  3.60 s  client 3 sent put k0 = c3-17 to node2 (term 2)',
      "  3.61 s  client 3's put k0 = c3-17: refused (fenced)",
    ]);
  });

  it('are what the expected split brain drill prints, with no epoch times and no storage paths', async () => {
    const r = await runScenario('zombie-leader-unfenced', { seed: 1 });
    const lines = r.witnessText ?? [];
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l).toMatch(/^\s*\d+\.\d\d s {2}\S/);
    const text = lines.join('\n');
    expect(text).not.toMatch(/\d{13}|logical\//);
    expect(text).toMatch(/storage accepted node1's term-1 write to secret\/k0 \((version \d+|metadata)\)/);
    expect(r.summary).not.toContain('logical/');
    expect(r.summary).toMatch(/secret\/k0/);
  });
});
