/**
 * The read `vault kv get` makes (kvReadRequest): a 404 that still carries a secret, as KV v2
 * answers a soft-deleted or destroyed version with its metadata, is printed, not "No value found".
 * VaultClient turns every status >= 400 into an ApiError without the body, so this GET goes out
 * on its own agent, configured as VaultClient's (one redirect unless VAULT_DISABLE_REDIRECTS).
 */
import { Agent, interceptors, request } from 'undici';
import { ApiError, ConnectError, type VaultClient } from './client.ts';
import { parseSecret, type Secret } from './secret-output.ts';

function parseBody(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** GETs a KV path: the Secret, undefined when there is nothing there, ApiError for other failures. */
export async function kvReadRequest(c: VaultClient, path: string): Promise<Secret | undefined> {
  const agent = process.env.VAULT_DISABLE_REDIRECTS ? new Agent() : new Agent().compose(interceptors.redirect({ maxRedirections: 1 }));
  const url = `${c.address}/v1/${path.replace(/^\/+/, '')}`;
  const headers: Record<string, string> = { 'x-vault-request': 'true' };
  if (c.token) headers['x-vault-token'] = c.token;
  try {
    const res = await request(url, { method: 'GET', headers, dispatcher: agent }).catch((e: Error) => {
      throw new ConnectError(`Error: ${e.message} (${c.address})`);
    });
    const body = parseBody(await res.body.text());
    if (res.statusCode === 404) {
      const secret = parseSecret(body);
      return secret && (secret.warnings?.length || Object.keys(secret.data ?? {}).length) ? secret : undefined;
    }
    if (res.statusCode >= 400) throw new ApiError('GET', url, res.statusCode, body?.errors ?? []);
    return parseSecret(body);
  } finally {
    await agent.close();
  }
}
