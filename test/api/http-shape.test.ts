/** Vault's wire details over a real socket: headers, envelope, 204, the LIST method, 404/405 shapes. */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listener } from '../../src/api/index.ts';
import { makeNode, type NodeFixture } from '../helpers/node-fixture.ts';

let fx: NodeFixture;
let srv: Listener;
let root: string;

beforeAll(async () => {
  fx = await makeNode();
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion: 2 });
  await fx.node.unseal({ key: init.keys[0] });
  root = init.rootToken;
  srv = await listen(fx.app, '127.0.0.1', 0);
  for (const k of ['a', 'b', 'dir/c']) {
    await request(`${srv.url}/v1/secret/data/${k}`, {
      method: 'POST',
      headers: { 'x-vault-token': root },
      body: JSON.stringify({ data: { k } }),
    });
  }
});
afterAll(async () => {
  await srv.close();
  fx.node.close();
  await fx.backend.close();
});

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await request(`${srv.url}${path}`, { method: method as 'GET', headers: { 'x-vault-token': root, ...headers }, body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

describe('over a real socket', () => {
  it('answers a KV read in the envelope with exact headers and a trailing newline', async () => {
    const res = await send('GET', '/v1/secret/data/a');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text.endsWith('\n')).toBe(true);
    expect(Object.keys(res.json)).toEqual([
      'request_id',
      'lease_id',
      'renewable',
      'lease_duration',
      'data',
      'wrap_info',
      'warnings',
      'auth',
      'mount_type',
    ]);
    expect(res.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    });
    expect(res.json.data.data).toEqual({ k: 'a' });
    expect(res.json.data.metadata).toMatchObject({ version: 1, destroyed: false, deletion_time: '', custom_metadata: null });
  });

  it("accepts the LIST method (which Node's parser rejects) and ?list=true alike", async () => {
    const viaList = await send('LIST', '/v1/secret/metadata/');
    expect(viaList.status).toBe(200);
    expect(viaList.json.data.keys).toEqual(['a', 'b', 'dir/']);
    const viaQuery = await send('GET', '/v1/secret/metadata?list=1');
    expect(viaQuery.json.data.keys).toEqual(['a', 'b', 'dir/']);
    const nested = await send('LIST', '/v1/secret/metadata/dir');
    expect(nested.json.data.keys).toEqual(['c']);
  });

  it('keeps a keep-alive connection usable across LIST and POST requests with bodies', async () => {
    for (let i = 0; i < 5; i++) {
      const w = await send('POST', `/v1/secret/data/loop${i}`, JSON.stringify({ data: { i } }));
      expect(w.status).toBe(200);
      const l = await send('LIST', '/v1/secret/metadata/');
      expect(l.json.data.keys).toContain(`loop${i}`);
    }
  });

  it('passes a chunked body through the LIST shim untouched', async () => {
    const { Readable } = await import('node:stream');
    const body = Readable.from([Buffer.from('{"data":'), Buffer.from('{"chunked":"0\\r\\n\\r\\n"}}')]);
    const res = await request(`${srv.url}/v1/secret/data/chunky`, { method: 'POST', headers: { 'x-vault-token': root }, body });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect((await send('GET', '/v1/secret/data/chunky')).json.data.data).toEqual({ chunked: '0\r\n\r\n' });
  });

  it('answers a bare 404 outside /v1 and a 405 for an unknown method on /v1', async () => {
    const outside = await send('GET', '/nothing');
    expect(outside.status).toBe(404);
    expect(outside.json).toEqual({ errors: [] });
    expect(outside.headers['content-type']).toBe('application/json');
    const odd = await send('OPTIONS', '/v1/secret/data/a');
    expect([404, 405]).toContain(odd.status);
    expect(odd.json.errors).toBeInstanceOf(Array);
  });

  it('serves sys/health on HEAD with a status and no body', async () => {
    const res = await send('HEAD', '/v1/sys/health');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('applies every sys/health query override', async () => {
    expect((await send('GET', '/v1/sys/health?activecode=299')).status).toBe(299);
    const body = (await send('GET', '/v1/sys/health')).json;
    expect(body).toMatchObject({ initialized: true, sealed: false, standby: false, version: expect.any(String) });
    expect(body.cluster_name).toMatch(/^vault-cluster-/);
  });

  it('reports leader without HA as Vault does', async () => {
    expect((await send('GET', '/v1/sys/leader')).json).toEqual({
      ha_enabled: false,
      is_self: false,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: '',
      leader_cluster_address: '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
    });
  });
});

describe('relative paths over a real socket', () => {
  it.each(['/v1/secret/data/../../sys/mounts', '/v1/secret/data/%2e%2e/%2e%2e/sys/mounts', '/v1/secret/data/%2E%2E/x'])(
    'refuses %s with 400 before any ACL check',
    async (path) => {
      const { Client } = await import('undici');
      const client = new Client(srv.url);
      const res = await client.request({ method: 'GET', path, headers: { 'x-vault-token': root } });
      const body = (await res.body.json()) as { errors: string[] };
      await client.close();
      expect(res.statusCode).toBe(400);
      expect(body.errors).toEqual(['relative paths not supported']);
    },
  );
});
