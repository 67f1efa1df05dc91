/**
 * Which type of token a creation makes (Vault's handleCreateCommon): the body's `type`,
 * within the role's `token_type`, and the fields a batch token refuses.
 */
import { BadRequestError } from '../../errors.ts';
import { durationSeconds } from './token-params.ts';

/** A role's `token_type` as stored and read back (Vault's values; a new role has default-service). */
export type RoleTokenType = 'service' | 'batch' | 'default-service' | 'default-batch';

export const ROLE_TOKEN_TYPES: readonly RoleTokenType[] = ['service', 'batch', 'default-service', 'default-batch'];

/** The type of the token to create: a role that names one outright overrides the body; a default-* role only fills a blank. */
export function chooseTokenType(body: Record<string, unknown>, roleType: RoleTokenType | undefined): 'service' | 'batch' {
  let asked = body.type === undefined || body.type === null ? '' : String(body.type);
  if (roleType === 'service' || roleType === 'batch') asked = roleType;
  else if (roleType === 'default-batch' && asked === '') asked = 'batch';
  if (asked === '' || asked === 'service') return 'service';
  if (asked !== 'batch') throw new BadRequestError("invalid 'token_type' value");
  refuseBatchFields(body);
  return 'batch';
}

/**
 * Vault checks these in one Go switch: the first field that is set is the only one judged
 * (so an explicit_max_ttl of "0" lets num_uses through, which a batch token then drops).
 */
function refuseBatchFields(body: Record<string, unknown>): void {
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  let bad = '';
  if (given(body.explicit_max_ttl)) {
    if (parsed(body.explicit_max_ttl, 'explicit_max_ttl')) bad = 'explicit_max_ttl';
  } else if (given(body.num_uses) && Number(body.num_uses) !== 0) {
    bad = 'num_uses';
  } else if (given(body.period)) {
    if (parsed(body.period, 'period')) bad = 'period';
  }
  if (bad) throw new BadRequestError(`batch tokens cannot have "${bad}" set`);
}

function parsed(v: unknown, field: string): number {
  try {
    return durationSeconds(v, field);
  } catch {
    throw new BadRequestError(`"${field}" value could not be parsed`);
  }
}
