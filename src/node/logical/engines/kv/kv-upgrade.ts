/**
 * Tuning a KV v1 mount to options.version 2 upgrades it in place (upgrade.go): every
 * existing entry becomes version 1 of a v2 key, so nothing written before the upgrade
 * is lost from view. Vault adds that version with max_versions 1, which is why an
 * upgraded key reports oldest_version 1.
 */
import type { Storage } from '../../../../crypto/index.ts';
import { newMeta, rfc3339Nano, versionKey, writeMeta } from './kv-v2-store.ts';

/** Moves every KV v1 entry (under data/) of a mount's storage into KV v2's layout. */
export async function upgradeKvToV2(storage: Storage, nowMs: number, prefix = ''): Promise<void> {
  const now = rfc3339Nano(nowMs);
  for (const child of await storage.list(`data/${prefix}`)) {
    const key = prefix + child;
    if (child.endsWith('/')) {
      await upgradeKvToV2(storage, nowMs, key);
      continue;
    }
    const raw = await storage.get(`data/${key}`);
    if (!raw) continue;
    const meta = {
      ...newMeta(now),
      current_version: 1,
      oldest_version: 1,
      versions: { 1: { created_time: now, deletion_time: '', destroyed: false } },
    };
    await storage.put(versionKey(key, 1), raw);
    await writeMeta(storage, key, meta);
    await storage.delete(`data/${key}`);
  }
}
