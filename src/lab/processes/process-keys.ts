/**
 * A process lab's keys, by the same rule as an in-process lab's (lab-keys.ts): a fresh init
 * saves them to init.json, storage that outlived a run is unsealed with the keys init.json
 * kept, and kept keys are never overwritten. The init and the unseals go over the nodes' own
 * API, as `vault operator init` and `vault operator unseal` would.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KEYS_FILE, readLabKeys, writePrivate, type LabKeys } from '../lab-files.ts';
import type { UnsealOutcome } from '../lab-keys.ts';
import { nodeCall, nodeMust } from './node-http.ts';
import type { NodeProcess } from './node-process.ts';

/** The lab's keys: a fresh init's through `first`, or those init.json kept. */
export async function processLabKeys(first: NodeProcess, home: string): Promise<LabKeys> {
  const file = join(home, KEYS_FILE);
  const { initialized } = (await nodeMust(first.o.apiAddr, 'GET', 'sys/init')) as { initialized: boolean };
  if (!initialized) {
    if (existsSync(file))
      throw new Error(
        `the lab's storage is not initialized, but ${file} holds keys: they belong to storage that is not here, and are kept. Remove the old lab with "vaultlab reset" to start afresh`,
      );
    const res = (await nodeMust(first.o.apiAddr, 'PUT', 'sys/init', { body: { secret_shares: 5, secret_threshold: 3 } })) as {
      keys: string[];
      keys_base64: string[];
      root_token: string;
    };
    const keys = { keys: res.keys, keys_base64: res.keys_base64, root_token: res.root_token };
    writePrivate(file, `${JSON.stringify(keys, null, 2)}\n`);
    return keys;
  }
  const kept = readLabKeys(home);
  if (!kept) throw new Error(`the lab's storage is initialized but ${file} is missing: remove ${home} ("vaultlab reset") to start afresh`);
  return kept;
}

/** Unseals one node with the lab's keys; how it fared. */
export async function unsealProcess(n: NodeProcess, keys: readonly string[]): Promise<UnsealOutcome> {
  const node = n.o.name;
  if (n.state === 'stopped') return { node, result: 'down' };
  const status = await nodeCall(n.o.apiAddr, 'GET', 'sys/seal-status');
  if (!status) return { node, result: 'failed', error: 'no answer (paused?)' };
  if (status.body.sealed === false) return { node, result: 'already unsealed' };
  try {
    let sealed = true;
    for (const key of keys) {
      if (!sealed) break;
      sealed = ((await nodeMust(n.o.apiAddr, 'PUT', 'sys/unseal', { body: { key } })) as { sealed: boolean }).sealed;
    }
    return sealed ? { node, result: 'failed', error: 'still sealed' } : { node, result: 'unsealed' };
  } catch (e) {
    return { node, result: 'failed', error: (e as Error).message };
  }
}

/** Unseals every node that is up, each on its own: one node's failure stops no other. */
export function unsealProcesses(nodes: readonly NodeProcess[], keys: readonly string[]): Promise<UnsealOutcome[]> {
  return Promise.all(nodes.map((n) => unsealProcess(n, keys)));
}
