/**
 * The token_* fields every auth method's roles and users share (sdk/helper/tokenutil):
 * their schema, ParseTokenFields's checks and words, PopulateTokenData's read view, and
 * UpgradeValue for the deprecated names (policies, ttl, max_ttl, bound_cidrs, period).
 */
import { BadRequestError } from '../../../errors.ts';
import { fieldData, type Fields } from '../kv/field-data.ts';
import { parseAddrs } from './cidr.ts';

/** tokenutil.TokenFields(), in this codebase's field types. */
export const TOKEN_SCHEMA = {
  token_bound_cidrs: 'commaStringSlice',
  token_explicit_max_ttl: 'durationSecond',
  token_max_ttl: 'durationSecond',
  token_no_default_policy: 'bool',
  token_period: 'durationSecond',
  token_policies: 'commaStringSlice',
  token_type: 'string',
  token_ttl: 'durationSecond',
  token_num_uses: 'int',
} as const;

/** tokenutil.TokenParams as stored (seconds). */
export interface TokenParams {
  tokenBoundCidrs: string[];
  tokenExplicitMaxTtl: number;
  tokenMaxTtl: number;
  tokenNoDefaultPolicy: boolean;
  tokenNumUses: number;
  tokenPeriod: number;
  tokenPolicies: string[];
  tokenType: 'default' | 'service';
  tokenTtl: number;
}

/** The params of a new user or role. */
export function emptyTokenParams(): TokenParams {
  return {
    tokenBoundCidrs: [],
    tokenExplicitMaxTtl: 0,
    tokenMaxTtl: 0,
    tokenNoDefaultPolicy: false,
    tokenNumUses: 0,
    tokenPeriod: 0,
    tokenPolicies: [],
    tokenType: 'default',
    tokenTtl: 0,
  };
}

/** ParseTokenFields: applies the fields present in `data` to `current`, with Vault's checks in Vault's order. */
export function parseTokenFields(current: TokenParams, data: Record<string, unknown>): TokenParams {
  const f = fieldData(data, TOKEN_SCHEMA);
  const t = { ...current };
  if (f.token_bound_cidrs !== undefined) t.tokenBoundCidrs = parseAddrs(f.token_bound_cidrs);
  if (f.token_explicit_max_ttl !== undefined) t.tokenExplicitMaxTtl = f.token_explicit_max_ttl;
  if (f.token_max_ttl !== undefined) t.tokenMaxTtl = f.token_max_ttl;
  if (f.token_no_default_policy !== undefined) t.tokenNoDefaultPolicy = f.token_no_default_policy;
  if (f.token_period !== undefined) t.tokenPeriod = f.token_period;
  if (f.token_policies !== undefined) t.tokenPolicies = f.token_policies;
  if (f.token_type !== undefined) t.tokenType = tokenType(f.token_type);
  if (f.token_num_uses !== undefined) t.tokenNumUses = f.token_num_uses;
  if (t.tokenNumUses < 0) throw new BadRequestError("'token_num_uses' cannot be negative");
  if (f.token_ttl !== undefined) t.tokenTtl = f.token_ttl;
  if (t.tokenTtl > 0 && t.tokenMaxTtl > 0 && t.tokenTtl > t.tokenMaxTtl)
    throw new BadRequestError("'token_ttl' cannot be greater than 'token_max_ttl'");
  return t;
}

/** The token_type values; batch tokens from logins are not built in the lab (a refusal, not a silent service token). */
function tokenType(s: string): TokenParams['tokenType'] {
  switch (s) {
    case '':
    case 'default':
      return 'default';
    case 'service':
      return 'service';
    case 'batch':
      throw new BadRequestError("vaultlab: auth methods issue service tokens only; 'token_type' batch is not supported");
    default:
      throw new BadRequestError(`invalid 'token_type' value ${JSON.stringify(s)}`);
  }
}

/** PopulateTokenData: the token_* fields of a read, empty lists as [] (Go's sorted key order). */
export function tokenData(t: TokenParams): Record<string, unknown> {
  return {
    token_bound_cidrs: t.tokenBoundCidrs,
    token_explicit_max_ttl: t.tokenExplicitMaxTtl,
    token_max_ttl: t.tokenMaxTtl,
    token_no_default_policy: t.tokenNoDefaultPolicy,
    token_num_uses: t.tokenNumUses,
    token_period: t.tokenPeriod,
    token_policies: t.tokenPolicies,
    token_ttl: t.tokenTtl,
    token_type: t.tokenType,
  };
}

/** The deprecated names a write may still use, mapped to their token_* field. */
export type Legacy = Partial<Record<'policies' | 'ttl' | 'max_ttl' | 'bound_cidrs' | 'period', string[] | number>>;

const LEGACY_TARGET = {
  policies: 'tokenPolicies',
  ttl: 'tokenTtl',
  max_ttl: 'tokenMaxTtl',
  bound_cidrs: 'tokenBoundCidrs',
  period: 'tokenPeriod',
} as const;

const LEGACY_SCHEMA = {
  policies: 'commaStringSlice',
  ttl: 'durationSecond',
  max_ttl: 'durationSecond',
  bound_cidrs: 'commaStringSlice',
  period: 'durationSecond',
} as const;

/**
 * tokenutil.UpgradeValue for each deprecated name the method accepts: the old name alone sets
 * both; the new name alone clears the old; both keep the new value under both names.
 */
export function upgradeLegacy(
  data: Record<string, unknown>,
  names: readonly (keyof typeof LEGACY_TARGET)[],
  t: TokenParams,
  legacy: Legacy,
): void {
  const f: Fields<typeof LEGACY_SCHEMA> = fieldData(data, LEGACY_SCHEMA);
  for (const old of names) {
    const target = LEGACY_TARGET[old];
    if (data[`token_${old}`] === undefined) {
      const v = f[old];
      if (v === undefined) continue;
      const value =
        old === 'policies' ? (v as string[]).map((p) => p.toLowerCase()) : old === 'bound_cidrs' ? parseAddrs(v as string[]) : v;
      legacy[old] = value;
      (t as unknown as Record<string, unknown>)[target] = value;
    } else if (f[old] !== undefined) legacy[old] = t[target];
    else delete legacy[old];
  }
}

/** The deprecated fields of a read, shown only while set (as userpass and approle do). */
export function legacyData(t: TokenParams, legacy: Legacy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (legacy.ttl) out.ttl = legacy.ttl;
  if (legacy.max_ttl) out.max_ttl = legacy.max_ttl;
  if (legacy.period) out.period = legacy.period;
  if (Array.isArray(legacy.policies) && legacy.policies.length) out.policies = t.tokenPolicies;
  if (Array.isArray(legacy.bound_cidrs) && legacy.bound_cidrs.length) out.bound_cidrs = legacy.bound_cidrs;
  return out;
}
