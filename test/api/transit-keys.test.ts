/**
 * Transit's key management over HTTP: create (an upsert), read, list, rotate, config, delete
 * and export, with Vault's exact bodies and errors; every refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEnvelope, expectErrors, expectNoContent, kvNode, T0, type KvNode, type Reply } from '../node/logical/engines/kv-fixture.ts';

let n: KvNode;
const T0S = T0 / 1000;

beforeAll(async () => {
  n = await kvNode();
  expectNoContent(await n.req('POST', '/v1/sys/mounts/transit', { type: 'transit' }));
});
afterAll(() => n.close());

/** A key as Vault reads it (formatKeyPolicy for a symmetric type). */
function keyBody(name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    allow_plaintext_backup: false,
    auto_rotate_period: 0,
    deletion_allowed: false,
    derived: false,
    exportable: false,
    imported_key: false,
    keys: { '1': T0S },
    latest_version: 1,
    min_available_version: 0,
    min_decryption_version: 1,
    min_encryption_version: 0,
    name,
    supports_decryption: true,
    supports_derivation: true,
    supports_encryption: true,
    supports_signing: false,
    type: 'aes256-gcm96',
    ...over,
  };
}

const ok = (r: Reply, data: unknown, warnings?: string[]) => expectEnvelope(r, 200, data, { mountType: 'transit', warnings });

/** Runs each refused request and checks that storage is byte-for-byte what it was. */
async function refusedChangeNothing(cases: Array<[string, string, unknown, number, string[]]>): Promise<void> {
  const before = await n.digest();
  for (const [method, url, body, status, errors] of cases) expectErrors(await n.req(method, url, body), status, errors);
  expect(await n.digest()).toBe(before);
}

