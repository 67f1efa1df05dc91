/** The CLI's pure parts: Go-style flags, Vault's tables, the status rows, server config files. */
import { describe, expect, it } from 'vitest';
import { columnize, formatValue } from '../../src/cli/columnize.ts';
import { normalizeGoFlags, withGoBooleans } from '../../src/cli/go-flags.ts';
import { parseServerConfig } from '../../src/cli/server-config.ts';
import { statusRows } from '../../src/cli/status-command.ts';

describe('normalizeGoFlags', () => {
  it.each([
    [
      ['kv', 'get', '-format=json', '-field', 'foo', '-mount=secret', 'hello'],
      ['kv', 'get', '--format=json', '--field', 'foo', '--mount=secret', 'hello'],
    ],
    [
      ['kv', 'get', '-mount=secret', 'hello', '-field=foo'],
      ['kv', 'get', '--mount=secret', 'hello', '--field=foo'],
    ],
    [
      ['status', '-h'],
      ['status', '-h'],
    ],
    [
      ['kv', 'put', 'x', '--', '-notaflag'],
      ['kv', 'put', 'x', '--', '-notaflag'],
    ],
    [
      ['x', '-1', '-'],
      ['x', '-1', '-'],
    ],
  ])('%j → %j', (input, expected) => expect(normalizeGoFlags(input)).toEqual(expected));
});

describe('withGoBooleans', () => {
  const switches = new Set(['--tls-skip-verify', '--all']);
  it.each([
    [
      ['status', '--tls-skip-verify=false'],
      ['status', '--no-tls-skip-verify'],
    ],
    [
      ['status', '--tls-skip-verify=T', '--all=1'],
      ['status', '--tls-skip-verify', '--all'],
    ],
    [
      ['status', '--all=0', '--format=json'],
      ['status', '--no-all', '--format=json'],
    ],
    [
      ['kv', 'put', 'secret/x', '--', '--all=false'],
      ['kv', 'put', 'secret/x', '--', '--all=false'],
    ],
  ])('%j → %j', (input, expected) => expect(withGoBooleans(input, switches)).toEqual(expected));

  it("refuses a value Go's flag package cannot parse, in its words", () => {
    expect(() => withGoBooleans(['--all=yes'], switches)).toThrow('invalid boolean value "yes" for -all: parse error');
  });
});

describe('columnize', () => {
  it('glues columns with 4 spaces, underlines headers with dashes and prints n/a for empty cells', () => {
    expect(
      columnize(
        ['Key', 'Value'],
        [
          ['Sealed', false],
          ['Unseal Nonce', ''],
        ],
      ),
    ).toBe(['Key             Value', '---             -----', 'Sealed          false', 'Unseal Nonce    n/a'].join('\n'));
  });
  it('renders maps and lists the way Go prints them', () => {
    expect(formatValue({ b: 1, a: 'x' })).toBe('map[a:x b:1]');
    expect(formatValue(['default', 'web'])).toBe('[default web]');
  });
});

describe('statusRows', () => {
  const base = { type: 'shamir', initialized: true, t: 3, n: 5, version: '1.18.5', build_date: 'd', storage_type: 'level' };
  it('shows progress and nonce while sealed, and no HA mode', () => {
    const rows = statusRows({ ...base, sealed: true, progress: 1, nonce: 'abc' }, { ha_enabled: true });
    expect(rows.map((r) => r[0])).toEqual([
      'Seal Type',
      'Initialized',
      'Sealed',
      'Total Shares',
      'Threshold',
      'Unseal Progress',
      'Unseal Nonce',
      'Version',
      'Build Date',
      'Storage Type',
      'HA Enabled',
    ]);
    expect(rows.find((r) => r[0] === 'Unseal Progress')![1]).toBe('1/3');
  });
  it('shows the active node address on a standby and Active Since on the active', () => {
    const unsealed = { ...base, sealed: false, cluster_name: 'c', cluster_id: 'i' };
    const standby = statusRows(unsealed, {
      ha_enabled: true,
      is_self: false,
      leader_address: 'http://a',
      leader_cluster_address: 'http://b',
    });
    expect(standby.slice(-4)).toEqual([
      ['HA Enabled', true],
      ['HA Cluster', 'http://b'],
      ['HA Mode', 'standby'],
      ['Active Node Address', 'http://a'],
    ]);
    const active = statusRows(unsealed, { ha_enabled: true, is_self: true, active_time: 't', leader_cluster_address: 'http://b' });
    expect(active.at(-1)).toEqual(['Active Since', 't']);
  });
});

