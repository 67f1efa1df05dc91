/**
 * Writing a server's key spaces before it is measured, through whichever node is active, a few
 * writes at a time; a transit key space is a mount and a key. A write that fails (or an active that keeps stepping down) fails the
 * preload with the key, the key space and the cause, so the run stops and says why.
 */
import type { Cluster } from '../src/lab/index.ts';
import { onActive } from './active-node.ts';
import type { KeySpace } from './key-spaces.ts';

/** Writes in flight at once: enough to overlap storage, few enough not to starve the lock's renewals. */
const IN_FLIGHT = 8;

/** Mounts transit/ (once) and creates the space's key, as `vault secrets enable transit` and `vault write -f transit/keys/<name>` would. */
async function preloadTransit(cluster: Cluster, token: string, space: KeySpace): Promise<void> {
  const mounts = await onActive(cluster, (a) => a.node.handle({ operation: 'read', path: 'sys/mounts', data: {}, token }));
  if (!mounts.response?.data?.['transit/'])
    await onActive(cluster, (a) => a.node.handle({ operation: 'update', path: 'sys/mounts/transit', data: { type: 'transit' }, token }));
  await onActive(cluster, (a) => a.node.handle({ operation: 'update', path: `transit/keys/${space.prefix}`, data: {}, token }));
}

/** Writes every secret of every key space (or creates its transit key); rejects on the first failure with the key that failed. */
export async function preload(cluster: Cluster, token: string, spaces: readonly KeySpace[]): Promise<void> {
  for (const space of spaces) {
    if (space.engine === 'transit') {
      try {
        await preloadTransit(cluster, token, space);
      } catch (e) {
        throw new Error(`preloading the transit key ${space.prefix} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      continue;
    }
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
