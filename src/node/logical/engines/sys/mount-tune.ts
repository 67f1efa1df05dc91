/**
 * `GET/POST sys/mounts/:path/tune` (handleTuneReadCommon, handleTuneWriteCommon): the
 * effective lease TTLs, description, listing visibility and options of the mount that
 * serves a path. Setting options.version 2 on a KV v1 mount upgrades it (and its data).
 * Vault applies each tuned field as it goes, so a bad field after a good one leaves the
 * good one applied; here everything is checked first, so a refused tune changes nothing.
 */
import { BadRequestError } from '../../../errors.ts';
import { effectiveTtls, type MountEntry } from '../../mounts.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { EngineRequest } from '../engine.ts';
import type { PathEntry } from '../path-table.ts';
import { fieldData, parseDurationSecond } from '../kv/field-data.ts';
import { upgradeKvToV2 } from '../kv/kv-upgrade.ts';
import { sanitizePath } from './mount-enable.ts';

const SCHEMA = {
  default_lease_ttl: 'string',
  max_lease_ttl: 'string',
  description: 'string',
  listing_visibility: 'string',
  options: 'kvPairs',
  token_type: 'string',
} as const;
const UNTUNABLE = ['cubbyhole/', 'sys/', 'audit/', 'identity/'];

/** The tune view (Go's sorted keys; optional fields only when set). */
function tuneView(m: MountEntry): Record<string, unknown> {
  const { defaultTtl, maxTtl } = effectiveTtls(m);
  const data: Record<string, unknown> = { default_lease_ttl: defaultTtl, description: m.description };
  if (m.externalEntropyAccess) data.external_entropy_access = true;
  data.force_no_cache = m.config.forceNoCache;
  if (m.config.listingVisibility) data.listing_visibility = m.config.listingVisibility;
  data.max_lease_ttl = maxTtl;
  if (m.options && Object.keys(m.options).length) data.options = m.options;
  if (m.table === 'auth') data.token_type = 'default-service';
  return data;
}

/** A tuned TTL: "" keeps the current value, "system" resets it, anything else is parsed. */
function tunedTtl(v: string | undefined, current: number): number {
  if (v === undefined || v === '') return current;
  if (v === 'system') return 0;
  try {
    return parseDurationSecond(v);
  } catch (e) {
    throw new BadRequestError((e as Error).message);
  }
}

/** The options after a tune, and the KV upgrade it asks for (if any). */
function tunedOptions(
  m: MountEntry,
  options: Record<string, string>,
): { options: Record<string, string> | null; upgrade?: [number, number] } {
  if (!Object.keys(options).length) return { options: m.options };
  let upgrade: [number, number] | undefined;
  if (options.version !== undefined) {
    const current = Number(m.options?.version || 0);
    if (!/^[+-]?\d+$/.test(options.version))
      throw new BadRequestError(`unable to parse options: strconv.ParseInt: parsing ${JSON.stringify(options.version)}: invalid syntax`);
    const wanted = Number(options.version);
    if (wanted !== 1 && wanted !== 2) throw new BadRequestError(`invalid version provided: ${wanted}`);
    if (current > wanted) throw new BadRequestError(`cannot downgrade mount from version ${current}`);
    if (current < wanted) upgrade = [current, wanted];
  }
  const next: Record<string, string> = { ...(m.options ?? {}) };
  // An empty value removes an option, except version (no downgrade by the back door).
  for (const [k, v] of Object.entries(options)) {
    if (v === '' && k !== 'version') delete next[k];
    else next[k] = v;
  }
  return { options: next, upgrade };
}

async function tuneWrite(sys: SystemView, req: EngineRequest, path: string): Promise<LogicalResponse | undefined> {
  if (UNTUNABLE.some((p) => path.startsWith(p))) throw new BadRequestError(`cannot tune ${JSON.stringify(path)}`);
  const m = sys.mounts.match(path);
  if (!m) throw new BadRequestError(`tune of path ${JSON.stringify(path)} failed: no mount entry found`);
  const f = fieldData(req.data, SCHEMA);
  const defaultLeaseTtl = tunedTtl(f.default_lease_ttl, m.config.defaultLeaseTtl);
  const maxLeaseTtl = tunedTtl(f.max_lease_ttl, m.config.maxLeaseTtl);
  if (defaultLeaseTtl && maxLeaseTtl && maxLeaseTtl < defaultLeaseTtl) {
    throw new BadRequestError(`backend max lease TTL of ${maxLeaseTtl} would be less than backend default lease TTL of ${defaultLeaseTtl}`);
  }
  if (f.listing_visibility !== undefined && !['', 'hidden', 'unauth'].includes(f.listing_visibility)) {
    throw new BadRequestError(`invalid listing_visibility ${f.listing_visibility}`);
  }
  if (f.token_type !== undefined) {
    if (m.table !== 'auth') throw new BadRequestError("'token_type' can only be modified on auth mounts");
    if (m.type === 'token') throw new BadRequestError("'token_type' cannot be set for 'token' or 'ns_token' auth mounts");
    // Login tokens are service tokens here (token-fields.ts refuses batch), so the mount's token type stays default-service.
    throw new BadRequestError("vaultlab: an auth method's 'token_type' cannot be tuned");
  }
  const { options, upgrade } = tunedOptions(m, f.options ?? {});
  m.config.defaultLeaseTtl = defaultLeaseTtl;
  m.config.maxLeaseTtl = maxLeaseTtl;
  if (f.description !== undefined) m.description = f.description;
  if (f.listing_visibility !== undefined) m.config.listingVisibility = f.listing_visibility || undefined;
  m.options = options;
  await sys.mounts.save();
  if (!upgrade) return undefined;
  if (m.type === 'kv' && upgrade[1] === 2) await upgradeKvToV2(sys.view(`logical/${m.uuid}/`), req.clock.now());
  return {
    data: null,
    warnings: [
      `Upgrading mount from version ${upgrade[0]} to version ${upgrade[1]}. This mount will be unavailable for a brief period and will resume service shortly.`,
    ],
  };
}

/** mounts/<path>/tune or auth/<path>/tune (the latter names the method without its 'auth/'): read the tune view, or tune. */
export function tunePath(sys: SystemView, table: 'mounts' | 'auth'): PathEntry {
  const full = (p: string) => (table === 'auth' ? `auth/${sanitizePath(p)}` : sanitizePath(p));
  return {
    pattern: table === 'auth' ? /^auth\/(?<path>.+)\/tune$/ : /^mounts\/(?<path>.+)\/tune$/,
    operations: {
      read: async (_req, params) => {
        const path = full(params.path);
        const m = sys.mounts.match(path);
        if (!m) throw new BadRequestError(`cannot fetch sysview for path ${JSON.stringify(path)}`);
        return { data: tuneView(m) };
      },
      update: (req, { path }) => tuneWrite(sys, req, full(path)),
    },
  };
}
