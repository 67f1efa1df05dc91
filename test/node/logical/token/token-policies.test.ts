/** The token store's policy rules as a table: who may grant what, through which path. */
import { describe, expect, it } from 'vitest';
import { chooseTokenPolicies, sanitizePolicies, type PolicyRequest } from '../../../../src/node/logical/token/token-policies.ts';

const role = (allowed: string[] = [], disallowed: string[] = []) => ({ allowedPolicies: allowed, disallowedPolicies: disallowed });
const base: PolicyRequest = { parent: ['default', 'minter'], requested: [], noDefaultPolicy: false, sudo: false };

describe('chooseTokenPolicies', () => {
  const granted: Array<[string, Partial<PolicyRequest>, string[]]> = [
    ["inherits the parent's set", {}, ['default', 'minter']],
    ["a subset of the parent's", { requested: ['minter'] }, ['default', 'minter']],
    ['no default when asked', { requested: ['minter'], noDefaultPolicy: true }, ['minter']],
    ['sudo may grant policies it lacks', { requested: ['admin'], sudo: true }, ['admin', 'default']],
    ['root parent grants root', { parent: ['root'], requested: ['root'], sudo: true }, ['root']],
    ['root swallows the rest, as SanitizePolicies does', { parent: ['root'], requested: ['root', 'x'], sudo: true }, ['root']],
    ['a role with no bounds: inherit', { role: role() }, ['default', 'minter']],
    ['a role with no bounds: a subset', { role: role(), requested: ['minter'] }, ['default', 'minter']],
    ["a role's allowed set by default", { role: role(['web', 'db']) }, ['db', 'default', 'web']],
    ['a role may grant what its caller lacks', { role: role(['web']), requested: ['web'] }, ['default', 'web']],
    ['a role that disallows default', { role: role(['web'], ['default']), requested: ['web'] }, ['web']],
    ['a root caller through a role with root allowed', { parent: ['root'], sudo: true, role: role(['root']) }, ['root']],
  ];
  it.each(granted)('%s', (_name, over, want) => {
    expect(chooseTokenPolicies({ ...base, ...over })).toEqual(want);
  });

  const refused: Array<[string, Partial<PolicyRequest>, string]> = [
    ['root through a role with no bounds', { role: role(), requested: ['root'] }, 'child policies must be subset of parent'],
    [
      'root through a role with no bounds, even with sudo',
      { role: role(), requested: ['root'], sudo: true },
      'root tokens may not be created without parent token being root',
    ],
    [
      'a policy the caller lacks through a role with no bounds',
      { role: role(), requested: ['admin'] },
      'child policies must be subset of parent',
    ],
    ['root with sudo but not root', { requested: ['root'], sudo: true }, 'root tokens may not be created without parent token being root'],
    ['root through a role that allows it', { role: role(['root']) }, 'root tokens may not be created without parent token being root'],
    [
      'root asked of a role that allows it',
      { role: role(['root', 'web']), requested: ['root'] },
      'root tokens may not be created without parent token being root',
    ],
    ['more than the parent holds', { requested: ['admin'] }, 'child policies must be subset of parent'],
    [
      "outside the role's allowed set",
      { role: role(['web']), requested: ['admin'] },
      'token policies (["admin" "default"]) must be subset of the role\'s allowed policies (["default" "web"])',
    ],
    ['a disallowed policy', { role: role([], ['minter']) }, 'token policy "minter" is disallowed by this role'],
    ['an internal policy', { requested: ['response-wrapping'], sudo: true }, 'cannot assign policy "response-wrapping"'],
  ];
  it.each(refused)('refuses %s', (_name, over, message) => {
    expect(() => chooseTokenPolicies({ ...base, ...over })).toThrow(message);
  });
});

describe('sanitizePolicies', () => {
  it('trims, lower-cases, removes duplicates and empties, sorts', () => {
    expect(sanitizePolicies([' Web', 'web', '', 'db'], false)).toEqual(['db', 'web']);
    expect(sanitizePolicies(['web'], true)).toEqual(['default', 'web']);
  });
});
