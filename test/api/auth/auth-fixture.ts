/** Shared by the auth-method tests: a KV node with userpass/approle, a scan of decrypted storage, and logins from an address. */
import { expect } from 'vitest';
import type { Storage } from '../../../src/crypto/index.ts';
import type { KvNode, Reply } from '../../node/logical/engines/kv-fixture.ts';

/** Every key under `prefix` in barrier storage, decrypted, as text. */
export async function decryptedStorage(storage: Storage, prefix = ''): Promise<string> {
  let out = '';
  for (const k of await storage.list(prefix)) {
    if (k.endsWith('/')) out += await decryptedStorage(storage, prefix + k);
    // The keyring and root key are not barrier entries (they cannot be read through it); everything else is.
    else if (!(prefix + k).startsWith('core/'))
      out += `${prefix + k}=${Buffer.from((await storage.get(prefix + k)) ?? []).toString('utf8')}\n`;
  }
  return out;
}

/** A request from a given client address (inject's remoteAddress), with an optional token. */
export async function from(n: KvNode, ip: string, method: string, url: string, body?: unknown, token?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['x-vault-token'] = token;
  const res = await n.fx.app.inject({
    method: method as 'POST',
    url,
    headers,
    payload: body === undefined ? undefined : JSON.stringify(body),
    remoteAddress: ip,
  });
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    parsed = res.body;
  }
  return { status: res.statusCode, body: parsed, headers: res.headers as Record<string, unknown>, text: res.body };
}

/** The auth block of a login, checked for Vault's shape, with the ids left as matchers. */
export function expectLogin(r: Reply, auth: Record<string, unknown>, mountType: string): void {
  expect(r.status).toBe(200);
  expect({ ...r.body, request_id: 'id' }).toEqual({
    request_id: 'id',
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: {
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.stringMatching(/^[A-Za-z0-9]{24}$/),
      entity_id: '',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
      renewable: true,
      ...auth,
    },
    mount_type: mountType,
  });
}
