/** Help wording the client verbs share, so every command describes its common flags the same way. */

/** The -format flag: every client verb prints table (Vault's default), json or yaml (`yml` is yaml). */
export const FORMAT_HELP = 'output format: table, json or yaml (default: VAULT_FORMAT, else table)';

/** The -address flag. */
export const ADDRESS_HELP = 'the node address (default: VAULT_ADDR)';

/** The -mount flag of the kv verbs. */
export const MOUNT_HELP = 'the KV mount (then PATH is relative to it)';

/** The -field flag of read and kv get. */
export const FIELD_HELP = 'print only this field, raw (no newline when piped)';

/** The PATH argument of tree and export. */
export const KV_ROOTS_HELP = 'a KV mount or a folder in one (default: every KV mount the token can list)';

/** The file `export` writes and `import` reads, described once for both helps. */
export const EXPORT_FORMAT_HELP = `
The export file (format version 1) is one JSON object:
  {
    "vaultlab_export": 1,
    "mounts":  { "secret/": { "type": "kv", "version": "2" } },
    "secrets": { "secret/app/db": { "password": "..." } }
  }
"mounts" names each KV mount walked, with its KV version ("1" or "2"); "secrets" maps each
secret's logical path (no data/ segment) to the data of its latest version. On KV v2 a
secret whose latest version is deleted or destroyed is left out; older versions and
metadata are not exported. import writes every secret back to the same path, so each
mount must exist in the target lab with the same KV version.`;
