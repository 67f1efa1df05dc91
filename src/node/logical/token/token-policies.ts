/**
 * Which policies a new token gets, by the token store's rules (Vault's handleCreateCommon).
 * This is where authority is handed out, so every creation path (create, create-orphan,
 * create/<role>) comes through one pure function: a role that names allowed or disallowed
 * policies sets its own bounds; otherwise a caller without sudo may only pass on policies
 * it holds; and whatever the path, `root` is granted only by a root parent.
 */
import { BadRequestError } from '../../errors.ts';

/** The policy bounds of a token role. */
export interface RolePolicies {
  allowedPolicies: string[];
  disallowedPolicies: string[];
}

/** What the choice depends on. */
export interface PolicyRequest {
  /** The creating (parent) token's policies. */
  parent: string[];
  /** Policies asked for in the body (already trimmed and lower-cased); empty = inherit. */
  requested: string[];
  /** The role of create/<role>, if any. */
  role?: RolePolicies;
  noDefaultPolicy: boolean;
  /** Root, or sudo on the creation path. */
  sudo: boolean;
}

/** Policies no token may carry (Vault's nonAssignablePolicies). */
const NON_ASSIGNABLE = ['response-wrapping', 'control-group'];

/** Vault's SanitizePolicies: unique, non-empty, sorted; `default` added when asked; root alone when present. */
export function sanitizePolicies(policies: string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter(Boolean));
  if (set.has('root')) return ['root'];
  if (addDefault) set.add('default');
  return [...set].sort();
}

/** Go's %q of a []string: ["a" "b"]. */
function quoted(list: string[]): string {
  return `[${list.map((p) => JSON.stringify(p)).join(' ')}]`;
}

function isSubset(of: string[], list: string[]): boolean {
  return list.every((p) => of.includes(p));
}

/** A role's allowed/disallowed rules: they replace the parent-subset rule (a role may grant what its caller lacks). */
function rolePolicies(req: PolicyRequest, role: RolePolicies): string[] {
  const addDefault = !req.noDefaultPolicy && !role.disallowedPolicies.includes('default');
  let chosen = req.requested.length ? sanitizePolicies(req.requested, addDefault) : [];
  if (role.allowedPolicies.length) {
    const allowed = sanitizePolicies(role.allowedPolicies, addDefault);
    if (!chosen.length) chosen = allowed;
    else if (!isSubset(allowed, chosen)) {
      throw new BadRequestError(`token policies (${quoted(chosen)}) must be subset of the role's allowed policies (${quoted(allowed)})`);
    }
  } else if (!chosen.length) {
    chosen = sanitizePolicies(req.parent, addDefault);
  }
  for (const p of chosen) {
    if (role.disallowedPolicies.includes(p)) throw new BadRequestError(`token policy ${JSON.stringify(p)} is disallowed by this role`);
  }
  return chosen;
}

/** The new token's policies, or a 400 in Vault's words when the caller may not grant them. */
export function chooseTokenPolicies(req: PolicyRequest): string[] {
  const { role } = req;
  let chosen: string[];
  let addDefault = false;
  if (role && (role.allowedPolicies.length || role.disallowedPolicies.length)) {
    chosen = rolePolicies(req, role);
  } else if (!req.requested.length) {
    // Inherit the parent's set; `default` only if the parent has it.
    chosen = sanitizePolicies(req.parent, false);
  } else if (!req.sudo) {
    if (!isSubset(sanitizePolicies(req.parent, false), sanitizePolicies(req.requested, false))) {
      throw new BadRequestError('child policies must be subset of parent');
    }
    chosen = req.requested;
    addDefault = !req.noDefaultPolicy && req.parent.includes('default');
  } else {
    chosen = req.requested;
    addDefault = !req.noDefaultPolicy;
  }
  let policies = sanitizePolicies(chosen, addDefault);
  if (req.noDefaultPolicy) policies = policies.filter((p) => p !== 'default');
  const internal = policies.find((p) => NON_ASSIGNABLE.includes(p));
  if (internal) throw new BadRequestError(`cannot assign policy ${JSON.stringify(internal)}`);
  // Sudo on a creation path is not root: only a root parent makes a root token.
  if (policies.includes('root') && !req.parent.includes('root')) {
    throw new BadRequestError('root tokens may not be created without parent token being root');
  }
  return policies;
}
