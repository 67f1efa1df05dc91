/**
 * The lab's keys: a fresh init writes them to init.json; storage that outlived a run is
 * unsealed with the keys init.json kept. The one rule: keys of storage that still exists
 * are never overwritten. A memory lab's storage dies with its process, so its keys go to
 * init.json only when the home holds none (another lab's keys there are refused, not
 * replaced), and leave with it: one place for the root token keeps `vaultlab env` and the
 * token lookup simple, and a level lab's keys are never at risk.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster.ts';
import { DATA_DIR, KEYS_FILE, readLabKeys, writePrivate, type LabKeys } from './lab-files.ts';

/** Refuses, before any storage opens, a memory lab in a home whose init.json belongs to other storage. */
export function checkKeysFree(home: string, storage: 'level' | 'memory'): void {
  if (storage !== 'memory' || !existsSync(join(home, KEYS_FILE))) return;
  throw new Error(
    `${join(home, KEYS_FILE)} holds the keys of the level lab in ${join(home, DATA_DIR)}: a memory lab would overwrite them, and that data could never be unsealed again. Run the memory lab in another home (VAULTLAB_HOME=...), or remove the old lab with "vaultlab reset"`,
  );
}

/** The lab's keys: a fresh init's (saved to init.json), or those init.json kept for storage that outlived a run. */
export async function labKeysFor(cluster: Cluster, home: string, storage: string): Promise<LabKeys> {
  const file = join(home, KEYS_FILE);
  if (!cluster.nodes[0].node.initialized) {
    if (existsSync(file))
      throw new Error(
        `storage in ${join(home, DATA_DIR)} is not initialized, but ${file} holds keys: they belong to storage that is not here, and are kept. Remove the old lab with "vaultlab reset" to start afresh`,
      );
    const res = await cluster.init(5, 3);
    const keys = { keys: res.keys, keys_base64: res.keysBase64, root_token: res.rootToken };
    writePrivate(file, `${JSON.stringify(keys, null, 2)}\n`);
    return keys;
  }
  const kept = storage === 'level' ? readLabKeys(home) : undefined;
  if (!kept)
    throw new Error(
      `storage in ${join(home, DATA_DIR)} is initialized but ${file} is missing: remove ${home} ("vaultlab reset") to start afresh`,
    );
  return kept;
}

/** How one node fared in `unseal --all`. */
export interface UnsealOutcome {
  node: string;
  result: 'unsealed' | 'already unsealed' | 'down' | 'failed';
  error?: string;
}

/** Unseals every sealed node that is up, each on its own: one node's failure stops no other. */
export async function unsealEach(cluster: Cluster, keys: string[]): Promise<UnsealOutcome[]> {
  const outcomes: UnsealOutcome[] = [];
  for (const n of cluster.nodes) {
    if (!n.up) outcomes.push({ node: n.name, result: 'down' });
    else if (n.node.state === 'active' || n.node.state === 'standby') outcomes.push({ node: n.name, result: 'already unsealed' });
    else {
      try {
        await cluster.unseal(n.name, keys);
        outcomes.push(
          n.node.state === 'sealed' ? { node: n.name, result: 'failed', error: 'still sealed' } : { node: n.name, result: 'unsealed' },
        );
      } catch (e) {
        outcomes.push({ node: n.name, result: 'failed', error: (e as Error).message });
      }
    }
  }
  return outcomes;
}
