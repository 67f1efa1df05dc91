/** The pure parts of how the CLI prints an answer: the Go client's ParseSecret, Go's durations, Vault's banners. */
import { describe, expect, it } from 'vitest';
import { headerForMap, padEqualSigns, pathBlock } from '../../src/cli/kv-helpers.ts';
import { humanDuration, parseSecret, secretRows } from '../../src/cli/secret-output.ts';

describe('parseSecret (api.ParseSecret)', () => {
  it('keeps an envelope as it is', () => {
    const s = parseSecret({ request_id: 'r', lease_id: '', lease_duration: 2764800, renewable: false, data: { a: 1 }, warnings: null });
    expect(s).toEqual({ request_id: 'r', lease_id: '', lease_duration: 2764800, renewable: false, data: { a: 1 }, warnings: null });
    expect(secretRows(s!)).toEqual([
      ['refresh_interval', '768h'],
      ['a', '1'],
    ]);
  });

  it('turns an answer with none of the Secret fields into its data (sys/leader, sys/seal-status)', () => {
    expect(parseSecret({ ha_enabled: true, is_self: false })?.data).toEqual({ ha_enabled: true, is_self: false });
  });

  it('has nothing for an empty body or one with only errors', () => {
    expect(parseSecret(undefined)).toBeUndefined();
    expect(parseSecret({})).toBeUndefined();
    expect(parseSecret({ errors: [] })).toBeUndefined();
  });

  it('prints durations in keys that look like one, <nil> for null, keys sorted', () => {
    const s = parseSecret({ data: { ttl: 3660, explicit_max_ttl: 0, period: 90, meta: null, name: 'x' } })!;
    expect(secretRows(s)).toEqual([
      ['explicit_max_ttl', '0s'],
      ['meta', '<nil>'],
      ['name', 'x'],
      ['period', '1m30s'],
      ['ttl', '1h1m'],
    ]);
  });
});

describe("humanDuration (Go's Duration.String, trimmed)", () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m'],
    [3600, '1h'],
    [3605, '1h5s'],
    [2764800, '768h'],
    [-30, '-30s'],
  ])('%i s → %s', (n, text) => expect(humanDuration(n)).toBe(text));
});

describe('kv banners (padEqualSigns)', () => {
  it('centres the title in = signs as wide as the path or the longest key plus 9', () => {
    expect(pathBlock('secret/data/hello')).toBe('== Secret Path ==\nsecret/data/hello\n');
    expect(pathBlock('secret/data/deleted-one')).toBe('===== Secret Path =====\nsecret/data/deleted-one\n');
    expect(headerForMap('Metadata', { custom_metadata: null, version: 1 })).toBe('======= Metadata =======');
    expect(headerForMap('Data', { passcode: 'x' })).toBe('====== Data ======');
    expect(headerForMap('Data', { foo: 'x' })).toBe('=== Data ===');
    expect(padEqualSigns('Secret Path', 3)).toBe('== Secret Path ==');
  });
});