describe('parseServerConfig', () => {
  it('reads storage, listener (one-line HCL1 form), api_addr and ui', () => {
    const c = parseServerConfig(
      'storage "level" { path = "/tmp/x" }\nlistener "tcp" { address = "127.0.0.1:8300", tls_disable = 1 }\napi_addr = "http://127.0.0.1:8300"\nui = true\n',
    );
    expect(c).toEqual({
      storage: { type: 'level', path: '/tmp/x' },
      listener: { address: '127.0.0.1:8300', tlsDisable: true },
      apiAddr: 'http://127.0.0.1:8300',
      clusterAddr: undefined,
      ui: true,
    });
  });
  it("reads a TLS listener's files and settings with Vault's defaults (TLS 1.2, client certificates not required)", () => {
    const tcp = (extra: string) =>
      parseServerConfig(`storage "inmem" {}\nlistener "tcp" {\n tls_cert_file = "/c.pem"\n tls_key_file = "/k.pem"\n${extra}}`).listener;
    expect(tcp('')).toEqual({
      address: '127.0.0.1:8200',
      tlsDisable: false,
      tls: { certFile: '/c.pem', keyFile: '/k.pem', minVersion: 'tls12', requireClientCert: false, disableClientCerts: false },
    });
    expect(tcp('tls_min_version = "tls13"\ntls_client_ca_file = "/ca.pem"\ntls_require_and_verify_client_cert = "true"\n').tls).toEqual({
      certFile: '/c.pem',
      keyFile: '/k.pem',
      clientCaFile: '/ca.pem',
      minVersion: 'tls13',
      requireClientCert: true,
      disableClientCerts: false,
    });
    expect(tcp('tls_disable = true\n')).toEqual({ address: '127.0.0.1:8200', tlsDisable: true });
  });
  it("reads the listener's telemetry block: unauthenticated_metrics_access, off unless set, refused when not a flag", () => {
    const tcp = (telemetry: string) =>
      parseServerConfig(`storage "inmem" {}\nlistener "tcp" {\n address = "127.0.0.1:1"\n tls_disable = 1\n${telemetry}}`).listener;
    expect(tcp('').unauthenticatedMetricsAccess).toBeUndefined();
    expect(tcp('telemetry {\n unauthenticated_metrics_access = true\n}\n').unauthenticatedMetricsAccess).toBe(true);
    expect(tcp('telemetry {\n unauthenticated_metrics_access = "false"\n}\n').unauthenticatedMetricsAccess).toBe(false);
    expect(() => tcp('telemetry {\n unauthenticated_metrics_access = "maybe"\n}\n')).toThrow(
      'config: listener telemetry unauthenticated_metrics_access must be true or false, not "maybe"',
    );
  });
  it('maps raft and file storage onto level with a note', () => {
    const notes: string[] = [];
    expect(
      parseServerConfig('storage "raft" { path = "d" }\nlistener "tcp" { address = "127.0.0.1:1" tls_disable = "true" }', notes).storage,
    ).toEqual({ type: 'level', path: 'd' });
    expect(notes).toHaveLength(1);
  });
  it('reads storage "etcd" with Vault\'s keys and defaults, and names the keys it ignores', () => {
    const tcp = 'listener "tcp" {\n address = "127.0.0.1:8200"\n cluster_address = "127.0.0.1:8301"\n tls_disable = 1\n}\n';
    expect(parseServerConfig(`storage "etcd" {}\n${tcp}`)).toEqual({
      storage: {
        type: 'etcd',
        endpoints: ['http://localhost:2379'],
        prefix: '/vault/',
        haEnabled: false,
        sync: true,
        requestTimeoutMs: 5000,
        tlsFiles: {},
      },
      listener: { address: '127.0.0.1:8200', tlsDisable: true, clusterAddress: '127.0.0.1:8301' },
    });
    const notes: string[] = [];
    const full = parseServerConfig(
      `storage "etcd" {
  address = "http://127.0.0.1:2379, https://127.0.0.2:2379/"
  path = "lab"
  ha_enabled = "true"
  etcd_api = "v3"
  sync = "false"
  lock_timeout = "1s"
  request_timeout = "2500ms"
  username = "vault"
  password = "pw"
  tls_ca_file = "/ca.pem"
  tls_cert_file = "/c.pem"
  tls_key_file = "/k.pem"
  max_receive_size = "100"
}
${tcp}`,
      notes,
    ).storage;
    expect(full).toEqual({
      type: 'etcd',
      endpoints: ['http://127.0.0.1:2379', 'https://127.0.0.2:2379'],
      prefix: 'lab/',
      haEnabled: true,
      sync: false,
      lockTimeoutMs: 1000,
      requestTimeoutMs: 2500,
      auth: { username: 'vault', password: 'pw' },
      tlsFiles: { ca: '/ca.pem', cert: '/c.pem', key: '/k.pem' },
    });
    expect(notes).toEqual(['storage "etcd": "max_receive_size" not used by vaultlab, ignored']);
  });
  it.each([
    ['storage "consul" {}\nlistener "tcp" { tls_disable = 1 }', /storage "consul" is not supported/],
    [
      'storage "etcd" { etcd_api = "v2" }\nlistener "tcp" { tls_disable = 1 }',
      /etcd_api "v2" is not supported \(vaultlab speaks etcd's v3 API only\)/,
    ],
    [
      'storage "etcd" { address = "127.0.0.1:2379" }\nlistener "tcp" { tls_disable = 1 }',
      /address "127\.0\.0\.1:2379" must be http\(s\):\/\/host:port/,
    ],
    ['storage "etcd" { lock_timeout = "15" }\nlistener "tcp" { tls_disable = 1 }', /lock_timeout "15" is not a duration such as "15s"/],
    ['storage "etcd" { username = "u" }\nlistener "tcp" { tls_disable = 1 }', /username and password go together/],
    ['storage "etcd" { ha_enabled = "yes" }\nlistener "tcp" { tls_disable = 1 }', /ha_enabled must be true or false, not "yes"/],
    ['storage "inmem" {}\nlistener "unix" { tls_disable = 1 }', /listener "unix" is not supported/],
    [
      'storage "inmem" {}\nlistener "tcp" { address = "127.0.0.1:1" }',
      /TLS is on \(Vault's default\), so tls_cert_file and tls_key_file are required; or set tls_disable = true/,
    ],
    ['storage "inmem" {}\nlistener "tcp" { tls_cert_file = "c.pem" }', /so tls_key_file is required/],
    ['storage "inmem" {}\nlistener "tcp" { tls_key_file = "k.pem" }', /so tls_cert_file is required/],
    [
      'storage "inmem" {}\nlistener "tcp" { tls_cert_file = "c" tls_key_file = "k" tls_min_version = "tls14" }',
      /'tls_min_version' value "tls14" not supported, please specify one of \[tls10,tls11,tls12,tls13\]/,
    ],
    [
      'storage "inmem" {}\nlistener "tcp" { tls_cert_file = "c" tls_key_file = "k" tls_require_and_verify_client_cert = true tls_disable_client_certs = true }',
      /'tls_disable_client_certs' and 'tls_require_and_verify_client_cert' are mutually exclusive/,
    ],
    ['storage "inmem" {}\nlistener "tcp" { tls_disable = "maybe" }', /tls_disable must be true or false, not "maybe"/],
    ['listener "tcp" { tls_disable = 1 }', /a storage block is required/],
    ['storage "inmem" {', /line \d+, column \d+/],
  ])('refuses %j', (text, message) => {
    expect(() => parseServerConfig(text)).toThrow(message);
  });
});
