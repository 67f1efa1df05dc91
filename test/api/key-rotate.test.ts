/**
 * sys/rotate and sys/key-status on one node: a rotation adds a keyring term that every new
 * write is sealed under, while values written before stay readable; rotate needs sudo,
 * key-status only read; bad methods and refused callers change nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { call, createToken, initAndUnseal, makeNode, type NodeFixture } from '../helpers/node-fixture.ts';
import { dumpBackend, storageDigest } from '../helpers/storage-dump.ts';

let fx: NodeFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function termOf(raw: Uint8Array): number {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0);
}

/** The keyring terms the stored (sealed) value of `key` in the KV v1 mount carries. */
async function storedTermsOf(f: NodeFixture, key: string): Promise<number[]> {
  const dump = await dumpBackend(f.backend);
  return [...dump.entries()].filter(([k]) => k.startsWith('logical/') && k.endsWith(`/${key}`)).map(([, v]) => termOf(v));
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A node with a KV v1 mount at secret/ (sys/init makes none), initialized and unsealed. */
async function kvNode(): Promise<{ f: NodeFixture; init: Awaited<ReturnType<typeof initAndUnseal>> }> {
  const f = await makeNode();
  const init = await initAndUnseal(f.app);
  const m = await call(f.app, 'POST', '/v1/sys/mounts/secret', { token: init.root_token, body: { type: 'kv' } });
  if (m.status !== 204) throw new Error(`mount: ${m.status} ${m.text}`);
  return { f, init };
}

function envelope(data: Record<string, unknown>) {
  return {
    request_id: expect.any(String),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: 'system',
    ...data,
  };
}

describe('sys/key-status', () => {
  it("answers term 1 after init, in data and at the top level (Vault's injectDataIntoTopRoutes)", async () => {
    fx = await makeNode();
    const { root_token } = await initAndUnseal(fx.app);
    const res = await call(fx.app, 'GET', '/v1/sys/key-status', { token: root_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(envelope({ term: 1, install_time: expect.stringMatching(RFC3339), encryptions: expect.any(Number) }));
    expect(res.body.install_time).toBe(res.body.data.install_time);
  });

  it('needs read on sys/key-status: a default-policy token is refused', async () => {
    fx = await makeNode();
    const { root_token } = await initAndUnseal(fx.app);
    const t = await createToken(fx.app, root_token, { policies: ['default'] });
    const res = await call(fx.app, 'GET', '/v1/sys/key-status', { token: t.client_token });
    expect(res).toMatchObject({ status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } });
  });
});

describe('sys/rotate', () => {
  it('adds a term: new writes are sealed under it, old values stay readable, key-status says so', async () => {
    const k = await kvNode();
    fx = k.f;
    const root_token = k.init.root_token;
    const w = (key: string, v: string) => call(fx!.app, 'POST', `/v1/secret/${key}`, { token: root_token, body: { v } });
    expect((await w('before', 'old')).status).toBe(204);
    expect(await storedTermsOf(fx, 'before')).toEqual([1]);

    const rot = await call(fx.app, 'PUT', '/v1/sys/rotate', { token: root_token });
    expect(rot.status).toBe(204);
    expect(rot.text).toBe('');
    const ks = await call(fx.app, 'GET', '/v1/sys/key-status', { token: root_token });
    expect(ks.body.data).toEqual({ term: 2, install_time: expect.stringMatching(RFC3339), encryptions: expect.any(Number) });

    expect((await w('after', 'new')).status).toBe(204);
    expect(await storedTermsOf(fx, 'after')).toEqual([2]);
    expect(await storedTermsOf(fx, 'before')).toEqual([1]);
    const old = await call(fx.app, 'GET', '/v1/secret/before', { token: root_token });
    expect(old.body.data).toEqual({ v: 'old' });

    expect((await call(fx.app, 'POST', '/v1/sys/rotate', { token: root_token })).status).toBe(204);
    expect((await call(fx.app, 'GET', '/v1/sys/key-status', { token: root_token })).body.data.term).toBe(3);
  });

  it('survives a seal and unseal: the stored keyring holds every term', async () => {
    const k = await kvNode();
    fx = k.f;
    const init = k.init;
    await call(fx.app, 'POST', '/v1/secret/a', { token: init.root_token, body: { v: 1 } });
    await call(fx.app, 'PUT', '/v1/sys/rotate', { token: init.root_token });
    await call(fx.app, 'POST', '/v1/secret/b', { token: init.root_token, body: { v: 2 } });
    expect((await call(fx.app, 'PUT', '/v1/sys/seal', { token: init.root_token })).status).toBe(204);
    for (const k of init.keys.slice(0, 3)) await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key: k } });
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
    ] as const) {
      expect((await call(fx.app, 'GET', `/v1/secret/${k}`, { token: init.root_token })).body.data).toEqual({ v });
    }
    expect((await call(fx.app, 'GET', '/v1/sys/key-status', { token: init.root_token })).body.data.term).toBe(2);
  });

  it('needs sudo: update without sudo, a GET, and no token are refused and change nothing', async () => {
    fx = await makeNode();
    const { root_token } = await initAndUnseal(fx.app);
    const pol = 'path "sys/rotate" { capabilities = ["update", "read"] }';
    expect((await call(fx.app, 'PUT', '/v1/sys/policy/rot', { token: root_token, body: { policy: pol } })).status).toBe(204);
    const t = await createToken(fx.app, root_token, { policies: ['rot'] });
    const before = await storageDigest(fx.backend);
    const cases: [string, string | undefined, number, string][] = [
      ['PUT', t.client_token, 403, '1 error occurred:\n\t* permission denied\n\n'],
      ['PUT', undefined, 403, 'permission denied'],
      ['GET', root_token, 405, 'unsupported operation'],
      ['DELETE', root_token, 405, 'unsupported operation'],
    ];
    for (const [method, token, status, msg] of cases) {
      const res = await call(fx.app, method, '/v1/sys/rotate', { token });
      expect({ method, status: res.status, body: res.body }).toEqual({ method, status, body: { errors: [msg] } });
    }
    expect(await storageDigest(fx.backend)).toBe(before);
    expect((await call(fx.app, 'GET', '/v1/sys/key-status', { token: root_token })).body.data.term).toBe(1);
  });
});
