/** Every storage key and prefix vaultlab writes, in one place (docs/architecture.md: keys and storage layout). */
export const StorageKeys = {
  /** Plaintext seal configuration: shares and threshold. */
  sealConfig: 'core/seal-config',
  /** The root key, encrypted with the unseal key. */
  rootKey: 'core/master',
  /** The keyring, encrypted with the root key. */
  keyring: 'core/keyring',
  /** The root key again, through the barrier (under the keyring's first term): how unsealed nodes learn a rekey's new root key. */
  rootKeyCopy: 'core/root-key',
  /** The HA lock: holder, addresses, term and expiry; nothing secret. */
  lock: 'core/lock',
  /** Leader advertisements through the barrier: core/leader/<uuid>. */
  leaderPrefix: 'core/leader/',
  /** Cluster name and id (through the barrier). */
  cluster: 'core/cluster',
  /** The mount table (through the barrier). */
  mounts: 'core/mounts',
  /** The audit device table (through the barrier). */
  audit: 'core/audit',
  /** Each audit device's own storage (its HMAC salt): audit/<device uuid>/salt. */
  auditPrefix: 'audit/',
  /** ACL policies: sys/policy/<name>. */
  policyPrefix: 'sys/policy/',
  /** Token entries by salted hash: sys/token/id/<hash>. */
  tokenIdPrefix: 'sys/token/id/',
  /** Accessor index by salted hash: sys/token/accessor/<hash>. */
  tokenAccessorPrefix: 'sys/token/accessor/',
  /** Token parent → children index: sys/token/parent/<parent hash>/<child hash>. */
  tokenParentPrefix: 'sys/token/parent/',
  /** Token roles: sys/token/roles/<name>. */
  tokenRolePrefix: 'sys/token/roles/',
  /** The token store's salt (through the barrier). */
  tokenSalt: 'sys/token/salt',
  /** Engine data: logical/<mount uuid>/... */
  logicalPrefix: 'logical/',
} as const;

/** Keys not under the keyring (plaintext, or the root key sealed by the unseal key); everything else is barrier ciphertext. */
export const NON_BARRIER_KEYS: readonly string[] = [StorageKeys.sealConfig, StorageKeys.lock, StorageKeys.rootKey];
