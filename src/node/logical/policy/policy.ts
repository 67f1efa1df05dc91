/**
 * Policy text (HCL or JSON, optionally base64) → a list of path rules, with Vault's
 * validation (`vault/policy.go`): allowed keys, capability names, the legacy `policy`
 * shorthand, and where `*` and `+` may stand.
 */
import { parseHclRaw } from '../../../hcl/index.ts';

/** The capabilities Vault knows. */
export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'recover'] as const;
/** One capability. */
export type Capability = (typeof CAPABILITIES)[number];

/** One `path "..." { ... }` block. */
export interface PathRule {
  /** The pattern as written, without a leading '/'. */
  path: string;
  capabilities: Set<Capability>;
}

/** A parsed policy. */
export interface Policy {
  name: string;
  raw: string;
  rules: PathRule[];
  /** The built-in root policy: everything, sudo included. */
  root?: boolean;
}

/** A policy Vault would refuse; the message is what follows `failed to parse policy: `. */
export class PolicyParseError extends Error {
  readonly code = 'POLICY_PARSE';
}

const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};
const PATH_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
]);

/** Vault also accepts the policy text base64-encoded. */
function maybeBase64(text: string): string {
  const t = text.trim();
  if (!t || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(t)) return text;
  const decoded = Buffer.from(t, 'base64').toString('utf8');
  return /path|\{/.test(decoded) && !decoded.includes('\uFFFD') ? decoded : text;
}

/**
 * Parsed policy texts by text. The HCL parser costs milliseconds per call, and the same few
 * texts come back all the time: the default policy at every initialisation, every policy of a
 * token's set at every ACL rebuild. Bounded, oldest first out, so stored policies cannot grow it.
 */
const parsed = new Map<string, { raw: string; rules: PathRule[] }>();
const PARSED_LIMIT = 256;

/** Parses and validates a policy. The `root` policy is built in and has no text. */
export function parsePolicy(name: string, text: string): Policy {
  if (name === 'root') return { name, raw: '', rules: [], root: true };
  let known = parsed.get(text);
  if (!known) {
    known = parseText(text);
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, known);
  }
  // Copies: a caller may change its policy's rules without changing another caller's.
  return { name, raw: known.raw, rules: known.rules.map((r) => ({ path: r.path, capabilities: new Set(r.capabilities) })) };
}

function parseText(text: string): { raw: string; rules: PathRule[] } {
  const raw = maybeBase64(text);
  let tree: Record<string, unknown>;
  try {
    tree = parseHclRaw(raw);
  } catch (err) {
    throw new PolicyParseError((err as Error).message);
  }
  for (const key of Object.keys(tree)) {
    if (key !== 'name' && key !== 'path') throw new PolicyParseError(`invalid key "${key}" on line 1`);
  }
  const rules: PathRule[] = [];
  for (const [pattern, body] of pathBlocks(tree.path)) rules.push(parseRule(pattern, body));
  return { raw, rules };
}

/** `path` as HCL gives it ([{p: [{...}]}, ...]) or as JSON gives it ({p: {...}}), as [pattern, body] pairs. */
function pathBlocks(v: unknown): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (x === null || typeof x !== 'object') {
      if (x !== undefined) throw new PolicyParseError('path must be a block');
      return;
    }
    for (const [pattern, body] of Object.entries(x)) {
      for (const b of Array.isArray(body) ? body : [body]) {
        if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new PolicyParseError(`path "${pattern}": must be a block`);
        out.push([pattern, b as Record<string, unknown>]);
      }
    }
  };
  visit(v);
  return out;
}

function parseRule(written: string, body: Record<string, unknown>): PathRule {
  const path = written.replace(/^\/+/, '');
  if (path.includes('+*')) throw new PolicyParseError(`path "${written}": invalid use of wildcards ('+*' is forbidden)`);
  if (path.indexOf('*') !== -1 && path.indexOf('*') !== path.length - 1)
    throw new PolicyParseError(`path "${written}": invalid use of globs (only a trailing '*' is allowed)`);
  for (const key of Object.keys(body)) {
    if (!PATH_KEYS.has(key)) throw new PolicyParseError(`path "${written}": invalid key "${key}"`);
  }
  const caps = new Set<Capability>();
  if (body.policy !== undefined) {
    const legacy = LEGACY[String(body.policy)];
    if (!legacy) throw new PolicyParseError(`path "${written}": invalid policy "${String(body.policy)}"`);
    legacy.forEach((c) => caps.add(c));
  }
  if (body.capabilities !== undefined) {
    if (!Array.isArray(body.capabilities)) throw new PolicyParseError(`path "${written}": capabilities must be a list`);
    for (const c of body.capabilities) {
      if (!(CAPABILITIES as readonly unknown[]).includes(c))
        throw new PolicyParseError(`path "${written}": invalid capability "${String(c)}"`);
      caps.add(c as Capability);
    }
  }
  if (caps.has('deny')) return { path, capabilities: new Set(['deny']) };
  return { path, capabilities: caps };
}
