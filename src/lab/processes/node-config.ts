/**
 * The server config the lab writes for each node of a process lab, in Vault's HCL, kept in
 * the lab's folder so the user can read it, run it by hand, or take it elsewhere: etcd storage
 * with HA on (every node the same but for its listener), or level for a lone node.
 */

/** Where a node's storage is. */
export type NodeStorage =
  { type: 'etcd'; endpoints: readonly string[]; prefix: string; lockTimeoutMs: number } | { type: 'level'; path: string };

/** One node's config as HCL. */
export function nodeConfigHcl(name: string, host: string, apiPort: number, clusterPort: number, storage: NodeStorage): string {
  const store =
    storage.type === 'etcd'
      ? [
          'storage "etcd" {',
          `  address      = "${storage.endpoints.join(',')}"`,
          `  path         = "${storage.prefix}"`,
          '  etcd_api     = "v3"',
          // The addresses above are the node's links to etcd: asking etcd for its members' own would go round them.
          '  sync         = "false"',
          '  ha_enabled   = "true"',
          `  lock_timeout = "${storage.lockTimeoutMs}ms"`,
          // As long as the lease, at least 1 s: an active cut off from etcd learns it within one lease, not after Vault's 5 s.
          `  request_timeout = "${Math.max(1000, storage.lockTimeoutMs)}ms"`,
          '}',
        ]
      : ['storage "level" {', `  path = "${storage.path}"`, '}'];
  return [
    `# ${name} of a vaultlab process lab (vaultlab up --processes). Run by hand: vaultlab server -config=<this file>`,
    ...store,
    '',
    'listener "tcp" {',
    `  address         = "${host}:${apiPort}"`,
    `  cluster_address = "${host}:${clusterPort}"`,
    '  tls_disable     = "true"',
    '}',
    '',
    `api_addr     = "http://${host}:${apiPort}"`,
    `cluster_addr = "https://${host}:${clusterPort}"`,
    '',
  ].join('\n');
}
