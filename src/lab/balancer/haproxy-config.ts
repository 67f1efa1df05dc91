/**
 * The haproxy.cfg `vaultlab up --lb haproxy` runs, written so it can be taken to production
 * as it stands with the nodes' addresses changed: layer 4 with TLS passed through to Vault,
 * `GET /v1/sys/health` every `inter`, only a 200 passing (`?standbyok=true` lets standbys
 * pass and forward), `fall`/`rise` as given, and a node's connections shut when it is marked
 * down so pooled clients move on instead of staying with a sealed or deposed node.
 */
import type { BalancedServer } from './health-poller.ts';
import { CONNECT_RETRIES, healthPath, PASSING_STATUS, type BalancerCheck, type BalancerMode } from './check-settings.ts';

/** What goes into the config. */
export interface HaproxyConfigOptions {
  mode: BalancerMode;
  check: BalancerCheck;
  servers: readonly BalancedServer[];
  listen: { host: string; port: number };
  /** The admin socket the lab reads each server's check state from. */
  statsSocket: string;
  /** The CA file the nodes' certificates chain to: the checks speak TLS and verify it; none: plain HTTP. */
  caFile?: string;
}

const ms = (n: number) => `${Math.round(n)}ms`;

/** The config's text. */
export function haproxyConfig(o: HaproxyConfigOptions): string {
  const tls = o.caFile ? ` check-ssl verify required ca-file ${o.caFile}` : '';
  const { interMs, fall, rise, timeoutMs } = o.check;
  return [
    '# HAProxy in front of a Vault cluster, as `vaultlab up --lb haproxy` runs it.',
    "# To take it to production: put your nodes' addresses on the server lines and bind where clients connect.",
    'global',
    `    stats socket ${o.statsSocket} mode 600 level admin`,
    '    maxconn 4096',
    '',
    'defaults',
    '    # Layer 4: Vault terminates TLS itself, so client certificates and its own errors reach the client unchanged.',
    '    mode tcp',
    '    timeout connect 5s',
    '    # A refused connection is tried again on the same server, 1 s apart: a client of a killed node may wait this long.',
    `    retries ${CONNECT_RETRIES}`,
    '    # Vault requests can wait on storage and on the active: long idle timeouts, as for a tunnel.',
    '    timeout client 5m',
    '    timeout server 5m',
    `    timeout check ${ms(timeoutMs)}`,
    '',
    'listen vault',
    `    bind ${o.listen.host}:${o.listen.port}`,
    '    balance roundrobin',
    `    # ${o.mode === 'active' ? 'Only the active answers 200: every request goes to it.' : 'standbyok=true: standbys answer 200 too, take requests and forward them to the active.'}`,
    `    option httpchk GET ${healthPath(o.mode)}`,
    `    http-check expect status ${PASSING_STATUS}`,
    `    default-server check inter ${ms(interMs)} fall ${fall} rise ${rise} on-marked-down shutdown-sessions${tls}`,
    ...o.servers.map((s) => `    server ${s.name} ${s.host}:${s.port}`),
    '',
  ].join('\n');
}
