/**
 * An ACL compiled from a token's policies (`vault/acl.go`). Rules with the same pattern
 * are merged (union; `deny` anywhere wins). A request path takes its exact rule if there
 * is one (for list also the path without its trailing '/'); otherwise the best of the
 * longest-prefix glob and every matching `+` rule, by Vault's priority rules. Only that
 * one rule counts; no rule means deny. Everything is precomputed: evaluating a path
 * parses nothing.
 */
import type { Operation } from '../request.ts';
import type { Capability, Policy } from './policy.ts';

interface CompiledRule {
  pattern: string;
  caps: Set<Capability>;
  /** Ends in '*': matches by prefix. */
  isPrefix: boolean;
  /** The pattern without its trailing '*'. */
  stem: string;
  /** Segments of the stem, for '+' rules. */
  parts: string[];
  plusCount: number;
  /** Index of the first '+' or '*' (for priority rule 1). */
  firstWildcard: number;
}

/** The outcome of a check. */
export interface Decision {
  allowed: boolean;
  capabilities: string[];
  sudo: boolean;
  root: boolean;
}

function compileRule(pattern: string, caps: Set<Capability>): CompiledRule {
  const isPrefix = pattern.endsWith('*');
  const stem = isPrefix ? pattern.slice(0, -1) : pattern;
  const parts = stem.split('/');
  const plus = pattern.indexOf('+');
  const star = isPrefix ? pattern.length - 1 : -1;
  const firstWildcard = [plus, star].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), Infinity);
  return { pattern, caps, isPrefix, stem, parts, plusCount: parts.filter((p) => p === '+').length, firstWildcard };
}

/** True when `a` has higher priority than `b` (Vault's five rules, from policies.mdx). */
export function outranks(a: { pattern: string; isPrefix: boolean; plusCount: number; firstWildcard: number }, b: typeof a): boolean {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard > b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return !a.isPrefix;
  if (a.plusCount !== b.plusCount) return a.plusCount < b.plusCount;
  if (a.pattern.length !== b.pattern.length) return a.pattern.length > b.pattern.length;
  return a.pattern > b.pattern;
}

function segmentMatch(r: CompiledRule, pathParts: string[]): boolean {
  if (r.isPrefix ? pathParts.length < r.parts.length : pathParts.length !== r.parts.length) return false;
  for (let i = 0; i < r.parts.length; i++) {
    const part = r.parts[i];
    if (part === '+') continue;
    if (r.isPrefix && i === r.parts.length - 1) {
      if (!pathParts[i].startsWith(part)) return false;
    } else if (part !== pathParts[i]) return false;
  }
  return true;
}

const CAP_FOR_OP: Record<Operation, Capability> = {
  read: 'read',
  list: 'list',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
};

/** A compiled ACL. */
export class Acl {
  private readonly exact = new Map<string, CompiledRule>();
  /** Plain globs, longest stem first, so the first hit is the longest prefix. */
  private readonly prefixes: CompiledRule[] = [];
  private readonly plusRules: CompiledRule[] = [];
  readonly root: boolean;

  constructor(policies: Policy[]) {
    this.root = policies.some((p) => p.root);
    const merged = new Map<string, Set<Capability>>();
    for (const p of policies) {
      for (const r of p.rules) {
        const caps = merged.get(r.path) ?? new Set<Capability>();
        r.capabilities.forEach((c) => caps.add(c));
        merged.set(r.path, caps);
      }
    }
    for (const [pattern, caps] of merged) {
      const rule = compileRule(pattern, caps.has('deny') ? new Set<Capability>(['deny']) : caps);
      if (rule.plusCount > 0) this.plusRules.push(rule);
      else if (rule.isPrefix) this.prefixes.push(rule);
      else this.exact.set(pattern, rule);
    }
    this.prefixes.sort((a, b) => b.stem.length - a.stem.length);
  }

  /** The one rule that governs `path` for `op`, or undefined. */
  private ruleFor(path: string, op: Operation | undefined): CompiledRule | undefined {
    const exact = this.exact.get(path) ?? (op === 'list' && path.endsWith('/') ? this.exact.get(path.slice(0, -1)) : undefined);
    if (exact) return exact;
    let best: CompiledRule | undefined = this.prefixes.find((r) => path.startsWith(r.stem));
    if (this.plusRules.length) {
      const parts = path.split('/');
      for (const r of this.plusRules) if (segmentMatch(r, parts) && (!best || outranks(r, best))) best = r;
    }
    return best;
  }

  /** The sorted capabilities on `path`: ['root'] for root, ['deny'] when nothing matches. */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const rule = this.ruleFor(path, undefined);
    if (!rule || rule.caps.size === 0) return ['deny'];
    return [...rule.caps].sort();
  }

  /** Whether `op` on `path` is allowed (sudo is reported, not demanded: see authorize). */
  evaluate(op: Operation, path: string): Decision {
    if (this.root) return { allowed: true, capabilities: ['root'], sudo: true, root: true };
    const rule = this.ruleFor(path, op);
    const caps = rule ? [...rule.caps].sort() : [];
    if (!rule || rule.caps.has('deny')) return { allowed: false, capabilities: caps.length ? caps : ['deny'], sudo: false, root: false };
    return { allowed: rule.caps.has(CAP_FOR_OP[op]), capabilities: caps, sudo: rule.caps.has('sudo'), root: false };
  }
}

/** Compiles the policies of one token. */
export function compileAcl(policies: Policy[]): Acl {
  return new Acl(policies);
}
