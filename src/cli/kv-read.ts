/**
 * The read `vault kv get` makes (kvReadRequest): a 404 that still carries a secret, as KV v2
 * answers a soft-deleted or destroyed version with its metadata, is printed, not "No value found".
 */
import { ApiError, type VaultClient } from './client.ts';
import { parseSecret, type Secret } from './secret-output.ts';

/** GETs a KV path: the Secret, undefined when there is nothing there, ApiError for other failures. */
export async function kvReadRequest(c: VaultClient, path: string): Promise<Secret | undefined> {
  try {
    return parseSecret((await c.call('GET', path)).body);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    const secret = parseSecret(e.body);
    return secret && (secret.warnings?.length || Object.keys(secret.data ?? {}).length) ? secret : undefined;
  }
}
