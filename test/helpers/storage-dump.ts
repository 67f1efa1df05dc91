/** Walks a whole backend through its public list(), for digests and leak scans. */
import { createHash } from 'node:crypto';
import type { Backend } from '../../src/storage/index.ts';

/** Every key and value in the backend. */
export async function dumpBackend(backend: Backend, prefix = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const child of await backend.list(prefix)) {
    const key = prefix + child;
    if (child.endsWith('/')) {
      for (const [k, v] of await dumpBackend(backend, key)) out.set(k, v);
    } else {
      const v = await backend.get(key);
      if (v) out.set(key, v);
    }
  }
  return out;
}

/** A digest of every key and value: equal digests mean nothing changed. */
export async function storageDigest(backend: Backend): Promise<string> {
  const h = createHash('sha256');
  const dump = await dumpBackend(backend);
  for (const k of [...dump.keys()].sort()) {
    h.update(k);
    h.update(dump.get(k)!);
  }
  return h.digest('hex');
}
