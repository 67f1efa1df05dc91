/**
 * Writing a server's key spaces before it is measured, through whichever node is active, a few
 * writes at a time. A write that fails (or an active that keeps stepping down) fails the
 * preload with the key, the key space and the cause, so the run stops and says why.
 */
import type { Cluster } from '../src/lab/index.ts';
import { onActive } from './active-node.ts';
import type { KeySpace } from './key-spaces.ts';

/** Writes in flight at once: enough to overlap storage, few enough not to starve the lock's renewals. */
const IN_FLIGHT = 8;

/** Writes every secret of every key space; rejects on the first failure with the key that failed. */
export async function preload(cluster: Cluster, token: string, spaces: readonly KeySpace[]): Promise<void> {
  for (const space of spaces) {
    const value = 'x'.repeat(space.bytes);
    let next = 0;
    const writer = async () => {
      while (next < space.count) {
        const path = `secret/data/${space.prefix}${next++}`;
        try {
          await onActive(cluster, (a) => a.node.handle({ operation: 'update', path, data: { data: { value } }, token }));
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new Error(`preloading ${path} (${space.count} secrets of ${space.bytes} B) failed: ${why}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, space.count) }, writer));
  }
}
