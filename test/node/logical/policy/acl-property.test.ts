/**
 * T10: the ACL engine against a reference evaluator written straight from Vault's
 * documented rules (policies.mdx), on 2,000+ random (policy set, request) pairs.
 * The reference walks every rule for every request; the engine uses precomputed maps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, compileAcl, parsePolicy, type Policy } from '../../../../src/node/logical/policy/index.ts';
import type { Operation } from '../../../../src/node/logical/request.ts';

type Rule = { path: string; caps: string[] };

/** Does a policy path pattern match a request path? (docs: '*' prefix glob at the end, '+' one whole segment) */
function refMatches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const stem = glob ? pattern.slice(0, -1) : pattern;
  if (!stem.includes('+')) return glob ? path.startsWith(stem) : path === stem;
  const ps = stem.split('/');
  const xs = path.split('/');
  if (glob ? xs.length < ps.length : xs.length !== ps.length) return false;
  return ps.every((p, i) => p === '+' || (glob && i === ps.length - 1 ? xs[i].startsWith(p) : p === xs[i]));
}

/** The five documented priority rules: true when a is LOWER priority than b. */
function refLower(a: string, b: string): boolean {
  const first = (p: string) => {
    const idx = [...p].findIndex((c) => c === '+' || c === '*');
    return idx < 0 ? Infinity : idx;
  };
  if (first(a) !== first(b)) return first(a) < first(b);
  if (a.endsWith('*') !== b.endsWith('*')) return a.endsWith('*');
  const plus = (p: string) => p.split('/').filter((s) => s === '+').length;
  if (plus(a) !== plus(b)) return plus(a) > plus(b);
  if (a.length !== b.length) return a.length < b.length;
  return a < b;
}

/** Reference: merge same patterns, exact match first (list also without trailing '/'), else the highest-priority match. */
function refAllowed(rules: Rule[], op: Operation, path: string): boolean {
  const merged = new Map<string, Set<string>>();
  for (const r of rules) {
    const s = merged.get(r.path) ?? new Set();
    r.caps.forEach((c) => s.add(c));
    merged.set(r.path, s);
  }
  const isWild = (p: string) => p.includes('+') || p.endsWith('*');
  let caps = merged.get(path);
  if (!caps && op === 'list' && path.endsWith('/')) {
    const bare = merged.get(path.slice(0, -1));
    if (bare && !isWild(path.slice(0, -1))) caps = bare;
  }
  if (caps && isWild(path)) caps = undefined;
  if (!caps) {
    let best: string | undefined;
    for (const p of merged.keys()) {
      if (!isWild(p) || !refMatches(p, path)) continue;
      if (!best || refLower(best, p)) best = p;
    }
    caps = best ? merged.get(best) : undefined;
  }
  if (!caps || caps.has('deny')) return false;
  return caps.has(op);
}

