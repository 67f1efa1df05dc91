/** Help wording the client verbs share, so every command describes its common flags the same way. */

/** The -format flag: every client verb prints table (Vault's default), json or yaml (`yml` is yaml). */
export const FORMAT_HELP = 'output format: table, json or yaml (default: VAULT_FORMAT, else table)';

/** The -address flag. */
export const ADDRESS_HELP = 'the node address (default: VAULT_ADDR)';

/** The -mount flag of the kv verbs. */
export const MOUNT_HELP = 'the KV mount (then PATH is relative to it)';

/** The -field flag of read and kv get. */
export const FIELD_HELP = 'print only this field, raw (no newline when piped)';
