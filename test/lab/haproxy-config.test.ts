/**
 * The haproxy.cfg the lab writes: HAProxy itself checks it (`haproxy -c`), and its lines say
 * what the built-in balancer does (check path by mode, inter/fall/rise, retries, TLS checks
 * verified against the lab CA). And `show stat` as HAProxy 2.6 prints it reads as the
 * built-in balancer reports its servers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CHECK, haproxyBinary, haproxyConfig } from '../../src/lab/balancer/index.ts';
import { parseShowStat } from '../../src/lab/balancer/haproxy-stats.ts';
import { CertificateAuthority } from '../../src/net/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'vaultlab-haproxy-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers = [
  { name: 'node1', host: '127.0.0.1', port: 8200 },
  { name: 'node2', host: '127.0.0.1', port: 8210 },
  { name: 'node3', host: '127.0.0.1', port: 8220 },
];

function valid(text: string): void {
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, text);
  execFileSync(haproxyBinary(), ['-c', '-q', '-f', file]);
}

describe('haproxy.cfg', () => {
  it('active mode, plain HTTP: HAProxy accepts it, and it checks sys/health for a 200 as the built-in does', () => {
    const text = haproxyConfig({
      mode: 'active',
      check: DEFAULT_CHECK,
      servers,
      listen: { host: '127.0.0.1', port: 8208 },
      statsSocket: join(dir, 'a.sock'),
    });
    valid(text);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toContain('mode tcp');
    expect(lines).toContain('retries 3');
    expect(lines).toContain('bind 127.0.0.1:8208');
    expect(lines).toContain('option httpchk GET /v1/sys/health');
    expect(lines).toContain('http-check expect status 200');
    expect(lines).toContain('default-server check inter 2000ms fall 3 rise 2 on-marked-down shutdown-sessions');
    expect(lines.filter((l) => l.startsWith('server '))).toEqual([
      'server node1 127.0.0.1:8200',
      'server node2 127.0.0.1:8210',
      'server node3 127.0.0.1:8220',
    ]);
  });

  it('standby-ok with TLS: standbyok=true, and the checks speak TLS verified against the CA', async () => {
    const ca = await CertificateAuthority.create('haproxy cfg test CA');
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.cert);
    const text = haproxyConfig({
      mode: 'standby-ok',
      check: { interMs: 250, fall: 2, rise: 1, timeoutMs: 1500 },
      servers,
      listen: { host: '127.0.0.1', port: 8308 },
      statsSocket: join(dir, 'b.sock'),
      caFile,
    });
    valid(text);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines).toContain('option httpchk GET /v1/sys/health?standbyok=true');
    expect(lines).toContain('timeout check 1500ms');
    expect(lines).toContain(
      `default-server check inter 250ms fall 2 rise 1 on-marked-down shutdown-sessions check-ssl verify required ca-file ${caFile}`,
    );
  });
});

describe('show stat', () => {
  // Trimmed to the columns read, in HAProxy's order, with a check in progress ("* ") and a server never checked.
  const csv = [
    '# pxname,svname,scur,stot,status,check_status,check_code',
    'vault,FRONTEND,0,12,OPEN,,',
    'vault,node1,1,9,UP,L7OK,200',
    'vault,node2,0,0,DOWN,* L7STS,429',
    'vault,node3,0,3,UP 2/3,L4CON,',
    'vault,BACKEND,1,12,UP,,',
    'stats,FRONTEND,0,0,OPEN,,',
    '',
  ].join('\n');

  it('reads each server of the vault proxy in order, in the built-in balancer words', () => {
    expect(parseShowStat(csv, 'vault')).toEqual([
      { name: 'node1', up: true, status: 'UP', lastCheck: 'L7OK 200', sessions: { total: 9, current: 1 } },
      { name: 'node2', up: false, status: 'DOWN', lastCheck: 'L7STS 429', sessions: { total: 0, current: 0 } },
      { name: 'node3', up: true, status: 'UP 2/3', lastCheck: 'L4CON', sessions: { total: 3, current: 0 } },
    ]);
  });

  it('an answer without the proxy lists no server', () => {
    expect(parseShowStat('# pxname,svname\n', 'vault')).toEqual([]);
    expect(parseShowStat('', 'vault')).toEqual([]);
  });
});
