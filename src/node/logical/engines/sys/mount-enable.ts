/**
 * `POST sys/mounts/:path` (handleMount and Core.mount in Vault): every check Vault makes,
 * in Vault's order and words, before the table changes at all, so a refused enable
 * leaves storage untouched. Only kv (v1, v2, and the generic/kv-v1/kv-v2 aliases) and transit
 * can be mounted; the built-in singletons cannot be mounted twice.
 */
import { BadRequestError } from '../../../errors.ts';
import { newMount, SYSTEM_LEASE_TTL, type MountEntry } from '../../mounts.ts';
import { fieldData, parseDurationSecond } from '../kv/field-data.ts';

const SCHEMA = {
  type: 'string',
  description: 'string',
  config: 'map',
  local: 'bool',
  seal_wrap: 'bool',
  external_entropy_access: 'bool',
  options: 'kvPairs',
  plugin_name: 'string',
} as const;

/** Prefixes nothing may be mounted under (protectedMounts). */
export const PROTECTED_MOUNTS = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/'];
/** Types that exist once, at their built-in path (singletonMounts). */
const SINGLETONS = new Set(['cubbyhole', 'system', 'token', 'identity']);
/** The secrets engines the lab implements; every other type is not in its catalog. */
const MOUNTABLE = new Set(['kv', 'transit']);
const VISIBILITIES = new Set(['', 'hidden', 'unauth']);
/** APIMountConfig's fields that must be strings, and those that must be lists of strings. */
const CONFIG_STRINGS = ['default_lease_ttl', 'max_lease_ttl', 'listing_visibility', 'token_type', 'plugin_version', 'plugin_name'];
const CONFIG_LISTS = [
  'audit_non_hmac_request_keys',
  'audit_non_hmac_response_keys',
  'passthrough_request_headers',
  'allowed_response_headers',
  'allowed_managed_keys',
];

/** sanitizePath: no leading '/', a trailing '/'. */
export function sanitizePath(p: string): string {
  const s = p.replace(/^\/+/, '');
  return s.endsWith('/') ? s : `${s}/`;
}

/** The strict (non-weak) mapstructure decode of `config` into APIMountConfig. */
function checkConfigTypes(cfg: Record<string, unknown>): void {
  const ok =
    CONFIG_STRINGS.every((k) => cfg[k] === undefined || typeof cfg[k] === 'string' || typeof cfg[k] === 'number') &&
    CONFIG_LISTS.every(
      (k) =>
        cfg[k] === undefined ||
        typeof cfg[k] === 'string' ||
        (Array.isArray(cfg[k]) && (cfg[k] as unknown[]).every((x) => typeof x === 'string')),
    ) &&
    (cfg.force_no_cache === undefined || typeof cfg.force_no_cache === 'boolean');
  if (!ok) throw new BadRequestError('unable to convert given mount config information');
}

/** A TTL of the mount config: "" and "system" mean the system default (0). */
function configTtl(v: unknown, which: 'default' | 'max'): number {
  const s = v === undefined ? '' : String(v);
  if (s === '' || s === 'system') return 0;
  try {
    return parseDurationSecond(s);
  } catch (e) {
    throw new BadRequestError(`unable to parse ${which} TTL of ${s}: ${(e as Error).message}`);
  }
}

/** Resolves the type aliases and the options Vault keeps for them. */
function resolveType(type: string, options: Record<string, string>): [string, Record<string, string>] {
  switch (type) {
    case 'kv':
      return ['kv', options];
    case 'kv-v1':
      return ['kv', { ...options, version: '1' }];
    case 'kv-v2':
      return ['kv', { ...options, version: '2' }];
    default:
      if (options.version) throw new BadRequestError(`secrets engine ${JSON.stringify(type)} does not allow setting a version`);
      // generic is the historic name of kv (mountAliases).
      return [type === 'generic' ? 'kv' : type, options];
  }
}

/** An enable's `config` checked, and its lease TTLs in seconds, with Vault's refusals (secrets engines and auth methods alike). */
export function leaseTtls(cfg: Record<string, unknown>): { defaultLeaseTtl: number; maxLeaseTtl: number } {
  checkConfigTypes(cfg);
  const defaultLeaseTtl = configTtl(cfg.default_lease_ttl, 'default');
  const maxLeaseTtl = configTtl(cfg.max_lease_ttl, 'max');
  if (maxLeaseTtl !== 0 && defaultLeaseTtl > maxLeaseTtl)
    throw new BadRequestError('given default lease TTL greater than given max lease TTL');
  if (defaultLeaseTtl > SYSTEM_LEASE_TTL && maxLeaseTtl === 0)
    throw new BadRequestError(`given default lease TTL greater than system max lease TTL of ${SYSTEM_LEASE_TTL}`);
  return { defaultLeaseTtl, maxLeaseTtl };
}

/** Validates an enable request against the current table; returns the entry to add. */
export function buildMount(path: string, data: Record<string, unknown>, table: MountEntry[]): MountEntry {
  const f = fieldData(data, SCHEMA);
  const cfg = f.config ?? {};
  const { defaultLeaseTtl, maxLeaseTtl } = leaseTtls(cfg);
  let requested = f.type ?? '';
  if (!requested) throw new BadRequestError('backend type must be specified as a string');
  if (requested === 'plugin') {
    requested = (cfg.plugin_name as string | undefined) || f.plugin_name || '';
    if (!requested) throw new BadRequestError('plugin_name must be provided for plugin backend');
  }
  const [type, options] = resolveType(requested, f.options ?? {});
  const visibility = cfg.listing_visibility === undefined ? '' : String(cfg.listing_visibility);
  if (!VISIBILITIES.has(visibility)) throw new BadRequestError(`invalid listing_visibility ${visibility}`);
  const clean = path.replace(/\/{2,}/g, '/');
  if (clean !== path) throw new BadRequestError(`path '${path}' does not match cleaned path '${clean}'`);
  if (PROTECTED_MOUNTS.some((p) => path.startsWith(p))) throw new BadRequestError(`cannot mount ${JSON.stringify(path)}`);
  if (SINGLETONS.has(type)) throw new BadRequestError(`mount type of ${JSON.stringify(type)} is not mountable`);
  const clash = table.find((m) => m.table === 'secret' && (m.path.startsWith(path) || path.startsWith(m.path)));
  if (clash) throw new BadRequestError(`path is already in use at ${clash.path}`);
  if (!MOUNTABLE.has(type)) throw new BadRequestError(`plugin not found in the catalog: ${type}`);
  // The KV plugin's factory builds nothing for any other version.
  if (type === 'kv' && !['', '1', '2'].includes(options.version ?? ''))
    throw new BadRequestError('nil backend of type "kv" returned from creation function');
  return newMount(path, type, f.description ?? '', {
    options,
    local: f.local ?? false,
    sealWrap: f.seal_wrap ?? false,
    externalEntropyAccess: f.external_entropy_access ?? false,
    config: { defaultLeaseTtl, maxLeaseTtl, forceNoCache: cfg.force_no_cache === true, listingVisibility: visibility || undefined },
  });
}
