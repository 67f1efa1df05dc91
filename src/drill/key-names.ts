/**
 * Storage paths back to the names a user wrote. KV v2 keeps a version under a hash of its
 * key (`logical/<mount uuid>/versions/<sha256(key)>/<n>`) and its metadata under the key
 * itself, so a violation read from storage's stream names paths nobody typed. The drill
 * knows every key its clients use (k0, k1, ...), so it can hash them and name them back.
 */
import { createHash } from 'node:crypto';

/** The KV mount the drill clients write to. */
const MOUNT = 'secret';

const STORAGE_PATH = /logical\/[0-9a-f-]{36}\/(?:versions\/([0-9a-f]{64})\/(\d+)|metadata\/([\w.-]+)|([\w.-]+))/g;

/** The keys a drill with `keys` keys writes (its clients pick among k0..k(keys-1)). */
export function drillKeys(keys: number): string[] {
  return Array.from({ length: keys }, (_, i) => `k${i}`);
}

/** Names storage paths the way a user knows them: `secret/k0 (version 3)`, `secret/k0 (metadata)`. */
export function keyNamer(keys: readonly string[]): (text: string) => string {
  const byHash = new Map(keys.map((k) => [createHash('sha256').update(k).digest('hex'), k]));
  return (text) =>
    text.replace(STORAGE_PATH, (whole, hash?: string, version?: string, metaKey?: string, other?: string) => {
      if (hash !== undefined) {
        const key = byHash.get(hash);
        return key === undefined ? whole : `${MOUNT}/${key} (version ${version})`;
      }
      if (metaKey !== undefined) return `${MOUNT}/${metaKey} (metadata)`;
      return `the ${MOUNT}/ mount's ${other}`;
    });
}
