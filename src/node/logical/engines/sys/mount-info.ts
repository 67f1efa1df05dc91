/** A mount entry in Vault's wire shape (`mountInfo` in vault/logical_system.go), keys in Go's sorted map order. */
import { VAULT_VERSION } from '../../../version.ts';
import type { MountEntry } from '../../mounts.ts';

/** A mount's key in a listing (sys/auth, sys/internal/ui/mounts): auth mounts are keyed without their 'auth/' prefix. */
export function mountKey(m: MountEntry): string {
  return m.table === 'auth' ? m.path.slice('auth/'.length) : m.path;
}

/** The JSON Vault shows for one mount in sys/mounts, sys/auth and sys/internal/ui/mounts. */
export function mountInfo(m: MountEntry): Record<string, unknown> {
  const config: Record<string, unknown> = {
    default_lease_ttl: m.config.defaultLeaseTtl,
    force_no_cache: m.config.forceNoCache,
  };
  if (m.config.listingVisibility) config.listing_visibility = m.config.listingVisibility;
  config.max_lease_ttl = m.config.maxLeaseTtl;
  if (m.type === 'system') config.passthrough_request_headers = ['Accept'];
  if (m.table === 'auth') config.token_type = 'default-service';
  const builtin = m.type === 'kv' ? 'v0.20.0+builtin' : `v${VAULT_VERSION}+builtin.vault`;
  const info: Record<string, unknown> = { accessor: m.accessor, config };
  // Plugin-backed builtins report a deprecation status; core mounts (sys, cubbyhole, identity) do not.
  if (m.type === 'kv' || m.table === 'auth') info.deprecation_status = 'supported';
  return {
    ...info,
    description: m.description,
    external_entropy_access: m.externalEntropyAccess ?? false,
    local: m.local,
    options: m.options,
    plugin_version: '',
    running_plugin_version: builtin,
    running_sha256: '',
    seal_wrap: m.sealWrap,
    type: m.type,
    uuid: m.uuid,
  };
}
