/**
 * The seal configuration (shares, threshold), stored in the clear at core/seal-config as
 * Vault does: knowing how many shares exist reveals nothing about them.
 */
import type { Backend } from '../../storage/index.ts';
import { StorageKeys } from '../../storage/index.ts';

/** What `sys/init` was asked for. */
export interface SealConfig {
  type: 'shamir';
  secretShares: number;
  secretThreshold: number;
}

/** Reads the seal configuration, or undefined before init. */
export async function readSealConfig(backend: Backend): Promise<SealConfig | undefined> {
  const raw = await backend.get(StorageKeys.sealConfig);
  if (!raw) return undefined;
  const v = JSON.parse(new TextDecoder().decode(raw)) as { type: 'shamir'; secret_shares: number; secret_threshold: number };
  return { type: v.type, secretShares: v.secret_shares, secretThreshold: v.secret_threshold };
}

/** Writes the seal configuration (an unfenced write: init happens before any node is active). */
export async function writeSealConfig(backend: Backend, c: SealConfig): Promise<void> {
  const json = JSON.stringify({ type: c.type, secret_shares: c.secretShares, secret_threshold: c.secretThreshold });
  await backend.put(StorageKeys.sealConfig, new TextEncoder().encode(json));
}