describe('transit keys', () => {
  it('creates a key with the default type, reads it, and answers a second create with a warning', async () => {
    ok(await n.req('POST', '/v1/transit/keys/app', {}), keyBody('app'));
    ok(await n.req('GET', '/v1/transit/keys/app'), keyBody('app'));
    ok(await n.req('POST', '/v1/transit/keys/app', { type: 'chacha20-poly1305', exportable: true }), keyBody('app'), [
      'key app already existed',
    ]);
    ok(await n.req('POST', '/v1/transit/keys/cc', { type: 'chacha20-poly1305' }), keyBody('cc', { type: 'chacha20-poly1305' }));
    ok(await n.req('GET', '/v1/transit/keys?list=true'), { keys: ['app', 'cc'] });
    expectErrors(await n.req('GET', '/v1/transit/keys/none'), 404, []);
  });

  it('refuses bad creates in Vault words, creating nothing', async () => {
    await refusedChangeNothing([
      ['POST', '/v1/transit/keys/x', { type: 'rsa-2048' }, 400, ['unknown key type rsa-2048']],
      ['POST', '/v1/transit/keys/x', { type: 'aes999' }, 400, ['unknown key type aes999']],
      ['POST', '/v1/transit/keys/x', { auto_rotate_period: '10m' }, 400, ['auto rotate period must be 0 to disable or at least an hour']],
      ['POST', '/v1/transit/keys/x', { convergent_encryption: true }, 400, ['convergent encryption requires derivation to be enabled']],
      ['POST', '/v1/transit/keys/x', { key_size: 64 }, 400, ['key_size is not valid for algorithm aes256-gcm96']],
      [
        'POST',
        '/v1/transit/keys/x',
        { exportable: 'maybe' },
        400,
        [
          'Field validation failed: error converting input maybe for field "exportable": cannot parse \'\' as bool: strconv.ParseBool: parsing "maybe": invalid syntax',
        ],
      ],
      ['POST', '/v1/transit/keys/x', { derived: true }, 400, ['key derivation is not supported by this lab']],
      ['POST', '/v1/transit/keys/-x', {}, 404, ['1 error occurred:\n\t* unsupported path\n\n']],
      ['GET', '/v1/transit/keys/app/rotate', undefined, 405, ['1 error occurred:\n\t* unsupported operation\n\n']],
    ]);
  });

  it('rotates: each rotation adds a version with its creation time; an unknown key is refused', async () => {
    ok(await n.req('POST', '/v1/transit/keys/rot', {}), keyBody('rot'));
    await n.clock.advance(5000);
    ok(await n.req('POST', '/v1/transit/keys/rot/rotate', {}), keyBody('rot', { keys: { '1': T0S, '2': T0S + 5 }, latest_version: 2 }));
    await n.clock.advance(5000);
    ok(
      await n.req('POST', '/v1/transit/keys/rot/rotate', {}),
      keyBody('rot', { keys: { '1': T0S, '2': T0S + 5, '3': T0S + 10 }, latest_version: 3 }),
    );
    await refusedChangeNothing([['POST', '/v1/transit/keys/none/rotate', {}, 400, ['key not found']]]);
  });

  it('configures the version bounds, leaving versions below min_decryption_version out of a read', async () => {
    const all = { '1': T0S, '2': T0S + 5, '3': T0S + 10 };
    const rot = (over: Record<string, unknown>) => keyBody('rot', { keys: all, latest_version: 3, ...over });
    ok(
      await n.req('POST', '/v1/transit/keys/rot/config', { min_decryption_version: 2 }),
      rot({ keys: { '2': T0S + 5, '3': T0S + 10 }, min_decryption_version: 2 }),
    );
    ok(await n.req('GET', '/v1/transit/keys/rot'), rot({ keys: { '2': T0S + 5, '3': T0S + 10 }, min_decryption_version: 2 }));
    ok(await n.req('POST', '/v1/transit/keys/rot/config', { min_decryption_version: 0 }), rot({}), [
      'since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1',
    ]);
    ok(
      await n.req('POST', '/v1/transit/keys/rot/config', { min_encryption_version: 2, auto_rotate_period: '2h' }),
      rot({ min_encryption_version: 2, auto_rotate_period: 7200 }),
    );
    await refusedChangeNothing([
      ['POST', '/v1/transit/keys/rot/config', { min_decryption_version: -1 }, 400, ['min decryption version cannot be negative']],
      [
        'POST',
        '/v1/transit/keys/rot/config',
        { min_decryption_version: 4 },
        400,
        ['cannot set min decryption version of 4, latest key version is 3'],
      ],
      ['POST', '/v1/transit/keys/rot/config', { min_encryption_version: -2 }, 400, ['min encryption version cannot be negative']],
      [
        'POST',
        '/v1/transit/keys/rot/config',
        { min_encryption_version: 9 },
        400,
        ['cannot set min encryption version of 9, latest key version is 3'],
      ],
      [
        'POST',
        '/v1/transit/keys/rot/config',
        { min_decryption_version: 3 },
        400,
        [
          'cannot set min encryption/decryption values; min encryption version of 2 must be greater than or equal to min decryption version of 3',
        ],
      ],
      [
        'POST',
        '/v1/transit/keys/rot/config',
        { auto_rotate_period: 60 },
        400,
        ['auto rotate period must be 0 to disable or at least an hour'],
      ],
      ['POST', '/v1/transit/keys/none/config', { deletion_allowed: true }, 400, ['no existing key named none could be found']],
    ]);
  });

  it('deletes a key only once deletion_allowed is set', async () => {
    await refusedChangeNothing([
      ['DELETE', '/v1/transit/keys/cc', undefined, 400, ['error deleting policy cc: deletion is not allowed for this key']],
      ['DELETE', '/v1/transit/keys/none', undefined, 400, ['error deleting policy none: could not delete key; not found']],
    ]);
    ok(
      await n.req('POST', '/v1/transit/keys/cc/config', { deletion_allowed: true }),
      keyBody('cc', { type: 'chacha20-poly1305', deletion_allowed: true }),
    );
    expectNoContent(await n.req('DELETE', '/v1/transit/keys/cc'));
    expectErrors(await n.req('GET', '/v1/transit/keys/cc'), 404, []);
    ok(await n.req('GET', '/v1/transit/keys?list=true'), { keys: ['app', 'rot'] });
  });

  it("exports an exportable key's versions, and nothing of any other key", async () => {
    const created = await n.req('POST', '/v1/transit/keys/exp', { exportable: true });
    ok(created, keyBody('exp', { exportable: true, keys: { '1': T0S + 10 } }));
    const r = await n.req('GET', '/v1/transit/export/encryption-key/exp');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.data)).toEqual(['name', 'type', 'keys']);
    expect(r.body.data.name).toBe('exp');
    expect(Buffer.from(r.body.data.keys['1'], 'base64')).toHaveLength(32);
    const hmacKey = (await n.req('GET', '/v1/transit/export/hmac-key/exp/latest')).body.data.keys['1'];
    expect(Buffer.from(hmacKey, 'base64')).toHaveLength(32);
    expect(hmacKey).not.toBe(r.body.data.keys['1']);
    await refusedChangeNothing([
      ['GET', '/v1/transit/export/encryption-key/app', undefined, 400, ['key is not exportable']],
      ['GET', '/v1/transit/export/bogus/exp', undefined, 400, ['invalid export type: bogus']],
      ['GET', '/v1/transit/export/signing-key/exp', undefined, 400, ['signing not supported for the key']],
      ['GET', '/v1/transit/export/encryption-key/exp/7', undefined, 400, ['version does not exist or cannot be found']],
      ['GET', '/v1/transit/export/encryption-key/exp/x', undefined, 400, ['invalid key version']],
      ['GET', '/v1/transit/export/encryption-key/none', undefined, 404, []],
    ]);
  });

  it('answers an empty list with 404', async () => {
    expectNoContent(await n.req('POST', '/v1/sys/mounts/empty-transit', { type: 'transit' }));
    expectErrors(await n.req('GET', '/v1/empty-transit/keys?list=true'), 404, []);
  });
});