const seg = fc.constantFrom('secret', 'app', 'x');
const pattern = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: seg }, { weight: 1, arbitrary: fc.constant('+') }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', '*', '/*', 'a*'),
  )
  .map(([parts, tail]) => `${parts.join('/')}${tail}`)
  .filter((p) => !p.includes('+*'));
const caps = fc.subarray(['read', 'list', 'create', 'update', 'delete', 'patch', 'deny'], { minLength: 1 });
const rule = fc.record({ path: pattern, caps });
const policySet = fc.array(fc.array(rule, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 3 });
const requestPath = fc
  .array(fc.oneof(seg, fc.constant('app2')), { minLength: 1, maxLength: 4 })
  .chain((parts) => fc.constantFrom(parts.join('/'), `${parts.join('/')}/`));
const operation = fc.constantFrom<Operation>('read', 'list', 'create', 'update', 'delete', 'patch');

function toPolicies(sets: Rule[][]): Policy[] {
  return sets.map((rules, i) =>
    parsePolicy(`p${i}`, rules.map((r) => `path "${r.path}" { capabilities = ${JSON.stringify(r.caps)} }`).join('\n')),
  );
}

describe('the ACL engine against the documented rules', () => {
  it('agrees with the reference evaluator on 2,500 random cases', () => {
    let allowedCount = 0;
    fc.assert(
      fc.property(policySet, requestPath, operation, (sets, path, op) => {
        const want = refAllowed(sets.flat(), op, path);
        const got = compileAcl(toPolicies(sets)).evaluate(op, path).allowed;
        if (want) allowedCount++;
        expect(got).toBe(want);
      }),
      { numRuns: 2500 },
    );
    // The generators must exercise both answers, or the comparison proves little.
    expect(allowedCount).toBeGreaterThan(100);
  });

  it('never grants more when a deny rule is added', () => {
    fc.assert(
      fc.property(policySet, requestPath, operation, pattern, (sets, path, op, denyPath) => {
        const before = compileAcl(toPolicies(sets)).evaluate(op, path).allowed;
        const after = compileAcl(toPolicies([...sets, [{ path: denyPath, caps: ['deny'] }]])).evaluate(op, path).allowed;
        expect(!before && after).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('denies everything with an empty policy set or an empty policy', () => {
    fc.assert(
      fc.property(requestPath, operation, (path, op) => {
        expect(compileAcl([]).evaluate(op, path).allowed).toBe(false);
        expect(compileAcl([parsePolicy('empty', '')]).evaluate(op, path).allowed).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fixed cases', () => {
  const acl = compileAcl([
    parsePolicy(
      'a',
      `
      path "secret/*" { capabilities = ["read", "list"] }
      path "secret/super-secret" { capabilities = ["deny"] }
      path "secret/+/teamb" { capabilities = ["update"] }
      path "sys/seal" { capabilities = ["update", "sudo"] }
      path "sys/step-down" { capabilities = ["update"] }
      path "secret/restricted" { capabilities = ["create"] }
    `,
    ),
    parsePolicy('b', 'path "secret/restricted" { capabilities = ["read"] }'),
  ]);
  it.each([
    ['read', 'secret/foo', true],
    ['update', 'secret/foo', false],
    ['read', 'secret/super-secret', false],
    ['update', 'secret/x/teamb', true],
    ['read', 'secret/x/teamb', false],
    ['read', 'secret/restricted', true],
    ['create', 'secret/restricted', true],
    ['update', 'sys/seal', true],
    ['update', 'sys/step-down', false],
    ['read', 'other/x', false],
  ] as const)('%s %s → %s (sudo required on root-protected paths)', (op, path, allowed) => {
    expect(authorize(acl, op, path).allowed).toBe(allowed);
  });
  it('lets deny win over sudo and root capability lists report root', () => {
    const both = compileAcl([
      parsePolicy('x', 'path "sys/seal" { capabilities = ["sudo", "update"] }'),
      parsePolicy('y', 'path "sys/seal" { capabilities = ["deny"] }'),
    ]);
    expect(authorize(both, 'update', 'sys/seal').allowed).toBe(false);
    expect(compileAcl([parsePolicy('root', '')]).capabilities('anything')).toEqual(['root']);
  });
  it.each([
    ['path "x" { capabilities = ["fly"] }', 'path "x": invalid capability "fly"'],
    ['path "x" { policy = "maybe" }', 'path "x": invalid policy "maybe"'],
    ['path "x*y" { capabilities = ["read"] }', /invalid use of globs/],
    ['path "x/+*" { capabilities = ["read"] }', /invalid use of wildcards/],
    ['path "x" { capabilities = ["read"] bogus = 1 }', 'path "x": invalid key "bogus"'],
    ['path "x" { capabilities = ["read"] ', /line 1/],
  ])('refuses %j', (text, message) => {
    expect(() => parsePolicy('p', text)).toThrow(message);
  });
  it('maps legacy policy values and accepts JSON and base64 forms', () => {
    const legacy = compileAcl([parsePolicy('l', 'path "secret/*" { policy = "write" }')]);
    expect(legacy.capabilities('secret/a')).toEqual(['create', 'delete', 'list', 'read', 'update']);
    const json = compileAcl([parsePolicy('j', '{"path":{"secret/*":{"capabilities":["read"]}}}')]);
    expect(json.capabilities('secret/a')).toEqual(['read']);
    const b64 = compileAcl([parsePolicy('b', Buffer.from('path "k/*" { capabilities = ["list"] }').toString('base64'))]);
    expect(b64.capabilities('k/z')).toEqual(['list']);
  });
});
